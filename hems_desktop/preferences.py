"""The desktop app's settings: the collector's Settings plus its own preferences, one file.

The file is the same versioned JSON the CLI reads (so `hems-collector` run by the same user
picks up the port and outputs chosen in the app); desktop-only values sit under "desktop".
Credentials are never in it: they live in the OS keyring.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hems_desktop.config import (
    ConfigError,
    Settings,
    default_history_path,
    load_settings_file,
    resolve_settings,
    save_settings_file,
)

LANGUAGES = ("system", "ja", "en")


@dataclass(frozen=True)
class DesktopPreferences:
    contract_amperes: int = 30  # the household's breaker size (契約アンペア)
    alert_percent: int = 90  # warn when a phase current reaches this share of it; 0 = off
    price_per_kwh: float = 31.0  # yen
    basic_monthly: float = 935.0  # yen
    language: str = "system"
    start_at_login: bool = False
    demo: bool = False
    notifications: bool = True

    def validated(self) -> DesktopPreferences:
        """Raise ConfigError (a clear message) for values the dialog must refuse."""
        if not 1 <= self.contract_amperes <= 200:
            raise ConfigError("contract amperage must be between 1 and 200 A")
        if not 0 <= self.alert_percent <= 100:
            raise ConfigError("the current alert threshold must be between 0 and 100 %")
        if not 0 <= self.price_per_kwh <= 1000 or not 0 <= self.basic_monthly <= 100_000:
            raise ConfigError("tariff values must be positive and plausible")
        if self.language not in LANGUAGES:
            raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}")
        return self

    @classmethod
    def from_mapping(cls, data: Any) -> DesktopPreferences:
        if not isinstance(data, dict):
            return cls()
        known = {f.name: f.type for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        defaults = cls()
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(defaults, key)
            if isinstance(default, bool):
                if isinstance(value, bool):
                    values[key] = value
            elif isinstance(default, (int, float)) and isinstance(value, (int, float)) and not isinstance(value, bool):
                values[key] = type(default)(value)
            elif isinstance(default, str) and isinstance(value, str):
                values[key] = value
        try:
            return cls(**values).validated()
        except ConfigError:
            return cls()


def load_desktop_settings(path: Path, environ: dict[str, str] | None = None) -> tuple[Settings, DesktopPreferences]:
    """Settings as the app sees them: the file (and environment) over defaults; history always on."""
    args = argparse.Namespace()
    settings = resolve_settings(args, environ if environ is not None else dict(os.environ), path)
    raw: dict[str, Any] = load_settings_file(path) if path.exists() else {}
    prefs = DesktopPreferences.from_mapping(raw.get("desktop"))
    if settings.history is None:
        settings = dataclasses.replace(settings, history=default_history_path())
    return dataclasses.replace(settings, demo=prefs.demo, route_b_password=None), prefs


def save_desktop_settings(path: Path, settings: Settings, prefs: DesktopPreferences) -> None:
    """Write the file (0600, atomic). The B-route ID and password go to the keyring, not here."""
    prefs.validated()
    clean = dataclasses.replace(settings, route_b_id=None, route_b_password=None)
    save_settings_file(path, clean, extra={"desktop": dataclasses.asdict(prefs)})
