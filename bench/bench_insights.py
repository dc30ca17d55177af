"""Insights figures: each view, the bill forecast, base load, peaks, the report and a year's heatmap.

A history of a year of per-minute readings (525,600 rows) plus the meter's half-hourly values
(two years of them, so "last year" has data) is generated; prints medians, asserts nothing.
Goals: each view and the report < 50 ms, the heatmap for a year < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hems_desktop.cli.report import build_parser, run
from hems_desktop.history import HistoryStore
from hems_desktop.insights.loads import base_load, peaks
from hems_desktop.insights.periods import Period, ViewKind
from hems_desktop.insights.presets import PRESETS
from hems_desktop.insights.views import bill_so_far, heatmap, usage_view
from hems_desktop.reading import Reading
from hems_desktop.timebase import JST, SLOT_S

METER = "001C6400036E8CF5"
NOW = dt.datetime(2026, 11, 20, 12, 10, tzinfo=JST)
YEAR_START = NOW - dt.timedelta(days=365)


def build(path: Path) -> HistoryStore:
    store = HistoryStore(path)
    minutes = 365 * 24 * 60
    batch: list[Reading] = []
    for i in range(minutes):
        at = YEAR_START + dt.timedelta(minutes=i)
        watts = 250 + (i * 7919) % 2500
        batch.append(Reading(at, 10000 + i / 120, watts, watts / 200, watts / 250, meter_id=METER))
        if len(batch) == 10_000:
            store.add_readings(batch)
            batch = []
    store.add_readings(batch)
    first = int((NOW - dt.timedelta(days=730)).timestamp()) // SLOT_S * SLOT_S
    last = int(NOW.timestamp()) // SLOT_S * SLOT_S
    store.add_half_hours(METER, [(s, 5000 + 0.25 * ((s - first) // SLOT_S) + ((s // SLOT_S) % 7) * 0.01)
                                 for s in range(first, last + 1, SLOT_S)], "E2")
    return store


def timed(label: str, call: Callable[[], object], runs: int = 9, goal_ms: float = 50.0) -> None:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
    median = statistics.median(times)
    verdict = "ok" if median < goal_ms else f"over the {goal_ms:.0f} ms goal"
    print(f"{label:<44} median {median:7.2f} ms, max {max(times):7.2f} ms  ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="build the history at this path (and reuse it next time)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = options.keep or Path(folder) / "history.sqlite3"
        if path.exists():
            store = HistoryStore(path)
        else:
            begin = time.perf_counter()
            store = build(path)
            print(f"built a year of per-minute readings and two years of half hours in "
                  f"{time.perf_counter() - begin:.1f} s")
        store.close()
        reader = HistoryStore(path, readonly=True)
        tariff = PRESETS["tepco-juryo-dento-b"]
        today = NOW.date()
        for kind in ViewKind:
            timed(f"{kind.value} view with previous and last year",
                  lambda kind=kind: usage_view(reader, METER, tariff, kind, today, NOW))  # type: ignore[misc]
        tou = PRESETS["tepco-smart-life-s"]  # time-of-use bands: each half hour's band is looked up
        timed("year view, time-of-use tariff",
              lambda: usage_view(reader, METER, tou, ViewKind.YEAR, today, NOW))
        timed("bill so far and forecast", lambda: bill_so_far(reader, METER, tariff, NOW))
        timed("base load (48 h) and 12-week trend", lambda: base_load(reader, METER, tariff, NOW))
        month = Period(today.replace(day=1), today)
        timed("peaks, this month", lambda: peaks(reader, METER, month, 30, NOW))
        year = Period(today - dt.timedelta(days=365), today + dt.timedelta(days=1))
        timed("peaks, a year", lambda: peaks(reader, METER, year, 30, NOW))
        args = build_parser().parse_args(["--from", (today - dt.timedelta(days=364)).isoformat(), "--to",
                                          today.isoformat(), "--by", "month", "--compare", "last-year",
                                          "--history", str(path), "--settings", str(Path(folder) / "none.json")])
        timed("report: a year by month vs last year", lambda: run(args, NOW))
        args.by = "day"
        timed("report: a year by day vs last year", lambda: run(args, NOW), runs=5)
        timed("heatmap, a year (366 days x 48)", lambda: heatmap(reader, METER, year, NOW), goal_ms=100.0)
        reader.close()


if __name__ == "__main__":
    main()
