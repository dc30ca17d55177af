"""Settings: every option declared once (model.py), read from the command line, the
environment, `.env` and the settings file with one precedence, validated by one set of parsers."""

from hems_desktop.settings.errors import ConfigError
from hems_desktop.settings.file import load_settings_file, save_settings_file, settings_file_data
from hems_desktop.settings.model import Settings
from hems_desktop.settings.paths import default_history_path, default_settings_path
from hems_desktop.settings.resolve import load_settings, read_settings_file, resolve_settings

__all__ = [
    "ConfigError",
    "Settings",
    "default_history_path",
    "default_settings_path",
    "load_settings",
    "load_settings_file",
    "read_settings_file",
    "resolve_settings",
    "save_settings_file",
    "settings_file_data",
]
