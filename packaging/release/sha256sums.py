"""Write SHA256SUMS for release artifacts, in the format `sha256sum -c` reads.

Usage: python packaging/release/sha256sums.py DIR [--check]

Every regular file in DIR except SHA256SUMS itself is listed, sorted by name, as
"<hex digest>  <file name>" (two spaces: binary-safe text mode, what coreutils writes).
--check verifies an existing SHA256SUMS instead and exits 1 on any mismatch or missing file.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

SUMS_NAME = "SHA256SUMS"


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def artifacts(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.is_file() and p.name != SUMS_NAME), key=lambda p: p.name)


def render(folder: Path) -> str:
    files = artifacts(folder)
    if not files:
        raise ValueError(f"no artifacts in {folder}")
    return "".join(f"{digest(p)}  {p.name}\n" for p in files)


def verify(folder: Path) -> list[str]:
    """Problems with folder/SHA256SUMS: wrong digests, listed files missing, files not listed."""
    problems = []
    listed = set()
    for line in (folder / SUMS_NAME).read_text(encoding="utf-8").splitlines():
        expected, _, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: listed but missing")
        elif digest(path) != expected:
            problems.append(f"{name}: SHA-256 differs")
    problems += [f"{p.name}: not listed" for p in artifacts(folder) if p.name not in listed]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--check", action="store_true", help="verify an existing SHA256SUMS")
    args = parser.parse_args(argv)
    if args.check:
        problems = verify(args.folder)
        for problem in problems:
            print(f"sha256sums: {problem}", file=sys.stderr)
        return 1 if problems else 0
    text = render(args.folder)
    (args.folder / SUMS_NAME).write_text(text, encoding="utf-8", newline="\n")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
