"""The settings dialog and Save with real widgets (offscreen), the real collector and the emulator.

Mocked: the keyring backend (an in-memory one, as in test_gui.py). Nothing else.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QApplication
from serial.tools.list_ports_common import ListPortInfo

from hems_desktop.credentials import Credentials, CredentialStore
from hems_desktop.device.ports import normalize_port, ports_from, preselected_port
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.settings_dialog import SettingsDialog
from hems_desktop.gui.text import core_text, dongle_choice_text
from hems_desktop.messages import msg
from hems_desktop.settings import resolve_settings
from hems_desktop.settings.preferences import DesktopPreferences
from tests.conftest import PASSWORD, ROUTE_B_ID

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths


def dialog_for(qtbot, **settings: object) -> SettingsDialog:  # type: ignore[no-untyped-def]
    base = dataclasses.replace(resolve_settings({}, {}), **settings)  # type: ignore[arg-type]
    dialog = SettingsDialog(base, DesktopPreferences(), Credentials(ROUTE_B_ID, PASSWORD))
    qtbot.addWidget(dialog)
    return dialog


def usb_port(device: str, vid: int | None, pid: int | None, description: str = "") -> ListPortInfo:
    port = ListPortInfo(device, skip_link_detection=True)
    port.vid, port.pid, port.description = vid, pid, description or "n/a"
    return port


# ---- validation ----

def test_interval_mode_ignores_the_cron_field(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("interval"))
    dialog.cron_edit.setText("not a cron expression")
    assert not dialog.cron_edit.isEnabled()  # the unused field cannot be edited either
    result = dialog.collect()
    assert (result.settings.mode, result.settings.schedule) == ("interval", "*/5 * * * *")  # kept as it was
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("schedule"))
    dialog.accept()
    assert dialog.result_values is None and "schedule" in dialog.errors.shown


def test_an_error_points_at_its_field_and_clears_when_fixed(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    dialog.show()
    dialog.tabs.setCurrentIndex(3)  # somewhere else: the error must bring its tab forward
    dialog.channel_edit.setText("ZZ")
    dialog.accept()
    error = dialog.errors.fields["meter_channel"].error_label
    assert dialog.tabs.currentIndex() == 0 and error.isVisible() and "ZZ" in error.text()
    assert "Meter channel" in dialog.error_label.text()  # the summary names the field...
    assert "Connection" in dialog.error_label.text()  # ...and its tab
    dialog.channel_edit.setText("3B")
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=3000)  # checked again on every change
    assert dialog.error_label.text() == ""


def test_errors_are_in_the_ui_language(qtbot) -> None:  # type: ignore[no-untyped-def]
    from hems_desktop.gui import i18n

    i18n.install("ja")
    try:
        dialog = dialog_for(qtbot)
        dialog.cron_edit.setText("61 * * * *")
        dialog.accept()
        text = dialog.errors.fields["schedule"].error_label.text()
        assert "cron 式" in text and "61 * * * *" in text, text
    finally:
        i18n.install("en")


def test_a_tariff_error_is_named_once_in_the_ui_language_and_follows_a_switch(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent

    from hems_desktop.gui import i18n
    from hems_desktop.gui.settings_pages import TAB_NAMES
    from hems_desktop.insights.presets import PRESETS

    i18n.install("ja")
    try:
        dialog = dialog_for(qtbot)
        dialog.tariff_editor.set_tariff(PRESETS["tepco-juryo-dento-b"])
        dialog.tariff_editor.tiers_table.item(1, 0).setText("100")  # below the first step's 120 kWh
        dialog.accept()
        assert dialog.result_values is None and dialog.tabs.currentIndex() == TAB_NAMES.index("tariff")
        problem = "料金期間の段階料金、2 行目：前の段階（120 kWh）より大きくしてください"
        # the summary names tab and field without their mnemonics ("料金プラン(A)" is "料金プラン")
        assert dialog.error_label.text() == f"料金プラン › 料金プラン: {problem}", dialog.error_label.text()
        assert dialog.tariff_editor.error_label.text() == problem
        assert dialog.errors.fields["tariff"].error_label.isHidden()  # said once in the tab, by the editor
        i18n.install("en")
        QApplication.sendEvent(dialog, QEvent(QEvent.Type.LanguageChange))
        QApplication.sendEvent(dialog.tariff_editor, QEvent(QEvent.Type.LanguageChange))
        assert dialog.error_label.text() == ("Tariff › Tariff: Tiers over the billing period (段階料金), row 2: "
                                             "must be more than the step before (120 kWh)"), dialog.error_label.text()
    finally:
        i18n.install("en")


def test_long_texts_never_widen_the_dialog(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    dialog.show()
    width = dialog.width()
    dialog.ipv6_edit.setText("x" * 400)
    dialog.file_edit.setText("/nonexistent-folder-" + "y" * 300 + "/power.csv")
    dialog.file_check.setChecked(True)
    dialog.accept()  # long error messages under the fields
    QApplication.processEvents()
    assert dialog.width() == width
    assert dialog.tabs.widget(0).widget().width() <= dialog.tabs.widget(0).viewport().width()  # nothing cut off


def test_an_output_file_in_a_missing_folder_is_refused_and_the_folder_offered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    target = tmp_path / "not" / "yet" / "power.csv"
    dialog.file_check.setChecked(True)
    dialog.file_edit.setText(str(target))
    dialog.accept()
    assert dialog.result_values is None and str(target.parent) in dialog.errors.shown["file"]
    assert not dialog.create_folder_button.isHidden()
    dialog.create_folder_button.click()
    assert target.parent.is_dir()
    dialog.accept()
    assert dialog.result_values is not None and dialog.result_values.settings.file == target


def test_pub_sub_needs_a_project_and_topic(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot)
    dialog.cloud_check.setChecked(True)
    dialog.project_edit.setText("")
    dialog.accept()
    assert "project" in dialog.errors.shown


def test_internal_values_have_display_names(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = dialog_for(qtbot, dongle="rs-wsuha-p", format="csv")
    names = [dialog.dongle_combo.itemText(i) for i in range(dialog.dongle_combo.count())]
    assert "Detect automatically" in names and "auto" not in names and "single-hop" not in names
    assert dialog.dongle_combo.currentText() == "RATOC RS-WSUHA-P"
    assert dialog.collect().settings.dongle == "rs-wsuha-p"  # the value stays the internal one
    assert dialog.format_combo.currentText().startswith("CSV") and dialog.collect().settings.format == "csv"
    assert dongle_choice_text("single-hop").startswith("SKSTACK IP single-hop (ROHM BP35A1")


def test_the_dialog_does_not_block_the_tray_menu(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.open_settings()
    dialog = hems.settings_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert QApplication.activeModalWidget() is None  # a modal dialog would keep the tray menu shut
    hems.open_settings()  # again: the same dialog comes forward, not a second one
    assert hems.settings_dialog is dialog
    dialog.close()


# ---- ports ----

def test_ports_are_listed_with_description_and_usb_id_and_the_dongle_preselected(qtbot) -> None:  # type: ignore[no-untyped-def]
    ports = ports_from([usb_port("/dev/ttyS0", None, None), usb_port("/dev/ttyUSB3", 0x0403, 0x6015, "FT230X"),
                        usb_port("/dev/ttyACM0", 0x2341, 0x0043, "Arduino Uno")], platform="linux")
    assert [p.device for p in ports] == ["/dev/ttyUSB3", "/dev/ttyACM0", "/dev/ttyS0"]  # the known dongle first
    assert ports[0].label == "/dev/ttyUSB3 — RATOC RS-WSUHA-P? — FT230X [USB 0403:6015]"
    dialog = dialog_for(qtbot)  # the default /dev/ttyUSB0 is not there
    dialog.refresh_ports(selected="/dev/ttyUSB0", ports=ports)
    assert dialog.port() == "/dev/ttyUSB3"
    assert "probably RATOC RS-WSUHA-P" in dialog.port_combo.currentText()
    assert "[USB 0403:6015]" in dialog.port_combo.currentText()
    hint = dialog.port_hint.text()
    assert "/dev/ttyUSB0 is not connected" in hint and "hems-collector" not in hint
    dialog.refresh_ports(selected="/dev/ttyACM0", ports=ports)
    assert dialog.port() == "/dev/ttyACM0"  # the saved port is there: it stays chosen
    assert dialog.port_hint.isHidden()


def test_only_usb_ports_make_one_dongle_and_several_leave_the_choice(qtbot) -> None:  # type: ignore[no-untyped-def]
    one = ports_from([usb_port("COM1", None, None), usb_port("COM7", 0x10C4, 0xEA60, "CP210x")], platform="win32")
    assert preselected_port(one, "COM3") == "COM7"
    two = ports_from([usb_port("COM7", 0x10C4, 0xEA60), usb_port("COM8", 0x1A86, 0x7523)], platform="win32")
    assert preselected_port(two, "COM3") == "COM3"


def test_mac_lists_cu_devices_not_their_tty_twins() -> None:
    ports = ports_from([usb_port("/dev/tty.usbserial-A1", 0x0403, 0x6015), usb_port("/dev/cu.usbserial-A1", 0x0403,
                                                                                       0x6015),
                        usb_port("/dev/tty.Bluetooth-Incoming-Port", None, None)], platform="darwin")
    assert [p.device for p in ports] == ["/dev/cu.usbserial-A1", "/dev/tty.Bluetooth-Incoming-Port"]


def test_windows_com_names_are_accepted_both_ways(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert normalize_port(r"\\.\COM12") == normalize_port("com12") == "COM12"
    assert normalize_port("/dev/ttyUSB0") == "/dev/ttyUSB0"
    ports = ports_from([usb_port("COM12", 0x0403, 0x6015)], platform="win32")
    assert preselected_port(ports, r"\\.\COM12") == "COM12"
    dialog = dialog_for(qtbot)
    dialog.refresh_ports(selected=r"\\.\COM12", ports=[])
    dialog.port_combo.setEditText(r"\\.\COM12")
    assert dialog.collect().settings.serial_port == "COM12"


def test_a_gui_user_is_never_told_to_run_a_command_line_tool() -> None:
    from hems_desktop.describe import describe_port_error

    missing = describe_port_error("/dev/ttyUSB0", FileNotFoundError(2, "No such file or directory"))
    assert "hems-collector --list-ports" in missing  # the CLI keeps its hint...
    shown = core_text(missing)
    assert "hems-collector" not in shown and "/dev/ttyUSB0" in shown and "Settings" in shown  # ...the app does not
    denied = describe_port_error("/dev/ttyUSB0", PermissionError(13, "Permission denied"))
    assert "sudo" not in core_text(denied)
    assert "--demo" not in core_text(msg("plain"))


# ---- Save ----

def _running_app(qtbot, app_paths, make_emulator) -> tuple[HemsApp, object]:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    CredentialStore().save(Credentials(ROUTE_B_ID, PASSWORD))
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.settings = dataclasses.replace(hems.settings, serial_port=emulator.port, mode="interval", interval=1)
    hems.start()
    qtbot.waitUntil(lambda: hems.last_reading is not None, timeout=30_000)
    return hems, emulator


def test_save_without_changes_keeps_the_session(qtbot, app_paths, make_emulator, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems, emulator = _running_app(qtbot, app_paths, make_emulator)
    try:
        worker, joins = hems.controller.worker, emulator.dongle.joins
        dialog = hems.make_settings_dialog()
        qtbot.addWidget(dialog)
        assert hems.apply_settings(dialog.collect())
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
        dialog.alert_spin.setValue(50)  # preferences the session does not use
        assert hems.apply_settings(dialog.collect())
        readings = hems.dashboard.readings_received
        qtbot.waitUntil(lambda: hems.dashboard.readings_received > readings + 1, timeout=10_000)
        assert hems.controller.worker is worker and emulator.dongle.joins == joins  # the same session
        assert not any(title == "Connection restored" for title, _ in hems.notifications)
        assert json.loads(app_paths[0].read_text())["desktop"]["alert_percent"] == 50
    finally:
        hems.controller.stop()


def test_a_new_port_restarts_quietly(qtbot, app_paths, make_emulator, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems, _ = _running_app(qtbot, app_paths, make_emulator)
    try:
        worker = hems.controller.worker
        other = make_emulator()
        dialog = hems.make_settings_dialog()
        qtbot.addWidget(dialog)
        dialog.refresh_ports(selected=other.port, ports=[])
        assert hems.apply_settings(dialog.collect())
        assert hems.controller.worker is not worker  # the session depends on the port: restarted
        qtbot.waitUntil(lambda: other.dongle.joined, timeout=30_000)
        qtbot.waitUntil(lambda: hems.notifier.pending == 0, timeout=5000)
        assert not any(title == "Connection restored" for title, _ in hems.notifications)  # no loss preceded
    finally:
        hems.controller.stop()


def test_saving_during_a_demo_run_does_not_make_the_next_launch_a_demo(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    settings_path, history = app_paths
    hems = HemsApp(settings_path=settings_path, history_path=history, demo=True)  # as `hems-desktop --demo`
    qtbot.addWidget(hems.dashboard)
    dialog = hems.make_settings_dialog()
    qtbot.addWidget(dialog)
    assert dialog.demo_check.isChecked()  # the box shows this run
    assert hems.apply_settings(dialog.collect())
    assert json.loads(settings_path.read_text())["desktop"]["demo"] is False  # ...and the file keeps the choice
    hems.controller.stop()
    again = HemsApp(settings_path=settings_path, history_path=history)
    qtbot.addWidget(again.dashboard)
    assert not again.demo
    # Ticking the box is a choice: it is saved, and the next launch says it is a demo.
    dialog = again.make_settings_dialog()
    qtbot.addWidget(dialog)
    dialog.demo_check.setChecked(True)
    assert again.apply_settings(dialog.collect())
    again.controller.stop()
    third = HemsApp(settings_path=settings_path, history_path=history)
    qtbot.addWidget(third.dashboard)
    assert third.demo and "demo" in third.dashboard.banners.banners and "demo" in third.dashboard.windowTitle()
