"""Properties Appendix Release R added to the smart meter (0x0288): C0, D0, EE and EF.

Release P -> R added exactly these four; older meters answer Get_SNA for them, so a client
asks only when the Get property map (9F) lists them. Layouts (MRA v1.3.1, Release R):

* C0 B-route identification number: 16 bytes (0x00, maker code (3), 12 free bytes).
* D0 latest 1-minute cumulative energy: YYYY(2) MM DD hh mm ss, normal u32, reverse u32.
* EE 1-minute history: YYYY(2) MM DD hh mm, count (1..10), count x (normal u32, reverse u32),
  newest first, one minute apart going back from the time EF chose.
* EF its setting: YYYY(2) MM DD hh mm, count; a year of 0xFFFF means "not set".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.protocol.meter import (
    EPC_HISTORY3,
    EPC_HISTORY3_SETTING,
    EPC_ONE_MINUTE,
    EPC_ROUTE_B_NUMBER,
    Measured,
    _cumulative,
    _datetime,
    _dt_bytes,
    _need,
    _u32,
    _u32_bytes,
)

HISTORY3_MAX_POINTS = 10
ROUTE_B_NUMBER_SIZE = 16
_NOT_SET_YEAR = 0xFFFF


@dataclass(frozen=True, slots=True)
class OneMinuteValue:
    """D0: the cumulative values the meter latched at the last whole minute (meter's local time)."""

    at: dt.datetime
    normal: Measured
    reverse: Measured


@dataclass(frozen=True, slots=True)
class History3:
    """EE: `len(values)` minutes of (normal, reverse), newest first, going back from `newest`."""

    newest: dt.datetime
    values: tuple[tuple[Measured, Measured], ...]

    def points(self) -> list[tuple[dt.datetime, Measured, Measured]]:
        """(minute, normal, reverse) for every point, newest first."""
        return [(self.newest - dt.timedelta(minutes=i), n, r) for i, (n, r) in enumerate(self.values)]


@dataclass(frozen=True, slots=True)
class History3Setting:
    """EF: the newest minute EE returns (None when not set) and how many points."""

    newest: dt.datetime | None
    count: int


def decode_route_b_number(edt: bytes) -> str:
    """C0 as 32 upper-case hex digits (the free area has no defined character set)."""
    _need(EPC_ROUTE_B_NUMBER, edt, ROUTE_B_NUMBER_SIZE)
    return edt.hex().upper()


def decode_one_minute(edt: bytes) -> OneMinuteValue:
    _need(EPC_ONE_MINUTE, edt, 15)
    return OneMinuteValue(_datetime(EPC_ONE_MINUTE, edt[0:7]), _cumulative(_u32(edt[7:11])),
                          _cumulative(_u32(edt[11:15])))


def decode_history3(edt: bytes) -> History3:
    if len(edt) < 7:
        raise EchonetError(f"EPC EE: {len(edt)} bytes, need at least 7")
    count = edt[6]
    if count > HISTORY3_MAX_POINTS:
        raise EchonetError(f"EPC EE: {count} points, at most {HISTORY3_MAX_POINTS}")
    _need(EPC_HISTORY3, edt, 7 + 8 * count)
    newest = _datetime(EPC_HISTORY3, edt[0:6] + b"\x00")
    values = tuple(
        (_cumulative(_u32(edt[i : i + 4])), _cumulative(_u32(edt[i + 4 : i + 8])))
        for i in range(7, 7 + 8 * count, 8)
    )
    return History3(newest, values)


def decode_history3_setting(edt: bytes) -> History3Setting:
    _need(EPC_HISTORY3_SETTING, edt, 7)
    if int.from_bytes(edt[0:2], "big") == _NOT_SET_YEAR:
        return History3Setting(None, edt[6])
    return History3Setting(_datetime(EPC_HISTORY3_SETTING, edt[0:6] + b"\x00"), edt[6])


# ---- encoders (the emulator's, and the collector's EF setting) ----


def encode_one_minute(at: dt.datetime, normal: Measured, reverse: Measured) -> bytes:
    return _dt_bytes(at, True) + _u32_bytes(normal) + _u32_bytes(reverse)


def encode_history3(newest: dt.datetime, values: tuple[tuple[Measured, Measured], ...]) -> bytes:
    if len(values) > HISTORY3_MAX_POINTS:
        raise ValueError(f"EE holds at most {HISTORY3_MAX_POINTS} points")
    return _dt_bytes(newest, False) + bytes([len(values)]) + b"".join(
        _u32_bytes(n) + _u32_bytes(r) for n, r in values
    )


def encode_history3_setting(newest: dt.datetime | None, count: int) -> bytes:
    if not 1 <= count <= HISTORY3_MAX_POINTS:
        raise ValueError(f"EF asks for 1..{HISTORY3_MAX_POINTS} points, not {count}")
    head = b"\xff\xff\xff\xff\xff\xff" if newest is None else _dt_bytes(newest, False)
    return head + bytes([count])


def encode_route_b_number(maker_code: int, free: bytes) -> bytes:
    """C0: 0x00, the 3-byte maker code, 12 free bytes (padded with zeros)."""
    return b"\x00" + maker_code.to_bytes(3, "big") + free.ljust(12, b"\x00")[:12]
