"""Where the desktop app keeps what is its own: the demo's history, the log file, the window state.

The demo meter's readings never go into the user's history (`history.sqlite3`): a real session
that has not reached the meter yet must not show the demo meter's chart, kWh and ¥ as the user's.
"""

from __future__ import annotations

from pathlib import Path

from hems_desktop.settings.paths import data_dir, default_settings_path, log_dir

DEMO_HISTORY_FILE_NAME = "demo-history.sqlite3"
LOG_FILE_NAME = "hems-desktop.log"
WINDOW_STATE_FILE_NAME = "window-state.json"
# The emulator's meter (emulator/meter_model.py MeterConfig.mac): a history written by an earlier
# version may hold its readings next to the user's; they are never shown as the user's.
DEMO_METER_ID = "001C6400036E8CF5"


def demo_history_path() -> Path:
    return data_dir() / DEMO_HISTORY_FILE_NAME


def log_file_path() -> Path:
    return log_dir() / LOG_FILE_NAME


def window_state_path(settings_path: Path | None = None) -> Path:
    """Beside the settings file (window geometry is state, not a setting the CLI shares)."""
    return (settings_path or default_settings_path()).parent / WINDOW_STATE_FILE_NAME
