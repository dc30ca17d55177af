"""THIRD-PARTY-NOTICES.txt: every third-party package in the frozen bundle, with its license.

The list comes from what PyInstaller actually collected: hems-desktop.spec passes the source paths of
every module and binary it bundles, and each path is looked up in the installed distributions' RECORD
files (importlib.metadata). So a package is listed exactly when some file of it ships. License names
come from the metadata (License-Expression, License, classifiers) and license texts from the files the
wheel ships (License-File / LICENSE*, COPYING*, NOTICE*), else from packaging/licenses/<name>.txt.
A bundled package with no license text anywhere fails the build, so a new dependency cannot ship
without its notice.

Qt and PySide6 are LGPL-3.0: the file says that they are used, that they are unmodified shared libraries
the user may replace, where their source is, and carries the LGPL and GPL texts (LGPL-3.0 section 4).

Standalone use (lists the packages `hems-desktop[gui,cloud]` pulls in, for a look without a build):
    python packaging/release/notices.py [-o FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LICENSES = ROOT / "packaging" / "licenses"
# Ours: MIT, see LICENSE. Build tools never ship (PyInstaller's bootloader is listed on its own).
OWN = {"hems-desktop"}
LGPL_QT = {"pyside6-essentials", "pyside6", "shiboken6", "pyside6-addons"}
LICENSE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
HOMEPAGE = "https://github.com/hems-desktop/hems-desktop"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Component:
    name: str
    version: str
    license: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (title, text)


def file_index(dists: Iterable[metadata.Distribution] | None = None) -> dict[str, metadata.Distribution]:
    """Real path of every installed file -> the distribution whose RECORD lists it."""
    index: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions() if dists is None else dists:
        for f in dist.files or ():
            index.setdefault(os.path.realpath(str(dist.locate_file(f))), dist)
    return index


def bundled_distributions(paths: Iterable[str],
                          index: dict[str, metadata.Distribution] | None = None) -> list[metadata.Distribution]:
    """The distributions owning any of `paths` (source files PyInstaller collected), ours excluded."""
    index = file_index() if index is None else index
    found: dict[str, metadata.Distribution] = {}
    for path in paths:
        dist = index.get(os.path.realpath(path))
        if dist is not None and canonical(dist.metadata["Name"]) not in OWN:
            found.setdefault(canonical(dist.metadata["Name"]), dist)
    return sorted(found.values(), key=lambda d: canonical(d.metadata["Name"]))


def requirement_closure(requirement: str = "hems-desktop[gui,cloud]") -> list[metadata.Distribution]:
    """Installed distributions a requirement pulls in (markers evaluated here), the root excluded."""
    from packaging.requirements import Requirement  # the PyPA library (pip/pytest/PyInstaller bring it)

    seen: dict[str, metadata.Distribution] = {}
    todo = [(Requirement(requirement), True)]
    while todo:
        req, is_root = todo.pop()
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue
        key = canonical(req.name)
        if key in seen and not req.extras:
            continue
        if not is_root:
            seen[key] = dist
        for line in dist.requires or ():
            child = Requirement(line)
            environments = [{"extra": e} for e in req.extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(env) for env in environments):
                todo.append((child, False))
    return sorted(seen.values(), key=lambda d: canonical(d.metadata["Name"]))


def meta_field(dist: metadata.Distribution, name: str) -> str | None:
    """A metadata field or None: the stdlib returns None for a missing one, importlib_metadata raises KeyError."""
    try:
        value = dist.metadata[name]
    except KeyError:
        return None
    return None if value is None else str(value)


def license_name(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta_field(dist, "License-Expression")
    if expression:
        return expression
    text = (meta_field(dist, "License") or "").strip()
    if text and "\n" not in text and len(text) <= 120 and text.upper() != "UNKNOWN":
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or ()
                   if c.startswith("License ::") and c.count("::") >= 2]
    return " / ".join(classifiers) if classifiers else "see license text"


def license_texts(dist: metadata.Distribution, fallback_dir: Path = LICENSES) -> list[tuple[str, str]]:
    """License texts the distribution ships, else packaging/licenses/<name>.txt; [] when neither exists."""
    texts = []
    for f in dist.files or ():
        if ".dist-info" in f.parts[0] and LICENSE_FILE.match(f.name):
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                texts.append((str(Path(*f.parts[1:])), path.read_text(encoding="utf-8", errors="replace")))
    if not texts:
        fallback = fallback_dir / f"{canonical(dist.metadata['Name'])}.txt"
        if fallback.is_file():
            texts.append((fallback.name, fallback.read_text(encoding="utf-8")))
    return texts


def component(dist: metadata.Distribution, fallback_dir: Path = LICENSES) -> Component:
    name = dist.metadata["Name"]
    texts = [] if canonical(name) in LGPL_QT else license_texts(dist, fallback_dir)  # LGPL texts: own section
    return Component(name, dist.version, license_name(dist), texts)


def python_component() -> Component:
    """CPython itself (interpreter, standard library, the DLLs python.org ships); its LICENSE covers those."""
    version = sysconfig.get_python_version()
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",  # python.org, pyenv, setup-python builds
        Path(sys.base_prefix) / "LICENSE.txt",  # Windows
        Path(f"/usr/share/doc/libpython{version}-minimal/copyright"),  # Debian and Ubuntu's own Python
        Path(f"/usr/share/doc/python{version}/copyright"),
    ]
    texts = [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in candidates if p.is_file()][:1]
    if not texts:
        texts = [("LICENSE", "Python Software Foundation License Version 2: https://docs.python.org/3/license.html\n")]
    return Component("Python", f"{version} ({sys.version.split()[0]})", "PSF-2.0", texts)


def pyinstaller_component() -> Component | None:
    try:
        dist = metadata.distribution("pyinstaller")
    except metadata.PackageNotFoundError:
        return None
    return Component("PyInstaller bootloader", dist.version, "GPL-2.0-or-later WITH Bootloader-exception",
                     license_texts(dist))


def qt_version() -> str:
    try:
        from PySide6 import QtCore

        return str(QtCore.qVersion())
    except ImportError:
        return "unknown"


def qt_section(pyside: Component, qt: str) -> str:
    major_minor = ".".join(qt.split(".")[:2])
    return f"""\
