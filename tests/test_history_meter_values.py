"""The meter's own values in the history, through the real serial path: the reverse direction
(EB notices, E4 backfill) beside the normal one, D0 in the minutes table, the 1-minute gap after
an outage filled from EF/EE, and the half-hourly table with its reverse columns."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from hems_desktop.collector import Collector, ReadingTaken
from hems_desktop.collector.backfill import Backfill
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.meter_model import slot_of
from hems_desktop.history import HistoryStore
from hems_desktop.history.half_hour_table import HALF_HOUR_TABLE_HEADER, half_hour_rows
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig
from hems_desktop.sinks.history import HistorySink
from hems_desktop.timebase import JST, SLOT_S
from tests.conftest import PASSWORD, ROUTE_B_ID

pytestmark = pytest.mark.timeout(60)

UTC = dt.timezone.utc
MINUTE_S = 60


def kwh(emulator: Emulator, count: int) -> float:
    return float(count * emulator.meter.kwh_per_count)


def slot_kwh(emulator: Emulator, slot_start: int, direction: int) -> float | None:
    counts = emulator.meter.slot_counts(slot_of(slot_start))
    return None if counts is None else kwh(emulator, counts[direction])


def config_for(emulator: Emulator, tmp_path: Path) -> SessionConfig:
    return SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=0.5,
                         cache_dir=tmp_path / "cache")


def test_e4_is_backfilled_beside_e2(make_emulator: Any, tmp_path: Path) -> None:
    emulator = make_emulator("dual-stack", solar_peak_w=4000)
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = Session(config_for(emulator, tmp_path))
    session.connect()
    meter_id = session.meter_id
    now = dt.datetime.now(UTC)
    start = dt.datetime.combine(now.astimezone(JST).date() - dt.timedelta(days=1), dt.time(), JST)
    assert Backfill(session, store, days=2).run_all() > 0
    sold = store.half_hours_reverse(meter_id, start, now)
    bought = store.half_hours(meter_id, start, now)
    assert len(sold) >= 48 and set(sold) == set(bought)
    for slot, (value, source) in sold.items():
        assert (value, source) == (slot_kwh(emulator, slot, 1), "E4"), slot
    for slot, (value, source) in bought.items():
        assert (value, source) == (slot_kwh(emulator, slot, 0), "E2"), slot
    # A day only the reverse direction lacks: E5 and E4, never E2 again.
    today = int(dt.datetime.combine(now.astimezone(JST).date(), dt.time(), JST).timestamp())
    yesterday = {s for s in sold if s < today}
    assert store.missing_reverse_slots(meter_id, start, start + dt.timedelta(days=1)) == []
    fresh = HistoryStore(tmp_path / "h2.sqlite3")
    fresh.add_half_hours(meter_id, [(s, bought[s][0]) for s in yesterday], "E2")
    asked = len(emulator.dongle.node.answered_gets)
    backfill = Backfill(session, fresh, days=2)
    backfill.fetch_day(start.astimezone(JST).date())
    epcs = [[p.epc for p in req.properties] for _, req, _ in emulator.dongle.node.answered_gets[asked:]]
    assert epcs == [[0xE4]]
    assert set(fresh.half_hours_reverse(meter_id, start, start + dt.timedelta(days=1))) == yesterday
    session.terminate()


def test_eb_notices_are_stored_beside_ea(make_emulator: Any, tmp_path: Path) -> None:
    emulator = make_emulator(solar_peak_w=4000)
    store = HistoryStore(tmp_path / "h.sqlite3")
    next_boundary = int((time.time() // SLOT_S + 1) * SLOT_S)
    advanced: list[bool] = []

    def on_event(event: object) -> None:
        if isinstance(event, ReadingTaken) and not advanced:
            advanced.append(True)
            emulator.advance_clock(next_boundary - time.time() + 0.5)  # the meter's clock passes :00 or :30

    collector = Collector(Session(config_for(emulator, tmp_path)), IntervalSchedule(3, dt.datetime.now(UTC)), [],
                          count=2, history=store, backfill_days=0, on_event=on_event)
    assert collector.run() == 0
    meter_id = collector.session.meter_id
    window = (dt.datetime.fromtimestamp(next_boundary, UTC), dt.datetime.fromtimestamp(next_boundary + 1, UTC))
    assert store.half_hours(meter_id, *window)[next_boundary] == (slot_kwh(emulator, next_boundary, 0), "EA")
    assert store.half_hours_reverse(meter_id, *window)[next_boundary] == (slot_kwh(emulator, next_boundary, 1), "EB")


def test_d0_values_go_to_the_minutes_and_an_outage_gap_is_filled_from_ee(make_emulator: Any, tmp_path: Path) -> None:
    emulator = make_emulator("bp35a1", solar_peak_w=4000, release="R")
    store = HistoryStore(tmp_path / "h.sqlite3")
    config = config_for(emulator, tmp_path)

    def run(count: int) -> Collector:
        collector = Collector(Session(config), IntervalSchedule(1.0, dt.datetime.now(UTC)), [HistorySink(store)],
                              count=count, history=store, backfill_days=0)
        assert collector.run() == 0
        return collector

    first = run(1)
    meter_id = first.session.meter_id
    before = store.latest_minute(meter_id)
    assert before is not None
    minutes = store.minute_values(meter_id, dt.datetime.fromtimestamp(before - 3600, UTC),
                                  dt.datetime.fromtimestamp(before + 1, UTC))
    assert minutes[before][2] == "D0"
    # The computer was off for 6 minutes (the meter's clock moves on); the next run fills the gap from EE.
    emulator.advance_clock(6 * MINUTE_S)
    time.sleep(0.05)
    second = run(2)
    latest = store.latest_minute(meter_id)
    assert latest is not None and latest >= before + 6 * MINUTE_S
    assert second.maintenance is not None and second.maintenance.minutes.minutes_filled > 0
    window = store.minute_values(meter_id, dt.datetime.fromtimestamp(latest - 9 * MINUTE_S, UTC),
                                 dt.datetime.fromtimestamp(latest + 1, UTC))
    assert sorted(window) == list(range(latest - 9 * MINUTE_S, latest + 1, MINUTE_S))  # no gap in the last 10
    model = emulator.meter
    for minute, (normal, reverse, source) in window.items():
        expected = model.counts_at(minute)
        assert (normal, reverse) == (kwh(emulator, expected[0]), kwh(emulator, expected[1])), minute
        assert source == "D0" if minute in (before, latest) else source in ("D0", "EE"), minute
    assert sum(source == "EE" for _, _, source in window.values()) >= 5  # the minutes no reading saw


def test_the_half_hourly_table_has_reverse_columns_after_the_existing_ones(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    midnight = int(dt.datetime(2026, 5, 20, tzinfo=JST).timestamp())
    store.add_half_hours("M1", [(midnight, 10.0), (midnight + SLOT_S, 10.5), (midnight + 2 * SLOT_S, 11.0)], "E2")
    store.add_half_hours_reverse("M1", [(midnight + SLOT_S, 3.0), (midnight + 2 * SLOT_S, 3.25)], "EB")
    store.add_half_hours_reverse("M1", [(midnight + 3 * SLOT_S, 3.5)], "E4")
    assert HALF_HOUR_TABLE_HEADER[:4] == ("slot_start", "cumulative_kwh", "usage_kwh", "source")
    start = dt.datetime.fromtimestamp(midnight, JST)
    rows = list(half_hour_rows(store, "M1", start, start + dt.timedelta(hours=2)))
    assert rows == [
        ["2026-05-20T00:00:00+09:00", "10.0", "0.5", "E2", "", "", ""],
        ["2026-05-20T00:30:00+09:00", "10.5", "0.5", "E2", "3.0", "0.25", "EB"],
        ["2026-05-20T01:00:00+09:00", "11.0", "", "E2", "3.25", "0.25", "EB"],
        ["2026-05-20T01:30:00+09:00", "", "", "", "3.5", "", "E4"],
    ]
