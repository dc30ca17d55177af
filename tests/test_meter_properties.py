"""Smart-meter (0x0288) property decoders and encoders.

Golden values are the ones SKSTACK-ECHONET.md §2.2 documents for the live BP35A1 capture
(transcript 08) and other cited captures; round-trips use hypothesis.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transcripts import device_fragments, python_dict

from hems_desktop.protocol import meter
from hems_desktop.protocol.echonet import CONTROLLER_EOJ, ESV, SMART_METER_EOJ, EchonetError, Frame, decode_frame
from hems_desktop.protocol.meter import (
    HALF_HOURS_PER_DAY,
    Currents,
    DayHistory,
    FixedTimeValue,
    History2,
    History2Setting,
    NoValue,
    NoValueReason,
)

NO_DATA = NoValue(NoValueReason.NO_DATA)


def t08_frame(key: str) -> Frame:
    """The ECHONET payload of transcript 08's capture `key` (the hex after DATALEN)."""
    return decode_frame(bytes.fromhex(python_dict("08")[key].split()[-1]))


def t08_edt(key: str) -> bytes:
    frame = t08_frame(key)
    assert frame.esv is ESV.GET_RES
    assert (frame.tid, frame.seoj, frame.deoj) == (1, SMART_METER_EOJ, CONTROLLER_EOJ)
    (prop,) = frame.properties
    assert prop.epc == int(key, 16)
    return prop.edt


def bitmap_epcs(bitmap: bytes) -> set[int]:
    """§2.2: bit b of byte i means EPC 0x80 + (b << 4) + i."""
    return {0x80 + (bit << 4) + index for index, byte in enumerate(bitmap) for bit in range(8) if byte >> bit & 1}


# ---------------------------------------------------------------- transcript 08 (live BP35A1)


def test_t08_instant_power_e7() -> None:
    assert meter.decode_instant_power(t08_edt("E7")) == 632  # 0x00000278


def test_t08_instant_current_e8() -> None:
    currents = meter.decode_currents(t08_edt("E8"))
    assert currents == Currents(30, 50)
    assert (currents.r_amps, currents.t_amps) == (3.0, 5.0)


def test_t08_cumulative_e0_with_coefficient_d3() -> None:
    raw = meter.decode_cumulative(t08_edt("E0"))
    assert raw == 0xFE73 == 65139
    coefficient = meter.decode_coefficient(t08_edt("D3"))
    assert coefficient == 1
    # E1 is not in transcript 08; T01's E10101 means 0.1 kWh per count.
    unit = meter.decode_unit(bytes.fromhex("01"))
    assert unit == Decimal("0.1")
    assert meter.cumulative_kwh(raw, coefficient, unit) == Decimal("6513.9")


def test_t08_fixed_time_ea_eb() -> None:
    assert meter.decode_fixed_time(t08_edt("EA")) == FixedTimeValue(dt.datetime(2026, 5, 20, 14, 0, 0), 0xFE68)
    assert meter.decode_fixed_time(t08_edt("EB"), meter.EPC_FIXED_TIME_REVERSE) == FixedTimeValue(
        dt.datetime(2026, 5, 24, 22, 30, 0), 0x16
    )


def test_t08_day_history_e2() -> None:
    edt = t08_edt("E2")
    assert len(edt) == 0xC2 == 194
    history = meter.decode_day_history(edt)
    assert history.days_ago == 0x000B
    # 48 big-endian uint32 slots after the 2-byte day, read straight from the capture's hex.
    hex_text = python_dict("08")["E2"].split()[-1]
    slots_hex = hex_text[hex_text.index("E2C2000B") + 8 :]
    expected = tuple(int(slots_hex[i : i + 8], 16) for i in range(0, 48 * 8, 8))
    assert history.values == expected
    assert expected[0] == 0xF766 and expected[-1] == 0xF7B6
    assert list(expected) == sorted(expected)  # cumulative values never decrease


