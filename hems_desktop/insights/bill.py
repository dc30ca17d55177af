"""The bill of a billing period, the cost of every half hour, and the forecast for the period's end.

Energy is priced in time order: each half hour's kWh take the price of the tier the billing
period's running total has reached (split across a tier boundary), or of the time-of-use band
the half hour falls in; bands do not count towards the tiers. As on Japanese bills, basic +
energy + fuel-cost adjustment are rounded down to the yen, the renewable surcharge is rounded
down on its own, and so is the value of the energy sold.

For views shorter or longer than a billing period, each half hour also carries its share of
the basic charge (the period's basic charge spread evenly over its half hours), so any sum of
half hours is that range's cost; only whole billing periods are rounded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hems_desktop.insights.periods import Period, billing_month, billing_period
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.usage import SlotSeries
from hems_desktop.timebase import JST_OFFSET_S, SLOT_S, jst_date


@dataclass(frozen=True)
class EnergyLine:
    """One line of the energy charge: a tier ("tier", index) or a time-of-use band ("band", index)."""

    kind: str
    index: int
    label: str
    kwh: float
    price_per_kwh: float

    @property
    def yen(self) -> float:
        return self.kwh * self.price_per_kwh


@dataclass(frozen=True)
class Bill:
    period: Period
    billing_month: str  # "YYYY-MM", the month the fuel-cost adjustment is taken from
    kwh: float
    missing: int  # half hours of the period the meter gave no value for (their energy is still counted
    # where the values around them are known; see usage.SlotSeries)
    basic_yen: float
    lines: tuple[EnergyLine, ...]
    fuel_adjustment_per_kwh: float
    surcharge_per_kwh: float
    export_kwh: float | None
    sell_price_per_kwh: float
    emission_kg_per_kwh: float

    @property
    def energy_yen(self) -> float:
        return sum(line.yen for line in self.lines)

    @property
    def fuel_adjustment_yen(self) -> float:
        return self.kwh * self.fuel_adjustment_per_kwh

    @property
    def charges_yen(self) -> int:
        """Basic + energy + fuel-cost adjustment, rounded down to the yen (円未満切り捨て)."""
        return _floor(self.basic_yen + self.energy_yen + self.fuel_adjustment_yen)

    @property
    def surcharge_yen(self) -> int:
        return _floor(self.kwh * self.surcharge_per_kwh)

    @property
    def total_yen(self) -> int:
        return self.charges_yen + self.surcharge_yen

    @property
    def sold_yen(self) -> int | None:
        return None if self.export_kwh is None else _floor(self.export_kwh * self.sell_price_per_kwh)

    @property
    def net_yen(self) -> int:
        return self.total_yen - (self.sold_yen or 0)

    @property
    def co2_kg(self) -> float:
        return self.kwh * self.emission_kg_per_kwh


def _floor(yen: float) -> int:
    return math.floor(round(yen, 6))  # 0.1 + 0.2 style float error must not lose a yen


def tier_label(t: Tariff, index: int) -> str:
    low = 0.0 if index == 0 else t.tiers[index - 1].up_to_kwh or 0.0
    high = t.tiers[index].up_to_kwh
    return f"{low:g}–{high:g} kWh" if high is not None else f"> {low:g} kWh"


def price_slots(t: Tariff, slots: Sequence[tuple[int, float]]) -> tuple[list[float], dict[tuple[str, int], float]]:
    """Energy charge of each (slot start, kWh) of ONE billing period, in time order, and kWh per line."""
    yen: list[float] = []
    per_line: dict[tuple[str, int], float] = {}
    tiers, bands = t.tiers, t.bands
    tier_kwh = [0.0] * len(tiers)
    index, bound, price = 0, tiers[0].up_to_kwh, tiers[0].price_per_kwh
    so_far = 0.0  # tiered kWh of the period before this half hour
    day = -1  # the Japan day of the last slot, whose bands are in day_bands: slots come in time order
    day_bands: tuple[int | None, ...] = ()
    for slot_start, kwh in slots:
        band: int | None = None
        if bands:
            local_s = slot_start + JST_OFFSET_S
            if local_s // 86400 != day:
                day = local_s // 86400
                day_bands = t.day_bands(day)
            band = day_bands[local_s % 86400 // SLOT_S]
        if band is not None:
            per_line[("band", band)] = per_line.get(("band", band), 0.0) + kwh
            yen.append(kwh * bands[band].price_per_kwh)
            continue
        cost, left = 0.0, kwh
        while bound is not None and so_far + left > bound:  # this half hour crosses into the next tier
            part = bound - so_far
            cost += part * price
            tier_kwh[index] += part
            so_far, left = bound, left - part
            index += 1
            bound, price = tiers[index].up_to_kwh, tiers[index].price_per_kwh
        cost += left * price
        tier_kwh[index] += left
        so_far += left
        yen.append(cost)
    for number, kwh in enumerate(tier_kwh):
        if kwh > 0 or (number == 0 and not per_line):
            per_line[("tier", number)] = kwh
    return yen, per_line


def bill_for(t: Tariff, period: Period, slots: Sequence[tuple[int, float]], missing: int,
             export_kwh: float | None) -> Bill:
    """The bill of one billing period from its half hours' kWh (slot start unix s, kWh)."""
    _, per_line = price_slots(t, slots)
    lines = []
    for (kind, index), kwh in sorted(per_line.items()):
        if kind == "tier":
            lines.append(EnergyLine(kind, index, tier_label(t, index), round(kwh, 6), t.tiers[index].price_per_kwh))
        else:
            band = t.bands[index]
            lines.append(EnergyLine(kind, index, band.name, round(kwh, 6), band.price_per_kwh))
    month = billing_month(period)
    return Bill(period, month, round(sum(kwh for _, kwh in slots), 6), missing, t.basic_charge(), tuple(lines),
                t.fuel_adjustment(month), t.surcharge_per_kwh, export_kwh, t.sell_price_per_kwh,
                t.emission_kg_per_kwh)


