"""Windows version resources for hems-desktop.exe and hems-collector.exe.

PyInstaller's EXE(version=FILE) takes a VSVersionInfo text file (the format pyi-grab_version writes); this
writes one per program from hems_desktop.__version__, with English and Japanese string tables, so
Explorer's Properties > Details shows the product, version and description. hems-desktop.spec calls
`write` on Windows; the text is plain Python-literal syntax, so the Linux tests parse it.
"""

from __future__ import annotations

import re
from pathlib import Path

COMPANY = "HEMS Desktop developers"
PRODUCT = {"en": "HEMS Desktop", "ja": "HEMS Desktop"}
DESCRIPTIONS = {
    "hems-desktop": {"en": "HEMS Desktop: smart meter in the tray", "ja": "HEMS Desktop: スマートメーター表示"},
    "hems-collector": {"en": "HEMS collector: smart meter reader (command line)",
                       "ja": "HEMS コレクター: スマートメーター読み取り (コマンドライン)"},
}
# Language ID + code page 1200 (UTF-16): 0x0409 US English, 0x0411 Japanese.
TABLES = (("en", 0x0409), ("ja", 0x0411))


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four 16-bit numbers Windows keeps: the PEP 440 release part, padded (1.2rc1 -> 1.2.0.0)."""
    m = re.match(r"^(\d+(?:\.\d+)*)", version)
    if not m:
        raise ValueError(f"not a version: {version!r}")
    parts = [int(p) for p in m.group(1).split(".")][:4]
    if any(p > 0xFFFF for p in parts):
        raise ValueError(f"version parts must be at most 65535: {version!r}")
    padded = (*parts, 0, 0, 0, 0)
    return padded[0], padded[1], padded[2], padded[3]


def _quote(text: str) -> str:
    return repr(text)


def version_info_text(program: str, version: str, year: int) -> str:
    numbers = numeric_version(version)
    tables = []
    for lang, langid in TABLES:
        strings = [
            ("CompanyName", COMPANY),
            ("FileDescription", DESCRIPTIONS[program][lang]),
            ("FileVersion", version),
            ("InternalName", program),
            ("LegalCopyright", f"Copyright (c) {year} {COMPANY}. MIT License."),
            ("OriginalFilename", f"{program}.exe"),
            ("ProductName", PRODUCT[lang]),
            ("ProductVersion", version),
        ]
        body = ",\n          ".join(f"StringStruct({_quote(k)}, {_quote(v)})" for k, v in strings)
        tables.append(f"      StringTable(\n        '{langid:04X}04B0',\n        [{body}])")
    translations = ", ".join(f"{langid}, 1200" for _, langid in TABLES)
    string_tables = ",\n".join(tables)
    return f"""\
# -*- coding: utf-8 -*-
# Version resource for {program}.exe, written by packaging/windows/version_info.py.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
{string_tables}
    ]),
    VarFileInfo([VarStruct('Translation', [{translations}])])
  ]
)
"""


def write(folder: Path, version: str, year: int) -> dict[str, Path]:
    """One version file per program in `folder`; returns program -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for program in DESCRIPTIONS:
        path = folder / f"version-{program}.txt"
        path.write_text(version_info_text(program, version, year), encoding="utf-8")
        paths[program] = path
    return paths
