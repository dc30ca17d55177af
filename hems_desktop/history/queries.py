"""Reads for the insights: boundary values of both directions, 1-minute values, rollup rows.

A mixin of `HistoryStore` (kept apart so each module reads in one sitting): every query is one
indexed range scan, so a year of half hours (~17,500 rows) reads in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from hems_desktop.reading import Reading
from hems_desktop.timebase import SLOT_S

RollupRow = tuple[int, "float | None", "int | None", "int | None", "float | None", "float | None"]


class UsageQueries:
    _db: sqlite3.Connection
    _v2: bool  # False for a read-only look at a version-1 file: the version-2 columns read as NULL

    def readings(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> list[Reading]:
        raise NotImplementedError  # HistoryStore's

    def half_hours_reverse(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> dict[int, tuple[float, str]]:
        """{slot_start unix: (cumulative reverse kWh, source)} for start <= slot < end (energy sold)."""
        if not self._v2:
            return {}
        rows = self._db.execute(
            "SELECT slot_start, kwh_reverse, source_reverse FROM half_hours WHERE meter_id = ? AND slot_start >= ?"
            " AND slot_start < ? AND kwh_reverse IS NOT NULL",
            (meter_id, int(start.timestamp()), int(end.timestamp())),
        )
        return {slot: (kwh, source) for slot, kwh, source in rows}

    def missing_reverse_slots(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> list[int]:
        """:00/:30 boundaries in [start, end) with no reverse-direction value yet (unix seconds)."""
        first = -(-int(start.timestamp()) // SLOT_S) * SLOT_S
        have = self.half_hours_reverse(meter_id, start, end)
        return [slot for slot in range(first, int(end.timestamp()), SLOT_S) if slot not in have]

    def latest_minute(self, meter_id: str) -> int | None:
        """The newest whole minute (unix s) with a 1-minute value of either direction."""
        if not self._v2:
            return None
        row = self._db.execute("SELECT max(minute_start) FROM minutes WHERE meter_id = ?", (meter_id,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def cumulative_values(self, meter_id: str, start: int, end: int) -> tuple[dict[int, float], dict[int, float]]:
        """Normal and reverse cumulative kWh at the boundaries start <= slot <= end (unix s)."""
        where = "FROM half_hours WHERE meter_id = ? AND slot_start >= ? AND slot_start <= ?"
        if not self._v2:
            return dict(self._db.execute(f"SELECT slot_start, kwh {where} AND kwh IS NOT NULL",
                                         (meter_id, start, end))), {}
        normal: dict[int, float] = {}
        sold: dict[int, float] = {}
        # one pass over the range for both directions: half the time of a query for each
        for slot, kwh, reverse in self._db.execute(f"SELECT slot_start, kwh, kwh_reverse {where}",
                                                   (meter_id, start, end)):
            if kwh is not None:
                normal[slot] = kwh
            if reverse is not None:
                sold[slot] = reverse
        return normal, sold

    def max_current(self, meter_id: str, start: int, end: int) -> tuple[int, float] | None:
        """(half-hour start unix s, A) of the highest phase current (R or T) in [start, end)."""
        if not self._v2:
            return None
        row = self._db.execute(
            "SELECT slot * 1800, max(coalesce(max_r, -1e9), coalesce(max_t, -1e9)) AS a FROM rollup"
            " WHERE meter_id = ? AND slot >= ? AND slot < ? AND (max_r IS NOT NULL OR max_t IS NOT NULL)"
            " ORDER BY a DESC, slot LIMIT 1", (meter_id, start // SLOT_S, -(-end // SLOT_S)),
        ).fetchone()
        return None if row is None else (int(row[0]), float(row[1]))

    def minute_values(self, meter_id: str, start: dt.datetime, end: dt.datetime
                      ) -> dict[int, tuple[float | None, float | None, str]]:
        """{minute unix s: (cumulative kWh, cumulative reverse kWh, source)} for start <= minute < end."""
        if not self._v2:
            return {}
        rows = self._db.execute(
            "SELECT minute_start, kwh, kwh_reverse, source FROM minutes WHERE meter_id = ? AND minute_start >= ?"
            " AND minute_start < ?", (meter_id, int(start.timestamp()), int(end.timestamp())),
        )
        return {minute: (kwh, reverse, source) for minute, kwh, reverse, source in rows}

    def readings_at_boundaries(self, meter_id: str, boundaries: Sequence[int], window_s: int = 150) -> dict[int, float]:
        """Cumulative kWh of the live reading nearest each boundary, when one lies within `window_s`.

        Fills boundaries the meter gave no half-hourly value for (the insights count them as
        estimated). One query per run of consecutive boundaries; scans only readings near them.
        """
        out: dict[int, float] = {}
        runs: list[list[int]] = []
        for boundary in sorted(boundaries):
            if runs and boundary - runs[-1][-1] == SLOT_S:
                runs[-1].append(boundary)
            else:
                runs.append([boundary])
        for run in runs:
            rows = self._db.execute(
                """SELECT (ts / 1000 + 900) / 1800 * 1800 AS b, cumulative_kwh,
                          min(abs(ts / 1000 - (ts / 1000 + 900) / 1800 * 1800)) AS distance
                   FROM readings WHERE meter_id = ? AND ts >= ? AND ts <= ? AND cumulative_kwh IS NOT NULL
                     AND abs(ts / 1000 - (ts / 1000 + 900) / 1800 * 1800) <= ?
                   GROUP BY b""",
                (meter_id, (run[0] - window_s) * 1000, (run[-1] + window_s) * 1000, window_s),
            )
            out.update({int(b): float(kwh) for b, kwh, _ in rows})
        return out

    def latest_cumulative(self, meter_id: str, before: dt.datetime) -> tuple[int, float] | None:
        """(unix s, kWh) of the newest reading with a cumulative value before `before`."""
        row = self._db.execute(
            "SELECT ts, cumulative_kwh FROM readings WHERE meter_id = ? AND ts < ? AND cumulative_kwh IS NOT NULL"
            " ORDER BY ts DESC LIMIT 1", (meter_id, int(before.timestamp() * 1000)),
        ).fetchone()
        return None if row is None else (int(row[0]) // 1000, float(row[1]))

    def rollup_rows(self, meter_id: str, start: int, end: int) -> list[RollupRow]:
        """Per half hour [start, end) with readings: (slot start unix s, mean W, min W, max W, max R A, max T A)."""
        currents = "max_r, max_t" if self._v2 else "NULL, NULL"
        rows = self._db.execute(
            f"SELECT slot * 1800, CASE WHEN n > 0 THEN sum_w / n END, min_w, max_w, {currents} FROM rollup"
            " WHERE meter_id = ? AND slot >= ? AND slot < ? ORDER BY slot",
            (meter_id, start // SLOT_S, -(-end // SLOT_S)),
        )
        return [(int(a), b, c, d, e, f) for a, b, c, d, e, f in rows]

    def peak_reading(self, meter_id: str, start: int, end: int) -> Reading | None:
        """The reading with the highest power in [start, end) (unix s): the rollup finds its half hour."""
        row = self._db.execute(
            "SELECT slot FROM rollup WHERE meter_id = ? AND slot >= ? AND slot < ? AND max_w IS NOT NULL"
            " ORDER BY max_w DESC, slot LIMIT 1", (meter_id, start // SLOT_S, -(-end // SLOT_S)),
        ).fetchone()
        if row is None:
            return None
        slot_start = max(int(row[0]) * SLOT_S, start)
        slot_end = min(slot_start - slot_start % SLOT_S + SLOT_S, end)
        found = [r for r in self.readings(meter_id, dt.datetime.fromtimestamp(slot_start, dt.timezone.utc),
                                          dt.datetime.fromtimestamp(slot_end, dt.timezone.utc))
                 if r.instant_w is not None]
        return max(found, key=lambda r: r.instant_w or 0) if found else None
