"""`hems-collector report`: kWh and ¥ per day, week, month or billing period from the local history.

`--from` and `--to` are Japan dates and both are included: `--from 2026-11-01 --to 2026-11-30`
is all of November. Each row covers its day, week (Monday to Sunday), calendar month or billing
period, cut to the range at the ends. `--compare previous` puts the row before it beside each
row (the day, week, month or billing period before); `--compare last-year` the same row a year
earlier (weeks and days 364 days back, so weekdays match). The ¥ use the settings file's
tariff (its `tariff` key, or the desktop's price and basic charge), each row carrying its share
of the basic charge; a whole billing period shows its bill as printed (rounded down to the yen).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

from hems_desktop.history.store import HistoryStore
from hems_desktop.insights.bill import bill_for
from hems_desktop.insights.periods import Period, add_months, billing_period, split
from hems_desktop.insights.tables import report_rows, to_csv
from hems_desktop.insights.tariff import Tariff, TariffError, load_tariff
from hems_desktop.insights.views import PeriodReport, Totals, priced, totals_of
from hems_desktop.timebase import JST, SLOT_S

PROG = "hems-collector report"
ROWS = ("day", "week", "month", "billing")


class ReportError(Exception):
    """A one-line message for the user; the command exits 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="kWh and ¥ per period from the local history.")
    parser.add_argument("--from", dest="start", type=_date, help="first day (included); default: the 1st of this month")
    parser.add_argument("--to", dest="end", type=_date, help="last day (included); default: today")
    parser.add_argument("--by", choices=ROWS, default="day", help="row size (default: day)")
    parser.add_argument("--compare", choices=("previous", "last-year"), help="put another period beside each row")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    parser.add_argument("--history", type=Path, help="history database (default: the app's)")
    parser.add_argument("--settings", type=Path, help="settings file with the tariff (default: the app's)")
    parser.add_argument("--meter", help="meter id (default: the most recently seen)")
    return parser


def shifted(row: Period, by: str, compare: str, billing_day: int) -> Period:
    """The period compared with `row`: one row back, or the same row a year earlier."""
    if compare == "last-year":
        if by in ("day", "week"):
            return Period(row.start - dt.timedelta(days=364), row.end - dt.timedelta(days=364))
        return Period(add_months(row.start, -12), add_months(row.end, -12))
    if by == "day":
        return Period(row.start - dt.timedelta(days=1), row.end - dt.timedelta(days=1))
    if by == "week":
        return Period(row.start - dt.timedelta(days=7), row.end - dt.timedelta(days=7))
    if by == "billing" and billing_period(row.start, billing_day) == row:
        return billing_period(row.start - dt.timedelta(days=1), billing_day)
    return Period(add_months(row.start, -1), add_months(row.end, -1))


def _report(store: HistoryStore, meter: str, tariff: Tariff, rows: list[Period], by: str, now: int) -> PeriodReport:
    whole = Period(min(r.start for r in rows), max(r.end for r in rows))
    costs = priced(store, meter, tariff, whole, now)
    totals: list[Totals] = []
    for row in rows:
        item = totals_of(costs, tariff, row.start_unix, row.end_unix)
        if by == "billing" and billing_period(row.start, tariff.billing_day) == row and item.kwh is not None:
            series = costs.series
            slots = [(series.start + k * SLOT_S, v) for k in range(series.index(row.start_unix),
                                                                      series.index(row.end_unix))
                     if (v := series.kwh[k]) is not None]
            bill = bill_for(tariff, row, slots, item.missing, item.export_kwh)
            item = Totals(item.start, item.end, item.kwh, item.missing, item.slots, float(bill.total_yen),
                          item.export_kwh, None if bill.sold_yen is None else float(bill.sold_yen), item.co2_kg)
        totals.append(item)
    return PeriodReport(whole, totals_of(costs, tariff, whole.start_unix, whole.end_unix), tuple(totals))


def run(args: argparse.Namespace, now: dt.datetime) -> str:
    from hems_desktop.settings import default_history_path, default_settings_path

    today = now.astimezone(JST).date()
    first = args.start or today.replace(day=1)
    last = args.end or today
    if first > today:
        raise ReportError(f"--from {first} is after today ({today}): the range is empty")
    if last < first:
        raise ReportError(f"--to {last} is before --from {first}: the range is reversed")
    settings = args.settings or default_settings_path()
    try:
        tariff = load_tariff(settings)
    except TariffError as exc:
        raise ReportError(f"{settings}: {exc}") from None
    path = args.history or default_history_path()
    if not path.exists():
        raise ReportError(f"no history database at {path}")
    try:
        store = HistoryStore(path, readonly=True)
    except (sqlite3.Error, RuntimeError) as exc:
        raise ReportError(f"{path}: {exc}") from None
    try:
        meters = store.meters()
        meter = args.meter or (meters[0] if meters else None)
        if meter is None:
            raise ReportError(f"the history {path} is empty")
        rows = split(Period(first, last + dt.timedelta(days=1)), args.by, tariff.billing_day)
        at = int(now.timestamp())
        report = _report(store, meter, tariff, rows, args.by, at)
        if report.totals.kwh is None:
            raise ReportError(f"the history has no meter values from {first} to {last}")
        compare = None
        if args.compare:
            others = [shifted(row, args.by, args.compare, tariff.billing_day) for row in rows]
            compare = _report(store, meter, tariff, others, args.by, at)
        table = report_rows(report, compare)
    except sqlite3.Error as exc:
        raise ReportError(f"{path}: {exc}") from None
    finally:
        store.close()
    if args.format == "json":
        return json.dumps(table, ensure_ascii=False, indent=1) + "\n"
    return to_csv(table)


def main(argv: list[str], now: dt.datetime | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        sys.stdout.write(run(args, now or dt.datetime.now(dt.timezone.utc)))
    except ReportError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    return 0
