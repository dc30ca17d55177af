"""The PySide6 desktop shell. The only package that imports Qt; data reaches widgets by signals."""