Qt and Qt for Python (PySide6, shiboken6): GNU LGPL version 3
-------------------------------------------------------------
This program uses the Qt {qt} libraries and PySide6/shiboken6 {pyside.version}, covered by the GNU Lesser
General Public License version 3 (LGPL-3.0-only; also offered under GPL-2.0/GPL-3.0). Both license texts
are at the end of this file.
Copyright (C) The Qt Company Ltd. and other contributors.

- They are used unmodified, as the shared libraries published by the Qt Company in the PySide6 wheels on
  PyPI, and loaded at run time from separate files in the program folder: _internal/PySide6 (Windows,
  Linux) or HEMS Desktop.app/Contents/Frameworks/PySide6 (macOS). You may replace them with your own,
  interface-compatible build of the same Qt and PySide6 versions; the program will use it.
- Source code: Qt {qt} at https://download.qt.io/official_releases/qt/{major_minor}/{qt}/ and
  PySide6/shiboken6 {pyside.version} at https://download.qt.io/official_releases/QtForPython/ and
  https://code.qt.io/cgit/pyside/pyside-setup.git/ (tag v{pyside.version}). On request we send you the
  same source code, for at least three years after this release: ask at {HOMEPAGE}.
- Qt contains third-party code under its own licenses, listed at
  https://doc.qt.io/qt-6/licenses-used-in-qt.html; the ICU libraries that ship with it are covered below.
"""


def render(components: list[Component], app_version: str, qt: str, fallback_dir: Path = LICENSES) -> str:
    pyside = next((c for c in components if canonical(c.name) in LGPL_QT), None)
    width = max(len(c.name) for c in components) + 2
    vwidth = max(len(c.version) for c in components) + 2
    lines = [
        f"HEMS Desktop {app_version}: third-party software notices",
        "=" * 60,
        "",
        "HEMS Desktop itself is under the MIT license. This program bundles the components below,",
        "each under its own license; their license texts follow the list.",
        "",
        "Components",
        "----------",
        *(f"  {c.name:<{width}}{c.version:<{vwidth}}{c.license}" for c in components),
        "",
    ]
    if pyside is not None:
        lines.append(qt_section(pyside, qt))
    lines += ["License texts", "-------------", ""]
    first_with: dict[str, str] = {}  # the same Apache-2.0 text ships in a dozen wheels: print it once
    for c in components:
        for title, text in c.texts:
            heading = f"=== {c.name} {c.version}: {title}"
            key = " ".join(text.split())
            if key in first_with:
                lines += [heading, f"(the same text as {first_with[key]} above)", "", ""]
            else:
                first_with[key] = f"{c.name} {title}"
                lines += [heading, "", text.rstrip(), "", ""]
    if pyside is not None:
        for name in ("ICU.txt", "LGPL-3.0.txt", "GPL-3.0.txt"):
            lines += [f"=== Qt / PySide6: {name.removesuffix('.txt')}", "",
                      (fallback_dir / name).read_text(encoding="utf-8").rstrip(), "", ""]
    return "\n".join(lines).rstrip() + "\n"


def build(dists: list[metadata.Distribution], app_version: str, fallback_dir: Path = LICENSES) -> str:
    """The notices text; raises ValueError naming every bundled package without a license text."""
    components = [component(d, fallback_dir) for d in dists]
    missing = [c.name for c in components if not c.texts and canonical(c.name) not in LGPL_QT]
    if missing:
        raise ValueError("no license text for " + ", ".join(missing) +
                         ": add packaging/licenses/<name>.txt (the wheel ships none)")
    extra = [python_component()]
    bootloader = pyinstaller_component()
    if bootloader is not None:
        extra.append(bootloader)
    return render(extra + components, app_version, qt_version(), fallback_dir)


def app_version() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_version import code_version

    return code_version()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write THIRD-PARTY-NOTICES.txt for the installed dependencies.")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    parser.add_argument("--requirement", default="hems-desktop[gui,cloud]")
    args = parser.parse_args(argv)
    text = build(requirement_closure(args.requirement), app_version())
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
