"""The 1-minute gap after an outage, filled from the meter's own memory (EF + EE, Release R meters).

The readings carry D0 (the latest 1-minute cumulative values), which the history output keeps in
its `minutes` table. When a session starts after an outage, the minutes before its first D0
are missing; the meter keeps the last 10 (EE), so once per session, in spare time, EF chooses
the newest missing minute and how many, and one Get of EE returns them (two round trips).
An outage longer than that loses the older minutes (the half-hourly values still cover it).
"""

from __future__ import annotations

import datetime as dt
import logging

from hems_desktop.history.store import HistoryStore
from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import ESV, EchonetError, Property
from hems_desktop.session import Session
from hems_desktop.timebase import JST

log = logging.getLogger("hems_desktop.backfill")

MINUTE_S = 60


class MinuteFill:
    def __init__(self, session: Session, store: HistoryStore) -> None:
        self.session = session
        self.store = store
        self._armed = False
        self._before: int | None = None  # the newest minute stored when the session started
        self.minutes_filled = 0

    def session_started(self) -> None:
        """Armed until this session's first D0 is in the history: the gap ends there."""
        self._armed = True
        self._before = self.store.latest_minute(self.session.meter_id)

    def _missing(self) -> list[int]:
        """The minutes (unix s) the meter still keeps before the newest D0 that the history lacks, newest first."""
        meter = self.session.meter
        if not (meter.has(m.EPC_HISTORY3) and meter.has(m.EPC_HISTORY3_SETTING)) or self.session.constants is None:
            return []
        meter_id = self.session.meter_id
        latest = self.store.latest_minute(meter_id)
        if latest is None or (self._before is not None and latest <= self._before):
            return []  # no D0 of this session yet: it comes with its first reading
        oldest = latest - (r.HISTORY3_MAX_POINTS - 1) * MINUTE_S
        have = self.store.minute_values(meter_id, dt.datetime.fromtimestamp(oldest, dt.timezone.utc),
                                        dt.datetime.fromtimestamp(latest, dt.timezone.utc))
        return [minute for minute in range(latest - MINUTE_S, oldest - 1, -MINUTE_S) if minute not in have]

    @property
    def has_work(self) -> bool:
        return self._armed and bool(self._missing())

    def step(self) -> int:
        """One EF + EE exchange for this session's gap; the number of minutes stored."""
        missing = self._missing() if self._armed else []
        self._armed = False  # once per session, whatever the meter answers
        constants = self.session.constants
        if not missing or constants is None:
            return 0
        newest, count = missing[0], (missing[0] - missing[-1]) // MINUTE_S + 1
        at = dt.datetime.fromtimestamp(newest, JST).replace(tzinfo=None)
        answer = self.session.set_properties([Property(m.EPC_HISTORY3_SETTING, r.encode_history3_setting(at, count))])
        if answer.esv != ESV.SET_RES:
            log.info("the meter refused EF (1-minute history from %s); the gap stays", at)
            return 0
        values = self.session.get_properties([m.EPC_HISTORY3])
        if m.EPC_HISTORY3 not in values:
            return 0
        try:
            history = r.decode_history3(values[m.EPC_HISTORY3])
        except EchonetError as exc:
            log.info("ignoring a malformed EE answer: %s", exc)
            return 0
        if history.newest != at:
            log.info("EE answered from %s, asked from %s; ignoring", history.newest, at)
            return 0
        rows = []
        for minute, normal, reverse in history.points():
            kwh = m.cumulative_kwh(normal, constants.coefficient, constants.unit_kwh)
            kwh_reverse = m.cumulative_kwh(reverse, constants.coefficient, constants.unit_kwh)
            if kwh is None and kwh_reverse is None:
                continue  # "no data" stays empty
            rows.append((int(minute.replace(tzinfo=JST).timestamp()), None if kwh is None else float(kwh),
                         None if kwh_reverse is None else float(kwh_reverse)))
        added = self.store.add_minute_values(self.session.meter_id, rows, "EE")
        self.minutes_filled += added
        log.info("history: filled %d 1-minute value(s) from the meter (EE)", added)
        return added
