"""The history output: every reading into the local SQLite store, and its D0 value into the minutes."""

from __future__ import annotations

import sqlite3

from hems_desktop.history.store import HistoryStore
from hems_desktop.reading import Reading
from hems_desktop.sinks.base import SinkError


class HistorySink:
    name = "history"

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def write(self, reading: Reading) -> None:
        try:
            self.store.add_reading(reading)
            minute, kwh, reverse = reading.one_minute_time, reading.one_minute_kwh, reading.one_minute_reverse_kwh
            if minute is not None and (kwh is not None or reverse is not None):
                # The meter's own latched 1-minute value (D0, Release R meters): kept as data beside the reading.
                self.store.add_minute_values(reading.meter_id or "unknown", [(int(minute.timestamp()), kwh, reverse)],
                                             "D0")
        except sqlite3.Error as exc:
            raise SinkError(f"history database {self.store.path}: {exc}", self.name) from None

    def close(self) -> None:
        """The store belongs to whoever opened it (the collector may still use it for backfill)."""
