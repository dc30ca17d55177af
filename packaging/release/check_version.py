"""Check that a release tag names the version the code carries.

Usage: python packaging/release/check_version.py [TAG]

With a tag (``v1.2.3``, or ``refs/tags/v1.2.3``) it exits 1 unless the tag is ``v`` + ``hems_desktop.__version__``.
Without one (pull requests) it only checks that the version is a valid PEP 440 release, so a bad version
is caught before anyone tags it. The version is read from the source file, not imported, so this runs
before any dependency is installed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# PEP 440 public versions without epochs or local parts: what we tag.
VERSION_RE = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def code_version(root: Path = ROOT) -> str:
    """`__version__` as written in hems_desktop/__init__.py."""
    tree = ast.parse((root / "hems_desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        names = [t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign) else []
        value = node.value if isinstance(node, ast.Assign) else None
        if "__version__" in names and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    raise ValueError("hems_desktop/__init__.py has no literal __version__ = '...'")


def tag_version(tag: str) -> str:
    """The version a tag names: refs/tags/v1.2.3 and v1.2.3 both give 1.2.3."""
    name = tag.removeprefix("refs/tags/")
    if not name.startswith("v"):
        raise ValueError(f"release tags start with 'v' (v1.2.3), not {name!r}")
    return name[1:]


def check(tag: str | None, version: str) -> list[str]:
    """Problems found; empty when the release may go ahead."""
    problems = []
    if not VERSION_RE.match(version):
        problems.append(f"hems_desktop.__version__ = {version!r} is not a PEP 440 release version")
    if tag:
        try:
            tagged = tag_version(tag)
        except ValueError as exc:
            problems.append(str(exc))
        else:
            if tagged != version:
                problems.append(f"tag {tag!r} says {tagged}, but hems_desktop.__version__ is {version}: "
                                f"bump __version__ or tag v{version}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    tag = args[0] if args else None
    version = code_version()
    problems = check(tag, version)
    for problem in problems:
        print(f"check_version: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_version: version {version}" + (f" matches tag {tag}" if tag else " (no tag to compare)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
