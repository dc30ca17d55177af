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
    print("ACTIONS", [a.text() for a in hems.tray.menu.actions() if a.text()])
    ok = wait_for(app, lambda: hems.last_reading is not None, 30)
    print("TOOLTIP", hems.tray.icon.toolTip().replace("\\n", " | "), ok)
    hems.tray.dashboard_action.trigger()
    wait_for(app, hems.dashboard.isVisible, 5)
    print("DASHBOARD", hems.dashboard.isVisible())
    hems.tray.toggle_action.trigger()
    wait_for(app, lambda: not hems.controller.running, 6)
    print("STOPPED", not hems.controller.running, hems.tray.toggle_action.text())
    hems.controller.stop()
    import os; sys.stdout.flush(); os._exit(0)
    """
)


def test_tray_icon_appears_under_a_real_tray_host(xvfb_with_tray: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", TRAY_SCRIPT, str(tmp_path)], env=xvfb_with_tray,
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "ACTIONS ['Dashboard', 'Stop', 'Settings…', 'Open data folder', 'About HEMS Desktop', 'Quit']" in out
    assert "TOOLTIP HEMS Desktop — Connected" in out and " W " in out
    assert "DASHBOARD True" in out
    assert "STOPPED True Start" in out


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
