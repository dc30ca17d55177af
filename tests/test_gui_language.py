"""Switching the language while the app runs: every text of the window, the tray menu, the
settings dialog and About changes at once, core messages included (real widgets, offscreen).

Mocked: the keyring backend (in memory; tests/gui_fixtures.py).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QApplication, QMenu

from hems_desktop.collector.events import ConnectionInfo, ErrorReported, StateChanged
from hems_desktop.describe import describe_port_error
from hems_desktop.errors import ErrorKind
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.ui_texts import CONTEXTS, JAPANESE, action_texts, visible_texts, wrong_language
from hems_desktop.reading import Reading
from hems_desktop.session import SessionState
from hems_desktop.timebase import JST

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "hems_desktop_ja.ts"


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _everything(hems: HemsApp) -> list[tuple[str, str]]:
    menu = QMenu()  # the tray's menu: the same actions (no tray host offscreen)
    hems.actions.fill(menu, with_dashboard=True)
    windows = [hems.dashboard]
    if hems.settings_dialog is not None:
        windows.append(hems.settings_dialog)
    if hems.about_dialog is not None:
        windows.append(hems.about_dialog)
    return visible_texts(windows) + action_texts(menu)


def _switch(hems: HemsApp, language: str) -> None:
    dialog = hems.make_settings_dialog()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData(language))
    assert hems.apply_settings(dialog.collect())  # the user's own path: Save in the dialog
    dialog.deleteLater()
    _settle()


def test_every_text_switches_language_at_once(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1], language="en")
    qtbot.addWidget(hems.dashboard)
    hems.show_dashboard()
    dashboard = hems.dashboard
    # Content of every kind: a reading, a state, the connection, a core error message, a field error.
    dashboard.on_state(StateChanged(SessionState.JOINED))
    dashboard.on_reading(Reading(dt.datetime.now(JST), 1234.5, 640, 4.0, 2.0, meter_id="M"))
    dashboard.on_connection(ConnectionInfo("/dev/ttyUSB0", None, None, time.time()))
    dashboard.on_error(ErrorReported(describe_port_error("/dev/ttyUSB0", FileNotFoundError(2, "x")),
                                     kind=ErrorKind.PORT))
    hems.open_settings()
    hems.about()
    dialog = hems.settings_dialog
    assert dialog is not None
    dialog.cron_edit.setText("61 * * * *")
    dialog.accept()  # refused: the cron error stands under its field
    _settle()
    english = _everything(hems)
    assert not wrong_language(english, "en")
    _switch(hems, "ja")
    japanese = _everything(hems)
    assert not wrong_language(japanese, "ja"), wrong_language(japanese, "ja")
    assert sum(bool(JAPANESE.search(text)) for _, text in japanese) > 100  # it really did switch
    assert JAPANESE.search(dashboard.connection_labels["error"].text())  # a core message, in Japanese
    assert "cron 式" in dialog.errors.fields["schedule"].error_label.text()  # the open dialog's error too
    assert hems.tray is None and dashboard.tabs.tabText(0) == "現在の電力(&L)"
    _switch(hems, "en")
    again = _everything(hems)
    assert not wrong_language(again, "en"), wrong_language(again, "en")
    assert dashboard.tabs.tabText(0) == "&Live power"
    dialog.close()
    hems.about_dialog.close()  # type: ignore[union-attr]


def test_the_checker_finds_a_text_left_in_the_other_language() -> None:
    assert wrong_language([("QLabel", "Last error"), ("QLabel", "Updated 12:00:00")], "ja") == [
        ("QLabel", "Last error"), ("QLabel", "Updated 12:00:00")]
    assert wrong_language([("QLabel", "直近のエラー")], "en") == [("QLabel", "直近のエラー")]
    # English sources that hold a Japanese term, and the languages' own names, are right in both.
    assert not wrong_language([("QLabel", "Tiers over the billing period (段階料金)"), ("QComboBox", "日本語")], "en")
    assert not wrong_language([("QLabel", "PAN ID"), ("QLabel", "HEMS Desktop"), ("QLabel", "640 W")], "ja")


def test_the_checker_knows_every_context_of_the_translations() -> None:
    contexts = {context.findtext("name") for context in ET.parse(TS).getroot().iter("context")}
    assert contexts <= set(CONTEXTS), contexts - set(CONTEXTS)
    assert "" not in contexts  # pyside6-lupdate lost no class (a `def tr` stub in a mixin makes it)


def _translations_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "packaging" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_core_message_has_a_japanese_text_with_the_same_fields() -> None:
    templates = _translations_module().core_templates(ROOT / "hems_desktop")
    assert len(templates) > 40 and "serial port {port} is busy: another program is using the dongle" in templates
    translated = {}
    for context in ET.parse(TS).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None and translation.get("type") != "unfinished", message.findtext("source")
            if context.findtext("name") == "core":
                translated[message.findtext("source")] = translation.text or ""
    assert set(templates) <= set(translated)  # python packaging/update_translations.py was run
    fields = _translations_module().FIELD
    for template in templates:
        assert sorted(fields.findall(template)) == sorted(fields.findall(translated[template])), template
