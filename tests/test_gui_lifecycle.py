"""The app's life: no tray, no display, Qt's options, SIGTERM and Ctrl+C, a missing or unplugged
dongle, folders with no file manager, About, uncaught exceptions. Real widgets (offscreen), the real
collector and the emulator on a pty; the app itself as a process where the test is about a process.

Mocked: the keyring backend (in memory; tests/gui_fixtures.py, and in the launched processes).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import platform
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer, qVersion
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from hems_desktop.credentials import Credentials, CredentialStore
from hems_desktop.gui.crash import CrashReporter
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.session_end import SessionEndWatcher
from hems_desktop.session import SessionState
from hems_desktop.settings.file import SETTINGS_VERSION
from tests.conftest import PASSWORD, ROUTE_B_ID

pytest_plugins = ("tests.gui_fixtures",)  # memory_keyring, app_paths

ROOT = Path(__file__).resolve().parents[1]


def private_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("B_ROUTE", "SERIAL_"))}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"), PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def log_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "hems-desktop" / "log" / "hems-desktop.log"


# ---- starting ----

def test_no_display_says_so_in_one_line_and_points_at_the_collector(tmp_path: Path) -> None:
    env = {k: v for k, v in private_env(tmp_path).items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                         "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "hems_desktop.gui", "--demo"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no graphical display" in lines[0] and "hems-collector --demo" in lines[0], lines
    assert "qt.qpa" not in result.stderr and "Aborted" not in result.stderr


def test_qt_options_go_to_qt_and_unknown_options_are_refused(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hems_desktop.gui", "-platform", "offscreen", "-style", "fusion",
                             "--no-such-option"], env=private_env(tmp_path), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr  # -platform and -style were Qt's


LAUNCH = textwrap.dedent(
    """
    import sys, keyring
    from tests.gui_fixtures import MemoryKeyring
    backend = MemoryKeyring()  # the one mock: no keyring daemon in a test process
    keyring.set_keyring(backend)
    from hems_desktop.credentials import CredentialStore, Credentials
    CredentialStore().save(Credentials(sys.argv[1], sys.argv[2]))
    from hems_desktop.gui.app import main
    sys.argv[1:3] = []
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM (logout)", "SIGINT (Ctrl+C)"])
def test_a_quit_signal_ends_the_meter_session(tmp_path: Path, make_emulator, number: int) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator(link=str(tmp_path / "wisun"))
    terms: list[str] = []
    skterm = emulator.dongle._cmd_skterm
    emulator.dongle._cmd_skterm = lambda args: terms.append("SKTERM") or skterm(args)  # observed, not replaced
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"version": SETTINGS_VERSION, "serial_port": emulator.port, "mode": "interval",
                                    "interval": 2}))
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, ROUTE_B_ID, PASSWORD, "--settings", str(settings), "--lang", "en",
         "-style", "fusion"], env=private_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not emulator.dongle.joined and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert emulator.dongle.joined, "the app never joined the emulator"
        process.send_signal(number)
        status = process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    output = process.stdout.read() if process.stdout else ""
    assert status == 0, output
    assert terms and not emulator.dongle.joined  # the B-route session ended properly (SKTERM)
    assert "Traceback" not in output
    assert f"{signal.Signals(number).name} received" in log_file(tmp_path).read_text(encoding="utf-8")


def test_session_end_from_the_desktop_quits_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    quits: list[int] = []
    watcher = SessionEndWatcher(QApplication.instance(), lambda: quits.append(1))
    try:
        QApplication.instance().aboutToQuit.emit()  # what Qt emits on WM_ENDSESSION and on quit
        QApplication.instance().aboutToQuit.emit()
        assert quits == [1] and watcher.received == ["aboutToQuit", "aboutToQuit"]
    finally:
        watcher.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


# ---- no tray ----

def _app_on(qtbot, app_paths, port: str) -> HemsApp:  # type: ignore[no-untyped-def]
    CredentialStore().save(Credentials(ROUTE_B_ID, PASSWORD))
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.settings = dataclasses.replace(hems.settings, serial_port=port, mode="interval", interval=1)
    return hems


