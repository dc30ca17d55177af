"""SQLite history store: one writer (the collector) and any number of readers (the chart).

WAL mode lets readers work while the collector writes. Readings go to `readings`, and a
half-hour rollup (`rollup`) is updated in the same transaction so a year-long chart query
reads ~17,500 rows instead of ~525,000. Half-hourly cumulative values from the meter itself
(EA/EB notices, E2/E4 history, EC history), normal and reverse direction, go to `half_hours`,
and its 1-minute values (D0, EE/EF) to `minutes`; usage is computed from those (the arithmetic
is in `hems_desktop.insights.usage`), not by summing instantaneous watts.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hems_desktop.history.queries import UsageQueries
from hems_desktop.history.schema import MIGRATIONS, SCHEMA_VERSION
from hems_desktop.insights.usage import slot_usage, usage_between
from hems_desktop.reading import Reading
from hems_desktop.sqlite_transaction import immediate_transaction
from hems_desktop.timebase import JST, SLOT_S, slot_ceil

__all__ = ["SCHEMA_VERSION", "Bucket", "HistoryStore", "Tariff", "UsagePeriod"]

@dataclass(frozen=True)
class Bucket:
    """One chart point: a time bucket with min, max and mean power (and mean currents)."""

    start: float  # unix seconds
    min_w: float | None
    max_w: float | None
    mean_w: float | None
    mean_r_a: float | None
    mean_t_a: float | None
    count: int


@dataclass(frozen=True)
class Tariff:
    price_per_kwh: float = 31.0  # yen, a typical 2026 unit price
    basic_monthly: float = 935.0  # yen, e.g. 30 A contract
    # Optional time-of-use bands: (start hour, end hour, price per kWh), end exclusive.
    bands: tuple[tuple[int, int, float], ...] = ()

    def price_at(self, hour: int) -> float:
        for start, end, price in self.bands:
            if start <= hour < end or (start > end and (hour >= start or hour < end)):
                return price
        return self.price_per_kwh


@dataclass(frozen=True)
class UsagePeriod:
    start: dt.date
    kwh: float | None  # None when the meter's values for the period are missing
    complete: bool  # False for today-so-far or when slots are missing
    cost_yen: float | None = None


def _now_ms() -> int:
    return int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)


class HistoryStore(UsageQueries):
    """One SQLite file. Create one instance per thread (sqlite3 connections are per thread)."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        self._db = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA busy_timeout = 10000")
        try:
            self._refuse_newer()  # before anything is modified: no journal-mode switch, no migration
        except BaseException:
            self._db.close()
            raise
        if not readonly:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across app crashes
            self._migrate()
        # A read-only store may look at a version-1 file the collector has not migrated yet:
        # the columns version 2 added read as NULL there.
        self._v2 = self.schema_version >= 2

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- schema ----

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"history database {self.path} is from a newer HEMS Desktop (schema {version}); please upgrade"
            )

    def _migrate(self) -> None:
        for target in range(self.schema_version + 1, SCHEMA_VERSION + 1):
            with self._lock, immediate_transaction(self._db):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    # ---- writing ----

    def add_reading(self, reading: Reading) -> bool:
        """Store one reading (idempotent by meter and time). True when it was new."""
        return self.add_readings([reading]) == 1

    def add_readings(self, readings: Iterable[Reading]) -> int:
        added = 0
        with self._lock, immediate_transaction(self._db):
            for reading in readings:
                added += self._insert(reading)
        return added

    def _insert(self, reading: Reading) -> int:
        ts = reading.timestamp
        offset = ts.utcoffset()
        ms = int(ts.timestamp() * 1000)
        meter = reading.meter_id or "unknown"
        cursor = self._db.execute(
            """INSERT OR IGNORE INTO readings (meter_id, ts, utc_offset_s, instant_w, current_r_a, current_t_a,
                   cumulative_kwh, cumulative_reverse_kwh) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (meter, ms, int(offset.total_seconds()) if offset else 0, reading.instant_w,
             reading.current_r_a, reading.current_t_a, reading.cumulative_kwh, reading.cumulative_reverse_kwh),
        )
        if cursor.rowcount != 1:
            return 0
        w, r, t = reading.instant_w, reading.current_r_a, reading.current_t_a
        self._db.execute(
            """INSERT INTO rollup VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (meter_id, slot) DO UPDATE SET
                 n = n + excluded.n, sum_w = sum_w + excluded.sum_w,
                 min_w = CASE WHEN min_w IS NULL OR excluded.min_w < min_w THEN excluded.min_w ELSE min_w END,
                 max_w = CASE WHEN max_w IS NULL OR excluded.max_w > max_w THEN excluded.max_w ELSE max_w END,
                 n_r = n_r + excluded.n_r, sum_r = sum_r + excluded.sum_r,
                 n_t = n_t + excluded.n_t, sum_t = sum_t + excluded.sum_t,
                 max_r = CASE WHEN max_r IS NULL OR excluded.max_r > max_r THEN excluded.max_r ELSE max_r END,
                 max_t = CASE WHEN max_t IS NULL OR excluded.max_t > max_t THEN excluded.max_t ELSE max_t END""",
            (meter, ms // 1000 // SLOT_S, 0 if w is None else 1, w or 0, w, w,
             0 if r is None else 1, r or 0.0, 0 if t is None else 1, t or 0.0, r, t),
        )
        self._db.execute(
            """INSERT INTO meters VALUES (?, NULL, NULL, ?, ?)
               ON CONFLICT (meter_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)""",
            (meter, ms // 1000, ms // 1000),
        )
        return 1

    def add_half_hours(self, meter_id: str, values: Iterable[tuple[int, float]], source: str) -> int:
        """Store cumulative kWh at :00/:30 boundaries (unix seconds). Existing slots are kept as they are."""
        return self._add_boundaries(meter_id, values, source, "kwh", "source")

    def add_half_hours_reverse(self, meter_id: str, values: Iterable[tuple[int, float]], source: str) -> int:
        """Store reverse-direction (sold) cumulative kWh at :00/:30 boundaries: EB notices, E4 or EC history."""
        return self._add_boundaries(meter_id, values, source, "kwh_reverse", "source_reverse")

    def _add_boundaries(self, meter_id: str, values: Iterable[tuple[int, float]], source: str,
                        column: str, source_column: str) -> int:
        rows = [(meter_id, int(slot_start), float(kwh), source) for slot_start, kwh in values]
        for _, slot_start, _, _ in rows:
            if slot_start % SLOT_S:
                raise ValueError(f"{slot_start} is not a :00/:30 boundary")
        with self._lock:
            before = self._db.total_changes
            with immediate_transaction(self._db):
                # A row may exist with only the other direction: fill this one in, never overwrite it.
                self._db.executemany(
                    f"""INSERT INTO half_hours (meter_id, slot_start, {column}, {source_column}) VALUES (?, ?, ?, ?)
                        ON CONFLICT (meter_id, slot_start) DO UPDATE SET
                          {column} = excluded.{column}, {source_column} = excluded.{source_column}
                        WHERE half_hours.{column} IS NULL""",
                    rows,
                )
            return self._db.total_changes - before

    def add_minute_values(self, meter_id: str, values: Iterable[tuple[int, float | None, float | None]],
                          source: str) -> int:
        """Store the meter's 1-minute cumulative values (minute unix s, normal kWh, reverse kWh) from D0 or EE/EF.

        A value already stored is kept; a direction still unknown is filled in.
        """
        rows = [(meter_id, int(minute), kwh, reverse, source) for minute, kwh, reverse in values]
        for _, minute, _, _, _ in rows:
            if minute % 60:
                raise ValueError(f"{minute} is not a whole minute")
        with self._lock:
            before = self._db.total_changes
            with immediate_transaction(self._db):
                self._db.executemany(
                    """INSERT INTO minutes VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id, minute_start) DO UPDATE SET
                         kwh = coalesce(minutes.kwh, excluded.kwh),
                         kwh_reverse = coalesce(minutes.kwh_reverse, excluded.kwh_reverse)
                       WHERE (minutes.kwh IS NULL AND excluded.kwh IS NOT NULL)
                          OR (minutes.kwh_reverse IS NULL AND excluded.kwh_reverse IS NOT NULL)""",
                    rows,
                )
            return self._db.total_changes - before

    def set_meter_constants(self, meter_id: str, coefficient: int, unit_kwh: str) -> None:
        now = _now_ms() // 1000
        with self._lock:
            self._db.execute(
                """INSERT INTO meters VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id) DO UPDATE SET
                   coefficient = excluded.coefficient, unit_kwh = excluded.unit_kwh, last_seen = excluded.last_seen""",
                (meter_id, coefficient, unit_kwh, now, now),
            )

    def thin_readings(self, keep_days: int, now: dt.datetime | None = None) -> int:
        """Delete raw readings older than `keep_days` (rollups and half-hourly values stay forever)."""
        limit = (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=keep_days)
        with self._lock:
            cursor = self._db.execute("DELETE FROM readings WHERE ts < ?", (int(limit.timestamp() * 1000),))
            return cursor.rowcount

    # ---- reading ----

    def meters(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT meter_id FROM meters ORDER BY last_seen DESC")]

    def reading_count(self, meter_id: str | None = None) -> int:
        if meter_id is None:
            return int(self._db.execute("SELECT count(*) FROM readings").fetchone()[0])
        return int(self._db.execute("SELECT count(*) FROM readings WHERE meter_id = ?", (meter_id,)).fetchone()[0])

    def readings(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> list[Reading]:
        reverse = "cumulative_reverse_kwh" if self._v2 else "NULL"
        rows = self._db.execute(
            f"""SELECT ts, utc_offset_s, instant_w, current_r_a, current_t_a, cumulative_kwh, {reverse} FROM readings
               WHERE meter_id = ? AND ts >= ? AND ts < ? ORDER BY ts""",
            (meter_id, int(start.timestamp() * 1000), int(end.timestamp() * 1000)),
        )
        out = []
        for ts, offset, w, r, t, kwh, kwh_reverse in rows:
            zone = dt.timezone(dt.timedelta(seconds=offset))
            out.append(Reading(dt.datetime.fromtimestamp(ts / 1000, zone), kwh, w, r, t, meter_id=meter_id,
                               cumulative_reverse_kwh=kwh_reverse))
        return out

    def half_hours(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> dict[int, tuple[float, str]]:
        """{slot_start unix: (cumulative kWh, source)} for start <= slot < end (normal direction)."""
        rows = self._db.execute(
            "SELECT slot_start, kwh, source FROM half_hours WHERE meter_id = ? AND slot_start >= ? AND slot_start < ?"
            " AND kwh IS NOT NULL",
            (meter_id, int(start.timestamp()), int(end.timestamp())),
        )
        return {slot: (kwh, source) for slot, kwh, source in rows}

    def missing_slots(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> list[int]:
        """:00/:30 boundaries in [start, end) with no half-hourly value yet (unix seconds)."""
        first = slot_ceil(start.timestamp())
        have = self.half_hours(meter_id, start, end)
        return [slot for slot in range(first, int(end.timestamp()), SLOT_S) if slot not in have]

    def series(self, meter_id: str, start: dt.datetime, end: dt.datetime, max_points: int = 1000) -> list[Bucket]:
        """At most `max_points` buckets over [start, end) with min/max/mean power.

        Buckets of 30 minutes or more are served from the rollup table.
        """
        t0, t1 = start.timestamp(), end.timestamp()
        if t1 <= t0 or max_points < 1:
            return []
        width = max((t1 - t0) / max_points, 1.0)
        if width >= SLOT_S:
            width = -(-width // SLOT_S) * SLOT_S  # whole slots per bucket
            rows = self._db.execute(
                """SELECT (slot * 1800 - :t0) / :w AS b, sum(n), sum(sum_w), min(min_w), max(max_w),
                          sum(n_r), sum(sum_r), sum(n_t), sum(sum_t)
                   FROM rollup WHERE meter_id = :m AND slot >= :s0 AND slot < :s1 GROUP BY b ORDER BY b""",
                {"t0": int(t0), "w": int(width), "m": meter_id, "s0": int(t0) // SLOT_S, "s1": -(-int(t1) // SLOT_S)},
            )
            return [
                Bucket(t0 + b * width, mn, mx, sw / n if n else None, sr / nr if nr else None,
                       st / nt if nt else None, n)
                for b, n, sw, mn, mx, nr, sr, nt, st in rows
            ]
        rows = self._db.execute(
            """SELECT (ts - :t0) / :w AS b, count(instant_w), avg(instant_w), min(instant_w), max(instant_w),
                      avg(current_r_a), avg(current_t_a)
               FROM readings WHERE meter_id = :m AND ts >= :t0 AND ts < :t1 GROUP BY b ORDER BY b""",
            {"t0": int(t0 * 1000), "t1": int(t1 * 1000), "w": int(width * 1000), "m": meter_id},
        )
        return [Bucket(t0 + b * width, mn, mx, mean, r, t, n) for b, n, mean, mn, mx, r, t in rows]

    def latest_reading(self, meter_id: str) -> Reading | None:
        row = self._db.execute("SELECT max(ts) FROM readings WHERE meter_id = ?", (meter_id,)).fetchone()
        if row[0] is None:
            return None
        at = dt.datetime.fromtimestamp(row[0] / 1000, dt.timezone.utc)
        found = self.readings(meter_id, at, at + dt.timedelta(milliseconds=1))
        return found[0] if found else None

    # ---- usage (kept for the dashboard; the insights package has the full picture) ----

    def _cumulative_at(self, meter_id: str, slot_start: int) -> float | None:
        row = self._db.execute(
            "SELECT kwh FROM half_hours WHERE meter_id = ? AND slot_start = ?", (meter_id, slot_start)
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def daily_usage(self, meter_id: str, days: Sequence[dt.date], tariff: Tariff | None = None,
                    now: dt.datetime | None = None) -> list[UsagePeriod]:
        """kWh per meter day (JST midnight to midnight) from the half-hourly values.

        Today counts up to the latest reading (or latest half-hourly value) and is marked incomplete.
        """
        out = []
        current = now or dt.datetime.now(dt.timezone.utc)
        for day in days:
            start = dt.datetime(day.year, day.month, day.day, tzinfo=JST)
            end = start + dt.timedelta(days=1)
            first = self._cumulative_at(meter_id, int(start.timestamp()))
            last = self._cumulative_at(meter_id, int(end.timestamp()))
            complete = last is not None
            if last is None and start <= current < end:
                last = self._latest_cumulative(meter_id, start, end)
            kwh = usage_between(first, last)
            cost = None
            if tariff is not None and kwh is not None:
                cost = self._cost(meter_id, start, end, tariff)
            out.append(UsagePeriod(day, kwh, complete, cost))
        return out

    def _latest_cumulative(self, meter_id: str, start: dt.datetime, end: dt.datetime) -> float | None:
        latest = self.latest_cumulative(meter_id, end)
        if latest is not None and latest[0] >= start.timestamp():
            return latest[1]
        row = self._db.execute(
            "SELECT kwh FROM half_hours WHERE meter_id = ? AND slot_start >= ? AND slot_start < ? "
            "AND kwh IS NOT NULL ORDER BY slot_start DESC LIMIT 1",
            (meter_id, int(start.timestamp()), int(end.timestamp())),
        ).fetchone()
        return None if row is None else float(row[0])

    def _cost(self, meter_id: str, start: dt.datetime, end: dt.datetime, tariff: Tariff) -> float | None:
        """Energy charge over [start, end) from half-hour differences (time-of-use aware)."""
        first, last = int(start.timestamp()), int(end.timestamp())
        stored = self.half_hours(meter_id, start, end + dt.timedelta(seconds=1))
        values = {slot: kwh for slot, (kwh, _) in stored.items()}
        total = 0.0
        for index, kwh in enumerate(slot_usage(values, slot_ceil(first), last)):
            if kwh is not None:
                hour = dt.datetime.fromtimestamp(slot_ceil(first) + index * SLOT_S, JST).hour
                total += kwh * tariff.price_at(hour)
        return round(total, 1)

    def monthly_usage(self, meter_id: str, year: int, month: int, tariff: Tariff | None = None,
                      now: dt.datetime | None = None) -> UsagePeriod:
        first_day = dt.date(year, month, 1)
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        days = [first_day + dt.timedelta(days=i) for i in range((next_month - first_day).days)]
        current = (now or dt.datetime.now(dt.timezone.utc)).astimezone(JST).date()
        periods = [p for p in self.daily_usage(meter_id, [d for d in days if d <= current], tariff, now)]
        known = [p for p in periods if p.kwh is not None]
        kwh = round(sum(p.kwh for p in known if p.kwh is not None), 4) if known else None
        complete = len(known) == len(days) and all(p.complete for p in known)
        cost = None
        if tariff is not None and kwh is not None:
            cost = round(sum(p.cost_yen or 0.0 for p in known) + tariff.basic_monthly, 1)
        return UsagePeriod(first_day, kwh, complete, cost)
