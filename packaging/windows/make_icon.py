"""Render resources/icons/hems-desktop.svg into the .ico (Windows) and .icns (macOS) the builds need.

Qt writes both formats through its imageformats plugins (qico, qicns), which PySide6-Essentials ships.
Qt's ICNS writer stores a single image, so a 1024 px PNG is also written next to the .icns: on macOS,
packaging/macos/build.sh builds a full iconset from it with sips + iconutil (and uses that when the Qt
writer is missing). The PyInstaller spec builds without an icon when a file is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs an application to render
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "hems-desktop.svg"))
    if not renderer.isValid():
        print("could not read resources/icons/hems-desktop.svg", file=sys.stderr)
        return 1

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        return image

    writable = {bytes(f).decode().lower() for f in QImageWriter.supportedImageFormats()}
    macos = ROOT / "packaging" / "macos"
    render(1024).save(str(macos / "hems-desktop-1024.png"), "PNG")  # source for iconutil on macOS
    # 256 px is the largest size a Windows .ico entry holds.
    for target, fmt, size in ((ROOT / "packaging" / "windows" / "hems-desktop.ico", "ico", 256),
                              (macos / "hems-desktop.icns", "icns", 1024)):
        target.unlink(missing_ok=True)  # never leave a stale icon from an earlier run
        if fmt in writable and render(size).save(str(target), fmt.upper()):
            print(target)
        else:
            print(f"could not write {target.name} (no Qt '{fmt}' image writer); building without it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
