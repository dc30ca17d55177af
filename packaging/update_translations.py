"""Refresh the Qt translation files from the sources, fill Japanese from ja.json, build .qm.

Run after changing user-visible strings: `python packaging/update_translations.py`.
The .ts file stays the translators' source (Qt Linguist opens it); ja.json seeds new entries.

Two kinds of strings:
- the GUI's tr() / QCoreApplication.translate() calls, found by pyside6-lupdate in hems_desktop/gui;
- the core's user-facing messages, `msg("template {field}", ...)` calls anywhere in hems_desktop
  (the GUI's bridge words one too), collected here (with Python's own parser) into the "core" context, which the GUI
  looks up with `QCoreApplication.translate("core", template)` (see hems_desktop/messages.py).
Exits 1 when a string has no Japanese text yet (listed), or a translation drops a {field}.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "hems_desktop_ja.ts"
QM = TS.with_suffix(".qm")
STRINGS = ROOT / "resources" / "translations" / "ja.json"
CORE_CONTEXT = "core"
FIELD = re.compile(r"\{[^{}]*\}")


def tool(name: str) -> str:
    here = Path(sys.executable).parent  # the venv's bin folder, even when it is not on PATH
    found = shutil.which(f"pyside6-{name}", path=str(here)) or shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        sys.exit(f"pyside6-{name} not found: pip install PySide6-Essentials")
    return found


def core_templates(package: Path) -> dict[str, tuple[str, int]]:
    """{template: (file, line)} of every `msg("...")` call, first occurrence kept."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, (path.relative_to(ROOT).as_posix(), node.lineno))
    return found


def add_core_context(tree: ET.ElementTree, templates: dict[str, tuple[str, int]]) -> None:
    root = tree.getroot()
    for context in list(root.iter("context")):
        if context.findtext("name") == CORE_CONTEXT:
            root.remove(context)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CORE_CONTEXT
    for template, (file, line) in sorted(templates.items(), key=lambda item: item[1]):
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "location", filename=f"../../{file}", line=str(line))
        ET.SubElement(message, "source").text = template
        ET.SubElement(message, "translation", type="unfinished")


def main() -> int:
    sources = sorted(str(p) for p in (ROOT / "hems_desktop" / "gui").glob("*.py"))
    subprocess.run([tool("lupdate"), "-no-obsolete", *sources, "-ts", str(TS)], check=True)
    strings: dict[str, str] = json.loads(STRINGS.read_text(encoding="utf-8"))
    tree = ET.parse(TS)
    add_core_context(tree, core_templates(ROOT / "hems_desktop"))
    missing, broken = [], []
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
        if sorted(FIELD.findall(source)) != sorted(FIELD.findall(text)):
            broken.append(source)  # str.format would fail: the app would fall back to English
        translation.text = text
        translation.attrib.pop("type", None)
    tree.getroot().set("language", "ja_JP")
    ET.indent(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run([tool("lrelease"), str(TS), "-qm", str(QM)], check=True)
    for source in missing:
        print(f"untranslated: {source!r}")
    for source in broken:
        print(f"translation does not keep the fields of: {source!r}")
    return 1 if missing or broken else 0


if __name__ == "__main__":
    sys.exit(main())