def test_t08_identification_and_status() -> None:
    assert meter.decode_operation_status(t08_edt("80")) is True  # 0x30 ON
    assert t08_edt("81") == b"\x61"  # installation location
    assert meter.decode_standard_version(t08_edt("82")) == "F"  # 00 00 46 00 = Release F
    assert meter.decode_fault_status(t08_edt("88")) is False  # 0x42 no fault
    assert meter.decode_maker_code(t08_edt("8A")) == 0x000016  # Toshiba
    assert meter.decode_serial_number(t08_edt("8D")) == bytes.fromhex("46323447333636353035").decode("ascii")
    assert meter.decode_serial_number(t08_edt("8D")) == "F24G366505"
    assert meter.decode_current_time(t08_edt("97")) == dt.time(14, 26)  # 0E 1A
    assert meter.decode_current_date(t08_edt("98")) == dt.date(2026, 5, 20)  # 07EA 05 14
    assert meter.decode_coefficient(t08_edt("D3")) == 1
    assert meter.decode_effective_digits(t08_edt("D7")) == 6


def test_t08_property_maps() -> None:
    assert meter.decode_property_map(t08_edt("9D")) == {0x80, 0x81, 0x88}
    assert meter.decode_property_map(t08_edt("9E")) == {0x81, 0xE5, 0xED}
    edt = t08_edt("9F")
    assert len(edt) == 17 and edt[0] == 25
    get_map = meter.decode_property_map(edt)
    assert get_map == bitmap_epcs(edt[1:])
    assert len(get_map) == 25
    # Every EPC this meter answered with Get_Res is in its Get map; the two Get_SNA ones are not.
    answered = {int(key, 16) for key in python_dict("08") if key not in ("83", "9C", "D5")}
    assert answered <= get_map
    assert not {0x83, 0x9C} & get_map
    assert meter.decode_property_map(t08_edt("9D")) <= get_map


@pytest.mark.parametrize("key", ["83", "9C"])
def test_t08_get_sna(key: str) -> None:
    frame = t08_frame(key)
    assert frame.esv is ESV.GET_SNA
    assert [(p.epc, p.edt) for p in frame.properties] == [(int(key, 16), b"")]


def test_t08_node_profile_instance_list() -> None:
    frame = t08_frame("D5")
    assert frame.esv is ESV.INF
    assert meter.decode_instance_list(frame.properties[0].edt) == (SMART_METER_EOJ,)


def test_t05_e7_e8_pair() -> None:
    (fragment,) = device_fragments("05")
    payload = bytes.fromhex(fragment[0].split()[-1])
    frame = decode_frame(payload)
    assert frame.tid == 0x1002 and [p.epc for p in frame.properties] == [0xE7, 0xE8]
    assert meter.decode_instant_power(frame.properties[0].edt) == 0x029C
    assert meter.decode_currents(frame.properties[1].edt) == Currents(0x28, 0x28)


# ---------------------------------------------------------------- other documented values


def test_negative_instant_power() -> None:
    assert meter.decode_instant_power(bytes.fromhex("FFFFF856")) == -1962  # vkgtaro test


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("7FFFFFFE", NoValueReason.NO_DATA), ("7FFFFFFF", NoValueReason.OVERFLOW), ("80000000", NoValueReason.UNDERFLOW)],
)
def test_instant_power_special_values(raw: str, reason: NoValueReason) -> None:
    assert meter.decode_instant_power(bytes.fromhex(raw)) == NoValue(reason)


def test_instant_power_range_limits() -> None:
    # MRA range 0x80000001..0x7FFFFFFD
    assert meter.decode_instant_power(bytes.fromhex("80000001")) == -0x7FFFFFFF
    assert meter.decode_instant_power(bytes.fromhex("7FFFFFFD")) == 0x7FFFFFFD


def test_current_special_values() -> None:
    single_phase = meter.decode_currents(bytes.fromhex("001E7FFE"))  # T = 0x7FFE on 2-wire
    assert single_phase == Currents(30, NO_DATA)
    assert single_phase.t_amps is None and single_phase.r_amps == 3.0
    assert meter.decode_currents(bytes.fromhex("7FFF8000")) == Currents(
        NoValue(NoValueReason.OVERFLOW), NoValue(NoValueReason.UNDERFLOW)
    )
    assert meter.decode_currents(bytes.fromhex("FFF68001")) == Currents(-10, -0x7FFF)


def test_cumulative_special_values() -> None:
    assert meter.decode_cumulative(bytes.fromhex("FFFFFFFE")) == NO_DATA
    assert meter.decode_cumulative((99_999_999).to_bytes(4, "big")) == 99_999_999
    assert meter.decode_cumulative((100_000_000).to_bytes(4, "big")) == NoValue(NoValueReason.OUT_OF_RANGE)
    assert meter.cumulative_kwh(NO_DATA, 1, Decimal("0.1")) is None


