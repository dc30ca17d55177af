"""Keyboard and window state with real widgets (offscreen): shortcuts, mnemonics, a visible focus,
Esc, and the geometry, range and tab remembered between runs.

Mocked: the keyring backend (in memory; tests/gui_fixtures.py).
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from hems_desktop.gui.hems_app import HemsApp

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths


def active_app(qtbot, app_paths) -> HemsApp:  # type: ignore[no-untyped-def]
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.show_dashboard()
    qtbot.waitUntil(hems.dashboard.isActiveWindow, timeout=3000)
    return hems


def test_shortcuts_choose_ranges_open_settings_and_quit(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = active_app(qtbot, app_paths)
    dashboard = hems.dashboard
    QTest.keyClick(dashboard, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dashboard.chart.range_index == 2, timeout=2000)  # Ctrl+3: 7 days (an animated click)
    QTest.keyClick(dashboard, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert hems.settings_dialog is not None and hems.settings_dialog.isVisible()  # Ctrl+,
    hems.settings_dialog.close()
    dashboard.activateWindow()
    qtbot.waitUntil(dashboard.isActiveWindow, timeout=3000)
    QTest.keyClick(dashboard, Qt.Key.Key_Escape)  # no tray here: Esc minimizes, it does not hide the app away
    assert dashboard.isMinimized() and not hems._quitting
    hems.show_dashboard()
    qtbot.waitUntil(dashboard.isActiveWindow, timeout=3000)
    QTest.keyClick(dashboard, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert hems._quitting  # Ctrl+Q


def test_every_menu_item_tab_and_field_has_a_mnemonic(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = active_app(qtbot, app_paths)
    for action in hems.dashboard.app_menu.actions():
        assert not action.text() or "&" in action.text(), action.text()
    tabs = hems.dashboard.tabs
    assert all("&" in tabs.tabText(i) for i in range(tabs.count()))
    dialog = hems.make_settings_dialog()
    qtbot.addWidget(dialog)
    captions = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    assert len(captions) >= 20 and sum("&" in label.text() for label in captions) >= 18
    assert all("&" in dialog.tabs.tabText(i) for i in range(dialog.tabs.count()))


def test_tab_focus_is_visible_and_skips_the_charts(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = active_app(qtbot, app_paths)
    first = hems.dashboard.chart.range_buttons.button(0)
    first.setFocus(Qt.FocusReason.MouseFocusReason)

    def rings() -> list[QWidget]:
        return [child for child in hems.dashboard.children() if type(child).__name__ == "_Ring" and child.isVisible()]

    assert not rings()  # the mouse put it there: no ring
    QTest.keyClick(first, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert isinstance(focused, QPushButton) and focused is not first  # a control, never a chart (no focus there)
    assert hems.focus_ring.target is focused  # the keyboard put it there: ringed
    [ring] = rings()
    assert ring.geometry().contains(focused.mapTo(hems.dashboard, focused.rect().center()))
    QTest.mouseClick(first, Qt.MouseButton.LeftButton)
    assert not ring.isVisible()


def test_geometry_range_and_tab_are_remembered(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = active_app(qtbot, app_paths)
    hems.dashboard.resize(700, 500)
    hems.dashboard.chart.set_range_index(3)
    hems.dashboard.tabs.setCurrentIndex(1)
    hems.quit()
    state = json.loads((app_paths[0].parent / "window-state.json").read_text())
    assert (state["range_index"], state["tab_index"]) == (3, 1)
    again = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(again.dashboard)
    again.show_dashboard()
    assert again.dashboard.chart.range_index == 3 and again.dashboard.tabs.currentIndex() == 1
    assert (again.dashboard.width(), again.dashboard.height()) == (700, 500)
