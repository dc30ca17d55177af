"""Insights on a real SQLite history: schema 2, usage from cumulative values, views, base load, peaks, report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hems_desktop.history.schema import MIGRATIONS
from hems_desktop.history.store import SCHEMA_VERSION, HistoryStore
from hems_desktop.insights.loads import base_load, peaks
from hems_desktop.insights.periods import Period, ViewKind
from hems_desktop.insights.presets import PRESETS
from hems_desktop.insights.tables import to_csv, view_rows
from hems_desktop.insights.tariff import Tariff, Tier, tariff_to_json
from hems_desktop.insights.usage import day_bars, watts_steps
from hems_desktop.insights.views import bill_so_far, heatmap, usage_view
from hems_desktop.reading import Reading
from hems_desktop.timebase import JST, SLOT_S

FLAT = Tariff(basic_monthly=0.0, tiers=(Tier(None, 30.0),), emission_kg_per_kwh=0.5)
NOW = dt.datetime(2026, 11, 20, 12, 10, tzinfo=JST)


def midnight(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=JST).timestamp())


def steady_history(path: Path, first: dt.date, days: int, kwh_per_slot: float = 0.25,
                   export_per_slot: float | None = None) -> HistoryStore:
    store = HistoryStore(path)
    start = midnight(first)
    store.add_half_hours("M", [(start + i * SLOT_S, 1000 + kwh_per_slot * i) for i in range(days * 48 + 1)], "E2")
    if export_per_slot is not None:
        store.add_half_hours_reverse("M", [(start + i * SLOT_S, 50 + export_per_slot * i)
                                           for i in range(days * 48 + 1)], "E4")
    store.set_meter_constants("M", 1, "0.1")
    return store


# ---- schema 2 ----


def test_version_1_database_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[1])
    db.execute("INSERT INTO half_hours VALUES ('M', 1800, 12.5, 'EA')")
    db.execute("INSERT INTO readings VALUES ('M', 1800000, 32400, 500, 12.0, 7.5, 12.5)")
    db.execute("INSERT INTO readings VALUES ('M', 1860000, 32400, 900, 14.0, 3.0, 12.6)")
    db.execute("INSERT INTO rollup VALUES ('M', 1, 2, 1400, 500, 900, 2, 26.0, 2, 10.5)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = HistoryStore(path)
    assert store.schema_version == SCHEMA_VERSION == 2
    assert store.half_hours("M", dt.datetime.fromtimestamp(0, JST), dt.datetime.fromtimestamp(3600, JST)) == {
        1800: (12.5, "EA")}
    assert store.rollup_rows("M", 0, 3600) == [(1800, 700.0, 500, 900, 14.0, 7.5)]  # max currents backfilled
    assert store.add_half_hours_reverse("M", [(1800, 0.4)], "EB") == 1  # the old row gains its reverse value
    assert store.half_hours_reverse("M", dt.datetime.fromtimestamp(0, JST),
                                    dt.datetime.fromtimestamp(3600, JST)) == {1800: (0.4, "EB")}


def test_newer_database_is_refused_before_anything_is_modified(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    for readonly in (False, True):
        with pytest.raises(RuntimeError, match="newer HEMS Desktop"):
            HistoryStore(path, readonly=readonly)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert not (tmp_path / "h.sqlite3-wal").exists()


def test_reverse_values_minutes_and_readings_round_trip(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.add_half_hours_reverse("M", [(0, 5.0), (1800, 5.5)], "EB") == 2
    assert store.add_half_hours("M", [(0, 100.0)], "EA") == 1  # fills the normal value of an existing row
    assert store.add_half_hours("M", [(0, 999.0)], "E2") == 0  # a stored value is never overwritten
    assert store.add_half_hours_reverse("M", [(0, 9.9)], "E4") == 0
    assert store.cumulative_values("M", 0, 1800) == ({0: 100.0}, {0: 5.0, 1800: 5.5})
    assert store.add_minute_values("M", [(60, 100.01, None), (120, 100.02, 5.01)], "D0") == 2
    assert store.add_minute_values("M", [(60, 7.0, 5.0)], "EE") == 1  # only the unknown reverse is filled
    assert store.minute_values("M", dt.datetime.fromtimestamp(0, JST), dt.datetime.fromtimestamp(180, JST)) == {
        60: (100.01, 5.0, "D0"), 120: (100.02, 5.01, "D0")}
    with pytest.raises(ValueError, match="whole minute"):
        store.add_minute_values("M", [(61, 1.0, None)], "D0")
    reading = Reading(dt.datetime(2026, 11, 1, 12, tzinfo=JST), 100.1, -800, 4.0, 2.0, meter_id="M",
                      cumulative_reverse_kwh=5.2)
    store.add_reading(reading)
    [back] = store.readings("M", reading.timestamp, reading.timestamp + dt.timedelta(seconds=1))
    assert back.cumulative_reverse_kwh == 5.2


def test_read_only_store_reads_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[1])
    db.execute("INSERT INTO half_hours VALUES ('M', 1800, 12.5, 'EA')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = HistoryStore(path, readonly=True)
    assert store.cumulative_values("M", 0, 3600) == ({1800: 12.5}, {})
    assert store.schema_version == 1  # a reader never migrates


# ---- usage and views ----


def test_period_kwh_is_the_difference_at_its_boundaries_and_missing_is_counted(tmp_path: Path) -> None:
    store = steady_history(tmp_path / "h.sqlite3", dt.date(2026, 11, 1), 19)
    day = dt.date(2026, 11, 10)
    gone = midnight(day) + 20 * SLOT_S
    store._db.execute("DELETE FROM half_hours WHERE slot_start = ?", (gone,))
    view = usage_view(store, "M", FLAT, ViewKind.DAY, day, NOW)
    assert view.current.totals.kwh == 12.0  # 48 × 0.25: exact although a value inside is missing
    assert view.current.totals.missing == 2
    assert [row.missing for row in view.current.rows].count(1) == 2
    grid = heatmap(store, "M", Period(day, day + dt.timedelta(days=1)), NOW)
    assert grid.kwh[0][19] is None and grid.kwh[0][20] is None  # missing, not zero
    assert grid.kwh[0][18] == 0.25 and grid.missing == 2


def test_month_view_compares_with_previous_and_last_year_in_kwh_and_yen(tmp_path: Path) -> None:
    store = steady_history(tmp_path / "h.sqlite3", dt.date(2025, 10, 1), 415)  # to 2026-11-20 00:00
    view = usage_view(store, "M", FLAT, ViewKind.MONTH, dt.date(2026, 10, 15), NOW)
    # October 2026: 31 days × 48 × 0.25 = 372 kWh × 30 ¥ = 11160 ¥, 0.5 kg/kWh = 186 kg
    assert (view.current.totals.kwh, view.current.totals.yen, view.current.totals.co2_kg) == (372.0, 11160.0, 186.0)
    assert view.previous.period == Period(dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    assert view.previous.totals.kwh == 360.0  # 30 days
    assert view.last_year.period == Period(dt.date(2025, 10, 1), dt.date(2025, 11, 1))
    assert view.last_year.totals.kwh == 372.0 and view.last_year.totals.missing == 0
    assert len(view.current.rows) == 31 and view.current.rows[0].kwh == 12.0
    csv_text = to_csv(view_rows(view))
    assert csv_text.splitlines()[0].endswith("previous_kwh,previous_yen,last_year_kwh,last_year_yen")
    assert len(csv_text.splitlines()) == 32
    year = usage_view(store, "M", FLAT, ViewKind.YEAR, dt.date(2026, 3, 1), NOW)
    assert len(year.current.rows) == 12 and year.current.rows[0].kwh == 372.0  # January
    assert year.current.rows[11].kwh is None and year.current.rows[11].slots == 0  # December: the future


def test_export_sold_value_and_net_use(tmp_path: Path) -> None:
    store = steady_history(tmp_path / "h.sqlite3", dt.date(2026, 11, 1), 19, export_per_slot=0.1)
    tariff = dataclasses.replace(FLAT, sell_price_per_kwh=10.0)
    view = usage_view(store, "M", tariff, ViewKind.DAY, dt.date(2026, 11, 5), NOW)
    # 48 × 0.1 = 4.8 kWh sold × 10 ¥ = 48 ¥; net 12 - 4.8 = 7.2 kWh
    assert view.current.totals.export_kwh == 4.8
    assert view.current.totals.sold_yen == 48.0
    assert view.current.totals.net_kwh == 7.2


def test_bill_so_far_and_forecast_follow_the_weekday_pattern(tmp_path: Path) -> None:
    store = steady_history(tmp_path / "h.sqlite3", dt.date(2026, 10, 1), 50)  # to 2026-11-20 00:00
    result = bill_so_far(store, "M", PRESETS["tepco-juryo-dento-b"], NOW)
    assert result is not None
    # So far: 19 days × 12 kWh = 228 kWh (the 12 hours of 20 Nov have no value yet: 24 missing half hours)
    assert result.so_far.kwh == 228.0 and result.so_far.missing == 24
    # Forecast: the rest (all of 20 Nov and 10 more days: 11 × 48 half hours) at the pattern's 0.25 kWh = 132 kWh
    assert result.expected_kwh == pytest.approx(132.0) and result.bill.kwh == pytest.approx(360.0)
    # 935.25 + 3576 + 180 × 36.40 (6552) + 60 × 40.49 (2429.4) = 13492.65 -> 13492; 360 × 4.18 = 1504.8 -> 1504
    assert result.bill.total_yen == 13492 + 1504


def test_base_load_is_the_low_quantile_of_half_hour_averages(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    start = NOW.replace(minute=0) - dt.timedelta(hours=48)  # 96 half hours up to now, from a :00 boundary
    readings = []
    for i in range(96 * 6):  # a reading every 5 minutes for 48 hours
        slot = i // 6
        watts = 150 + 10 * (slot % 10) + (2000 if i % 6 == 0 and slot % 4 == 0 else 0)  # a kettle now and then
        readings.append(Reading(start + dt.timedelta(minutes=5 * i), None, watts, 1.5, 1.0, meter_id="M"))
    store.add_readings(readings)
    base = base_load(store, "M", FLAT, NOW)
    assert base.basis == "readings"
    # Half-hour means: 150 + 10 × (s % 10) W, + 2000/6 W in every 4th (s % 4 == 0). Without a kettle there are
    # five 150 W (s = 10, 30, 50, 70, 90) and ten 160 W (odd s) half hours; the nearest-rank 10th percentile is
    # the 10th smallest of 96 (index int(0.1 × 95) = 9): 160 W
    assert base.watts == pytest.approx(160.0)
    assert base.yearly_kwh == pytest.approx(160 * 8.76)


def test_peaks_and_contract_headroom(tmp_path: Path) -> None:
    store = steady_history(tmp_path / "h.sqlite3", dt.date(2026, 11, 1), 19)
    top = midnight(dt.date(2026, 11, 3)) + 37 * SLOT_S  # 18:30
    store._db.execute("UPDATE half_hours SET kwh = kwh + 1.0 WHERE meter_id = 'M' AND slot_start > ?", (top,))
    at = dt.datetime.fromtimestamp(top + 600, JST)
    store.add_readings([Reading(at, None, 4200, 27.5, 12.0, meter_id="M"),
                        Reading(at + dt.timedelta(minutes=40), None, 900, 8.0, 31.0, meter_id="M")])
    found = peaks(store, "M", Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1)), 30, NOW)
    assert found.half_hour_start == dt.datetime.fromtimestamp(top, JST) and found.half_hour_kwh == 1.25
    assert found.half_hour_watts == 2500.0
    assert (found.reading_time, found.reading_w) == (at, 4200)
    assert found.max_current_a == 31.0 and found.headroom_a == -1.0  # the T phase went over 30 A


def test_dashboard_step_line_and_bars_use_the_same_arithmetic() -> None:
    cumulative = {0: 10.0, 1800: 10.5, 3600: 10.75, 7200: 11.0}  # 5400 missing
    xs, ys = watts_steps(cumulative, 0, 9000)
    # 0.5 kWh in 30 min = 1000 W, 0.25 kWh = 500 W; the half hours around the missing value break the line
    assert xs[:4] == [0, 1800, 1800, 3600] and ys[:4] == [1000.0, 1000.0, 500.0, 500.0]
    assert xs[4] == 5400 and math.isnan(ys[4]) and len(xs) == 6  # 7200 has no following value: one more gap
    assert day_bars(cumulative, 0)[:2] == [(0, 0.5), (1, 0.25)]


# ---- report command ----


def run_report(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hems_desktop.cli", "report", "--history",
                           str(tmp_path / "h.sqlite3"), "--settings", str(tmp_path / "settings.json"), *args],
                          capture_output=True, text=True, timeout=60)


def test_report_rows_compare_and_inclusive_to(tmp_path: Path) -> None:
    steady_history(tmp_path / "h.sqlite3", dt.date(2025, 10, 1), 400).close()
    settings = {"version": 1, "tariff": tariff_to_json(FLAT)}
    (tmp_path / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    done = run_report(tmp_path, "--from", "2026-10-01", "--to", "2026-10-31", "--by", "month", "--compare",
                      "last-year")
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()
    assert header == ("start,end,kwh,yen,missing_half_hours,export_kwh,sold_yen,net_kwh,co2_kg,"
                      "compare_start,compare_kwh,compare_yen,compare_missing_half_hours")
    # --to is included: all of October, 372 kWh × 30 ¥; a year earlier the same
    assert row == ("2026-10-01T00:00:00+09:00,2026-11-01T00:00:00+09:00,372.0,11160.0,0,,,372.0,186.0,"
                   "2025-10-01T00:00:00+09:00,372.0,11160.0,0")
    days = json.loads(run_report(tmp_path, "--from", "2026-10-30", "--to", "2026-10-31", "--format", "json",
                                 "--compare", "previous").stdout)
    assert [d["start"][:10] for d in days] == ["2026-10-30", "2026-10-31"]
    assert days[0]["compare_start"][:10] == "2026-10-29" and days[0]["compare_kwh"] == 12.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-05", "--to", "2026-11-01"], "reversed"),
        (["--from", "2099-01-01"], "empty"),
        (["--from", "2020-01-01", "--to", "2020-01-31"], "no meter values"),
    ],
)
def test_report_refuses_bad_ranges_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    steady_history(tmp_path / "h.sqlite3", dt.date(2026, 10, 1), 30).close()
    done = run_report(tmp_path, *args)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_report_refuses_a_missing_history_and_an_invalid_tariff(tmp_path: Path) -> None:
    done = run_report(tmp_path, "--from", "2026-10-01")
    assert done.returncode == 2 and "no history database" in done.stderr
    steady_history(tmp_path / "h.sqlite3", dt.date(2026, 10, 1), 30).close()
    (tmp_path / "settings.json").write_text(json.dumps({"version": 1, "tariff": {"tiers": [{"up_to_kwh": 10,
                                                                              "price_per_kwh": 30}]}}))
    done = run_report(tmp_path, "--from", "2026-10-01")
    assert done.returncode == 2 and "tiers[0].up_to_kwh" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
