"""Meter time: smart meters keep Japan time (no DST) and count energy in 30-minute slots.

The one definition of Japan time, the slot length and the slot arithmetic used by the
history, the insights, the collector, the emulator and the GUI.
"""

from __future__ import annotations

import datetime as dt

JST_OFFSET_S = 9 * 3600
JST = dt.timezone(dt.timedelta(seconds=JST_OFFSET_S), "JST")  # Japan has had no DST since 1951
SLOT_S = 1800  # the meter's half-hour (E2/E4/EA/EB boundaries at :00 and :30)
SLOTS_PER_DAY = 48


def slot_floor(unix_s: float) -> int:
    """The :00/:30 boundary at or before `unix_s` (unix seconds)."""
    return int(unix_s) // SLOT_S * SLOT_S


def slot_ceil(unix_s: float) -> int:
    """The first :00/:30 boundary at or after `unix_s`."""
    return -(-int(unix_s) // SLOT_S) * SLOT_S


def jst_midnight(day: dt.date) -> int:
    """Unix seconds of 00:00 Japan time on `day` (a meter day)."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=JST).timestamp())


def jst_date(unix_s: float) -> dt.date:
    """The meter day (Japan date) of an instant."""
    return dt.datetime.fromtimestamp(unix_s, JST).date()
