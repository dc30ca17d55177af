"""What the insights show: period views with comparisons, the bill so far, a heatmap, base load, peaks.

Each function reads the history through the store's range queries, builds a SlotSeries (the
meter's half-hourly values; a boundary the meter did not give is taken from the live reading
nearest to it, within 2.5 minutes) and prices it with the tariff. Times are meter time (Japan).
Costs of past periods use today's tariff, with each month's own fuel-cost adjustment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hems_desktop.history.store import HistoryStore
from hems_desktop.insights.bill import Forecast, SlotCosts, cost_series, forecast
from hems_desktop.insights.periods import (
    Period,
    ViewKind,
    billing_period,
    period_of,
    rows_of,
    same_period_last_year,
    split,
    step,
)
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.usage import SlotSeries, build_series, clip_future
from hems_desktop.timebase import JST, SLOT_S

PATTERN_DAYS = 28  # the forecast's weekday pattern looks four weeks back


def load_series(store: HistoryStore, meter: str, start: int, end: int, now: int) -> SlotSeries:
    """Half-hourly energy over [start, end) (unix s on the half-hour grid), nothing after `now`."""
    last = min(end, now - now % SLOT_S)  # the newest boundary that can have a value
    normal, reverse = store.cumulative_values(meter, start, last)
    absent = [b for b in range(start, last + 1, SLOT_S) if b not in normal]
    if absent:
        normal.update(store.readings_at_boundaries(meter, absent))
    latest = store.latest_cumulative(meter, dt.datetime.fromtimestamp(min(now, end), dt.timezone.utc))
    return clip_future(build_series(normal, reverse, start, end, latest=latest), now)


@dataclass(frozen=True)
class Totals:
    """One row or one period: energy bought and sold, its cost, and how much of it is unknown."""

    start: dt.datetime  # Japan time
    end: dt.datetime
    kwh: float | None
    missing: int  # half hours without the meter's value
    slots: int  # half hours covered (up to now)
    yen: float | None  # energy + adjustment + surcharge + the basic charge's share
    export_kwh: float | None  # None: the meter has no reverse values
    sold_yen: float | None
    co2_kg: float | None

    @property
    def net_kwh(self) -> float | None:
        return None if self.kwh is None else round(self.kwh - (self.export_kwh or 0.0), 4)


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    totals: Totals
    rows: tuple[Totals, ...]


@dataclass(frozen=True)
class UsageView:
    kind: ViewKind
    current: PeriodReport
    previous: PeriodReport
    last_year: PeriodReport


def totals_of(costs: SlotCosts, tariff: Tariff, start: int, end: int) -> Totals:
    energy = costs.series.total(start, end)
    bought, sold = costs.total(start, end)
    return Totals(
        dt.datetime.fromtimestamp(start, JST), dt.datetime.fromtimestamp(end, JST), energy.kwh, energy.missing,
        energy.slots, None if energy.kwh is None else bought, energy.export_kwh, sold,
        None if energy.kwh is None else round(energy.kwh * tariff.emission_kg_per_kwh, 3),
    )


def priced(store: HistoryStore, meter: str, tariff: Tariff, period: Period, now: int) -> SlotCosts:
    """The half hours of `period` priced; loaded from its first billing period's start so tiers count right."""
    first = billing_period(period.start, tariff.billing_day).start_unix
    series = load_series(store, meter, first, period.end_unix, now)
    return cost_series(tariff, series)


def summarize(store: HistoryStore, meter: str, tariff: Tariff, period: Period, rows: str, now: int,
              costs: SlotCosts | None = None) -> PeriodReport:
    """Totals of `period` and of its rows ("half-hour", "day", "week", "month" or "billing")."""
    costs = costs or priced(store, meter, tariff, period, now)
    if rows == "half-hour":
        edges = [(s, s + SLOT_S) for s in range(period.start_unix, period.end_unix, SLOT_S)]
    else:
        edges = [(p.start_unix, p.end_unix) for p in split(period, rows, tariff.billing_day)]
    return PeriodReport(period, totals_of(costs, tariff, period.start_unix, period.end_unix),
                        tuple(totals_of(costs, tariff, a, b) for a, b in edges))


def usage_view(store: HistoryStore, meter: str, tariff: Tariff, kind: ViewKind, day: dt.date,
               now: dt.datetime | None = None) -> UsageView:
    """The day, week, month or year around `day`, with the previous one and the same one last year."""
    at = int((now or dt.datetime.now(dt.timezone.utc)).timestamp())
    period = period_of(kind, day)
    previous = step(kind, period, -1)
    last_year = same_period_last_year(kind, period)
    rows = rows_of(kind)
    current = summarize(store, meter, tariff, period, rows, at)
    before = summarize(store, meter, tariff, previous, rows, at)
    year_ago = before if last_year == previous else summarize(store, meter, tariff, last_year, rows, at)
    return UsageView(kind, current, before, year_ago)


def bill_so_far(store: HistoryStore, meter: str, tariff: Tariff, now: dt.datetime | None = None) -> Forecast | None:
    """This billing period's bill up to now, and its forecast for the period's end."""
    at = int((now or dt.datetime.now(dt.timezone.utc)).timestamp())
    period = billing_period(dt.datetime.fromtimestamp(at, JST).date(), tariff.billing_day)
    series = load_series(store, meter, period.start_unix - PATTERN_DAYS * 86400, period.end_unix, at)
    return forecast(tariff, series, period, at)


@dataclass(frozen=True)
class Heatmap:
    """kWh per half hour (48 columns) per day (rows); None where the meter gave no value."""

    days: tuple[dt.date, ...]
    kwh: tuple[tuple[float | None, ...], ...]
    missing: int

    @property
    def max_kwh(self) -> float:
        return max((v for row in self.kwh for v in row if v is not None), default=0.0)


def heatmap(store: HistoryStore, meter: str, period: Period, now: dt.datetime | None = None) -> Heatmap:
    """The hour-of-day × day grid over `period` (up to a year or so: 366 days are ~17,600 cells)."""
    at = int((now or dt.datetime.now(dt.timezone.utc)).timestamp())
    series = load_series(store, meter, period.start_unix, period.end_unix, at)
    days, grid, missing = [], [], 0
    for offset in range(period.days):
        first = offset * 48
        row = tuple(series.measured(k) if k < len(series.kwh) else None for k in range(first, first + 48))
        missing += sum(1 for k in range(first, min(first + 48, len(series.kwh))) if series.missing[k])
        days.append(period.start + dt.timedelta(days=offset))
        grid.append(row)
    return Heatmap(tuple(days), tuple(grid), missing)
