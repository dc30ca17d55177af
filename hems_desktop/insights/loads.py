"""Base load ("always on") and peaks.

Base load is the 10th percentile of the half-hour average powers over the last 48 hours.
Half-hour averages, not single readings: a fridge compressor or a kettle is averaged out, so
what is left is what runs all the time ("sustained"). A low quantile, not the minimum: one odd
half hour (everything switched off, a tripped breaker) does not decide it. The averages come
from the live readings' half-hour rollup when there are enough of them (1 W resolution); else
from the meter's own half-hourly energy, whose 0.1 kWh steps are 200 W steps of average power,
coarse but never missing a half hour. The yearly cost prices that power all year round at the
household's average variable price (energy + fuel-cost adjustment + surcharge per kWh) of the
last billing period that has data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hems_desktop.history.store import HistoryStore
from hems_desktop.insights.bill import bill_for
from hems_desktop.insights.periods import Period, billing_period
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.usage import average_watts
from hems_desktop.insights.views import load_series
from hems_desktop.timebase import JST, SLOT_S

BASE_QUANTILE = 0.10
WINDOW_S = 48 * 3600
MIN_HALF_HOURS = 24  # at least 12 hours of the 48 must be known to give a number


def low_quantile(values: list[float], q: float = BASE_QUANTILE) -> float:
    """Nearest-rank quantile (no interpolation: the value is one that was measured)."""
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


@dataclass(frozen=True)
class BaseLoad:
    watts: float | None
    basis: str  # "readings" (rollup of live readings) or "half-hours" (the meter's energy)
    half_hours: int  # how many half-hour averages the figure is taken from
    trend: tuple[tuple[dt.date, float | None], ...]  # (first day of the week, watts) oldest first
    yearly_kwh: float | None
    yearly_yen: float | None


def _window_watts(store: HistoryStore, meter: str, start: int, end: int) -> tuple[float | None, str, int]:
    means = [row[1] for row in store.rollup_rows(meter, start, end) if row[1] is not None]
    if len(means) >= MIN_HALF_HOURS:
        return low_quantile(means), "readings", len(means)
    series = load_series(store, meter, start - start % SLOT_S, end - end % SLOT_S, end)
    energy = [average_watts(v) for k in range(len(series.kwh)) if (v := series.measured(k)) is not None]
    if len(energy) >= MIN_HALF_HOURS:
        return low_quantile(energy), "half-hours", len(energy)
    return None, "readings", len(means)


def average_price(store: HistoryStore, meter: str, tariff: Tariff, now: int) -> float:
    """¥ per kWh of the variable charges in the latest billing period with data (first tier's without)."""
    today = dt.datetime.fromtimestamp(now, JST).date()
    for back in range(3):
        period = billing_period(today, tariff.billing_day)
        for _ in range(back):
            period = billing_period(period.start - dt.timedelta(days=1), tariff.billing_day)
        series = load_series(store, meter, period.start_unix, period.end_unix, now)
        slots = [(series.start + k * SLOT_S, v) for k, v in enumerate(series.kwh) if v is not None]
        bill = bill_for(tariff, period, slots, 0, None)
        if bill.kwh > 1:
            return (bill.energy_yen + bill.fuel_adjustment_yen + bill.kwh * bill.surcharge_per_kwh) / bill.kwh
    return (tariff.tiers[0].price_per_kwh + tariff.surcharge_per_kwh
            + tariff.fuel_adjustment(f"{today.year:04d}-{today.month:02d}"))


def base_load(store: HistoryStore, meter: str, tariff: Tariff, now: dt.datetime | None = None,
              weeks: int = 12) -> BaseLoad:
    """Base load now (last 48 h), its weekly trend (same method over each week) and its yearly cost."""
    at = int((now or dt.datetime.now(dt.timezone.utc)).timestamp())
    watts, basis, count = _window_watts(store, meter, at - WINDOW_S, at)
    trend = []
    for back in range(weeks - 1, -1, -1):
        end = at - back * 7 * 86400
        value, _, _ = _window_watts(store, meter, end - 7 * 86400, end)
        trend.append((dt.datetime.fromtimestamp(end - 7 * 86400, JST).date(), value))
    yearly_kwh = None if watts is None else round(watts * 8760 / 1000, 1)
    yearly_yen = None if yearly_kwh is None else round(yearly_kwh * average_price(store, meter, tariff, at), 0)
    return BaseLoad(watts, basis, count, tuple(trend), yearly_kwh, yearly_yen)


@dataclass(frozen=True)
class Peaks:
    half_hour_start: dt.datetime | None  # the half hour with the most energy
    half_hour_kwh: float | None
    reading_time: dt.datetime | None  # the highest live reading
    reading_w: int | None
    max_current_a: float | None  # the highest phase current (R or T) seen
    max_current_time: dt.datetime | None
    contract_amperes: int | None

    @property
    def half_hour_watts(self) -> float | None:
        return None if self.half_hour_kwh is None else average_watts(self.half_hour_kwh)

    @property
    def headroom_a(self) -> float | None:
        """Amperes left below the contract at the highest current seen (negative: above it)."""
        if self.contract_amperes is None or self.max_current_a is None:
            return None
        return round(self.contract_amperes - self.max_current_a, 1)


def peaks(store: HistoryStore, meter: str, period: Period, contract_amperes: int | None,
          now: dt.datetime | None = None) -> Peaks:
    at = int((now or dt.datetime.now(dt.timezone.utc)).timestamp())
    start, end = period.start_unix, min(period.end_unix, at)
    series = load_series(store, meter, start, period.end_unix, at)
    best: tuple[float, int] | None = None
    for k in range(len(series.kwh)):
        value = series.measured(k)
        if value is not None and (best is None or value > best[0]):
            best = (value, series.start + k * SLOT_S)
    top = store.peak_reading(meter, start, end)
    highest = store.max_current(meter, start, end)
    current = None if highest is None else (highest[1], highest[0])
    return Peaks(
        None if best is None else dt.datetime.fromtimestamp(best[1], JST), None if best is None else best[0],
        None if top is None else top.timestamp.astimezone(JST), None if top is None else top.instant_w,
        None if current is None else current[0],
        None if current is None else dt.datetime.fromtimestamp(current[1], JST), contract_amperes,
    )
