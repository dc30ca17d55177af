"""When to read: wall-clock cron schedules and fixed intervals. Pure: no clock, no sleeping.

All times are aware datetimes. The collector keeps the *scheduled* time of the last slot and
asks for the next one after it, so processing time never shifts later slots:

    slot = schedule.next_after(now)
    while ...:
        sleep until slot; read (timestamp the reading with the clock)
        check = check_slots(schedule, slot, clock_now())
        report check.missed; take check.due at once if set; slot = check.next

Cron expressions match the local wall clock (or an explicit zone). Across DST changes, like
Vixie cron: if the hour field is a wildcard (`*/5 * * * *`, `0 * * * *`), the repeated hour
(fall back) has slots in both passes and the skipped hour (spring forward) has none, so
readings stay evenly spaced in real time; a fixed-hour slot (`30 2 * * *`) runs once in the
repeated hour and, when the clock skips it, one hour late (03:30 summer time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

UTC = dt.timezone.utc
_MAX_STEPS = 100_000  # cron candidates examined per call (a DST gap costs one per minute)


class Schedule(Protocol):
    def next_after(self, t: dt.datetime) -> dt.datetime:
        """The first slot strictly after `t` (aware)."""
        ...


def _require_aware(t: dt.datetime, name: str = "t") -> dt.datetime:
    """`t` in UTC. Compare and subtract only in UTC: Python compares two datetimes sharing a
    tzinfo by their wall-clock fields, which is wrong across DST."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return t.astimezone(UTC)


