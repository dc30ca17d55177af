"""The one place for half-hour usage arithmetic: energy from the meter's cumulative values.

The meter latches a cumulative kWh value at every :00/:30 boundary (EA notices, E2 history).
The energy of a half hour is the difference of the values at its two boundaries; the energy
of any longer period is the difference at *its* boundaries (never a sum of watts), so a
missing value inside a period does not change the period's total. A half hour whose own
value is unknown is *missing*: it is counted, never taken as zero.

Plain data in, plain data out: no SQL, no Qt. The history store, the CSV export, the
insights and the dashboard all call these functions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hems_desktop.timebase import SLOT_S

WATTS_PER_KWH_PER_SLOT = 2000.0  # 1 kWh in 30 minutes is an average of 2000 W


def slot_usage(cumulative: Mapping[int, float], first_slot: int, end: int) -> list[float | None]:
    """kWh of each half hour starting at first_slot, first_slot + 30 min, ... before `end`.

    None where either boundary value is missing, or where the difference is negative
    (a meter exchange or a counter roll-over is not usage).
    """
    out: list[float | None] = []
    for slot in range(first_slot, end, SLOT_S):
        here, following = cumulative.get(slot), cumulative.get(slot + SLOT_S)
        if here is None or following is None or following < here:
            out.append(None)
        else:
            out.append(round(following - here, 6))
    return out


def usage_between(first: float | None, last: float | None) -> float | None:
    """Energy between two cumulative values, None when one is missing or the counter went back."""
    if first is None or last is None or last < first:
        return None
    return round(last - first, 4)


def average_watts(kwh_per_slot: float) -> float:
    """Average power over a half hour that used `kwh_per_slot`."""
    return kwh_per_slot * WATTS_PER_KWH_PER_SLOT


def watts_steps(cumulative: Mapping[int, float], start: int, end: int) -> tuple[list[float], list[float]]:
    """The half hours of [start, end) as an average-power step line (x unix s, y W); NaN breaks it at gaps.

    For the dashboard's chart (`Dashboard._half_hour_watts`).
    """
    first = start - start % SLOT_S
    xs: list[float] = []
    ys: list[float] = []
    for index, kwh in enumerate(slot_usage(cumulative, first, end)):
        slot = first + index * SLOT_S
        if kwh is None:
            if slot in cumulative:
                xs.append(slot + SLOT_S)
                ys.append(math.nan)  # a gap: the line breaks here
            continue
        watts = average_watts(kwh)
        xs += [slot, slot + SLOT_S]
        ys += [watts, watts]
    return xs, ys


def day_bars(cumulative: Mapping[int, float], midnight: int) -> list[tuple[int, float]]:
    """(half-hour index 0-47, kWh) of one meter day, missing half hours left out (the dashboard's bars)."""
    return [(index, kwh) for index, kwh in enumerate(slot_usage(cumulative, midnight, midnight + 86400))
            if kwh is not None]


@dataclass(frozen=True)
class SlotSeries:
    """Half-hourly energy over [start, start + len * 30 min), normal and reverse direction.

    `kwh[i]` is the energy of slot i. Where the meter has no value for a slot but has values
    on both sides of the gap, the gap's energy (exact: the difference across it) is spread
    evenly over its slots so that every sum over a period with known boundaries is exact;
    `missing[i]` is still True for those slots. `kwh[i]` is None only where nothing is known
    (before the first value, after the last, or in the future).
    """

    start: int
    kwh: tuple[float | None, ...]
    missing: tuple[bool, ...]
    export_kwh: tuple[float | None, ...]
    has_export: bool  # the meter reported reverse-direction values in this range

    @property
    def end(self) -> int:
        return self.start + len(self.kwh) * SLOT_S

    def index(self, unix_s: int) -> int:
        """Slot index of a boundary, clamped to the series."""
        return min(max((unix_s - self.start) // SLOT_S, 0), len(self.kwh))

    def total(self, start: int, end: int) -> PeriodEnergy:
        """Energy of [start, end) (boundaries), with the count of missing half hours."""
        i, j = self.index(start), self.index(end)
        known = [v for v in self.kwh[i:j] if v is not None]
        exported = [v for v in self.export_kwh[i:j] if v is not None]
        missing = sum(self.missing[i:j])
        return PeriodEnergy(
            kwh=round(sum(known), 4) if known else None,
            missing=missing,
            slots=j - i,
            export_kwh=round(sum(exported), 4) if exported else (0.0 if self.has_export else None),
        )

    def measured(self, index: int) -> float | None:
        """The slot's energy only when the meter gave both its boundary values (heatmaps, peaks)."""
        return None if self.missing[index] else self.kwh[index]


@dataclass(frozen=True)
class PeriodEnergy:
    kwh: float | None  # None when nothing at all is known for the period
    missing: int  # half hours of the period whose own value the meter did not give
    slots: int  # half hours in the period (up to now for the current one)
    export_kwh: float | None = None  # None when the meter has no reverse values

    @property
    def net_kwh(self) -> float | None:
        if self.kwh is None:
            return None
        return round(self.kwh - (self.export_kwh or 0.0), 4)


def _spread(cumulative: Mapping[int, float], start: int, count: int) -> tuple[list[float | None], list[bool]]:
    """Per-slot energy with gaps between known values spread evenly (see SlotSeries)."""
    values = list(map(cumulative.get, range(start, start + (count + 1) * SLOT_S, SLOT_S)))
    kwh: list[float | None] = [None if a is None or b is None or b < a else b - a
                               for a, b in itertools.pairwise(values)]
    missing = [v is None for v in kwh]
    if any(missing):
        known = [i for i, v in enumerate(values) if v is not None]
        for left, right in itertools.pairwise(known):
            first, last = values[left], values[right]
            if right - left > 1 and first is not None and last is not None and last >= first:
                share = (last - first) / (right - left)  # exact in total, evenly spread over the gap
                for index in range(left, right):
                    kwh[index] = share
    return kwh, missing


def build_series(
    normal: Mapping[int, float],
    reverse: Mapping[int, float],
    start: int,
    end: int,
    *,
    latest: tuple[int, float] | None = None,
) -> SlotSeries:
    """SlotSeries over [start, end) from cumulative values at boundaries (unix s -> kWh).

    `latest` is the newest cumulative value inside the running half hour (a live reading):
    the energy since the last boundary counts towards the current slot, which is not
    missing, just not finished.
    """
    count = max((end - start) // SLOT_S, 0)
    values = dict(normal)
    latest_index: int | None = None
    if latest is not None and start <= latest[0] < end and latest[0] % SLOT_S:
        boundary = latest[0] - latest[0] % SLOT_S
        if boundary in values and latest[1] >= values[boundary]:
            latest_index = (boundary - start) // SLOT_S
    kwh, missing = _spread(values, start, count)
    if latest is not None and latest_index is not None and kwh[latest_index] is None:
        kwh[latest_index] = round(latest[1] - values[start + latest_index * SLOT_S], 6)
        missing[latest_index] = False
    export: list[float | None] = [None] * count
    if reverse:
        export, _ = _spread(reverse, start, count)
    return SlotSeries(start, tuple(kwh), tuple(missing), tuple(export), bool(reverse))


def clip_future(series: SlotSeries, now: int) -> SlotSeries:
    """Drop the slots that start after `now`: the future is neither usage nor missing."""
    keep = max(0, min(len(series.kwh), -(-(now - series.start) // SLOT_S)))
    missing = list(series.missing[:keep])
    if keep and series.start + keep * SLOT_S > now:
        missing[-1] = False  # the running half hour: not finished, not missing
    return SlotSeries(series.start, series.kwh[:keep], tuple(missing), series.export_kwh[:keep],
                      series.has_export)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
