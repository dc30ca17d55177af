"""The desktop app against real desktop services: a tray host under Xvfb, and a Secret Service.

These need Debian packages (.ci/run installs them): xvfb and trayer for the tray, gnome-keyring
and dbus for the keyring. Without them the tests skip and say which package is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROUTE_B_ID

pytest.importorskip("PySide6")


def _need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian packages; .ci/run installs them)")


@pytest.fixture
def xvfb_with_tray(tmp_path: Path) -> Iterator[dict[str, str]]:
    _need("Xvfb", "trayer")
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{display[1:]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    trayer = subprocess.Popen(["trayer", "--edge", "top", "--widthtype", "request"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        yield env
    finally:
        trayer.terminate()
        xvfb.terminate()
        trayer.wait(5)
        xvfb.wait(5)


TRAY_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon
    from hems_desktop.gui.app import wait_for
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.self_test import _MemoryStore

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    folder = Path(sys.argv[1])
    if not wait_for(app, QSystemTrayIcon.isSystemTrayAvailable, 10):
        print("NO-TRAY"); sys.exit(3)
    hems = HemsApp(settings_path=folder / "s.json", demo=True, language="en", credential_store=_MemoryStore(),
                   history_path=folder / "h.sqlite3")
    hems.start()
    assert hems.tray is not None and hems.tray.icon.isVisible(), "tray icon not shown"
    assert not hems.dashboard.isVisible(), "with a tray the app starts in the tray"
    print("ACTIONS", [a.text().replace("&", "") for a in hems.tray.menu.actions() if a.text()])
    ok = wait_for(app, lambda: hems.last_reading is not None, 30)
    print("TOOLTIP", hems.tray.icon.toolTip().replace("\\n", " | "), ok)
    hems.actions.dashboard.trigger()
    wait_for(app, hems.dashboard.isVisible, 5)
    print("DASHBOARD", hems.dashboard.isVisible())
    hems.actions.settings.trigger()  # Settings from the tray: a window of its own, with the focus
    wait_for(app, lambda: hems.settings_dialog is not None and hems.settings_dialog.isActiveWindow(), 5)
    print("SETTINGS", hems.settings_dialog.isVisible(), hems.settings_dialog.isActiveWindow())
    from PySide6.QtCore import QPoint
    hems.tray.menu.popup(QPoint(40, 40))  # the tray menu still opens while the dialog is open
    wait_for(app, hems.tray.menu.isVisible, 3)
    print("MENU", hems.tray.menu.isVisible(), QApplication.activeModalWidget() is None)
    hems.tray.menu.hide()
    hems.settings_dialog.close()
    from PySide6.QtCore import QSize
    from hems_desktop.gui.icons import status_pixmap
    screen = app.primaryScreen()
    ratio = screen.devicePixelRatio()
    drawn = hems.tray.icon.icon().pixmap(QSize(22, 22), ratio)
    exact = drawn.toImage() == status_pixmap(hems.state, hems.last_reading.instant_w, 22, ratio).toImage()
    print("RATIO", ratio, drawn.width(), exact)
    frame, available = hems.dashboard.frameGeometry(), screen.availableGeometry()
    print("FITS", frame.width() <= available.width() and frame.height() <= available.height())
    hems.actions.toggle.trigger()
    wait_for(app, lambda: not hems.controller.running, 6)
    print("STOPPED", not hems.controller.running, hems.actions.toggle.text().replace("&", ""))
    hems.controller.stop()
    import os; sys.stdout.flush(); os._exit(0)
    """
)


