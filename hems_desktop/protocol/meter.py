"""Low-voltage smart electric energy meter (class 0x0288): property semantics.

Decoders turn EDT bytes into typed values; encoders do the reverse (the emulator uses
them). Special values (no data, overflow, underflow) decode to `NoValue`, never to a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TypeAlias

from hems_desktop.protocol.echonet import EchonetError

# EPCs used by HEMS Desktop.
EPC_OPERATION_STATUS = 0x80
EPC_INSTALLATION_LOCATION = 0x81
EPC_STANDARD_VERSION = 0x82
EPC_IDENTIFICATION = 0x83
EPC_FAULT_STATUS = 0x88
EPC_MAKER_CODE = 0x8A
EPC_SERIAL_NUMBER = 0x8D
EPC_CURRENT_TIME = 0x97
EPC_CURRENT_DATE = 0x98
EPC_STATUS_MAP = 0x9D
EPC_SET_MAP = 0x9E
EPC_GET_MAP = 0x9F
EPC_ROUTE_B_NUMBER = 0xC0  # Release R: B-route identification number
EPC_ONE_MINUTE = 0xD0  # Release R: latest 1-minute cumulative values (normal, reverse)
EPC_COEFFICIENT = 0xD3
EPC_INSTANCE_LIST = 0xD5  # node profile
EPC_EFFECTIVE_DIGITS = 0xD7
EPC_CUMULATIVE_NORMAL = 0xE0
EPC_UNIT = 0xE1
EPC_HISTORY1_NORMAL = 0xE2
EPC_CUMULATIVE_REVERSE = 0xE3
EPC_HISTORY1_REVERSE = 0xE4
EPC_HISTORY1_DAY = 0xE5
EPC_INSTANT_POWER = 0xE7
EPC_INSTANT_CURRENT = 0xE8
EPC_FIXED_TIME_NORMAL = 0xEA
EPC_FIXED_TIME_REVERSE = 0xEB
EPC_HISTORY2 = 0xEC
EPC_HISTORY2_SETTING = 0xED
EPC_HISTORY3 = 0xEE  # Release R: 1-minute history (normal, reverse), up to 10 points
EPC_HISTORY3_SETTING = 0xEF  # Release R: newest minute and point count of EE

HALF_HOURS_PER_DAY = 48

# E1: unit code -> kWh per count.
UNIT_KWH: dict[int, Decimal] = {
    0x00: Decimal(1),
    0x01: Decimal("0.1"),
    0x02: Decimal("0.01"),
    0x03: Decimal("0.001"),
    0x04: Decimal("0.0001"),
    0x0A: Decimal(10),
    0x0B: Decimal(100),
    0x0C: Decimal(1000),
    0x0D: Decimal(10000),
}


class NoValueReason(str, Enum):
    NO_DATA = "no_data"
    OVERFLOW = "overflow"
    UNDERFLOW = "underflow"
    OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True, slots=True)
class NoValue:
    """The meter answered, but with a special value instead of a measurement."""

    reason: NoValueReason


Measured: TypeAlias = "int | NoValue"

_U32_NO_DATA = 0xFFFFFFFE
_CUMULATIVE_MAX = 99_999_999
_I32_SPECIAL = {
    0x7FFFFFFE: NoValueReason.NO_DATA,
    0x7FFFFFFF: NoValueReason.OVERFLOW,
    -0x80000000: NoValueReason.UNDERFLOW,
}
_I16_SPECIAL = {0x7FFE: NoValueReason.NO_DATA, 0x7FFF: NoValueReason.OVERFLOW, -0x8000: NoValueReason.UNDERFLOW}
I16_NO_DATA = 0x7FFE


@dataclass(frozen=True, slots=True)
class Currents:
    """E8: R and T phase currents in deci-amperes. T is NoValue(NO_DATA) on single-phase two-wire."""

    r_deciamps: Measured
    t_deciamps: Measured

    @property
    def r_amps(self) -> float | None:
        return None if isinstance(self.r_deciamps, NoValue) else self.r_deciamps / 10

    @property
    def t_amps(self) -> float | None:
        return None if isinstance(self.t_deciamps, NoValue) else self.t_deciamps / 10


@dataclass(frozen=True, slots=True)
class DayHistory:
    """E2/E4: 48 half-hourly cumulative values (00:00 ... 23:30) of the day `days_ago` days back."""

    days_ago: int
    values: tuple[Measured, ...]


@dataclass(frozen=True, slots=True)
class FixedTimeValue:
    """EA/EB: the cumulative value the meter latched at a :00 or :30 (meter's local time)."""

    at: dt.datetime
    value: Measured


@dataclass(frozen=True, slots=True)
class History2:
    """EC: `len(values)` slots of (normal, reverse) going back 30 minutes each from `newest`."""

    newest: dt.datetime
    values: tuple[tuple[Measured, Measured], ...]


@dataclass(frozen=True, slots=True)
class History2Setting:
    """ED: the newest slot and the slot count that EC returns."""

    newest: dt.datetime
    count: int


def _need(epc: int, edt: bytes, size: int) -> None:
    if len(edt) != size:
        raise EchonetError(f"EPC {epc:02X}: expected {size} bytes, got {len(edt)}")


def _u32(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


def _cumulative(raw: int) -> Measured:
    if raw == _U32_NO_DATA:
        return NoValue(NoValueReason.NO_DATA)
    if raw > _CUMULATIVE_MAX:
        return NoValue(NoValueReason.OUT_OF_RANGE)
    return raw


def _signed(raw: bytes, special: dict[int, NoValueReason]) -> Measured:
    value = int.from_bytes(raw, "big", signed=True)
    reason = special.get(value)
    return NoValue(reason) if reason else value


def _datetime(epc: int, raw: bytes) -> dt.datetime:
    year = int.from_bytes(raw[0:2], "big")
    try:
        return dt.datetime(year, raw[2], raw[3], raw[4], raw[5], raw[6] if len(raw) > 6 else 0)
    except ValueError as exc:
        raise EchonetError(f"EPC {epc:02X}: invalid date/time {raw.hex()}: {exc}") from None


def decode_cumulative(edt: bytes, epc: int = EPC_CUMULATIVE_NORMAL) -> Measured:
    """E0/E3: raw count (multiply by coefficient and unit for kWh)."""
    _need(epc, edt, 4)
    return _cumulative(_u32(edt))


def decode_instant_power(edt: bytes) -> Measured:
    """E7: signed watts; negative when exporting (solar)."""
    _need(EPC_INSTANT_POWER, edt, 4)
    return _signed(edt, _I32_SPECIAL)


def decode_currents(edt: bytes) -> Currents:
    _need(EPC_INSTANT_CURRENT, edt, 4)
    return Currents(_signed(edt[0:2], _I16_SPECIAL), _signed(edt[2:4], _I16_SPECIAL))


def decode_coefficient(edt: bytes) -> int:
    _need(EPC_COEFFICIENT, edt, 4)
    value = _u32(edt)
    if not 1 <= value <= 999_999:
        raise EchonetError(f"EPC D3: coefficient {value} outside 1..999999")
    return value


def decode_unit(edt: bytes) -> Decimal:
    """E1: kWh per count."""
    _need(EPC_UNIT, edt, 1)
    try:
        return UNIT_KWH[edt[0]]
    except KeyError:
        raise EchonetError(f"EPC E1: unknown unit code {edt[0]:#04x}") from None


def decode_effective_digits(edt: bytes) -> int:
    _need(EPC_EFFECTIVE_DIGITS, edt, 1)
    if not 1 <= edt[0] <= 8:
        raise EchonetError(f"EPC D7: {edt[0]} effective digits outside 1..8")
    return edt[0]


def decode_day_history(edt: bytes, epc: int = EPC_HISTORY1_NORMAL) -> DayHistory:
    _need(epc, edt, 2 + 4 * HALF_HOURS_PER_DAY)
    days_ago = int.from_bytes(edt[0:2], "big")
    values = tuple(_cumulative(_u32(edt[i : i + 4])) for i in range(2, len(edt), 4))
    return DayHistory(days_ago, values)


def decode_history_day(edt: bytes) -> int:
    """E5: 0 = today, 1..99 days back."""
    _need(EPC_HISTORY1_DAY, edt, 1)
    return edt[0]


def decode_fixed_time(edt: bytes, epc: int = EPC_FIXED_TIME_NORMAL) -> FixedTimeValue:
    _need(epc, edt, 11)
    return FixedTimeValue(_datetime(epc, edt[0:7]), _cumulative(_u32(edt[7:11])))


def decode_history2(edt: bytes) -> History2:
    if len(edt) < 7:
        raise EchonetError(f"EPC EC: {len(edt)} bytes, need at least 7")
    newest = _datetime(EPC_HISTORY2, edt[0:6] + b"\x00")
    count = edt[6]
    _need(EPC_HISTORY2, edt, 7 + 8 * count)
    values = tuple(
        (_cumulative(_u32(edt[i : i + 4])), _cumulative(_u32(edt[i + 4 : i + 8])))
        for i in range(7, 7 + 8 * count, 8)
    )
    return History2(newest, values)


def decode_history2_setting(edt: bytes) -> History2Setting:
    _need(EPC_HISTORY2_SETTING, edt, 7)
    return History2Setting(_datetime(EPC_HISTORY2_SETTING, edt[0:6] + b"\x00"), edt[6])


def decode_operation_status(edt: bytes) -> bool:
    """80: True when ON (0x30)."""
    _need(EPC_OPERATION_STATUS, edt, 1)
    return edt[0] == 0x30


def decode_fault_status(edt: bytes) -> bool:
    """88: True when a fault is present (0x41)."""
    _need(EPC_FAULT_STATUS, edt, 1)
    return edt[0] == 0x41


def decode_standard_version(edt: bytes) -> str:
    """82: the Appendix release letter, e.g. 'F'."""
    _need(EPC_STANDARD_VERSION, edt, 4)
    return chr(edt[2]) if 0x41 <= edt[2] <= 0x5A else f"{edt[2]:02X}"


def decode_maker_code(edt: bytes) -> int:
    _need(EPC_MAKER_CODE, edt, 3)
    return int.from_bytes(edt, "big")


def decode_serial_number(edt: bytes) -> str:
    _need(EPC_SERIAL_NUMBER, edt, 12)
    return edt.decode("ascii", "replace").rstrip("\x00 ")


def decode_current_time(edt: bytes) -> dt.time:
    _need(EPC_CURRENT_TIME, edt, 2)
    try:
        return dt.time(edt[0], edt[1])
    except ValueError:
        raise EchonetError(f"EPC 97: invalid time {edt.hex()}") from None


def decode_current_date(edt: bytes) -> dt.date:
    _need(EPC_CURRENT_DATE, edt, 4)
    try:
        return dt.date(int.from_bytes(edt[0:2], "big"), edt[2], edt[3])
    except ValueError:
        raise EchonetError(f"EPC 98: invalid date {edt.hex()}") from None


def decode_property_map(edt: bytes) -> frozenset[int]:
    """9D/9E/9F: a count and an EPC list (< 16 entries) or a 16-byte bitmap (16 and more)."""
    if not edt:
        raise EchonetError("property map: empty")
    count = edt[0]
    if count < 16:
        if len(edt) != 1 + count:
            raise EchonetError(f"property map: count {count} but {len(edt) - 1} EPCs")
        return frozenset(edt[1:])
    if len(edt) != 17:
        raise EchonetError(f"property map: count {count} needs a 16-byte bitmap, got {len(edt) - 1} bytes")
    epcs = frozenset(
        0x80 + (bit << 4) + index for index in range(16) for bit in range(8) if edt[1 + index] & (1 << bit)
    )
    if len(epcs) != count:
        raise EchonetError(f"property map: count {count} but the bitmap holds {len(epcs)}")
    return epcs


def decode_instance_list(edt: bytes) -> tuple[int, ...]:
    """D5 of the node profile: count + 3-byte EOJs."""
    if not edt or len(edt) != 1 + 3 * edt[0]:
        raise EchonetError(f"instance list: malformed {edt.hex()}")
    return tuple(int.from_bytes(edt[i : i + 3], "big") for i in range(1, len(edt), 3))


def cumulative_kwh(raw: Measured, coefficient: int, unit_kwh: Decimal) -> Decimal | None:
    """kWh = raw x coefficient (1 when the meter refuses D3) x unit; None for a special value."""
    if isinstance(raw, NoValue):
        return None
    return raw * coefficient * unit_kwh


# ---- encoders (used by the emulator and by tests) ----


def _u32_bytes(value: Measured) -> bytes:
    return (_U32_NO_DATA if isinstance(value, NoValue) else value).to_bytes(4, "big")


def _dt_bytes(at: dt.datetime, with_seconds: bool) -> bytes:
    out = at.year.to_bytes(2, "big") + bytes([at.month, at.day, at.hour, at.minute])
    return out + bytes([at.second]) if with_seconds else out


def encode_instant_power(watts: Measured) -> bytes:
    if isinstance(watts, NoValue):
        return (0x7FFFFFFE).to_bytes(4, "big")
    return max(-0x7FFFFFFF, min(0x7FFFFFFD, watts)).to_bytes(4, "big", signed=True)


def encode_currents(r_deciamps: Measured, t_deciamps: Measured) -> bytes:
    def one(value: Measured) -> bytes:
        if isinstance(value, NoValue):
            return I16_NO_DATA.to_bytes(2, "big")
        return max(-0x7FFF, min(0x7FFD, value)).to_bytes(2, "big", signed=True)

    return one(r_deciamps) + one(t_deciamps)


def encode_u32(value: Measured) -> bytes:
    return _u32_bytes(value)


def encode_day_history(days_ago: int, values: tuple[Measured, ...]) -> bytes:
    if len(values) != HALF_HOURS_PER_DAY:
        raise ValueError("a day history has 48 values")
    return days_ago.to_bytes(2, "big") + b"".join(_u32_bytes(v) for v in values)


def encode_fixed_time(at: dt.datetime, value: Measured) -> bytes:
    return _dt_bytes(at, True) + _u32_bytes(value)


def encode_history2(newest: dt.datetime, values: tuple[tuple[Measured, Measured], ...]) -> bytes:
    return _dt_bytes(newest, False) + bytes([len(values)]) + b"".join(
        _u32_bytes(n) + _u32_bytes(r) for n, r in values
    )


def encode_history2_setting(newest: dt.datetime, count: int) -> bytes:
    return _dt_bytes(newest, False) + bytes([count])


def encode_property_map(epcs: frozenset[int]) -> bytes:
    ordered = sorted(epcs)
    if len(ordered) < 16:
        return bytes([len(ordered), *ordered])
    bitmap = bytearray(16)
    for epc in ordered:
        bitmap[epc & 0x0F] |= 1 << ((epc >> 4) - 8)
    return bytes([len(ordered)]) + bytes(bitmap)


def encode_unit(unit_kwh: Decimal) -> bytes:
    for code, value in UNIT_KWH.items():
        if value == unit_kwh:
            return bytes([code])
    raise ValueError(f"no E1 unit code for {unit_kwh} kWh")
