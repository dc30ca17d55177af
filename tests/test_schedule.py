"""Cron and interval schedules: wall-clock alignment, no drift, DST, missed slots."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from hems_desktop.schedule import (
    CronSchedule,
    IntervalSchedule,
    Schedule,
    build_schedule,
    check_slots,
    iter_slots,
)

UTC = dt.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
FIVE_MIN = dt.timedelta(minutes=5)


def utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(UTC)


def gaps(times: list[dt.datetime]) -> list[dt.timedelta]:
    """Real time between successive slots (UTC: same-zone subtraction would use wall time)."""
    return [utc(b) - utc(a) for a, b in itertools.pairwise(times)]


def slots(schedule: Schedule, start: dt.datetime, n: int, delay: dt.timedelta = dt.timedelta(0)) -> list[dt.datetime]:
    """n successive slots, each asked for `delay` after the previous one (processing time)."""
    out = []
    t = start
    for _ in range(n):
        slot = schedule.next_after(t)
        out.append(slot)
        # The collector asks from the *scheduled* time; a delay shorter than a period must not
        # change anything.
        t = slot if not delay else slot + delay
    return out


# --------------------------------------------------------------------------- cron


def test_cron_every_five_minutes_is_aligned_to_the_wall_clock() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    start = dt.datetime(2024, 5, 1, 10, 2, 17, 123456, tzinfo=TOKYO)
    got = slots(schedule, start, 4)
    assert [t.strftime("%H:%M:%S.%f") for t in got] == [
        "10:05:00.000000", "10:10:00.000000", "10:15:00.000000", "10:20:00.000000"]


def test_cron_next_after_is_strictly_after() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    on_slot = dt.datetime(2024, 5, 1, 10, 5, tzinfo=TOKYO)
    assert schedule.next_after(on_slot) == on_slot + FIVE_MIN
    assert schedule.next_after(on_slot - dt.timedelta(microseconds=1)) == on_slot


@pytest.mark.parametrize("delay", [dt.timedelta(0), dt.timedelta(seconds=47, microseconds=999)])
def test_cron_a_week_without_drift_in_tokyo(delay: dt.timedelta) -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    start = dt.datetime(2024, 5, 1, 0, 0, 0, 1, tzinfo=TOKYO)
    week = slots(schedule, start, 7 * 24 * 12, delay)
    assert all(t.minute % 5 == 0 and t.second == 0 and t.microsecond == 0 for t in week)
    assert set(gaps(week)) == {FIVE_MIN}
    assert week[-1] == dt.datetime(2024, 5, 8, 0, 0, tzinfo=TOKYO)


def test_cron_input_in_another_zone_gives_the_same_instant() -> None:
    schedule = CronSchedule("0 9 * * *", TOKYO)
    in_utc = dt.datetime(2024, 5, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    result = schedule.next_after(in_utc)
    assert utc(result) == dt.datetime(2024, 5, 2, 0, 0, tzinfo=UTC)  # 09:00 JST next day
    assert result.utcoffset() == dt.timedelta(hours=9)


def test_cron_across_spring_forward_in_berlin() -> None:
    # 2024-03-31 02:00 CET -> 03:00 CEST: wall times 02:00..02:59 do not exist.
    schedule = CronSchedule("*/5 * * * *", BERLIN)
    got = slots(schedule, dt.datetime(2024, 3, 31, 1, 50, tzinfo=BERLIN), 4)
    assert [t.strftime("%H:%M%z") for t in got] == ["01:55+0100", "03:00+0200", "03:05+0200", "03:10+0200"]
    assert utc(got[1]) - utc(got[0]) == FIVE_MIN  # still 5 real minutes apart


def test_cron_across_fall_back_in_berlin_keeps_five_real_minutes() -> None:
    # 2024-10-27 03:00 CEST -> 02:00 CET: wall times 02:00..02:59 happen twice.
    schedule = CronSchedule("*/5 * * * *", BERLIN)
    got = slots(schedule, dt.datetime(2024, 10, 27, 1, 52, tzinfo=BERLIN), 26)
    assert set(gaps(got)) == {FIVE_MIN}
    walls = [t.strftime("%H:%M%z") for t in got]
    assert walls[:3] == ["01:55+0200", "02:00+0200", "02:05+0200"]
    assert "02:55+0200" in walls and "02:00+0100" in walls and walls[-1] == "03:00+0100"
    assert len({utc(t) for t in got}) == len(got)


def test_cron_from_inside_the_first_pass_of_the_repeated_hour() -> None:
    schedule = CronSchedule("*/5 * * * *", BERLIN)
    first_pass = dt.datetime(2024, 10, 27, 2, 57, tzinfo=BERLIN, fold=0)
    nxt = schedule.next_after(first_pass)
    assert nxt.strftime("%H:%M%z") == "02:00+0100"
    assert utc(nxt) - utc(first_pass) == dt.timedelta(minutes=3)


def test_cron_a_week_over_dst_in_berlin_has_no_drift() -> None:
    schedule = CronSchedule("*/5 * * * *", BERLIN)
    start = dt.datetime(2024, 10, 24, 0, 0, 30, tzinfo=BERLIN)
    week = slots(schedule, start, 7 * 24 * 12 + 12)  # the fall-back day has 25 hours
    assert set(gaps(week)) == {FIVE_MIN}
    assert all(t.minute % 5 == 0 and t.second == 0 for t in week)
    assert week[-1] == dt.datetime(2024, 10, 31, 0, 0, tzinfo=BERLIN)


def test_cron_fixed_hour_runs_once_on_fall_back_and_late_on_spring_forward() -> None:
    schedule = CronSchedule("30 2 * * *", BERLIN)
    autumn = slots(schedule, dt.datetime(2024, 10, 26, 12, 0, tzinfo=BERLIN), 2)
    assert [t.strftime("%m-%d %H:%M%z") for t in autumn] == ["10-27 02:30+0200", "10-28 02:30+0100"]
    spring = slots(schedule, dt.datetime(2024, 3, 30, 12, 0, tzinfo=BERLIN), 2)
    assert [t.strftime("%m-%d %H:%M%z") for t in spring] == ["03-31 03:30+0200", "04-01 02:30+0200"]


def test_cron_hourly_keeps_one_hour_spacing_over_fall_back() -> None:
    schedule = CronSchedule("0 * * * *", BERLIN)
    got = slots(schedule, dt.datetime(2024, 10, 27, 0, 30, tzinfo=BERLIN), 5)
    assert set(gaps(got)) == {dt.timedelta(hours=1)}


@pytest.fixture
def berlin_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("berlin_local_time")
def test_cron_in_system_local_time_follows_dst() -> None:
    schedule = CronSchedule("*/5 * * * *")  # the OS's local zone
    start = dt.datetime(2024, 10, 27, 0, 50, tzinfo=UTC)  # 02:50 CEST
    got = slots(schedule, start, 16)
    assert set(gaps(got)) == {FIVE_MIN}
    assert [t.strftime("%H:%M%z") for t in got[:3]] == ["02:55+0200", "02:00+0100", "02:05+0100"]
    spring = slots(schedule, dt.datetime(2024, 3, 31, 0, 50, tzinfo=UTC), 2)  # 01:50 CET
    assert [t.strftime("%H:%M%z") for t in spring] == ["01:55+0100", "03:00+0200"]


@pytest.mark.parametrize("expr", ["*/5 * * *", "61 * * * *", "every minute"])
def test_cron_rejects_bad_expressions(expr: str) -> None:
    with pytest.raises(ValueError, match="cron"):
        CronSchedule(expr)


def test_cron_rejects_never_matching_expression() -> None:
    with pytest.raises(ValueError, match="never matches"):
        CronSchedule("0 0 31 2 *")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CronSchedule("*/5 * * * *", TOKYO).next_after(dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        IntervalSchedule(300, dt.datetime(2024, 1, 1))


# --------------------------------------------------------------------------- interval


def test_interval_slots_are_start_plus_k_periods() -> None:
    start = dt.datetime(2024, 5, 1, 10, 2, 17, 500000, tzinfo=TOKYO)
    schedule = IntervalSchedule(300, start)
    assert schedule.next_after(start - dt.timedelta(seconds=1)) == start
    assert schedule.next_after(start) == start + FIVE_MIN
    # Asked late (processing took 4 min 59 s): still the grid, never "now + 300 s".
    assert schedule.next_after(start + dt.timedelta(minutes=4, seconds=59)) == start + FIVE_MIN
    assert schedule.next_after(start + dt.timedelta(minutes=12)) == start + 3 * FIVE_MIN


@pytest.mark.parametrize("delay", [dt.timedelta(0), dt.timedelta(seconds=299)])
def test_interval_a_week_without_drift(delay: dt.timedelta) -> None:
    start = dt.datetime(2024, 5, 1, 10, 2, 17, 500000, tzinfo=UTC)
    schedule = IntervalSchedule(300, start)
    week = slots(schedule, start, 7 * 24 * 12, delay)
    assert week[0] == start + FIVE_MIN
    assert week[-1] == start + dt.timedelta(days=7)
    assert set(gaps(week)) == {FIVE_MIN}


def test_interval_is_absolute_time_across_dst() -> None:
    start = dt.datetime(2024, 10, 27, 1, 0, tzinfo=BERLIN)
    schedule = IntervalSchedule(3600, start)
    got = slots(schedule, start, 3)
    assert [utc(t) - utc(start) for t in got] == [dt.timedelta(hours=h) for h in (1, 2, 3)]
    assert [t.strftime("%H:%M%z") for t in got] == ["02:00+0200", "02:00+0100", "03:00+0100"]


def test_interval_odd_period_has_no_float_drift() -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    schedule = IntervalSchedule(0.1, start)
    t = start
    for _ in range(10_000):
        t = schedule.next_after(t)
    assert t == start + dt.timedelta(seconds=1000)


@pytest.mark.parametrize("seconds", [0, -5])
def test_interval_must_be_positive(seconds: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        IntervalSchedule(seconds, dt.datetime(2024, 1, 1, tzinfo=UTC))


def test_build_schedule_by_mode() -> None:
    start = dt.datetime(2024, 5, 1, 10, 2, tzinfo=TOKYO)
    assert isinstance(build_schedule("schedule", "*/5 * * * *", 300, start), CronSchedule)
    interval = build_schedule("interval", "*/5 * * * *", 60, start)
    assert interval.next_after(start) == start + dt.timedelta(minutes=1)
    with pytest.raises(ValueError):
        build_schedule("sometimes", "*/5 * * * *", 60, start)


# --------------------------------------------------------------------------- missed slots


def test_no_missed_slot_when_on_time() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    last = dt.datetime(2024, 5, 1, 10, 5, tzinfo=TOKYO)
    check = check_slots(schedule, last, last + dt.timedelta(seconds=8))
    assert check.missed == () and check.missed_count == 0 and check.due is None
    assert check.next == last + FIVE_MIN
    assert check.describe_missed() is None


def test_slot_just_passed_is_due_not_missed() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    last = dt.datetime(2024, 5, 1, 10, 0, tzinfo=TOKYO)
    now = dt.datetime(2024, 5, 1, 10, 5, 20, tzinfo=TOKYO)  # the 10:00 reading took 5 min 20 s
    check = check_slots(schedule, last, now, grace=dt.timedelta(seconds=60))
    assert check.missed_count == 0
    assert check.due == dt.datetime(2024, 5, 1, 10, 5, tzinfo=TOKYO)
    assert check.next == dt.datetime(2024, 5, 1, 10, 10, tzinfo=TOKYO)


def test_missed_slots_are_reported_by_time() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    last = dt.datetime(2024, 5, 1, 10, 0, tzinfo=TOKYO)
    now = dt.datetime(2024, 5, 1, 10, 12, tzinfo=TOKYO)  # 10:05 and 10:10 went by
    check = check_slots(schedule, last, now, grace=dt.timedelta(seconds=30))
    assert [t.strftime("%H:%M") for t in check.missed] == ["10:05", "10:10"]
    assert check.missed_count == 2 and check.due is None
    assert check.next == dt.datetime(2024, 5, 1, 10, 15, tzinfo=TOKYO)
    assert check.describe_missed() == "2 readings (10:05, 10:10) could not be taken"
    single = check_slots(schedule, last, dt.datetime(2024, 5, 1, 10, 7, tzinfo=TOKYO), grace=dt.timedelta(0))
    assert single.describe_missed() == "reading for 10:05 could not be taken"


def test_missed_slots_after_a_long_suspend_are_counted_and_listed_briefly() -> None:
    start = dt.datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    schedule = IntervalSchedule(300, start)
    now = start + dt.timedelta(days=1, seconds=10)
    check = check_slots(schedule, start, now, max_listed=5)
    # 288 slots in the day; the last one (10 s ago) is due, 287 are missed.
    assert check.missed_count == 287
    assert len(check.missed) == 5 and check.missed[0] == start + FIVE_MIN
    assert check.due == start + dt.timedelta(days=1)
    assert check.last_missed == start + dt.timedelta(days=1) - FIVE_MIN
    assert check.describe_missed() == "287 readings from 00:05 to 23:55 could not be taken"


def test_missed_count_is_capped() -> None:
    start = dt.datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    schedule = IntervalSchedule(1, start)
    check = check_slots(schedule, start, start + dt.timedelta(days=1), max_count=1000)
    assert check.count_capped and check.missed_count == 1000
    assert check.next == start + dt.timedelta(days=1, seconds=1)
    assert "1000+" in (check.describe_missed() or "")


def test_missed_slots_across_fall_back_compare_real_time() -> None:
    schedule = CronSchedule("*/5 * * * *", BERLIN)
    last = dt.datetime(2024, 10, 27, 2, 55, tzinfo=BERLIN, fold=0)  # CEST
    now = dt.datetime(2024, 10, 27, 2, 11, tzinfo=BERLIN, fold=1)  # CET, 16 real minutes later
    check = check_slots(schedule, last, now, grace=dt.timedelta(seconds=30))
    assert [t.strftime("%H:%M%z") for t in check.missed] == ["02:00+0100", "02:05+0100", "02:10+0100"]
    assert check.next.strftime("%H:%M%z") == "02:15+0100"


def test_clock_stepping_back_does_not_repeat_or_stall() -> None:
    schedule = CronSchedule("*/5 * * * *", TOKYO)
    last = dt.datetime(2024, 5, 1, 10, 5, tzinfo=TOKYO)
    small = check_slots(schedule, last, last - dt.timedelta(seconds=2))
    assert small.next == last + FIVE_MIN and small.missed_count == 0
    big = check_slots(schedule, last, last - dt.timedelta(hours=1, minutes=1))
    assert big.next == dt.datetime(2024, 5, 1, 9, 5, tzinfo=TOKYO)


def test_iter_slots_bounds() -> None:
    start = dt.datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    schedule = IntervalSchedule(60, start)
    got = list(iter_slots(schedule, start, start + dt.timedelta(minutes=3)))
    assert got == [start + dt.timedelta(minutes=m) for m in (1, 2, 3)]


def test_local_zone_default_does_not_break_when_tz_is_unset() -> None:
    # Whatever the machine's zone, a */5 cron lands on a multiple of five minutes.
    schedule = CronSchedule("*/5 * * * *")
    got = schedule.next_after(dt.datetime.now(UTC))
    assert got.tzinfo is not None and got.minute % 5 == 0 and got.second == 0
    assert dt.timedelta(0) < got - dt.datetime.now(UTC) <= FIVE_MIN
