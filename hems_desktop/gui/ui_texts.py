"""Every text a window shows, and which of them are in the wrong language (the live-switch check).

Walks the widget tree (labels, buttons, group and tab titles, combo box items, placeholders,
spin box suffixes, table headers, menus, chart axis labels and legends). A text is in the wrong
language when, in Japanese, it is an English source our translations have a Japanese text for
(or matches such a source's %1 template); in English, when it holds Japanese that is not part
of an English source (such as "(段階料金)") or a language's own name ("日本語").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from hems_desktop.gui.resources import resource_path

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
LANGUAGE_NAMES = {"日本語", "English"}


def _proper_names() -> set[str]:
    """Names that are the same in both languages: the languages' own, the tariff presets' plans."""
    from hems_desktop.insights.presets import PRESETS

    return LANGUAGE_NAMES | {preset.name for preset in PRESETS.values()}
# Contexts of our translations (class names, and the QCoreApplication.translate ones);
# tests/test_gui_language.py checks this list against the .ts file.
CONTEXTS = (
    "AboutDialog", "AppActions", "Banner", "BannerArea", "ConnectionPanel", "CoreText", "Crash", "Dashboard",
    "Family", "FieldErrors", "Format", "HemsApp", "InsightsDrawing", "InsightsView", "LiveChart",
    "NetworkOutputsPage", "SettingsDialog", "SettingsFlow", "SettingsPages", "State", "TariffEditor", "Tray",
    "UsagePanel", "UsageSummary", "core",
)

Found = tuple[str, str]  # (where, text)


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _widget_texts(widget: QWidget) -> Iterable[str]:
    if isinstance(widget, QLabel):
        yield widget.text()
    if isinstance(widget, QAbstractButton):
        yield widget.text()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QTabWidget):
        yield from (widget.tabText(i) for i in range(widget.count()))
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QLineEdit):
        yield widget.placeholderText()
    if isinstance(widget, QSpinBox):
        yield widget.suffix()
    if isinstance(widget, QAbstractSpinBox):
        yield widget.specialValueText()
    if isinstance(widget, QTableWidget):
        yield from (item.text() for i in range(widget.columnCount()) if (item := widget.horizontalHeaderItem(i)))
    if isinstance(widget, (QMenu, QMenuBar)):
        for action in widget.actions():
            yield action.text()
            if action.menu() is not None:
                yield from _widget_texts(action.menu())  # type: ignore[arg-type]
    if isinstance(widget, pg.GraphicsView):
        for item in widget.scene().items():
            if isinstance(item, pg.AxisItem):
                yield item.labelText
            elif isinstance(item, pg.LabelItem):
                yield item.text
    if widget.isWindow():
        yield widget.windowTitle()


def visible_texts(roots: Iterable[QWidget]) -> list[Found]:
    """(widget class, text) for every text of the roots and their children, hidden tabs included."""
    found: list[Found] = []
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            for text in _widget_texts(widget):
                cleaned = _clean(re.sub(r"<[^>]+>", "", text or ""))
                if cleaned:
                    found.append((type(widget).__name__, cleaned))
    return found


def action_texts(menu: QMenu) -> list[Found]:
    return [("QAction", _clean(a.text())) for a in menu.actions() if a.text()]


def _sources_from_ts(ts: Path) -> tuple[set[str], list[re.Pattern[str]], set[str], list[re.Pattern[str]]]:
    """English sources and Japanese texts that differ, as exact strings and as %1 templates."""
    en: set[str] = set()
    ja: set[str] = set()
    en_templates: list[re.Pattern[str]] = []
    ja_templates: list[re.Pattern[str]] = []
    try:
        tree = ET.parse(ts)
    except (OSError, ET.ParseError):
        return en, en_templates, ja, ja_templates
    for message in tree.iter("message"):
        source, translation = _clean(message.findtext("source") or ""), _clean(message.findtext("translation") or "")
        if not translation or source == translation:
            continue
        for text, exact, templates in ((source, en, en_templates), (translation, ja, ja_templates)):
            if "%1" in text or "{" in text:
                pattern = re.escape(text)
                pattern = re.sub(r"%\d|\\\{[^}]*\\\}", ".+", pattern)
                if len(re.sub(r"\.\+", "", pattern)) >= 6:  # "%1 A" alone would match too much
                    templates.append(re.compile(f"^{pattern}$", re.DOTALL))
            elif len(text) >= 2:
                exact.add(text)
    return en, en_templates, ja, ja_templates


def wrong_language(found: Iterable[Found], language: str) -> list[Found]:
    """The texts not in `language` ("ja" or "en")."""
    translator = QTranslator()
    translator.load(str(resource_path("translations", "hems_desktop_ja.qm")))
    en, en_templates, ja, ja_templates = _sources_from_ts(resource_path("translations", "hems_desktop_ja.ts"))

    def has_japanese_translation(text: str) -> bool:
        return any((t := translator.translate(context, text)) and t != text for context in CONTEXTS)

    wrong: list[Found] = []
    proper = _proper_names()
    for where, text in found:
        if text in proper:
            continue
        english_source = has_japanese_translation(text) or text in en or any(p.match(text) for p in en_templates)
        if language == "ja":
            if english_source and not JAPANESE.search(text):
                wrong.append((where, text))
        elif JAPANESE.search(text) and (not english_source or text in ja or any(p.match(text) for p in ja_templates)):
            wrong.append((where, text))
    return wrong
