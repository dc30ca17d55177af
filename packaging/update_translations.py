"""Refresh the Qt translation files from the sources, fill Japanese from ja.json, build .qm.

Run after changing user-visible strings: `python packaging/update_translations.py`.
The .ts file stays the translators' source (Qt Linguist opens it); ja.json seeds new entries.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "hems_desktop_ja.ts"
QM = TS.with_suffix(".qm")
STRINGS = ROOT / "resources" / "translations" / "ja.json"


def tool(name: str) -> str:
    here = Path(sys.executable).parent  # the venv's bin folder, even when it is not on PATH
    found = shutil.which(f"pyside6-{name}", path=str(here)) or shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        sys.exit(f"pyside6-{name} not found: pip install PySide6-Essentials")
    return found


def main() -> int:
    sources = sorted(str(p) for p in (ROOT / "hems_desktop" / "gui").glob("*.py"))
    subprocess.run([tool("lupdate"), "-no-obsolete", *sources, "-ts", str(TS)], check=True)
    strings: dict[str, str] = json.loads(STRINGS.read_text(encoding="utf-8"))
    tree = ET.parse(TS)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        text = strings.get(source)
        if text is None:
            if translation.get("type") == "unfinished":
                missing.append(source)
            continue
        translation.text = text
        translation.attrib.pop("type", None)
    tree.getroot().set("language", "ja_JP")
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run([tool("lrelease"), str(TS), "-qm", str(QM)], check=True)
    for source in missing:
        print(f"untranslated: {source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
