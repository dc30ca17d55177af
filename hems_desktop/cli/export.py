"""`hems-collector export`: any range of the local history as CSV.

Readings use the seed's CSV header. Half-hourly values use
`slot_start,cumulative_kwh,usage_kwh,source,cumulative_export_kwh,export_kwh,source_export`: the
meter's cumulative value at each :00/:30 (JST boundaries, written with the local UTC offset), the
energy used in the half hour that starts there (empty when the next value is missing), where the
value came from (EA notice, E2 or EC history), and the same for energy sold (EB, E4) on solar
homes (see history/half_hour_table.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from hems_desktop.describe import describe_os_error, describe_sqlite_error
from hems_desktop.history.half_hour_table import HALF_HOUR_TABLE_HEADER, half_hour_rows
from hems_desktop.reading import CSV_HEADER
from hems_desktop.settings import default_history_path


def _date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD) or ISO time") from None
    return value if value.tzinfo else value.astimezone()


def _end(text: str) -> dt.datetime:
    """`--to`: a date is included whole (up to its midnight); a time is the exclusive end."""
    value = _date(text)
    date_only = len(text.strip()) == 10
    return value + dt.timedelta(days=1) if date_only else value


def _given(option: str, argv: list[str], value: dt.datetime) -> str:
    """The option as the user typed it ("--to 2026-11-01", not the exclusive end it stands for),
    or the default's time when it was not given."""
    for index, word in enumerate(argv):
        if word == option and index + 1 < len(argv):
            return f"{option} {argv[index + 1]}"
        if word.startswith(option + "="):
            return f"{option} {word.split('=', 1)[1]}"
    return f"{option} (default: {value.isoformat(timespec='seconds')})"


def _fail(message: str) -> int:
    print(f"hems-collector export: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hems-collector export", description="Export the local history as CSV.")
    parser.add_argument("--history", type=Path, default=None, help="history database (default: the app's)")
    parser.add_argument("--from", dest="start", type=_date, help="start (inclusive), default: 7 days ago")
    parser.add_argument("--to", dest="end", type=_end,
                        help="end: a date is included (YYYY-MM-DD up to its midnight), a time is exclusive; "
                             "default: now")
    parser.add_argument("--half-hourly", action="store_true", help="export the meter's 30-minute values")
    parser.add_argument("--meter", help="meter id (default: the most recently seen)")
    parser.add_argument("-o", "--output", type=Path, help="CSV file (default: standard output)")
    return parser


def main(argv: list[str]) -> int:
    import sqlite3

    from hems_desktop.history import HistoryStore

    args = build_parser().parse_args(argv)
    path = args.history or default_history_path()
    if not path.exists():
        return _fail(f"no history database at {path} (the collector writes one with --history)")
    end = args.end or dt.datetime.now().astimezone()
    start = args.start or end - dt.timedelta(days=7)
    if start >= end:
        return _fail(f"{_given('--from', argv, start)} is not before {_given('--to', argv, end)}: "
                     "the range is empty or reversed, nothing to export")
    try:
        store = HistoryStore(path, readonly=True)
        meters = store.meters()
    except sqlite3.Error as exc:
        return _fail(f"{path}: {describe_sqlite_error(exc)}")
    meter = args.meter or (meters[0] if meters else None)
    if meter is None:
        store.close()
        return _fail("the history is empty")
    if meter not in meters:
        store.close()
        return _fail(f"no meter {meter!r} in the history (it has: {', '.join(meters)})")
    out: TextIO
    if args.output is not None:
        try:
            out = open(args.output, "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            store.close()
            return _fail(f"cannot write {args.output}: {describe_os_error(exc)}")
    else:
        out = sys.stdout
    rows = 0
    try:
        writer = csv.writer(out, lineterminator="\n")
        if args.half_hourly:
            writer.writerow(HALF_HOUR_TABLE_HEADER)
            for row in half_hour_rows(store, meter, start, end):
                writer.writerow(row)
                rows += 1
        else:
            writer.writerow(CSV_HEADER)
            for reading in store.readings(meter, start, end):
                writer.writerow(reading.to_csv_row())
                rows += 1
    finally:
        if out is not sys.stdout:
            out.close()
        store.close()
    if not rows:
        print(f"hems-collector export: nothing between {start.isoformat(timespec='seconds')} and "
              f"{end.isoformat(timespec='seconds')} for meter {meter}", file=sys.stderr)
    return 0