@dataclass(frozen=True)
class SlotCosts:
    """¥ of every half hour of a SlotSeries: energy + fuel adjustment + surcharge + basic share."""

    series: SlotSeries
    yen: tuple[float | None, ...]  # None where the half hour's energy is unknown
    basic_share: tuple[float, ...]
    sold_yen: tuple[float | None, ...]

    def total(self, start: int, end: int) -> tuple[float | None, float | None]:
        """(¥ bought, ¥ sold) over [start, end)."""
        i, j = self.series.index(start), self.series.index(end)
        bought = [v for v in self.yen[i:j] if v is not None]
        sold = [v for v in self.sold_yen[i:j] if v is not None]
        return (round(sum(bought), 2) if bought else None,
                round(sum(sold), 2) if sold else (0.0 if self.series.has_export else None))


def cost_series(t: Tariff, series: SlotSeries) -> SlotCosts:
    """Price every half hour. The series must start on a billing period's start, so tiers count right."""
    kwhs = series.kwh
    count = len(kwhs)
    yen: list[float | None] = [None] * count
    basic: list[float] = [0.0] * count
    index = 0
    while index < count:
        period = billing_period(jst_date(series.start + index * SLOT_S), t.billing_day)
        last = min(count, series.index(period.end_unix))
        slots_in_period = (period.end_unix - period.start_unix) // SLOT_S
        share = t.basic_charge() / slots_in_period
        month = billing_month(period)
        variable = t.fuel_adjustment(month) + t.surcharge_per_kwh
        known = [k for k in range(index, last) if kwhs[k] is not None]
        priced, _ = price_slots(t, [(series.start + k * SLOT_S, kwhs[k] or 0.0) for k in known])
        for k, energy in zip(known, priced, strict=True):
            yen[k] = energy + (kwhs[k] or 0.0) * variable + share
        basic[index:last] = [share] * (last - index)
        index = last if last > index else index + 1
    if series.has_export:
        sold = tuple(None if kwh is None else kwh * t.sell_price_per_kwh for kwh in series.export_kwh)
    else:
        sold = (None,) * count
    return SlotCosts(series, tuple(yen), tuple(basic), sold)


def weekday_pattern(series: SlotSeries, t: Tariff, before: int, weeks: int = 4) -> dict[tuple[int, int], float]:
    """Mean kWh per (day type, half hour of day) over the `weeks` before `before` (measured values only).

    Day type is the weekday 0-6, holidays counting as Sunday (6): a holiday looks like a Sunday.
    """
    sums: dict[tuple[int, int], list[float]] = {}
    first = max(series.start, before - weeks * 7 * 86400)
    for k in range(series.index(first), series.index(before)):
        kwh = series.measured(k)
        if kwh is None:
            continue
        slot = series.start + k * SLOT_S
        sums.setdefault(_day_type(t, slot), []).append(kwh)
    return {key: sum(values) / len(values) for key, values in sums.items()}


def _day_type(t: Tariff, slot: int) -> tuple[int, int]:
    day = jst_date(slot)
    kind = 6 if t.is_holiday(day) and day.weekday() < 5 else day.weekday()
    return kind, (slot + JST_OFFSET_S) % 86400 // SLOT_S


@dataclass(frozen=True)
class Forecast:
    bill: Bill  # the whole period: usage so far plus the expected rest
    so_far: Bill
    expected_kwh: float  # energy expected for the rest of the period
    basis: str  # "weekday pattern" or "average so far"


def forecast(t: Tariff, series: SlotSeries, period: Period, now: int) -> Forecast | None:
    """The period's bill at its end: the usage so far, then each remaining half hour as the mean of
    the same weekday's half hour over the last four weeks (the average half hour so far without one).

    `series` must start at least at the period's start (four weeks earlier for the pattern).
    None when nothing at all is known yet.
    """
    start, end = period.start_unix, period.end_unix
    # The series stops at the running half hour (clip_future), which counts with its energy so far.
    so_far_slots = [(series.start + k * SLOT_S, kwh) for k in range(series.index(start), series.index(end))
                    if (kwh := series.kwh[k]) is not None]
    totals = series.total(start, end)
    so_far = bill_for(t, period, so_far_slots, totals.missing, totals.export_kwh)
    pattern = weekday_pattern(series, t, min(now, end))
    measured = [kwh for _, kwh in so_far_slots]
    if not pattern and not measured:
        return None
    average = sum(measured) / len(measured) if measured else sum(pattern.values()) / len(pattern)
    expected: list[tuple[int, float]] = []
    known_slots = {slot for slot, _ in so_far_slots}
    for slot in range(start, end, SLOT_S):
        if slot in known_slots:
            continue
        if slot < now and series.index(slot) < len(series.kwh) and series.kwh[series.index(slot)] is not None:
            continue
        expected.append((slot, pattern.get(_day_type(t, slot), average)))
    combined = sorted(so_far_slots + expected)
    whole = bill_for(t, period, combined, totals.missing, totals.export_kwh)
    return Forecast(whole, so_far, round(sum(kwh for _, kwh in expected), 4),
                    "weekday pattern" if pattern else "average so far")
