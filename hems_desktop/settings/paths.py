"""Per-user folders (platformdirs): settings, history, caches, logs."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "hems-desktop"
SETTINGS_FILE_NAME = "settings.json"
HISTORY_FILE_NAME = "history.sqlite3"


def default_settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE_NAME


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_history_path() -> Path:
    return data_dir() / HISTORY_FILE_NAME


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME))  # as earlier releases wrote it (Windows: an author folder)


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))
