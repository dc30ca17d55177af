"""History store figures: insert rate, year-range chart query time, database size per year.

A year of per-minute readings (525,600 rows) is generated; prints numbers, asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from hems_desktop.history import HistoryStore
from hems_desktop.reading import Reading

UTC = dt.timezone.utc
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
MINUTES = 365 * 24 * 60


def readings(count: int, start: dt.datetime = START) -> list[Reading]:
    return [
        Reading(start + dt.timedelta(minutes=i), 10000 + i / 120, 200 + (i * 7919) % 2500, (i % 300) / 10,
                (i % 170) / 10, meter_id="001C6400036E8CF5")
        for i in range(count)
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        store = HistoryStore(path)
        one_by_one = readings(2000, START - dt.timedelta(days=10))
        begin = time.perf_counter()
        for reading in one_by_one:
            store.add_reading(reading)
        single = len(one_by_one) / (time.perf_counter() - begin)
        year = readings(MINUTES)
        begin = time.perf_counter()
        for chunk in range(0, len(year), 10_000):
            store.add_readings(year[chunk : chunk + 10_000])
        batched = len(year) / (time.perf_counter() - begin)
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size / 2**20
        print(f"insert, one reading per transaction (as the collector does): {single:,.0f} readings/s")
        print(f"insert, batches of 10,000:                                   {batched:,.0f} readings/s")
        print(f"database size for one year of per-minute readings:           {size:.1f} MiB")
        reader = HistoryStore(path, readonly=True)
        end = START + dt.timedelta(days=365)
        for label, start, points in (
            ("1 year, 1000 points", START, 1000),
            ("30 days, 1000 points", end - dt.timedelta(days=30), 1000),
            ("7 days, 1000 points", end - dt.timedelta(days=7), 1000),
            ("24 hours, 1000 points", end - dt.timedelta(days=1), 1000),
            ("1 hour, 1000 points", end - dt.timedelta(hours=1), 1000),
        ):
            times = []
            for _ in range(15):
                begin = time.perf_counter()
                buckets = reader.series("001C6400036E8CF5", start, end, points)
                times.append((time.perf_counter() - begin) * 1000)
            print(f"series {label:<22} median {statistics.median(times):6.2f} ms, "
                  f"max {max(times):6.2f} ms ({len(buckets)} buckets)")


if __name__ == "__main__":
    main()