def test_day_history_no_data_slot() -> None:
    edt = (1).to_bytes(2, "big") + bytes.fromhex("FFFFFFFE") + bytes(4 * 47)
    history = meter.decode_day_history(edt)
    assert history.values[0] == NO_DATA and history.values[1:] == (0,) * 47


def test_unit_table() -> None:
    # §2.2 E1: 00=1, 01=0.1, 02=0.01, 03=0.001, 04=0.0001, 0A=10, 0B=100, 0C=1000, 0D=10000 kWh
    table = {0x00: "1", 0x01: "0.1", 0x02: "0.01", 0x03: "0.001", 0x04: "0.0001",
             0x0A: "10", 0x0B: "100", 0x0C: "1000", 0x0D: "10000"}  # fmt: skip
    for code, kwh in table.items():
        assert meter.decode_unit(bytes([code])) == Decimal(kwh)
        assert meter.encode_unit(Decimal(kwh)) == bytes([code])
    for code in set(range(256)) - set(table):
        with pytest.raises(EchonetError):
            meter.decode_unit(bytes([code]))
    with pytest.raises(ValueError):
        meter.encode_unit(Decimal("0.5"))


def test_history2_ec_and_setting_ed() -> None:
    # §2.2 EC: YYYY MM DD hh mm + count + count x (normal u32, reverse u32)
    edt = bytes.fromhex("07EA05140E1E02 00000010 00000001 0000000F FFFFFFFE")
    assert meter.decode_history2(edt) == History2(dt.datetime(2026, 5, 20, 14, 30), ((16, 1), (15, NO_DATA)))
    assert meter.decode_history2_setting(bytes.fromhex("07EA05140E1E0C")) == History2Setting(
        dt.datetime(2026, 5, 20, 14, 30), 12
    )
    with pytest.raises(EchonetError):
        meter.decode_history2(edt[:-1])
    with pytest.raises(EchonetError):
        meter.decode_history2(bytes.fromhex("07EA0D140E1E00"))  # month 13


def test_history_day_and_digits_and_coefficient_ranges() -> None:
    assert meter.decode_history_day(b"\x00") == 0
    assert meter.decode_effective_digits(b"\x08") == 8
    for bad in (b"\x00", b"\x09"):
        with pytest.raises(EchonetError):
            meter.decode_effective_digits(bad)
    assert meter.decode_coefficient((999_999).to_bytes(4, "big")) == 999_999
    with pytest.raises(EchonetError):
        meter.decode_coefficient((1_000_000).to_bytes(4, "big"))


def test_invalid_dates_and_times() -> None:
    with pytest.raises(EchonetError):
        meter.decode_fixed_time(bytes.fromhex("07EA0D140E00000000FE68"))  # month 13
    with pytest.raises(EchonetError):
        meter.decode_current_time(bytes.fromhex("1800"))  # 24:00
    with pytest.raises(EchonetError):
        meter.decode_current_date(bytes.fromhex("07EA021E"))  # 30 February


def test_property_map_errors() -> None:
    for bad in (b"", b"\x02\x80", b"\x10" + bytes(15), b"\x10" + bytes(16), b"\x11" + b"\xff" + bytes(15)):
        with pytest.raises(EchonetError):
            meter.decode_property_map(bad)


def test_instance_list_errors() -> None:
    for bad in (b"", b"\x01\x02\x88", b"\x02\x02\x88\x01"):
        with pytest.raises(EchonetError):
            meter.decode_instance_list(bad)


WRONG_LENGTH_DECODERS = [
    (meter.decode_cumulative, 4),
    (meter.decode_instant_power, 4),
    (meter.decode_currents, 4),
    (meter.decode_coefficient, 4),
    (meter.decode_unit, 1),
    (meter.decode_effective_digits, 1),
    (meter.decode_day_history, 194),
    (meter.decode_history_day, 1),
    (meter.decode_fixed_time, 11),
    (meter.decode_history2_setting, 7),
    (meter.decode_operation_status, 1),
    (meter.decode_fault_status, 1),
    (meter.decode_standard_version, 4),
    (meter.decode_maker_code, 3),
    (meter.decode_serial_number, 12),
    (meter.decode_current_time, 2),
    (meter.decode_current_date, 4),
]


