"""Render resources/icons/hems-desktop.svg into a multi-size .ico (Windows) and a full .icns (macOS).

Qt renders the SVG at each size; the containers are written here, because Qt's ICO and ICNS writers store
a single image (Explorer and Finder then scale one bitmap to every size, blurry at 16 px):
- .ico: 16, 20, 24, 32, 40, 48 and 64 px as 32-bit BMP entries (what every Windows shell reads for small
  icons), 128 and 256 px as PNG entries (Vista and later; 256 is the largest an ICO entry holds);
- .icns: PNG entries icp4..ic10 plus the @2x types, 16 to 1024 px, so no `iconutil`/`sips` is needed and
  the same file is built and checked on Linux.
Usage: python packaging/windows/make_icon.py [--out-dir DIR]   (default: packaging/windows and packaging/macos)
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SVG = ROOT / "resources" / "icons" / "hems-desktop.svg"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICO_PNG_FROM = 128  # entries this large are stored as PNG, smaller ones as BMP
# ICNS element types with PNG payloads and the pixel size of each.
ICNS_TYPES = {
    b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024,
    b"ic11": 32, b"ic12": 64, b"ic13": 256, b"ic14": 512,
}


def bmp_entry(size: int, bgra: bytes) -> bytes:
    """An ICO image in BMP form: BITMAPINFOHEADER, bottom-up BGRA rows, then the 1-bit AND mask."""
    if len(bgra) != size * size * 4:
        raise ValueError(f"expected {size * size * 4} bytes of BGRA for {size} px, got {len(bgra)}")
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)  # height counts the mask
    rows = b"".join(bgra[y * size * 4:(y + 1) * size * 4] for y in reversed(range(size)))
    mask_row = b"\x00" * (((size + 31) // 32) * 4)  # all visible: the alpha channel decides
    return header + rows + mask_row * size


def build_ico(images: list[tuple[int, bytes]]) -> bytes:
    """ICONDIR + ICONDIRENTRYs + image data; images are (size, BMP-entry or PNG bytes), sorted by size."""
    images = sorted(images)
    offset = 6 + 16 * len(images)
    directory, data = [struct.pack("<HHH", 0, 1, len(images))], []
    for size, payload in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        directory.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(payload), offset))
        data.append(payload)
        offset += len(payload)
    return b"".join(directory + data)


def parse_ico(blob: bytes) -> list[tuple[int, str]]:
    """(size, 'png' or 'bmp') of every entry; raises ValueError on a malformed file."""
    reserved, kind, count = struct.unpack_from("<HHH", blob, 0)
    if reserved != 0 or kind != 1:
        raise ValueError("not an ICO file")
    entries = []
    for i in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", blob, 6 + 16 * i)
        if offset + length > len(blob):
            raise ValueError(f"entry {i} runs past the end of the file")
        payload = blob[offset:offset + length]
        entries.append((width or 256, "png" if payload.startswith(b"\x89PNG") else "bmp"))
    return entries


def build_icns(pngs: dict[bytes, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def parse_icns(blob: bytes) -> list[bytes]:
    """Element types in an ICNS file; raises ValueError on a malformed file."""
    if blob[:4] != b"icns" or struct.unpack_from(">I", blob, 4)[0] != len(blob):
        raise ValueError("not an ICNS file (or its length field is wrong)")
    kinds, pos = [], 8
    while pos < len(blob):
        kind, length = blob[pos:pos + 4], struct.unpack_from(">I", blob, pos + 4)[0]
        if length < 8 or pos + length > len(blob):
            raise ValueError(f"bad ICNS element {kind!r}")
        kinds.append(kind)
        pos += length
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the app icon into .ico and .icns.")
    parser.add_argument("--out-dir", type=Path, help="write both files here instead of packaging/windows|macos")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs an application to render
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"could not read {SVG}", file=sys.stderr)
        return 1

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)  # non-premultiplied BGRA in memory
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image

    def png(size: int) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        render(size).save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
        return bytes(data.data())

    ico_path = (args.out_dir or ROOT / "packaging" / "windows") / "hems-desktop.ico"
    icns_path = (args.out_dir or ROOT / "packaging" / "macos") / "hems-desktop.icns"
    images = []
    for size in ICO_SIZES:
        if size >= ICO_PNG_FROM:
            images.append((size, png(size)))
        else:
            image = render(size)
            images.append((size, bmp_entry(size, bytes(image.constBits())[:size * size * 4])))
    ico = build_ico(images)
    icns = build_icns({kind: png(size) for kind, size in ICNS_TYPES.items()})
    for path, blob in ((ico_path, ico), (icns_path, icns)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        print(f"{path} ({len(blob) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
