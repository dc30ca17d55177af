"""History store, backfill from the emulator's memory through the real serial path, and usage."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hems_desktop.collector import Collector, ReadingTaken
from hems_desktop.collector.backfill import Backfill
from hems_desktop.emulator.meter_model import slot_of
from hems_desktop.history import HistoryStore, Tariff
from hems_desktop.history.store import JST, SCHEMA_VERSION, SLOT_S
from hems_desktop.reading import Reading
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig
from hems_desktop.sinks.history import HistorySink
from tests.conftest import PASSWORD, ROUTE_B_ID

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 1, tzinfo=UTC)


def minute_readings(count: int, meter: str = "M1", start: dt.datetime = T0) -> list[Reading]:
    return [
        Reading(start + dt.timedelta(minutes=i), 1000 + i / 60, 300 + (i * 37) % 900, 3.0, 2.0, meter_id=meter)
        for i in range(count)
    ]


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "h.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    store.close()
    assert HistoryStore(tmp_path / "h.sqlite3").schema_version == SCHEMA_VERSION  # reopening does not migrate twice


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(RuntimeError, match="newer HEMS Desktop"):
        HistoryStore(tmp_path / "h.sqlite3")


def test_readings_round_trip_and_are_idempotent(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    readings = minute_readings(10)
    readings.append(Reading(T0 + dt.timedelta(minutes=20), None, None, 1.5, None, meter_id="M1"))
    assert store.add_readings(readings) == 11
    assert store.add_readings(readings) == 0
    back = store.readings("M1", T0, T0 + dt.timedelta(hours=1))
    assert [r.to_record() for r in back] == [r.to_record() for r in readings]


def test_series_min_max_mean_match_the_raw_data(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    readings = minute_readings(6 * 60)
    store.add_readings(readings)
    # Raw path (buckets under 30 minutes): 24 buckets of 15 minutes.
    buckets = store.series("M1", T0, T0 + dt.timedelta(hours=6), max_points=24)
    assert len(buckets) == 24
    for index, bucket in enumerate(buckets):
        watts = [r.instant_w for r in readings[index * 15 : (index + 1) * 15]]
        assert bucket.min_w == min(watts) and bucket.max_w == max(watts)  # type: ignore[type-var]
        assert bucket.mean_w == pytest.approx(sum(watts) / len(watts))  # type: ignore[arg-type]
    # Rollup path (buckets of whole half hours) gives the same numbers.
    coarse = store.series("M1", T0, T0 + dt.timedelta(hours=6), max_points=3)
    assert len(coarse) == 3
    for index, bucket in enumerate(coarse):
        watts = [r.instant_w for r in readings[index * 120 : (index + 1) * 120]]
        assert bucket.count == 120
        assert bucket.min_w == min(watts) and bucket.max_w == max(watts)  # type: ignore[type-var]
        assert bucket.mean_w == pytest.approx(sum(watts) / len(watts))  # type: ignore[arg-type]
        assert bucket.mean_r_a == pytest.approx(3.0)


def test_readers_see_data_while_the_collector_writes(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writer = HistoryStore(path)
    reader = HistoryStore(path, readonly=True)
    readings = minute_readings(3000)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for chunk in range(0, len(readings), 50):
                writer.add_readings(readings[chunk : chunk + 50])
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    seen = []
    while thread.is_alive():
        seen.append(reader.reading_count("M1"))
        reader.series("M1", T0, T0 + dt.timedelta(days=3), max_points=500)
    thread.join()
    seen.append(reader.reading_count("M1"))
    assert not errors
    assert seen == sorted(seen) and seen[-1] == 3000


def test_daily_and_monthly_usage_come_from_half_hour_values(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    day = dt.date(2026, 3, 2)
    midnight = int(dt.datetime(2026, 3, 2, tzinfo=JST).timestamp())
    values = [(midnight + i * SLOT_S, 5000.0 + 0.25 * i) for i in range(49)]  # 0.25 kWh per half hour
    store.add_half_hours("M1", values, "E2")
    [usage] = store.daily_usage("M1", [day], Tariff(price_per_kwh=30.0, basic_monthly=1000.0))
    assert usage.complete and usage.kwh == pytest.approx(values[48][1] - values[0][1]) == pytest.approx(12.0)
    assert usage.cost_yen == pytest.approx(360.0)
    month = store.monthly_usage("M1", 2026, 3, Tariff(price_per_kwh=30.0, basic_monthly=1000.0),
                                now=dt.datetime(2026, 3, 31, tzinfo=JST))
    assert month.kwh == pytest.approx(12.0) and not month.complete
    assert month.cost_yen == pytest.approx(1360.0)
    bands = Tariff(price_per_kwh=30.0, bands=((23, 7, 20.0),))
    [night] = store.daily_usage("M1", [day], bands)
    assert night.cost_yen == pytest.approx(16 * 0.25 * 20 + 32 * 0.25 * 30)


def test_thin_keeps_half_hours_and_rollups(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.add_readings(minute_readings(120))
    store.add_half_hours("M1", [(int(T0.timestamp()), 1000.0)], "EA")
    assert store.thin_readings(keep_days=30, now=T0 + dt.timedelta(days=31)) == 120
    assert store.reading_count() == 0
    assert store.series("M1", T0, T0 + dt.timedelta(days=1), max_points=10)[0].count == 120  # from the rollup
    assert store.half_hours("M1", T0, T0 + dt.timedelta(hours=1))


# ---- backfill through the real serial path ----


def joined_session(emulator, tmp_path: Path) -> Session:  # type: ignore[no-untyped-def]
    session = Session(SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=2.0))
    session.open()
    session.connect()
    return session


def true_kwh(emulator, slot_start: int) -> float | None:  # type: ignore[no-untyped-def]
    counts = emulator.meter.slot_counts(slot_of(slot_start))
    return None if counts is None else round(counts[0] * 0.1, 1)


@pytest.mark.parametrize("dialect", ["bp35a1", "dual-stack"])
def test_backfill_fills_a_day_and_a_half_gap_with_the_meters_values(make_emulator, tmp_path, dialect) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator(dialect)
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = joined_session(emulator, tmp_path)
    meter_id = session.network.meter_id
    now = dt.datetime.now(UTC)
    window_start = dt.datetime.combine(now.astimezone(JST).date() - dt.timedelta(days=2), dt.time(), JST)
    gap_start = now - dt.timedelta(hours=36)
    # The earlier run stored the slots before the gap.
    before = [s for s in store.missing_slots(meter_id, window_start, gap_start)]
    store.add_half_hours(meter_id, [(s, true_kwh(emulator, s)) for s in before], "EA")  # type: ignore[misc]
    gap = store.missing_slots(meter_id, gap_start, now)
    assert len(gap) >= 71

    backfill = Backfill(session, store, days=3)
    filled = backfill.run_all()
    assert filled >= len(gap)
    stored = store.half_hours(meter_id, window_start, now)
    for slot in gap:
        assert stored[slot][0] == pytest.approx(true_kwh(emulator, slot)), slot
        assert stored[slot][1] == "E2"
    trips = session.round_trips
    assert Backfill(session, store, days=3).run_all() == 0  # a second run changes nothing...
    assert session.round_trips - trips <= 2  # ...and asks at most today's latest boundary again
    session.terminate()


def test_backfill_respects_refused_days_and_no_data_slots(make_emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(UTC)
    yesterday_noon = int(dt.datetime.combine(now.astimezone(JST).date() - dt.timedelta(days=1),
                                             dt.time(12), JST).timestamp())
    emulator = make_emulator(history_days=1, no_data_slots=frozenset({slot_of(yesterday_noon)}))
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = joined_session(emulator, tmp_path)
    backfill = Backfill(session, store, days=4)
    backfill.run_all()
    meter_id = session.network.meter_id
    stored = store.half_hours(meter_id, now - dt.timedelta(days=4), now)
    assert yesterday_noon not in stored  # "no data" stays empty
    assert yesterday_noon + SLOT_S in stored
    day_before_yesterday = now.astimezone(JST).date() - dt.timedelta(days=2)
    two_days_ago = int(dt.datetime.combine(day_before_yesterday, dt.time(), JST).timestamp())
    assert two_days_ago not in stored  # the meter keeps one day back only
    trips = session.round_trips
    backfill.run_all()
    assert session.round_trips == trips  # refused days are not asked again
    session.terminate()


def test_collector_writes_history_and_backfills_between_readings(make_emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    store = HistoryStore(tmp_path / "h.sqlite3")
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=0.5)
    taken: list[float] = []
    collector = Collector(
        Session(config), IntervalSchedule(4, dt.datetime.now(UTC)), [HistorySink(store)], count=2, history=store,
        backfill_days=2, on_event=lambda e: taken.append(time.monotonic()) if isinstance(e, ReadingTaken) else None,
    )
    assert collector.run() == 0
    meter_id = collector.session.network.meter_id  # type: ignore[union-attr]
    assert store.reading_count(meter_id) == 2
    now = dt.datetime.now(UTC)
    start = dt.datetime.combine(now.astimezone(JST).date() - dt.timedelta(days=1), dt.time(), JST)
    assert store.missing_slots(meter_id, start, now) == []
    assert collector.backfill is not None and collector.backfill.days_fetched == 2
    # The readings kept their schedule: backfill only used the wait.
    assert taken[1] - taken[0] < 6


def test_collector_applies_the_retention_setting(make_emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    store = HistoryStore(tmp_path / "h.sqlite3")
    old = dt.datetime.now(UTC) - dt.timedelta(days=10)
    store.add_readings(minute_readings(30, meter="001C6400036E8CF5", start=old))
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=0.5)
    collector = Collector(Session(config), IntervalSchedule(1, dt.datetime.now(UTC)), [HistorySink(store)], count=2,
                          history=store, backfill_days=0, keep_days=7)
    assert collector.run() == 0
    assert store.reading_count("001C6400036E8CF5") == 2  # the 30 old ones are gone, today's stay
    assert store.series("001C6400036E8CF5", old, old + dt.timedelta(hours=1), max_points=1)[0].count == 30


def test_fixed_time_notices_are_stored(make_emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    emulator = make_emulator()
    store = HistoryStore(tmp_path / "h.sqlite3")
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=0.5)
    now = time.time()
    next_boundary = (now // SLOT_S + 1) * SLOT_S

    def on_event(event: object) -> None:
        if isinstance(event, ReadingTaken) and not advanced:
            advanced.append(True)
            emulator.advance_clock(next_boundary - time.time() + 0.5)  # the meter's clock passes :00 or :30

    advanced: list[bool] = []
    collector = Collector(Session(config), IntervalSchedule(3, dt.datetime.now(UTC)), [], count=2, history=store,
                          backfill_days=0, on_event=on_event)
    assert collector.run() == 0
    stored = store.half_hours(collector.session.network.meter_id, dt.datetime.fromtimestamp(0, UTC),  # type: ignore[union-attr]
                              dt.datetime.fromtimestamp(next_boundary + 1, UTC))
    assert stored[int(next_boundary)] == (true_kwh(emulator, int(next_boundary)), "EA")


def test_export_cli_writes_seed_csv_and_half_hours(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    store.add_readings(minute_readings(5, start=dt.datetime.now(UTC) - dt.timedelta(hours=1)))
    midnight = int(dt.datetime.combine(dt.date.today(), dt.time(), JST).timestamp())
    store.add_half_hours("M1", [(midnight, 10.0), (midnight + SLOT_S, 10.5)], "E2")
    store.close()
    out = subprocess.run([sys.executable, "-m", "hems_desktop.cli", "export", "--history", str(path)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "timestamp,cumulative_power_kwh,instant_power_w,current_r_a,current_t_a"
    assert len(out) == 6
    half = subprocess.run(
        [sys.executable, "-m", "hems_desktop.cli", "export", "--history", str(path), "--half-hourly",
         "--from", (dt.date.today() - dt.timedelta(days=1)).isoformat()],
        capture_output=True, text=True, check=True).stdout.splitlines()
    # The existing columns first, then the sold energy's (empty: this history has none).
    assert half[0] == "slot_start,cumulative_kwh,usage_kwh,source,cumulative_export_kwh,export_kwh,source_export"
    assert half[1].split(",")[1:] == ["10.0", "0.5", "E2", "", "", ""]