@pytest.mark.parametrize(("decoder", "size"), WRONG_LENGTH_DECODERS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_wrong_length_raises(decoder: object, size: int) -> None:
    assert callable(decoder)
    for length in (0, size - 1, size + 1):
        with pytest.raises(EchonetError):
            decoder(bytes(max(length, 0)))


# ---------------------------------------------------------------- round trips

_power = st.integers(-0x7FFFFFFF, 0x7FFFFFFD)
_current = st.integers(-0x7FFF, 0x7FFD)
_cumulative = st.integers(0, 99_999_999)
_cumulative_or_none = _cumulative | st.just(NO_DATA)
_datetimes = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=200)
@given(_power | st.just(NO_DATA))
def test_instant_power_round_trip(watts: int | NoValue) -> None:
    raw = meter.encode_instant_power(watts)
    assert len(raw) == 4
    assert meter.decode_instant_power(raw) == watts
    if not isinstance(watts, NoValue):
        assert raw == watts.to_bytes(4, "big", signed=True)


@settings(max_examples=100)
@given(st.integers(-(2**40), 2**40))
def test_instant_power_encoder_clamps_to_the_documented_range(watts: int) -> None:
    decoded = meter.decode_instant_power(meter.encode_instant_power(watts))
    assert decoded == max(-0x7FFFFFFF, min(0x7FFFFFFD, watts))


@settings(max_examples=200)
@given(_current | st.just(NO_DATA), _current | st.just(NO_DATA))
def test_currents_round_trip(r: int | NoValue, t: int | NoValue) -> None:
    assert meter.decode_currents(meter.encode_currents(r, t)) == Currents(r, t)


@settings(max_examples=200)
@given(_cumulative_or_none)
def test_cumulative_round_trip(value: int | NoValue) -> None:
    assert meter.decode_cumulative(meter.encode_u32(value)) == value


@settings(max_examples=100)
@given(st.integers(0, 99), st.lists(_cumulative_or_none, min_size=HALF_HOURS_PER_DAY, max_size=HALF_HOURS_PER_DAY))
def test_day_history_round_trip(days_ago: int, values: list[int | NoValue]) -> None:
    raw = meter.encode_day_history(days_ago, tuple(values))
    assert len(raw) == 194
    assert meter.decode_day_history(raw) == DayHistory(days_ago, tuple(values))
    assert meter.decode_day_history(raw, meter.EPC_HISTORY1_REVERSE) == DayHistory(days_ago, tuple(values))


def test_day_history_encoder_needs_48_values() -> None:
    with pytest.raises(ValueError):
        meter.encode_day_history(0, (0,) * 47)


@settings(max_examples=200)
@given(_datetimes, _cumulative_or_none)
def test_fixed_time_round_trip(at: dt.datetime, value: int | NoValue) -> None:
    raw = meter.encode_fixed_time(at, value)
    assert raw[:2] == at.year.to_bytes(2, "big") and len(raw) == 11
    assert meter.decode_fixed_time(raw) == FixedTimeValue(at, value)


@settings(max_examples=150)
@given(_datetimes, st.lists(st.tuples(_cumulative_or_none, _cumulative_or_none), max_size=12))
def test_history2_round_trip(newest: dt.datetime, values: list[tuple[int | NoValue, int | NoValue]]) -> None:
    raw = meter.encode_history2(newest, tuple(values))
    assert len(raw) == 7 + 8 * len(values)
    assert meter.decode_history2(raw) == History2(newest.replace(second=0), tuple(values))
    setting = meter.decode_history2_setting(meter.encode_history2_setting(newest, len(values)))
    assert setting == History2Setting(newest.replace(second=0), len(values))


@settings(max_examples=300)
@given(st.frozensets(st.integers(0x80, 0xFF), max_size=128))
def test_property_map_round_trip(epcs: frozenset[int]) -> None:
    raw = meter.encode_property_map(epcs)
    assert raw[0] == len(epcs)
    if len(epcs) < 16:
        assert raw == bytes([len(epcs), *sorted(epcs)])  # list form
    else:
        assert len(raw) == 17 and bitmap_epcs(raw[1:]) == epcs  # bitmap form
    assert meter.decode_property_map(raw) == epcs


@settings(max_examples=100)
@given(st.lists(st.integers(0, 0xFFFFFF), max_size=20))
def test_instance_list_decodes_what_the_spec_layout_says(eojs: list[int]) -> None:
    raw = bytes([len(eojs)]) + b"".join(eoj.to_bytes(3, "big") for eoj in eojs)
    assert meter.decode_instance_list(raw) == tuple(eojs)
