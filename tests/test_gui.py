"""The desktop shell with real Qt widgets (offscreen), the real collector and the emulator on a pty.

Mocked here, and why: the modal QMessageBox.question (it would block an unattended run) and the
keyring backend (an in-memory one; the real Secret Service is exercised in test_desktop_integration.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

import keyring
from keyring.backends import fail
from PySide6.QtWidgets import QMessageBox

from hems_desktop.credentials import Credentials, CredentialStore
from hems_desktop.gui.collector_controller import CollectorController
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.icons import format_watts, status_pixmap
from hems_desktop.gui.insights_view import SCREENSHOT_VIEWS
from hems_desktop.gui.settings_dialog import SettingsDialog, SettingsResult
from hems_desktop.gui.settings_pages import TAB_NAMES
from hems_desktop.gui.single_instance import SingleInstance
from hems_desktop.insights.tariff import Tariff, Tier
from hems_desktop.session import SessionState
from hems_desktop.settings import resolve_settings
from hems_desktop.settings.preferences import DesktopPreferences, load_desktop_settings
from tests.conftest import PASSWORD, ROUTE_B_ID

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths


def make_dialog(qtbot, settings_path: Path) -> SettingsDialog:  # type: ignore[no-untyped-def]

    settings = resolve_settings({}, {})
    dialog = SettingsDialog(settings, DesktopPreferences(), Credentials(ROUTE_B_ID, PASSWORD))
    qtbot.addWidget(dialog)
    return dialog


def test_settings_dialog_round_trips_every_field(qtbot, app_paths) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, app_paths[0])
    dialog.port_combo.setEditText("/dev/ttyUSB1")
    dialog.baud_combo.setCurrentText("57600")
    dialog.dongle_combo.setCurrentIndex(dialog.dongle_combo.findData("bp35c2"))
    dialog.channel_edit.setText("3b")
    dialog.pan_edit.setText("8CF5")
    dialog.ipv6_edit.setText("fe80::21c:6400:36e:8cf5")
    dialog.file_check.setChecked(True)
    dialog.file_edit.setText("/tmp/power.csv")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    dialog.cloud_check.setChecked(True)
    dialog.project_edit.setText("my-project")
    dialog.topic_edit.setText("power")
    dialog.mode_combo.setCurrentIndex(1)
    dialog.interval_spin.setValue(120)
    dialog.cron_edit.setText("*/10 * * * *")
    dialog.tariff_editor.set_tariff(Tariff(basic_monthly=1180.0, tiers=(Tier(None, 29.5),)))
    dialog.amperes_spin.setValue(40)  # one contract amperage: the tariff's follows
    dialog.alert_spin.setValue(80)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ja"))
    dialog.notify_check.setChecked(False)
    settings, prefs, credentials, tariff = dialog.collect()
    assert (settings.serial_port, settings.baudrate, settings.dongle) == ("/dev/ttyUSB1", 57600, "bp35c2")
    assert (settings.meter_channel, settings.meter_pan_id) == (0x3B, 0x8CF5)
    assert settings.meter_ipv6 == "FE80:0000:0000:0000:021C:6400:036E:8CF5"
    # Exactly the two outputs ticked (no stdout: a windowed app has none).
    assert (settings.output, settings.format, str(settings.file)) == ("file,cloud", "csv", "/tmp/power.csv")
    assert (settings.project, settings.topic) == ("my-project", "power")
    assert (settings.mode, settings.interval) == ("interval", 120)
    assert settings.schedule == "*/10 * * * *"
    # The price now lives in the tariff (its own tab); the old preferences keep their values.
    assert prefs == DesktopPreferences(40, 80, 31.0, 935.0, "ja", False, False, False)
    assert (tariff.basic_monthly, tariff.tiers[0].price_per_kwh, tariff.contract_amperes) == (1180.0, 29.5, 40)
    assert credentials == Credentials(ROUTE_B_ID, PASSWORD)
    # A second dialog built from those values shows the same values.
    again = SettingsDialog(settings, prefs, credentials, tariff=tariff)
    qtbot.addWidget(again)
    assert again.collect() == (settings, prefs, credentials, tariff)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channel_edit", "ZZ", "channel"),
        ("pan_edit", "12345", "PAN"),
        ("password_edit", "short", "password"),
        ("id_edit", "not-32-characters", "ID"),
        ("cron_edit", "61 * * * *", ""),
        ("ipv6_edit", "not-an-address", ""),
    ],
)
def test_settings_dialog_refuses_bad_values(qtbot, app_paths, field: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, app_paths[0])
    getattr(dialog, field).setText(value)
    dialog.accept()
    assert dialog.result_values is None  # refused: nothing to save
    assert dialog.error_label.text()
    assert message.lower() in dialog.error_label.text().lower()
    assert PASSWORD not in dialog.error_label.text()
    option = {"channel_edit": "meter_channel", "pan_edit": "meter_pan_id", "password_edit": "route_b_password",
              "id_edit": "route_b_id", "cron_edit": "schedule", "ipv6_edit": "meter_ipv6"}[field]
    under_field = dialog.errors.fields[option].error_label
    assert not under_field.isHidden() and under_field.text()  # the error stands under its own field


def test_schedule_preview_shows_next_runs(qtbot, app_paths) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, app_paths[0])
    dialog.cron_edit.setText("0 * * * *")
    times = dialog.preview_label.text().split(", ")
    assert len(times) == 3 and all(t.endswith(":00:00") for t in times)


def test_credentials_go_to_the_keyring_not_the_file(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    settings_path, history = app_paths
    hems = HemsApp(settings_path=settings_path, history_path=history)
    qtbot.addWidget(hems.dashboard)
    dialog = hems.make_settings_dialog()
    qtbot.addWidget(dialog)
    dialog.id_edit.setText(ROUTE_B_ID)
    dialog.password_edit.setText(PASSWORD)
    dialog.demo_check.setChecked(True)
    assert hems.apply_settings(dialog.collect())
    try:
        text = settings_path.read_text()
        assert PASSWORD not in text and ROUTE_B_ID not in text
        assert json.loads(text)["desktop"]["demo"] is True
        assert stat.S_IMODE(os.stat(settings_path).st_mode) == 0o600
        assert memory_keyring.values[("hems-desktop", "b-route-password")] == PASSWORD
        assert memory_keyring.values[("hems-desktop", "b-route-id")] == ROUTE_B_ID
        loaded, loaded_prefs = load_desktop_settings(settings_path)
        assert loaded_prefs.demo and loaded.route_b_password is None
    finally:
        hems.controller.stop()


def test_no_keyring_offers_this_run_only_and_writes_nothing(qtbot, app_paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    try:
        settings_path, history = app_paths
        hems = HemsApp(settings_path=settings_path, history_path=history)
        qtbot.addWidget(hems.dashboard)
        assert hems.keyring_problem and "keyring" in hems.keyring_problem
        settings = dataclasses.replace(hems.settings, demo=True)
        assert hems.apply_settings(SettingsResult(settings, DesktopPreferences(demo=True),
                                                  Credentials(ROUTE_B_ID, PASSWORD), Tariff()))
        assert asked and "this run only" in asked[0]
        assert hems.session_credentials == Credentials(ROUTE_B_ID, PASSWORD)
        assert PASSWORD not in settings_path.read_text()
        hems.controller.stop()
    finally:
        keyring.set_keyring(previous)


def test_dashboard_gets_readings_from_the_real_collector(qtbot, app_paths, make_emulator, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    settings_path, history = app_paths
    CredentialStore().save(Credentials(ROUTE_B_ID, PASSWORD))
    hems = HemsApp(settings_path=settings_path, history_path=history)
    qtbot.addWidget(hems.dashboard)
    hems.settings = dataclasses.replace(hems.settings, serial_port=emulator.port, mode="interval", interval=1)
    hems.start()
    try:
        assert hems.tray is None  # offscreen: no system tray...
        assert hems.dashboard.isVisible()  # ...so the dashboard opens as a normal window
        qtbot.waitUntil(lambda: hems.dashboard.readings_received >= 2, timeout=30_000)
        qtbot.waitUntil(lambda: hems.dashboard.frames_drawn >= 1, timeout=5_000)
        assert hems.state == "joined"
        assert hems.dashboard.power_label.text().endswith(" W")
        assert hems.dashboard.connection_labels["channel"].text() == "3B"
        assert hems.last_reading is not None and hems.last_reading.meter_id == "001C6400036E8CF5"
    finally:
        assert hems.controller.stop(timeout_ms=4000)  # quitting ends the session within seconds
    assert not emulator.dongle.joined  # SKTERM reached the dongle


def test_breaker_warning_when_current_nears_the_contract(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from hems_desktop.reading import Reading

    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.prefs = DesktopPreferences(contract_amperes=30, alert_percent=90)
    now = dt.datetime.now().astimezone()
    hems._on_reading(Reading(now, 100.0, 2000, 20.0, 5.0))
    assert not hems.notifications
    hems._on_reading(Reading(now, 100.0, 6000, 27.5, 5.0))
    qtbot.waitUntil(lambda: bool(hems.notifications), timeout=5000)  # the desktop's service is tried first
    assert "27.5" in hems.notifications[-1][1]
    hems._on_reading(Reading(now, 100.0, 6000, 28.0, 5.0))
    assert hems.notifier.pending == 0 and len(hems.notifications) == 1  # not repeated every reading


def test_collector_stop_is_safe_before_and_during_start(qtbot, make_emulator, app_paths) -> None:  # type: ignore[no-untyped-def]

    emulator = make_emulator()
    settings = resolve_settings({}, {})
    settings = dataclasses.replace(settings, serial_port=emulator.port, route_b_id=ROUTE_B_ID,
                                   route_b_password=PASSWORD, history=app_paths[1])
    controller = CollectorController()
    assert controller.stop()  # nothing running
    for _ in range(3):
        controller.start(settings)
        assert controller.stop(timeout_ms=5000)
        assert not controller.running


def test_icon_shows_watts_and_state() -> None:
    assert [format_watts(w) for w in (None, 0, 850, 1234, -1500, 12345)] == ["–", "0", "850", "1.2k", "-1.5k", "12k"]
    assert [format_watts(w, compact=True) for w in (850, 1234, -1500)] == ["850", "1k", "-2k"]
    states = (SessionState.JOINED, SessionState.SCANNING, SessionState.CREDENTIALS_REJECTED, SessionState.STOPPED)
    colours = {s: status_pixmap(s, 500).toImage().pixelColor(32, 4).name() for s in states}
    assert len(set(colours.values())) == 4


def test_second_instance_wakes_the_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    first = SingleInstance(f"hems-test-{os.getpid()}")
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert not SingleInstance(f"hems-test-{os.getpid()}").acquire()
    finally:
        first.release()


WINDOWED = (
    "import sys\n"
    "sys.stdout = sys.stderr = None  # PyInstaller's windowed mode, pythonw, an app started from Finder\n"
    "from hems_desktop.gui.app import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_self_test_runs_windowed_writes_every_screenshot_and_logs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "c"), XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-c", WINDOWED, "--self-test", str(tmp_path / "shots")],
                            env=env, capture_output=True, text=True, timeout=240)
    log = tmp_path / "state" / "hems-desktop" / "log" / "hems-desktop.log"
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    assert result.returncode == 0, text[-3000:]
    assert result.stdout == "" and "Traceback" not in text  # nothing written to a None stream
    assert "self-test: FAIL" not in text and "checks passed" in text  # the results are in the log file
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    expected = {"dashboard-en.png", "dashboard-ja.png", "dashboard-ja-live.png", "window-no-tray.png",
                "dashboard-dark.png", "dashboard-1y.png"}
    expected |= {f"settings-{tab}-{lang}.png" for tab in TAB_NAMES for lang in ("en", "ja")}
    expected |= {f"insights-{view}-{lang}.png" for view in SCREENSHOT_VIEWS for lang in ("en", "ja")}
    assert set(names) == expected


def test_test_connection_button_reports_progress_and_success(qtbot, app_paths) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, app_paths[0])
    dialog.demo_check.setChecked(True)  # the built-in virtual meter stands in for the dongle
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=30_000)
    assert dialog.test_label.text().startswith("It works:")
    assert " W, " in dialog.test_label.text() and "kWh" in dialog.test_label.text()


def test_test_connection_explains_a_missing_port(qtbot, app_paths, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, app_paths[0])
    dialog.port_combo.setEditText(str(tmp_path / "ttyUSB9"))
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=30_000)
    assert dialog.test_label.text().startswith("It did not work:")
    assert "not found" in dialog.test_label.text()


def test_a_locked_keyring_gets_its_own_message(memory_keyring, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import keyring.errors

    from hems_desktop.credentials import KeyringLocked

    def locked(*args: object) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(KeyringLocked, match="locked"):
        CredentialStore().load()


def test_signal_emit_keeps_refcounts() -> None:
    """PySide6 6.12.0 on Python < 3.12 decrefs True on every emit() and aborts the app after a while."""
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        value = Signal(int)

    emitter = Emitter()
    received: list[int] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True)
    for index in range(50):
        emitter.value.emit(index)
    QCoreApplication.processEvents()
    assert received == list(range(50))
    assert sys.getrefcount(True) - before >= -5  # a buggy binding loses one reference per emit
