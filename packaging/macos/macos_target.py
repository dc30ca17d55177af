"""Which macOS the bundle needs: LSMinimumSystemVersion from the wheels that are bundled, and a check of it.

The minimum is the highest `macosx_X_Y` of the bundled wheels' platform tags (their WHEEL files, for this
architecture) and of the Python build itself: a wheel tagged macosx_14_0_arm64 was built for macOS 14 and
may use its APIs, so the app cannot promise less. hems-desktop.spec calls `minimum_system_version` with the
distributions it bundles. `check` reads the LC_BUILD_VERSION / LC_VERSION_MIN_MACOSX load commands of every
Mach-O file in the built .app, the ground truth, and reports any that needs more than the plist says.

It also tells whether a universal2 build is possible: only when every bundled binary wheel is universal2.

    python packaging/macos/macos_target.py check "dist/pyinstaller/HEMS Desktop.app"
    python packaging/macos/macos_target.py universal2    # prints the wheels that block it
Runs anywhere (pure Python), so the Linux tests cover it.
"""

from __future__ import annotations

import argparse
import os
import plistlib
import re
import struct
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

Version = tuple[int, ...]
# The wheel platform-tag architectures that run on each CPU (packaging.tags' list for macOS).
ARCH_TAGS = {
    "arm64": {"arm64", "universal2"},
    "x86_64": {"x86_64", "intel", "fat64", "fat3", "universal2", "universal"},
}
MACOSX_TAG = re.compile(r"^macosx_(\d+)_(\d+)_(\w+)$")


def parse_version(text: str) -> Version:
    return tuple(int(part) for part in text.split("."))


def format_version(version: Version) -> str:
    return ".".join(str(v) for v in (*version, 0)[:max(2, len(version))])


def wheel_platforms(dist: metadata.Distribution) -> list[str]:
    """Platform parts of the distribution's wheel tags (`macosx_13_0_universal2`, `any`, ...)."""
    text = dist.read_text("WHEEL") or ""
    platforms = []
    for line in text.splitlines():
        if line.startswith("Tag:"):
            platforms += line.split(":", 1)[1].strip().split("-")[-1].split(".")
    return platforms


def tag_minimum(platforms: Iterable[str], arch: str) -> Version | None:
    """The lowest macOS any of these tags installs on for `arch`; None when none is a macOS tag for it."""
    found = []
    for platform in platforms:
        m = MACOSX_TAG.match(platform)
        if m and m.group(3) in ARCH_TAGS[arch]:
            found.append((int(m.group(1)), int(m.group(2))))
    return min(found) if found else None


def python_minimum() -> Version | None:
    """What the running Python was built for: sysconfig.get_platform() is e.g. macosx-11.0-arm64."""
    platform = sysconfig.get_platform()
    m = re.match(r"^macosx-(\d+)\.(\d+)-", platform)
    return (int(m.group(1)), int(m.group(2))) if m else None


def minimum_system_version(dists: Iterable[metadata.Distribution], arch: str,
                           python: Version | None = None, floor: Version = (11, 0)) -> tuple[str, list[str]]:
    """LSMinimumSystemVersion and the reasons (which wheel or build asks for it)."""
    best, reasons = floor, [f"floor {format_version(floor)}"]
    candidates: list[tuple[Version, str]] = []
    if python is not None:
        candidates.append((python, f"Python build {format_version(python)}"))
    for dist in dists:
        need = tag_minimum(wheel_platforms(dist), arch)
        if need is not None:
            candidates.append((need, f"{dist.metadata['Name']} {dist.version} wheel {format_version(need)}"))
    for need, why in candidates:
        if need > best:
            best, reasons = need, [why]
        elif need == best:
            reasons.append(why)
    return format_version(best), reasons


def universal2_blockers(dists: Iterable[metadata.Distribution]) -> list[str]:
    """Binary wheels with macOS tags but no universal2 one: each blocks a universal2 app."""
    blockers = []
    for dist in dists:
        platforms = [p for p in wheel_platforms(dist) if p.startswith("macosx_")]
        if platforms and not any(p.endswith("_universal2") for p in platforms):
            blockers.append(f"{dist.metadata['Name']} {dist.version} ({', '.join(platforms)})")
    return blockers


# ---- Mach-O ----

LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32
PLATFORM_MACOS = 1
CPU_NAMES = {0x01000007: "x86_64", 0x0100000C: "arm64"}
MACHO_MAGICS = (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf")


def _decode(packed: int) -> Version:
    return (packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF)


def _thin(data: bytes, offset: int) -> Iterator[tuple[str, Version]]:
    magic = data[offset:offset + 4]
    if magic not in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):  # 64- and 32-bit little-endian
        return
    cputype, _, _, ncmds, _ = struct.unpack_from("<iiiII", data, offset + 4)
    pos = offset + (32 if magic[0] == 0xCF else 28)
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, pos)
        if cmd == LC_BUILD_VERSION:
            platform, minos = struct.unpack_from("<II", data, pos + 8)
            if platform == PLATFORM_MACOS:
                yield CPU_NAMES.get(cputype & 0xFFFFFFFF, hex(cputype)), _decode(minos)
        elif cmd == LC_VERSION_MIN_MACOSX:
            (version,) = struct.unpack_from("<I", data, pos + 8)
            yield CPU_NAMES.get(cputype & 0xFFFFFFFF, hex(cputype)), _decode(version)
        if size < 8:
            break
        pos += size


def macho_minimums(data: bytes) -> list[tuple[str, Version]]:
    """(architecture, minimum macOS) of each slice of a Mach-O or universal file; [] for anything else."""
    if data[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):  # fat / fat64 header, big-endian
        (count,) = struct.unpack_from(">I", data, 4)
        if count > 16:  # 0xcafebabe is also a Java class file; those have a version number here
            return []
        wide = data[3] == 0xBF
        result = []
        for i in range(count):
            if wide:
                _, _, offset, _, _, _ = struct.unpack_from(">iiQQII", data, 8 + i * 32)
            else:
                _, _, offset, _, _ = struct.unpack_from(">iiIII", data, 8 + i * 20)
            result += list(_thin(data, offset))
        return result
    return list(_thin(data, 0))


def check(app: Path) -> list[str]:
    """Mach-O files in the .app that need a newer macOS than its LSMinimumSystemVersion."""
    with (app / "Contents" / "Info.plist").open("rb") as f:
        declared = parse_version(str(plistlib.load(f)["LSMinimumSystemVersion"]))
    problems = []
    for folder, _, names in os.walk(app):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            with path.open("rb") as f:
                if f.read(4) not in MACHO_MAGICS:
                    continue
            for arch, need in macho_minimums(path.read_bytes()):
                if need[:2] > declared[:2]:
                    problems.append(f"{path.relative_to(app)} ({arch}) needs macOS {format_version(need)}, "
                                    f"but LSMinimumSystemVersion is {format_version(declared)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="compare every Mach-O in an .app with its LSMinimumSystemVersion").add_argument(
        "app", type=Path)
    sub.add_parser("universal2", help="list the installed wheels that have no universal2 build")
    args = parser.parse_args(argv)
    if args.command == "check":
        problems = check(args.app)
        for problem in problems:
            print(f"macos_target: {problem}", file=sys.stderr)
        print(f"macos_target: {'FAIL' if problems else 'ok'}: every Mach-O file checked against Info.plist")
        return 1 if problems else 0
    for blocker in universal2_blockers(metadata.distributions()):
        print(blocker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
