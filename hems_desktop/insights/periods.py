"""Calendar arithmetic in meter time (Japan): days, weeks, months, years and billing periods.

Every period is a half-open range of Japan dates [start, end). Weeks start on Monday.
"The same period last year" keeps the weekday for days and weeks (364 days back, so a
Monday compares with a Monday) and the date for months and years; 29 February compares
with 28 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from hems_desktop.timebase import jst_midnight


class ViewKind(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """Japan dates [start, end)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_unix(self) -> int:
        return jst_midnight(self.start)

    @property
    def end_unix(self) -> int:
        return jst_midnight(self.end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def add_months(day: dt.date, months: int, clamp_day: int | None = None) -> dt.date:
    """The same day `months` later, on the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    wanted = clamp_day or day.day
    return dt.date(year, month + 1, min(wanted, calendar.monthrange(year, month + 1)[1]))


def _month_start(year: int, month: int, billing_day: int) -> dt.date:
    return dt.date(year, month, min(billing_day, calendar.monthrange(year, month)[1]))


def billing_period(day: dt.date, billing_day: int) -> Period:
    """The billing period containing `day`: from the meter-reading day to the next one.

    A reading day of 29-31 falls on the month's last day in shorter months.
    """
    start = _month_start(day.year, day.month, billing_day)
    if day < start:
        previous = add_months(dt.date(day.year, day.month, 1), -1)
        start = _month_start(previous.year, previous.month, billing_day)
    following = add_months(dt.date(start.year, start.month, 1), 1)
    return Period(start, _month_start(following.year, following.month, billing_day))


def billing_month(period: Period) -> str:
    """The month a billing period is billed as ("YYYY-MM"): the month of its last day.

    With billing day 1 that is the calendar month; otherwise the month of the reading that
    closes it (検針月), as the utilities label the fuel-cost adjustment ("12月分").
    """
    last = period.end - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def period_of(kind: ViewKind, day: dt.date) -> Period:
    if kind is ViewKind.DAY:
        return Period(day, day + dt.timedelta(days=1))
    if kind is ViewKind.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=7))
    if kind is ViewKind.MONTH:
        first = day.replace(day=1)
        return Period(first, add_months(first, 1))
    first = dt.date(day.year, 1, 1)
    return Period(first, dt.date(day.year + 1, 1, 1))


def step(kind: ViewKind, period: Period, count: int) -> Period:
    """The period `count` steps later (negative: earlier), of the same kind."""
    if kind is ViewKind.DAY:
        return period_of(kind, period.start + dt.timedelta(days=count))
    if kind is ViewKind.WEEK:
        return period_of(kind, period.start + dt.timedelta(days=7 * count))
    if kind is ViewKind.MONTH:
        return period_of(kind, add_months(period.start, count))
    return period_of(kind, dt.date(period.start.year + count, 1, 1))


def same_period_last_year(kind: ViewKind, period: Period) -> Period:
    if kind in (ViewKind.DAY, ViewKind.WEEK):
        return Period(period.start - dt.timedelta(days=364), period.end - dt.timedelta(days=364))
    return Period(add_months(period.start, -12), add_months(period.end, -12))


def shift_range(period: Period, compare: str) -> Period:
    """For the report: the range just before (same length) or the same dates a year earlier."""
    if compare == "previous":
        return Period(period.start - dt.timedelta(days=period.days), period.start)
    start, end = add_months(period.start, -12), add_months(period.end, -12)
    return Period(start, max(end, start + dt.timedelta(days=1)))


def split(period: Period, by: str, billing_day: int = 1) -> list[Period]:
    """Cut a range into rows: "day", "week" (Monday starts), "month" (calendar) or "billing" periods.

    The first and last rows are clipped to the range.
    """
    rows: list[Period] = []
    cursor = period.start
    while cursor < period.end:
        if by == "day":
            following = cursor + dt.timedelta(days=1)
        elif by == "week":
            following = cursor - dt.timedelta(days=cursor.weekday()) + dt.timedelta(days=7)
        elif by == "month":
            following = add_months(cursor.replace(day=1), 1)
        elif by == "billing":
            following = billing_period(cursor, billing_day).end
        else:
            raise ValueError(f"unknown row size {by!r}")
        rows.append(Period(cursor, min(following, period.end)))
        cursor = following
    return rows


def rows_of(kind: ViewKind) -> str:
    """The row size of a view: a day shows half hours, a week and a month days, a year months."""
    return {ViewKind.DAY: "half-hour", ViewKind.WEEK: "day", ViewKind.MONTH: "day", ViewKind.YEAR: "month"}[kind]
