"""Any insight as a table: the rows the CSV export, the `report` command's JSON and the GUI's "Export CSV" share.

Unknown values are empty cells (None in JSON), never 0. Times are ISO 8601 in Japan time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from hems_desktop.insights.bill import Bill, Forecast
from hems_desktop.insights.loads import BaseLoad, Peaks
from hems_desktop.insights.views import Heatmap, PeriodReport, Totals, UsageView

Row = dict[str, Any]

TOTALS_COLUMNS = ("start", "end", "kwh", "yen", "missing_half_hours", "export_kwh", "sold_yen", "net_kwh", "co2_kg")


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def totals_row(t: Totals, prefix: str = "") -> Row:
    return {
        f"{prefix}start": t.start.isoformat(), f"{prefix}end": t.end.isoformat(), f"{prefix}kwh": _r(t.kwh, 3),
        f"{prefix}yen": _r(t.yen, 0), f"{prefix}missing_half_hours": t.missing,
        f"{prefix}export_kwh": _r(t.export_kwh, 3), f"{prefix}sold_yen": _r(t.sold_yen, 0),
        f"{prefix}net_kwh": _r(t.net_kwh, 3), f"{prefix}co2_kg": _r(t.co2_kg, 2),
    }


def report_rows(report: PeriodReport, compare: PeriodReport | None = None) -> list[Row]:
    """One row per row of the report; with `compare`, the other period's row beside it (by position)."""
    out = []
    for index, row in enumerate(report.rows):
        item = totals_row(row)
        if compare is not None:
            other = compare.rows[index] if index < len(compare.rows) else None
            item.update({"compare_start": None if other is None else other.start.isoformat(),
                         "compare_kwh": None if other is None else _r(other.kwh, 3),
                         "compare_yen": None if other is None else _r(other.yen, 0),
                         "compare_missing_half_hours": None if other is None else other.missing})
        out.append(item)
    return out


def view_rows(view: UsageView) -> list[Row]:
    """A view's rows with the previous period's and last year's kWh and ¥ beside each."""
    out = []
    for index, row in enumerate(view.current.rows):
        item = totals_row(row)
        for prefix, other in (("previous_", view.previous), ("last_year_", view.last_year)):
            match = other.rows[index] if index < len(other.rows) else None
            item[f"{prefix}kwh"] = None if match is None else _r(match.kwh, 3)
            item[f"{prefix}yen"] = None if match is None else _r(match.yen, 0)
        out.append(item)
    return out


def heatmap_rows(heat: Heatmap) -> list[Row]:
    columns = [f"{k // 2:02d}:{k % 2 * 30:02d}" for k in range(48)]
    return [{"date": day.isoformat(), **{c: _r(v, 3) for c, v in zip(columns, row, strict=True)}}
            for day, row in zip(heat.days, heat.kwh, strict=True)]


def bill_rows(bill: Bill) -> list[Row]:
    rows: list[Row] = [{"item": "basic", "kwh": None, "price_per_kwh": None, "yen": round(bill.basic_yen, 2)}]
    rows += [{"item": f"{line.kind}: {line.label}", "kwh": round(line.kwh, 3), "price_per_kwh": line.price_per_kwh,
              "yen": round(line.yen, 2)} for line in bill.lines]
    rows += [
        {"item": "fuel_adjustment", "kwh": round(bill.kwh, 3), "price_per_kwh": bill.fuel_adjustment_per_kwh,
         "yen": round(bill.fuel_adjustment_yen, 2)},
        {"item": "charges (rounded down)", "kwh": None, "price_per_kwh": None, "yen": bill.charges_yen},
        {"item": "renewable_surcharge", "kwh": round(bill.kwh, 3), "price_per_kwh": bill.surcharge_per_kwh,
         "yen": bill.surcharge_yen},
        {"item": "total", "kwh": round(bill.kwh, 3), "price_per_kwh": None, "yen": bill.total_yen},
    ]
    if bill.export_kwh is not None:
        rows.append({"item": "sold", "kwh": round(bill.export_kwh, 3), "price_per_kwh": bill.sell_price_per_kwh,
                     "yen": bill.sold_yen})
    return rows


def forecast_rows(f: Forecast) -> list[Row]:
    return ([{"part": "so_far", **row} for row in bill_rows(f.so_far)]
            + [{"part": "forecast", **row} for row in bill_rows(f.bill)])


def base_load_rows(base: BaseLoad) -> list[Row]:
    rows: list[Row] = [{"week_start": day.isoformat(), "watts": _r(w, 0)} for day, w in base.trend]
    rows.append({"week_start": "last 48 h", "watts": _r(base.watts, 0)})
    return rows


def peaks_rows(p: Peaks) -> list[Row]:
    return [
        {"what": "highest half hour", "time": p.half_hour_start.isoformat() if p.half_hour_start else None,
         "value": _r(p.half_hour_kwh, 3), "unit": "kWh"},
        {"what": "highest reading", "time": p.reading_time.isoformat() if p.reading_time else None,
         "value": p.reading_w, "unit": "W"},
        {"what": "highest current", "time": p.max_current_time.isoformat() if p.max_current_time else None,
         "value": p.max_current_a, "unit": "A"},
        {"what": "contract headroom", "time": None, "value": p.headroom_a, "unit": "A"},
    ]


def to_csv(rows: Sequence[Row]) -> str:
    """CSV text with a header from the first row's keys; None becomes an empty cell."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow("" if value is None else value for value in row.values())
    return out.getvalue()