@pytest.mark.parametrize("scale", ["1", "1.5"], ids=["100 %", "150 %"])
def test_tray_icon_appears_under_a_real_tray_host(xvfb_with_tray: dict[str, str], tmp_path: Path, scale: str) -> None:
    env = dict(xvfb_with_tray, QT_SCALE_FACTOR=scale)
    result = subprocess.run([sys.executable, "-c", TRAY_SCRIPT, str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert ("ACTIONS ['Dashboard', 'Stop', 'Settings…', 'Open data folder', 'Open log folder', 'About HEMS Desktop', "
            "'Quit']") in out
    assert "TOOLTIP HEMS Desktop (demo) — Connected" in out and " W " in out
    assert "DASHBOARD True" in out
    assert "SETTINGS True True" in out  # opened from the tray, it has the focus
    assert "MENU True True" in out  # and it does not block the tray menu
    # The icon is drawn for the screen's pixel ratio (33 pixels for a 22-pixel slot at 150 %), not scaled up.
    assert f"RATIO {float(scale)} {round(22 * float(scale))} True" in out
    assert "FITS True" in out  # the window is never larger than the screen
    assert "STOPPED True Start" in out


NO_TRAY_SCRIPT = textwrap.dedent(
    """
    import dataclasses, subprocess, sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from hems_desktop.gui.app import wait_for
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.self_test import _MemoryStore

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    folder = Path(sys.argv[1])
    hems = HemsApp(settings_path=folder / "s.json", demo=True, language="en", credential_store=_MemoryStore(),
                   history_path=folder / "h.sqlite3")
    hems.prefs = dataclasses.replace(hems.prefs, alert_percent=1)  # any current warns: a notification to show
    hems.start()
    print("TRAY", hems.tray is not None, "WINDOW", hems.dashboard.isVisible())
    menu = [a.text().replace("&", "") for a in hems.dashboard.app_menu.actions() if a.text()]
    print("MENU", menu)
    shown = wait_for(app, lambda: any(s.title == "Breaker warning" for s in hems.notifier.shown), 40)
    print("NOTIFIED", shown, [s.channel.value for s in hems.notifier.shown])
    subprocess.run(["dunstctl", "close-all"], check=False)  # shown ones go to the daemon's history
    history = subprocess.run(["dunstctl", "history"], capture_output=True, text=True).stdout
    print("DAEMON", "Breaker warning" in history)
    hems.dashboard.close()  # the window's close button
    print("QUIT", hems._quitting, not hems.controller.running)
    import os; sys.stdout.flush(); os._exit(0)
    """
)


def test_without_a_tray_the_window_has_the_menu_notifications_reach_the_desktop_and_close_quits(
        tmp_path: Path) -> None:
    _need("Xvfb", "dbus-run-session", "dunst", "dunstctl")
    display = f":{80 + os.getpid() % 9}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{display[1:]}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path),
                   XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))
        script = tmp_path / "no_tray.py"
        script.write_text(NO_TRAY_SCRIPT)
        # A session bus with a real notification daemon (dunst), no tray host.
        command = f"dunst >/dev/null 2>&1 & sleep 0.5; {sys.executable} {script} {tmp_path}"
        result = subprocess.run(["dbus-run-session", "--", "sh", "-c", command], env=env, capture_output=True,
                                text=True, timeout=120)
    finally:
        xvfb.terminate()
        xvfb.wait(5)
    out = result.stdout
    assert "TRAY False WINDOW True" in out, out + result.stderr
    assert "MENU ['Stop', 'Settings…', 'Open data folder', 'Open log folder', 'About HEMS Desktop', 'Quit']" in out
    assert "NOTIFIED True ['freedesktop']" in out, out + result.stderr  # through the desktop's service
    assert "DAEMON True" in out  # and the daemon has it
    assert "QUIT True True" in out  # closing the window quit the app and ended the session


KEYRING_SCRIPT = textwrap.dedent(
    f"""
    from hems_desktop.credentials import CredentialStore, Credentials, backend_name
    store = CredentialStore(service="hems-desktop-test")
    store.save(Credentials("{ROUTE_B_ID}", "{PASSWORD}"))
    loaded = CredentialStore(service="hems-desktop-test").load()
    print("BACKEND", backend_name())
    print("ROUNDTRIP", loaded == Credentials("{ROUTE_B_ID}", "{PASSWORD}"))
    """
)


def test_credentials_round_trip_through_a_real_secret_service(tmp_path: Path) -> None:
    _need("dbus-run-session", "gnome-keyring-daemon")
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_DATA_HOME=str(home / "data"))
    script = (
        "echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f"{sys.executable} -c '{KEYRING_SCRIPT}'"
    )
    result = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env, capture_output=True,
                            text=True, timeout=60)
    assert "ROUNDTRIP True" in result.stdout, result.stdout + result.stderr
    assert "SecretService" in result.stdout
    stored = "".join(p.read_text(errors="replace") for p in home.rglob("*.keyring"))
    assert PASSWORD not in stored  # the keyring file on disk is encrypted