class CronSchedule:
    """Slots where the wall clock matches a crontab expression.

    `tz` None means the system's local time zone as the OS sees it at each instant (DST
    rules included, on every OS); results then carry the local UTC offset of that instant.
    """

    def __init__(self, expr: str, tz: dt.tzinfo | None = None) -> None:
        from croniter import croniter

        self.expr = " ".join(expr.split())
        if not croniter.is_valid(self.expr):
            raise ValueError(f"invalid cron expression {expr!r}")
        self.tz = tz
        self._croniter = croniter
        fields = self.expr.split()
        hour_field = fields[1] if len(fields) >= 5 else ""
        self._hour_wildcard = self.expr.lower() == "@hourly" or hour_field.startswith("*")
        self._next_wall(dt.datetime(2000, 1, 1))  # raises ValueError if it never matches

    def __repr__(self) -> str:
        return f"CronSchedule({self.expr!r}, tz={self.tz!r})"

    def __str__(self) -> str:
        return f"cron '{self.expr}'"

    # --- time-zone plumbing: instants <-> naive wall-clock times
    def _to_wall(self, t: dt.datetime) -> dt.datetime:
        if self.tz is None:
            return dt.datetime.fromtimestamp(t.timestamp())  # naive local, fold set
        return t.astimezone(self.tz).replace(tzinfo=None)

    def _utc(self, wall: dt.datetime, fold: int) -> dt.datetime:
        if self.tz is None:
            return dt.datetime.fromtimestamp(wall.replace(fold=fold).timestamp(), UTC)
        return wall.replace(tzinfo=self.tz, fold=fold).astimezone(UTC)

    def _instants(self, wall: dt.datetime) -> list[dt.datetime]:
        """The UTC instants at which the wall clock shows `wall` and a slot is due."""
        first, second = self._utc(wall, 0), self._utc(wall, 1)
        if first == second:
            return [first]
        exists = [i for i in (first, second) if self._to_wall(i) == wall]  # naive ==: fold ignored
        if exists:  # repeated hour (fall back): both passes for an hour wildcard, else the first
            return sorted(exists) if self._hour_wildcard else [min(exists)]
        # Skipped by the clock (spring forward): like cron, fixed-hour slots run late (02:30 at
        # 03:30 summer time); wildcard-hour slots simply do not exist that night.
        return [] if self._hour_wildcard else [max(first, second)]

    def _display(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone() if self.tz is None else instant.astimezone(self.tz)

    def _offset(self, t: dt.datetime) -> dt.timedelta:
        local = t.astimezone() if self.tz is None else t.astimezone(self.tz)
        offset = local.utcoffset()
        assert offset is not None
        return offset

    def _walls_after(self, wall: dt.datetime) -> Iterator[dt.datetime]:
        it = self._croniter(self.expr, wall.replace(fold=0))
        for _ in range(_MAX_STEPS):
            yield it.get_next(dt.datetime)
        raise RuntimeError(f"{self}: no slot found within {_MAX_STEPS} steps")

    def _next_wall(self, wall: dt.datetime) -> dt.datetime:
        try:
            return next(self._walls_after(wall))
        except ValueError:  # CroniterBadDateError
            raise ValueError(f"cron expression {self.expr!r} never matches") from None

    def next_after(self, t: dt.datetime) -> dt.datetime:
        t = _require_aware(t)
        wall = self._to_wall(t)
        best: dt.datetime | None = None
        for candidate in self._walls_after(wall):
            instants = [i for i in self._instants(candidate) if i > t]
            if instants:
                best = min(instants)
                break
        assert best is not None
        # Fall back between t and best: the wall clock went back, so wall times just before
        # `wall` come round again (second pass of the repeated hour) and may be earlier.
        back = self._offset(t) - self._offset(best)
        if back > dt.timedelta(0):
            for candidate in self._walls_after(wall - back - dt.timedelta(seconds=1)):
                if candidate > wall:
                    break
                for instant in self._instants(candidate):
                    if t < instant < best:
                        best = instant
        return self._display(best)


class IntervalSchedule:
    """Slots at start + k * period (k = 0, 1, ...), in absolute time: no drift, no DST effect."""

    def __init__(self, seconds: float, start: dt.datetime) -> None:
        if not seconds > 0:
            raise ValueError(f"interval must be positive, got {seconds!r}")
        self._start_utc = _require_aware(start, "start")
        self.period = dt.timedelta(seconds=seconds)
        if self.period <= dt.timedelta(0):
            raise ValueError(f"interval too small: {seconds!r}")
        self.start = start

    def __repr__(self) -> str:
        return f"IntervalSchedule({self.period.total_seconds()!r}, start={self.start.isoformat()!r})"

    def __str__(self) -> str:
        return f"every {self.period.total_seconds():g} s"

    def next_after(self, t: dt.datetime) -> dt.datetime:
        elapsed = _require_aware(t) - self._start_utc  # UTC: aware same-zone subtraction is wall time
        k = 0 if elapsed < dt.timedelta(0) else elapsed // self.period + 1
        return (self._start_utc + k * self.period).astimezone(t.tzinfo)


def build_schedule(mode: str, cron: str, interval: float, start: dt.datetime,
                   tz: dt.tzinfo | None = None) -> Schedule:
    """The seed's --mode: "schedule" (cron on the wall clock) or "interval" (from `start`)."""
    if mode == "schedule":
        return CronSchedule(cron, tz)
    if mode == "interval":
        return IntervalSchedule(interval, start)
    raise ValueError(f"unknown mode {mode!r}")


# --------------------------------------------------------------------------- missed slots


@dataclass(frozen=True)
class SlotCheck:
    """What happened between the last scheduled slot and now.

    missed: the first missed slots (at most `max_listed`), oldest first.
    missed_count: how many slots were missed (at least this many if `count_capped`).
    last_missed: the newest missed slot counted.
    due: a slot that just passed (within the grace time): take the reading now.
    next: the first slot after now.
    """

    missed: tuple[dt.datetime, ...]
    missed_count: int
    count_capped: bool
    due: dt.datetime | None
    next: dt.datetime
    last_missed: dt.datetime | None = None

    def describe_missed(self, time_format: str = "%H:%M") -> str | None:
        """One line for the log, e.g. "reading for 10:05 could not be taken"; None if none."""
        if not self.missed_count:
            return None

        def fmt(t: dt.datetime) -> str:
            return t.strftime(time_format)

        if self.missed_count == 1:
            return f"reading for {fmt(self.missed[0])} could not be taken"
        more = "+" if self.count_capped else ""
        if self.missed_count <= len(self.missed) <= 3:
            times = ", ".join(fmt(t) for t in self.missed)
            return f"{self.missed_count} readings ({times}) could not be taken"
        last = self.last_missed or self.missed[-1]
        return f"{self.missed_count}{more} readings from {fmt(self.missed[0])} to {fmt(last)} could not be taken"


def iter_slots(schedule: Schedule, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
    """Slots s with after < s <= until, oldest first."""
    until = _require_aware(until, "until")
    slot = schedule.next_after(after)
    while slot.astimezone(UTC) <= until:
        yield slot
        slot = schedule.next_after(slot)


def check_slots(
    schedule: Schedule,
    last_slot: dt.datetime,
    now: dt.datetime,
    *,
    grace: dt.timedelta = dt.timedelta(seconds=60),
    max_listed: int = 20,
    max_count: int = 10_000,
) -> SlotCheck:
    """Slots after `last_slot` that are already past at `now`.

    The newest past slot is `due` (not missed) if it is at most `grace` old; all others are
    missed. If the clock went back (now < last_slot) by no more than `grace`, nothing is
    repeated; by more, the schedule restarts from now (the clock was wrong before).
    """
    last_utc = _require_aware(last_slot, "last_slot")
    now_utc = _require_aware(now, "now")
    if now_utc < last_utc:
        restart = last_utc - now_utc > grace
        return SlotCheck((), 0, False, None, schedule.next_after(now if restart else last_slot))
    listed: list[dt.datetime] = []
    count = 0
    newest: dt.datetime | None = None
    last_missed: dt.datetime | None = None
    capped = False
    for slot in iter_slots(schedule, last_slot, now):
        if newest is not None:
            count += 1
            last_missed = newest
            if len(listed) < max_listed:
                listed.append(newest)
        newest = slot
        if count >= max_count:
            capped = True
            break
    due: dt.datetime | None = None
    if newest is not None and not capped:
        if now_utc - newest.astimezone(UTC) <= grace:
            due = newest
        else:
            count += 1
            last_missed = newest
            if len(listed) < max_listed:
                listed.append(newest)
    return SlotCheck(tuple(listed), count, capped, due, schedule.next_after(now), last_missed)


def make_clock(tz: dt.tzinfo | None = None) -> Callable[[], dt.datetime]:
    """A `now()` returning aware datetimes (local zone by default), for callers of this module."""
    if tz is None:
        return lambda: dt.datetime.now().astimezone()
    return lambda: dt.datetime.now(tz)
