"""Release R properties (C0, D0, EE, EF) and the property map of a next-generation meter: the byte
layouts of the Machine Readable Appendix v1.3.1 (../shared/protocol/SKSTACK-ECHONET.md §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hems_desktop.emulator.meter_model import MeterConfig, MeterModel
from hems_desktop.emulator.meter_properties import MeterProperties
from hems_desktop.protocol import meter
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import EchonetError, Property
from hems_desktop.protocol.meter import NoValue, NoValueReason
from hems_desktop.timebase import JST

NO_DATA = NoValue(NoValueReason.NO_DATA)
_cumulative_or_none = st.integers(0, 99_999_999) | st.just(NO_DATA)
_minutes = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9998, 12, 31, 23, 59)).map(
    lambda d: d.replace(second=0, microsecond=0))


def test_d0_layout_from_the_appendix() -> None:
    # 2026-05-20 14:31:00, normal 0x0001E240 (123456), reverse 0x00000016 (22)
    edt = bytes.fromhex("07EA0514" "0E1F00" "0001E240" "00000016")
    value = r.decode_one_minute(edt)
    assert value == r.OneMinuteValue(dt.datetime(2026, 5, 20, 14, 31, 0), 123456, 22)
    assert r.encode_one_minute(value.at, value.normal, value.reverse) == edt
    assert r.decode_one_minute(edt[:11] + bytes.fromhex("FFFFFFFE")).reverse == NO_DATA


def test_ee_points_go_back_one_minute_each_from_ef() -> None:
    edt = bytes.fromhex("07EA0514" "0E1F" "03" "00000064" "00000001" "00000063" "00000001" "FFFFFFFE" "FFFFFFFE")
    history = r.decode_history3(edt)
    assert history.newest == dt.datetime(2026, 5, 20, 14, 31)
    assert history.points() == [(dt.datetime(2026, 5, 20, 14, 31), 100, 1), (dt.datetime(2026, 5, 20, 14, 30), 99, 1),
                                (dt.datetime(2026, 5, 20, 14, 29), NO_DATA, NO_DATA)]
    with pytest.raises(EchonetError):
        r.decode_history3(edt[:-1])  # the count says 3 points
    with pytest.raises(EchonetError):
        r.decode_history3(edt[:6] + b"\x0b" + b"\x00" * 88)  # 11 points: EE holds at most 10


def test_ef_not_set_and_its_limits() -> None:
    assert r.decode_history3_setting(bytes.fromhex("FFFFFFFFFFFF0A")) == r.History3Setting(None, 10)
    assert r.encode_history3_setting(None, 10) == bytes.fromhex("FFFFFFFFFFFF0A")
    for count in (0, 11):
        with pytest.raises(ValueError):
            r.encode_history3_setting(dt.datetime(2026, 5, 20, 14, 31), count)


def test_c0_is_sixteen_bytes_with_the_maker_code_after_a_zero() -> None:
    raw = r.encode_route_b_number(0x000016, b"ABCDEFGHIJKL")
    assert len(raw) == 16 and raw[:4] == bytes.fromhex("00000016")
    assert r.decode_route_b_number(raw) == raw.hex().upper()
    with pytest.raises(EchonetError):
        r.decode_route_b_number(raw[:15])


@settings(max_examples=150)
@given(_minutes, st.lists(st.tuples(_cumulative_or_none, _cumulative_or_none), max_size=10))
def test_history3_round_trip(newest: dt.datetime, values: list[tuple[int | NoValue, int | NoValue]]) -> None:
    raw = r.encode_history3(newest, tuple(values))
    assert len(raw) == 7 + 8 * len(values) <= 87
    assert r.decode_history3(raw) == r.History3(newest, tuple(values))


@settings(max_examples=150)
@given(_minutes.map(lambda d: d.replace(second=37)), _cumulative_or_none, _cumulative_or_none)
def test_one_minute_round_trip(at: dt.datetime, normal: int | NoValue, reverse: int | NoValue) -> None:
    assert r.decode_one_minute(r.encode_one_minute(at, normal, reverse)) == r.OneMinuteValue(at, normal, reverse)


@pytest.mark.parametrize(("release", "next_generation"), [("F", False), ("R", True)])
def test_the_property_map_lists_release_r_properties_only_on_a_release_r_meter(release: str,
                                                                               next_generation: bool) -> None:
    props = MeterProperties(MeterModel(MeterConfig(release=release), 1_780_000_000.0), 1_780_000_000.0)
    get_map = meter.decode_property_map(props.value(meter.EPC_GET_MAP, 1_780_000_000.0) or b"")
    added = {meter.EPC_ROUTE_B_NUMBER, meter.EPC_ONE_MINUTE, meter.EPC_HISTORY3, meter.EPC_HISTORY3_SETTING}
    assert added <= get_map if next_generation else not added & get_map
    set_map = meter.decode_property_map(props.value(meter.EPC_SET_MAP, 1_780_000_000.0) or b"")
    assert (meter.EPC_HISTORY3_SETTING in set_map) == next_generation
    assert meter.decode_standard_version(props.value(meter.EPC_STANDARD_VERSION, 1_780_000_000.0) or b"") == release


def test_d0_advances_every_minute_and_ee_serves_the_last_ten() -> None:
    now = 1_780_000_000.0 + 25  # 25 s into a minute
    model = MeterModel(MeterConfig(release="R", solar_peak_w=4000), now)
    props = MeterProperties(model, now)
    latest = int(now // 60 * 60)
    for offset in (0, 59, 60, 61, 185):
        value = r.decode_one_minute(props.value(meter.EPC_ONE_MINUTE, now + offset) or b"")
        minute = int((now + offset) // 60 * 60)
        assert value.at == dt.datetime.fromtimestamp(minute, JST).replace(tzinfo=None)
        assert (value.normal, value.reverse) == model.counts_at(minute)
    # EF unset: EE starts at the latest whole minute, 10 points back, all kept.
    history = r.decode_history3(props.value(meter.EPC_HISTORY3, now) or b"")
    assert [p[0] for p in history.points()] == [
        dt.datetime.fromtimestamp(latest - 60 * i, JST).replace(tzinfo=None) for i in range(10)]
    assert [(n, rv) for _, n, rv in history.points()] == [model.counts_at(latest - 60 * i) for i in range(10)]
    # EF three minutes back, 10 points: the last three points are older than the meter keeps.
    start = dt.datetime.fromtimestamp(latest - 180, JST).replace(tzinfo=None)
    assert props.set(Property(meter.EPC_HISTORY3_SETTING, r.encode_history3_setting(start, 10)), now)
    points = r.decode_history3(props.value(meter.EPC_HISTORY3, now) or b"").points()
    assert points[0][0] == start and [p[1] for p in points[7:]] == [NO_DATA] * 3
    assert all(p[1] != NO_DATA for p in points[:7])
    # A minute the meter has not reached is refused.
    future = dt.datetime.fromtimestamp(latest + 60, JST).replace(tzinfo=None)
    assert not props.set(Property(meter.EPC_HISTORY3_SETTING, r.encode_history3_setting(future, 1)), now)

