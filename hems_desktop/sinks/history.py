"""The history output: every reading into the local SQLite store."""

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
        except sqlite3.Error as exc:
            raise SinkError(f"history database {self.store.path}: {exc}", self.name) from None

    def close(self) -> None:
        """The store belongs to whoever opened it (the collector may still use it for backfill)."""
