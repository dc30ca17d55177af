"""The meter's own values as a power line for a chart of any range, from an hour to a year.

A year holds 17,520 half hours, far more than a chart is wide: past `max_steps` the line shows
each meter day's average power instead (the day's kWh from the cumulative values at its two
midnights, never a sum of watts). A half hour or day with no value breaks the line (NaN).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from hems_desktop.insights.usage import usage_between, watts_steps
from hems_desktop.timebase import JST, SLOT_S

DAY_S = 86400
HOURS_PER_DAY = 24


def meter_midnight(unix: float) -> int:
    """The Japan-time midnight at or before `unix` (meter days are Japan days)."""
    day = dt.datetime.fromtimestamp(unix, JST).date()
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=JST).timestamp())


def daily_watts_steps(cumulative: Mapping[int, float], start: int, end: int) -> tuple[list[float], list[float]]:
    """Each meter day overlapping [start, end) as its average power (x unix s, y W); NaN at a missing day."""
    xs: list[float] = []
    ys: list[float] = []
    day = meter_midnight(start)
    while day < end:
        following = day + DAY_S  # Japan has no daylight saving time: every meter day is 24 h
        kwh = usage_between(cumulative.get(day), cumulative.get(following))
        if kwh is None:
            if xs and not math.isnan(ys[-1]):
                xs.append(day)
                ys.append(math.nan)
        else:
            watts = kwh * 1000 / HOURS_PER_DAY
            xs += [day, following]
            ys += [watts, watts]
        day = following
    return xs, ys


def meter_power_steps(cumulative: Mapping[int, float], start: int, end: int,
                      max_steps: int) -> tuple[list[float], list[float], str]:
    """(x, y, "half-hour" or "day"): half hours while they fit in `max_steps`, else days."""
    if (end - start) / SLOT_S <= max_steps:
        xs, ys = watts_steps(cumulative, start, end)
        return xs, ys, "half-hour"
    xs, ys = daily_watts_steps(cumulative, start, end)
    return xs, ys, "day"


def boundaries_needed(start: int, end: int, max_steps: int) -> tuple[int, int]:
    """The range of cumulative values `meter_power_steps` reads: [first, last] boundary (unix s)."""
    if (end - start) / SLOT_S <= max_steps:
        return start - start % SLOT_S, end + SLOT_S
    return meter_midnight(start), meter_midnight(end) + DAY_S
