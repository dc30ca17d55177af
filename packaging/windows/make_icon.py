"""Render resources/icons/hems-desktop.svg into the .ico (Windows) and .icns (macOS) the builds need."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs an application to render
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "hems-desktop.svg"))
    for target, fmt in ((ROOT / "packaging" / "windows" / "hems-desktop.ico", "ICO"),
                        (ROOT / "packaging" / "macos" / "hems-desktop.icns", "ICNS")):
        image = QImage(256, 256, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        if not image.save(str(target), fmt):
            # Qt's ICNS writer ships with the imageformats plugin; fall back to PNG next to it.
            image.save(str(target.with_suffix(".png")), "PNG")
            print(f"could not write {target.name}; wrote {target.with_suffix('.png').name}")
        else:
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
