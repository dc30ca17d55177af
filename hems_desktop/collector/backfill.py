"""Fill missing half-hour slots from the meter's own memory (E5 day select + E2 day history, and
E4 for the reverse direction where the meter has it).

The meter keeps 48 cumulative values per day for many days back, so even when the computer
was off the picture can be completed exactly. Each step fetches one day (two round trips, three
with E4); the collector runs steps only while the next reading is far enough away.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from hems_desktop.history.store import HistoryStore
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV, EchonetError, Property
from hems_desktop.session import Session
from hems_desktop.timebase import JST, SLOT_S, jst_midnight, slot_floor

log = logging.getLogger("hems_desktop.backfill")

MAX_DAYS_BACK = 99  # E5 range


class Backfill:
    """Works out which meter days have missing slots and fetches them one day per step."""

    def __init__(
        self,
        session: Session,
        store: HistoryStore,
        *,
        days: int = 30,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    ) -> None:
        self.session = session
        self.store = store
        self.days = min(days, MAX_DAYS_BACK)
        self.clock = clock
        self._fetched: dict[dt.date, int] = {}  # day -> last boundary (unix) known when fetched
        self._oldest_refused: int | None = None  # days_ago the meter refused for E5
        self._reverse_refused = False  # the meter advertises E4 but refuses it
        self.slots_filled = 0
        self.days_fetched = 0

    def _meter_id(self) -> str:
        return self.session.meter_id

    @property
    def _reverse(self) -> bool:
        """Whether the reverse direction (E4) is asked too."""
        return self.session.meter.has(m.EPC_HISTORY1_REVERSE) and not self._reverse_refused

    def _missing(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> list[int]:
        """Boundaries missing in either direction the meter keeps, sorted."""
        missing = set(self.store.missing_slots(meter_id, start, end))
        if self._reverse:
            missing.update(self.store.missing_reverse_slots(meter_id, start, end))
        return sorted(missing)

    def pending_days(self) -> list[dt.date]:
        """Meter days (JST) with missing slots that are worth asking for, newest first."""
        meter_id = self._meter_id()
        if not meter_id or self.session.constants is None:
            return []
        now = self.clock()
        today = now.astimezone(JST).date()
        latest_boundary = slot_floor(now.timestamp())
        start = dt.datetime.combine(today - dt.timedelta(days=self.days - 1), dt.time(), JST)
        missing = self._missing(meter_id, start, now + dt.timedelta(seconds=1))
        days: list[dt.date] = []
        for slot in missing:
            day = dt.datetime.fromtimestamp(slot, JST).date()
            if days and days[-1] == day:
                continue
            days_ago = (today - day).days
            if self._oldest_refused is not None and days_ago >= self._oldest_refused:
                continue
            fetched = self._fetched.get(day)
            # A past day is asked once ("no data" slots stay empty); today again after each new boundary.
            if fetched is not None and (day != today or fetched >= latest_boundary):
                continue
            days.append(day)
        return sorted(days, reverse=True)

    @property
    def has_work(self) -> bool:
        return bool(self.pending_days())

    def step(self) -> int:
        """Fetch one day; returns the number of new slots stored (0 when there was nothing to do)."""
        days = self.pending_days()
        if not days:
            return 0
        return self.fetch_day(days[0])

    def run_all(self) -> int:
        total = 0
        while self.pending_days():
            total += self.step()
        return total

    def fetch_day(self, day: dt.date) -> int:
        session, constants = self.session, self.session.constants
        if constants is None:
            return 0
        now = self.clock()
        today = now.astimezone(JST).date()
        days_ago = (today - day).days
        self._fetched[day] = slot_floor(now.timestamp())
        if not 0 <= days_ago <= MAX_DAYS_BACK:
            return 0
        answer = session.set_properties([Property(m.EPC_HISTORY1_DAY, bytes([days_ago]))])
        if answer.esv != ESV.SET_RES:
            log.info("the meter keeps no 30-minute history for %s (%d days ago)", day, days_ago)
            self._oldest_refused = days_ago if self._oldest_refused is None else min(self._oldest_refused, days_ago)
            return 0
        meter_id, start = self._meter_id(), dt.datetime.fromtimestamp(jst_midnight(day), dt.timezone.utc)
        end = start + dt.timedelta(days=1)
        added = 0
        if self.store.missing_slots(meter_id, start, end):
            rows = self._day_rows(m.EPC_HISTORY1_NORMAL, day, days_ago, now)
            if rows is None and m.EPC_HISTORY1_NORMAL in session.refused_epcs:
                self._oldest_refused = 0  # the meter refuses E2 altogether
                return 0
            added += self.store.add_half_hours(meter_id, rows or [], "E2")
        if self._reverse and self.store.missing_reverse_slots(meter_id, start, end):
            rows = self._day_rows(m.EPC_HISTORY1_REVERSE, day, days_ago, now)
            if rows is None and m.EPC_HISTORY1_REVERSE in session.refused_epcs:
                self._reverse_refused = True
            added += self.store.add_half_hours_reverse(meter_id, rows or [], "E4")
        self.slots_filled += added
        self.days_fetched += 1
        log.info("history: %s filled %d half-hour value(s) from the meter", day, added)
        return added

    def _day_rows(self, epc: int, day: dt.date, days_ago: int, now: dt.datetime) -> list[tuple[int, float]] | None:
        """The day's (boundary, kWh) from E2 or E4 (the day E5 chose); None when the meter gave none."""
        constants = self.session.constants
        assert constants is not None
        values = self.session.get_properties([epc])
        if epc not in values:
            return None
        try:
            history = m.decode_day_history(values[epc], epc)
        except EchonetError as exc:
            log.info("ignoring a malformed %02X answer: %s", epc, exc)
            return None
        if history.days_ago != days_ago:
            log.info("%02X answered for %d days ago, asked for %d; ignoring", epc, history.days_ago, days_ago)
            return None
        midnight = jst_midnight(day)
        now_s = now.timestamp()
        rows = []
        for index, raw in enumerate(history.values):
            slot = midnight + index * SLOT_S
            kwh = m.cumulative_kwh(raw, constants.coefficient, constants.unit_kwh)
            if kwh is None or slot > now_s:
                continue  # "no data" stays empty: never a guessed number
            rows.append((slot, float(kwh)))
        return rows
