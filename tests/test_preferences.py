"""Desktop preferences in the shared settings file, and start-at-login entries."""

from __future__ import annotations

import dataclasses
import json
import plistlib
from pathlib import Path

import pytest

from hems_desktop import autostart
from hems_desktop.settings import ConfigError, load_settings
from hems_desktop.settings.preferences import DesktopPreferences, load_desktop_settings, save_desktop_settings


def test_preferences_round_trip_and_the_cli_reads_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings, prefs = load_desktop_settings(path, environ={})
    assert settings.history is not None  # the desktop app always keeps history
    settings = dataclasses.replace(settings, serial_port="/dev/ttyUSB3", route_b_id="X" * 32, route_b_password="P" * 12)
    prefs = DesktopPreferences(contract_amperes=40, language="ja", price_per_kwh=28.0)
    save_desktop_settings(path, settings, prefs)
    data = json.loads(path.read_text())
    assert data["desktop"]["contract_amperes"] == 40
    assert data["route_b_id"] is None and "P" * 12 not in path.read_text()
    loaded, loaded_prefs = load_desktop_settings(path, environ={})
    assert loaded_prefs == prefs and loaded.serial_port == "/dev/ttyUSB3"
    cli = load_settings({}, environ={}, cwd=tmp_path, settings_path=path)
    assert cli.serial_port == "/dev/ttyUSB3"  # the collector picks up what the app saved


@pytest.mark.parametrize(
    "bad", [{"contract_amperes": 0}, {"alert_percent": 150}, {"price_per_kwh": -1.0}, {"language": "fr"}]
)
def test_bad_preferences_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        DesktopPreferences(**bad).validated()  # type: ignore[arg-type]


def test_unreadable_preferences_fall_back_to_defaults() -> None:
    assert DesktopPreferences.from_mapping({"contract_amperes": "lots", "alert_percent": 500}) == DesktopPreferences()
    assert DesktopPreferences.from_mapping(["not", "a", "mapping"]) == DesktopPreferences()


def test_start_at_login_on_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not autostart.is_enabled("linux")
    autostart.set_enabled(True, "linux")
    entry = (tmp_path / "autostart" / "hems-desktop.desktop").read_text()
    assert "--autostart" in entry and "Exec=" in entry
    assert autostart.is_enabled("linux")
    autostart.set_enabled(False, "linux")
    assert not autostart.is_enabled("linux")


def test_start_at_login_on_macos(tmp_path: Path) -> None:
    autostart.set_enabled(True, "darwin", home=tmp_path)
    plist = plistlib.loads((tmp_path / "Library" / "LaunchAgents" / "jp.hems-desktop.plist").read_bytes())
    assert plist["RunAtLoad"] is True and plist["ProgramArguments"][-1] == "--autostart"
    autostart.set_enabled(False, "darwin", home=tmp_path)
    assert not autostart.is_enabled("darwin", home=tmp_path)
