"""The desktop app's own preferences, under "desktop" in the same settings file.

The file is the one the CLI reads (so `hems-collector` run by the same user picks up the port
and outputs chosen in the app). Credentials are never in it: they live in the OS keyring.
Each preference is declared once with its parser, like the collector's options.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hems_desktop.messages import msg
from hems_desktop.settings import parsers as p
from hems_desktop.settings.errors import ConfigError
from hems_desktop.settings.file import save_settings_file
from hems_desktop.settings.model import Settings
from hems_desktop.settings.paths import default_history_path
from hems_desktop.settings.resolve import read_settings_file, resolve_settings
from hems_desktop.settings.spec import declared_options, option

LANGUAGES = ("system", "ja", "en")
SECTION = "desktop"


def _int_in(low: int, high: int, what: str) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(msg("{what} must be a whole number from {low} to {high}", what=what, low=low, high=high))
        try:
            number = int(value)
        except ValueError:
            raise ValueError(msg("{what} must be a whole number from {low} to {high}", what=what, low=low,
                                 high=high)) from None
        if not low <= number <= high:
            raise ValueError(msg("{what} must be between {low} and {high}", what=what, low=low, high=high))
        return number

    return parse


def _number_in(low: float, high: float, what: str) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(msg("{what} must be a number from {low:g} to {high:g}", what=what, low=low, high=high))
        try:
            number = float(value)
        except ValueError:
            raise ValueError(msg("{what} must be a number from {low:g} to {high:g}", what=what, low=low,
                                 high=high)) from None
        if not low <= number <= high:
            raise ValueError(msg("{what} must be between {low:g} and {high:g}", what=what, low=low, high=high))
        return number

    return parse


def _language(value: Any) -> str:
    return p.parse_choice(value, LANGUAGES, msg("language"))


@dataclass(frozen=True)
class DesktopPreferences:
    contract_amperes: int = option(30, parse=_int_in(1, 200, msg("contract amperage (A)")))  # 契約アンペア
    alert_percent: int = option(90, parse=_int_in(0, 100, msg("the current alert threshold (%)")))  # 0 = off
    price_per_kwh: float = option(31.0, parse=_number_in(0, 1000, msg("the energy price (yen/kWh)")))
    basic_monthly: float = option(935.0, parse=_number_in(0, 100_000, msg("the basic charge (yen/month)")))
    language: str = option("system", parse=_language)
    start_at_login: bool = option(False, parse=p.parse_flag)
    demo: bool = option(False, parse=p.parse_flag)
    notifications: bool = option(True, parse=p.parse_flag)

    def validated(self) -> DesktopPreferences:
        """Raise ConfigError (naming the preference) for a value the dialog must refuse."""
        for declared in declared_options(DesktopPreferences):
            try:
                declared.spec.parse(getattr(self, declared.name))
            except ValueError as exc:
                raise ConfigError(str(exc), option=declared.name) from None
        return self

    @classmethod
    def from_mapping(cls, data: Any) -> DesktopPreferences:
        """Preferences from the file's section; an unreadable value falls back to its default."""
        if not isinstance(data, Mapping):
            return cls()
        values: dict[str, Any] = {}
        for declared in declared_options(cls):
            if declared.name in data:
                try:
                    values[declared.name] = declared.spec.parse(data[declared.name])
                except ValueError:
                    continue
        return cls(**values)


def load_desktop_settings(path: Path, environ: Mapping[str, str] | None = None) -> tuple[Settings, DesktopPreferences]:
    """Settings as the app sees them: the file (and environment) over defaults; history always on."""
    file_values = read_settings_file(path)
    settings = resolve_settings({}, environ if environ is not None else dict(os.environ), file_values,
                                settings_path=path)
    prefs = DesktopPreferences.from_mapping(file_values.get(SECTION))
    if settings.history is None:
        settings = dataclasses.replace(settings, history=default_history_path())
    return dataclasses.replace(settings, demo=prefs.demo, route_b_password=None), prefs


def save_desktop_settings(path: Path, settings: Settings, prefs: DesktopPreferences,
                          sections: Mapping[str, Any] | None = None) -> None:
    """Write the file (0600, atomic). The B-route ID and password go to the keyring, not here."""
    prefs.validated()
    clean = dataclasses.replace(settings, route_b_id=None, route_b_password=None)
    save_settings_file(path, clean, extra={**(sections or {}), SECTION: dataclasses.asdict(prefs)})
