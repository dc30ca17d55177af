"""The half-hourly CSV table of `hems-collector export --half-hourly`, with the reverse direction.

Columns: the existing `slot_start,cumulative_kwh,usage_kwh,source`, then
`cumulative_export_kwh,export_kwh,source_export` for energy sold (EB notices, E4 history): the
meter's reverse cumulative value at the boundary, the energy sold in the half hour starting
there (empty when the next value is missing) and where the value came from. A slot with only
one direction known has empty cells for the other. One row per boundary in [start, end) with a
value of either direction, in time order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from hems_desktop.history.store import HistoryStore
from hems_desktop.insights.usage import slot_usage
from hems_desktop.timebase import SLOT_S

HALF_HOUR_HEADER = ("slot_start", "cumulative_kwh", "usage_kwh", "source")
REVERSE_COLUMNS = ("cumulative_export_kwh", "export_kwh", "source_export")
HALF_HOUR_TABLE_HEADER = HALF_HOUR_HEADER + REVERSE_COLUMNS


def _kwh_text(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def half_hour_rows(store: HistoryStore, meter_id: str, start: dt.datetime, end: dt.datetime,
                   zone: dt.tzinfo | None = None) -> Iterator[list[str]]:
    """The table's rows (without the header), slot times written in `zone` (default: end's)."""
    later = end + dt.timedelta(minutes=30)  # the value after the last slot, for its usage
    normal = store.half_hours(meter_id, start, later)
    sold = store.half_hours_reverse(meter_id, start, later)
    normal_kwh = {slot: kwh for slot, (kwh, _) in normal.items()}
    sold_kwh = {slot: kwh for slot, (kwh, _) in sold.items()}
    zone = zone or end.tzinfo
    limit = end.timestamp()
    for slot in sorted(normal.keys() | sold.keys()):
        if slot >= limit:
            break
        row = [dt.datetime.fromtimestamp(slot, zone).isoformat()]
        for values, kwh_by_slot in ((normal, normal_kwh), (sold, sold_kwh)):
            if slot in values:
                kwh, source = values[slot]
                [used] = slot_usage(kwh_by_slot, slot, slot + SLOT_S)
                row += [str(kwh), _kwh_text(used), source]
            else:
                row += ["", "", ""]
        yield row
