"""History work the collector does while it waits for the next slot: backfill from the meter's
memory (half hours from E2/E4, the 1-minute gap after an outage from EE/EF), the meter's EA/EB
notices, the meter constants, and retention (once a day).

A failing database (full disk, damaged file, missing tables) is reported once and the work
paused; readings go on (the history output reports its own failures).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sqlite3
from collections import deque
from collections.abc import Callable

from hems_desktop.collector.backfill import Backfill
from hems_desktop.collector.events import FixedTimeReading
from hems_desktop.collector.minutes import MinuteFill
from hems_desktop.describe import describe_sqlite_error
from hems_desktop.device.base import DongleError
from hems_desktop.errors import ErrorKind
from hems_desktop.history.store import HistoryStore
from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.session import Session, SessionError
from hems_desktop.timebase import SLOT_S

log = logging.getLogger("hems_desktop.collector")

Report = Callable[[str, ErrorKind], None]


class HistoryMaintenance:
    def __init__(self, session: Session, store: HistoryStore, report: Report, *, backfill_days: int = 30,
                 keep_days: int | None = None) -> None:
        self.session = session
        self.store = store
        self.backfill = Backfill(session, store, days=backfill_days)
        self.minutes = MinuteFill(session, store)
        self.keep_days = keep_days
        self._report = report
        self._thinned_on: dt.date | None = None
        self._fixed_time: deque[FixedTimeReading] = deque(maxlen=1000)  # filled by the reader thread
        self._failed = False

    def _guard(self, what: str, action: Callable[[], object]) -> bool:
        """Run one piece of history work; a database failure is reported once and pauses the work."""
        try:
            action()
        except sqlite3.Error as exc:
            if not self._failed:
                self._report(f"history database {self.store.path}: {describe_sqlite_error(exc)} ({what} paused)",
                             ErrorKind.HISTORY)
            self._failed = True
            return False
        if self._failed:
            log.info("the history database works again")
            self._failed = False
        return True

    def connected(self) -> None:
        constants, meter_id = self.session.constants, self.session.meter_id
        self._guard("1-minute values", self.minutes.session_started)
        if constants is not None and meter_id:
            self._guard("meter constants", lambda: self.store.set_meter_constants(
                meter_id, constants.coefficient, str(constants.unit_kwh)))

    def notice(self, event: FixedTimeReading) -> None:
        """An EA/EB notice (reader thread): kept for the collector thread (the store is not shared)."""
        self._fixed_time.append(event)

    def store_notices(self) -> None:
        while self._fixed_time:
            event = self._fixed_time.popleft()
            slot = int(event.at.timestamp())
            if event.at.minute not in (0, 30) or event.at.second or slot % SLOT_S:
                continue
            for kwh, store, source in ((event.cumulative_kwh, self.store.add_half_hours, "EA"),
                                       (event.cumulative_reverse_kwh, self.store.add_half_hours_reverse, "EB")):
                if kwh is not None:
                    self._guard("storing the meter's :00/:30 values",
                                functools.partial(store, event.meter_id, [(slot, kwh)], source))

    def thin(self) -> None:
        """Retention: once a day, drop raw readings older than keep_days (half-hourly values stay)."""
        today = dt.date.today()
        if self.keep_days is None or self._thinned_on == today:
            return
        self._thinned_on = today
        keep = self.keep_days

        def run() -> None:
            removed = self.store.thin_readings(keep)
            if removed:
                log.info("history: removed %d raw reading(s) older than %d days", removed, keep)

        self._guard("retention", run)

    def backfill_step(self) -> bool:
        """One day of 30-minute history from the meter; False when there is nothing (more) to do now."""
        if self._failed:
            return False
        try:
            has_work = False

            def step() -> None:
                nonlocal has_work
                if self.minutes.has_work:  # the newest gap first: the meter keeps it for 10 minutes only
                    has_work = True
                    self.minutes.step()
                    return
                has_work = self.backfill.has_work
                if has_work:
                    self.backfill.step()

            return self._guard("backfill", step) and has_work
        except (SessionError, DongleError, EchonetError) as exc:
            log.info("history backfill paused: %s", exc)
            return False
