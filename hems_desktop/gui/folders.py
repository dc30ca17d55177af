"""Opening a folder in the file manager, and saying so when there is none (never a silent failure)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def _clean_environment() -> dict[str, str] | None:
    """PyInstaller's LD_LIBRARY_PATH breaks the system's file manager: give it the original one."""
    if not getattr(sys, "frozen", False) or "LD_LIBRARY_PATH" not in os.environ:
        return None
    previous = dict(os.environ)
    original = os.environ.get("LD_LIBRARY_PATH_ORIG")
    if original is None:
        del os.environ["LD_LIBRARY_PATH"]
    else:
        os.environ["LD_LIBRARY_PATH"] = original
    return previous


def open_folder(folder: Path) -> bool:
    """Create the folder if needed and open it; False when no file manager took it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    previous = _clean_environment()
    try:
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    finally:
        if previous is not None:
            os.environ.clear()
            os.environ.update(previous)
