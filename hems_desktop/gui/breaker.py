"""The "breaker about to trip" warning: a phase current at the chosen share of the contract amperage.

Said at once the first time, then at most every 10 minutes while it lasts (boot time is irrelevant).
"""

from __future__ import annotations

import time

from hems_desktop.reading import Reading
from hems_desktop.settings.preferences import DesktopPreferences

ALERT_REPEAT_S = 600


class BreakerWatch:
    def __init__(self) -> None:
        self._last_alert: float | None = None  # monotonic time of the last warning; None: never

    def check(self, reading: Reading, prefs: DesktopPreferences) -> float | None:
        """The highest phase current when a warning is due now, else None."""
        if prefs.alert_percent <= 0:
            return None
        limit = prefs.contract_amperes * prefs.alert_percent / 100
        highest = max((c for c in (reading.current_r_a, reading.current_t_a) if c is not None), default=None)
        if highest is None or highest < limit:
            return None
        if self._last_alert is not None and time.monotonic() - self._last_alert < ALERT_REPEAT_S:
            return None
        self._last_alert = time.monotonic()
        return highest