def test_without_a_tray_the_window_is_the_app(qtbot, app_paths, make_emulator, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    hems = _app_on(qtbot, app_paths, emulator.port)
    hems.start()
    qtbot.waitUntil(lambda: hems.state is SessionState.JOINED, timeout=30_000)
    assert hems.tray is None and hems.dashboard.isVisible()
    menu = [action.text() for action in hems.dashboard.app_menu.actions() if action.text()]
    assert menu == ["S&top", "&Settings…", "Open &data folder", "Open &log folder", "&About HEMS Desktop", "&Quit"]
    assert "Closing it quits" in (hems.dashboard.banners.text_of("no-tray") or "")
    hems.dashboard.close()  # the window's close button
    assert hems._quitting and not hems.controller.running  # the app quit...
    assert not emulator.dongle.joined  # ...and ended the session (SKTERM)


def test_a_missing_dongle_is_shown_and_picked_up_when_plugged_in(qtbot, app_paths, make_emulator, memory_keyring, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    later = tmp_path / "ttyWISUN"  # nothing there yet
    hems = _app_on(qtbot, app_paths, str(later))
    hems.start()
    qtbot.waitUntil(lambda: "dongle" in hems.dashboard.banners.banners, timeout=15_000)
    banner = hems.dashboard.banners.text_of("dongle") or ""
    assert str(later) in banner and "keeps trying" in banner and "hems-collector" not in banner
    assert hems.controller.running  # still trying, not stopped
    emulator = make_emulator(link=str(later))  # the dongle is plugged in
    qtbot.waitUntil(lambda: hems.last_reading is not None, timeout=30_000)
    assert "dongle" not in hems.dashboard.banners.banners
    # Unplugged while joined: lost, shown, picked up again, and only then "restored".
    states: list[SessionState] = []
    fatal: list[str] = []
    hems.controller.events.state.connect(lambda change: states.append(change.state))
    hems.controller.events.error.connect(lambda error: fatal.append(str(error.message)) if error.fatal else None)
    emulator.unplug(2.0)
    qtbot.waitUntil(lambda: SessionState.DONGLE_LOST in states, timeout=15_000)
    assert "dongle" in hems.dashboard.banners.banners
    qtbot.waitUntil(lambda: states[-1] is SessionState.JOINED or bool(fatal), timeout=30_000)
    if any("Input/output error" in message for message in fatal):
        hems.controller.stop()
        # Seen about 1 run in 10: pyserial's flush() on the vanished pty raises termios.error, which is
        # no OSError, so device/skstack_port.py's write() lets it out as an internal error (reported).
        pytest.xfail(f"core: {fatal[0]}")
    assert not fatal
    qtbot.waitUntil(lambda: ("Connection restored", "Readings from the meter continue.") in hems.notifications,
                    timeout=5_000)
    assert "dongle" not in hems.dashboard.banners.banners
    assert [title for title, _ in hems.notifications].index("Connection lost") < [
        title for title, _ in hems.notifications].index("Connection restored")
    hems.controller.stop()


# ---- folders, About, crashes ----

def test_a_folder_with_no_file_manager_is_said_so(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.open_log_folder()  # offscreen, no platform service opens folders
    text = hems.dashboard.banners.text_of("folder") or ""
    assert str(hems.log_file.parent) in text
    copy = hems.dashboard.banners.banners["folder"].buttons[0][0]
    copy.click()
    assert QApplication.clipboard().text() == str(hems.log_file.parent)
    assert hems.dashboard.isVisible()  # the message is where the user looks


def test_about_shows_the_versions_and_every_folder(qtbot, app_paths, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    import pyqtgraph

    hems = HemsApp(settings_path=app_paths[0], history_path=app_paths[1])
    qtbot.addWidget(hems.dashboard)
    hems.about()
    about = hems.about_dialog
    assert about is not None and about.isVisible() and not about.isModal()
    texts = " ".join(label.text() for label in about.findChildren(type(about.links_label)))
    for version in (platform.python_version(), qVersion(), pyqtgraph.__version__):
        assert version in texts
    for folder in (app_paths[0].parent, hems.log_file.parent):
        assert str(folder) in texts
    assert set(about.open_buttons) == {"settings", "data", "log"}
    assert "github.com" in about.links_label.text()
    about.open_buttons["log"].click()
    assert "folder" in hems.dashboard.banners.banners  # no file manager offscreen: said in the window
    about.close()


def test_about_names_the_lgpl_libraries_and_shows_the_bundles_notices(  # type: ignore[no-untyped-def]
        qtbot, app_paths, memory_keyring, tmp_path, monkeypatch) -> None:
    from hems_desktop.gui.about_dialog import AboutDialog, notices_path

    # A frozen bundle, as PyInstaller lays it out: sys._MEIPASS/resources/licenses/, with the real notices file.
    bundle = tmp_path / "bundle"
    notices = bundle / "resources" / "licenses" / "THIRD-PARTY-NOTICES.txt"
    notices.parent.mkdir(parents=True)
    subprocess.run([sys.executable, str(ROOT / "packaging" / "release" / "notices.py"), "-o", str(notices)],
                   check=True, timeout=120)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert notices_path() == notices
    about = AboutDialog({}, lambda _: None)
    qtbot.addWidget(about)
    about.show()
    assert qVersion() in about.lgpl_label.text() and "LGPL-3.0" in about.lgpl_label.text()
    assert about.notices_button.isVisible()
    about.notices_button.click()
    assert about.notices_dialog is not None and about.notices_dialog.isVisible()
    [view] = about.notices_dialog.findChildren(QPlainTextEdit)
    assert "GNU Lesser" in view.toPlainText() and "PySide6" in view.toPlainText()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "no-notices"))
    bare = AboutDialog({}, lambda _: None)
    qtbot.addWidget(bare)
    bare.show()
    assert not bare.notices_button.isVisible()  # nothing to show: no dead button


def test_an_uncaught_exception_is_logged_and_shown(qtbot, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    previous = sys.excepthook
    reporter = CrashReporter(tmp_path / "hems-desktop.log")
    reporter.install()
    try:
        with caplog.at_level(logging.CRITICAL, logger="hems_desktop.gui"):
            QTimer.singleShot(0, lambda: 1 / 0)  # a bug in a slot
            qtbot.waitUntil(lambda: reporter._box is not None and reporter._box.isVisible(), timeout=5000)
        assert any("ZeroDivisionError" in record.getMessage() and "Traceback" in record.getMessage()
                   for record in caplog.records)
        assert str(tmp_path / "hems-desktop.log") in reporter._box.text()  # type: ignore[union-attr]
        reporter._box.close()  # type: ignore[union-attr]
    finally:
        sys.excepthook = previous
