"""What the dashboard draws from: the live readings of this run and the local history (read-only).

The history file is the demo's own in demo mode and the user's otherwise; switching mode
switches the file and forgets the other mode's live readings. In real mode the demo meter is
never taken for the user's meter (an earlier version wrote its readings into the user's file).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections import deque
from pathlib import Path

from hems_desktop.history import HistoryStore
from hems_desktop.reading import Reading
from hems_desktop.settings.desktop_paths import DEMO_METER_ID

log = logging.getLogger("hems_desktop.gui")

LIVE_POINTS = 5000


class HistorySource:
    def __init__(self, path: Path | None, demo: bool = False) -> None:
        self.path = path
        self.demo = demo
        self.live: deque[Reading] = deque(maxlen=LIVE_POINTS)
        self._store: HistoryStore | None = None

    def switch(self, path: Path | None, demo: bool) -> bool:
        """Read another file (demo <-> real); True when anything changed."""
        if path == self.path and demo == self.demo:
            return False
        self.close()
        self.path, self.demo = path, demo
        self.live.clear()
        return True

    def store(self) -> HistoryStore | None:
        if self._store is None and self.path is not None and self.path.exists():
            try:
                self._store = HistoryStore(self.path, readonly=True)
            except (sqlite3.Error, OSError, RuntimeError) as exc:
                log.debug("history %s not readable yet: %s", self.path, exc)
                return None
        return self._store

    def meter_id(self) -> str | None:
        """This run's meter, else the one the history saw last (never the demo meter in real mode)."""
        if self.live and self.live[-1].meter_id and self._shown(self.live[-1].meter_id):
            return self.live[-1].meter_id
        store = self.store()
        if store is None:
            return None
        try:
            meters = store.meters()
        except sqlite3.Error:
            return None
        return next((m for m in meters if self._shown(m)), None)

    def _shown(self, meter_id: str) -> bool:
        return self.demo or meter_id != DEMO_METER_ID

    def close(self) -> None:
        if self._store is not None:
            with contextlib.suppress(sqlite3.Error):
                self._store.close()
            self._store = None
