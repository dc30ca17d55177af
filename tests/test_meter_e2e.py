"""End-to-end: reading what the meter has, over the real serial path, on every dongle format.

The property map (9F) read with the first reading, only advertised properties asked after it,
the slow fallback for a meter that refuses the combined Get, the reverse direction (E3) with
solar panels, the Release R values (D0, C0), the identity and health read once per session.
Expected values come from the emulator's meter model at the instant the meter answered each
Get (the emulator records it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_collector_e2e import Run, on_reading

from hems_desktop.collector import Connected, ErrorReported, take_reading
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.meter_model import minute_floor
from hems_desktop.errors import ErrorKind
from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.reading import Reading
from hems_desktop.session import Session
from hems_desktop.session.meter_info import meter_id_from_number
from hems_desktop.timebase import JST

pytestmark = pytest.mark.timeout(40)

FIRST_GET_COLD = [m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL, m.EPC_UNIT, m.EPC_COEFFICIENT,
                  m.EPC_GET_MAP, m.EPC_EFFECTIVE_DIGITS]
READING_F = [m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE]
READING_R = [*READING_F, m.EPC_ONE_MINUTE]
SPARE_TIME_INTERVAL_S = 0.8  # room between readings for the identity Get (4 round trips + 0.5 s)


# ---------------------------------------------------------------------------- helpers


def gets(emulator: Emulator, since: int = 0) -> list[list[int]]:
    """The EPCs of each Get the meter answered (index `since` on)."""
    return [[p.epc for p in request.properties] for _, request, _ in emulator.dongle.node.answered_gets[since:]]


def answers(emulator: Emulator, epc: int) -> list[float]:
    """The meter's clock at each answer that carried a value of `epc`, in order."""
    return [now for now, _, answer in emulator.dongle.node.answered_gets
            for p in answer.properties if p.epc == epc and p.edt]


def check_against_the_model(emulator: Emulator, readings: list[Reading], *, export: bool, release_r: bool) -> None:
    """The k-th reading has the values of the k-th answer of each EPC, computed from the model."""
    model = emulator.meter
    per_count = model.kwh_per_count
    for k, reading in enumerate(readings):
        at = answers(emulator, m.EPC_INSTANT_POWER)[k]
        assert reading.instant_w == model.instant_power_w(at)
        r_da, t_da = model.currents_deciamps(answers(emulator, m.EPC_INSTANT_CURRENT)[k])
        assert (reading.current_r_a, reading.current_t_a) == (r_da / 10, None if t_da is None else t_da / 10)
        at = answers(emulator, m.EPC_CUMULATIVE_NORMAL)[k]
        assert reading.cumulative_kwh == float(model.counts_at(at)[0] * per_count)
        if export:
            at = answers(emulator, m.EPC_CUMULATIVE_REVERSE)[k]
            assert reading.cumulative_reverse_kwh == float(model.counts_at(at)[1] * per_count)
        else:
            assert reading.cumulative_reverse_kwh is None
        if release_r:
            minute = minute_floor(answers(emulator, m.EPC_ONE_MINUTE)[k])
            normal, reverse = model.counts_at(minute)
            assert reading.one_minute_time == dt.datetime.fromtimestamp(minute, JST)
            assert (reading.one_minute_kwh, reading.one_minute_reverse_kwh) == (
                float(normal * per_count), float(reverse * per_count))
        else:
            assert reading.one_minute_time is None and reading.one_minute_kwh is None


def emulator_meter_id(emulator: Emulator) -> str:
    edt = emulator.dongle.node.property_value(m.EPC_ROUTE_B_NUMBER)
    return meter_id_from_number(r.decode_route_b_number(edt)) if edt else emulator.meter.config.mac


# ---------------------------------------------------------------------------- the first Get


@pytest.mark.parametrize("release", ["F", "R"])
def test_the_first_reading_needs_one_get_once_the_map_is_known(dongle_emulator: Any, e2e_config: Any,
                                                               release: str) -> None:
    emu = dongle_emulator(solar_peak_w=3000, release=release)
    readings: list[Reading] = []
    config = e2e_config(emu)
    # Cold: nothing cached. The first Get: reading, constants, map; then what the map showed the reading needs.
    session = Session(config)
    session.connect()
    readings.append(take_reading(session))
    cold = gets(emu)
    more = [*READING_R[3:], m.EPC_ROUTE_B_NUMBER] if release == "R" else [m.EPC_CUMULATIVE_REVERSE]
    assert cold == [FIRST_GET_COLD, more]
    assert session.meter.map_read and session.meter.has(m.EPC_CUMULATIVE_REVERSE)
    readings.append(take_reading(session))
    assert gets(emu, 2) == [READING_R if release == "R" else READING_F]  # one Get per reading
    session.terminate()
    # Warm: the map cached for this meter. One Get from join to the first reading, with E3 (and D0).
    session = Session(config)
    session.connect()
    readings.append(take_reading(session))
    expected = ([*READING_R[:3], m.EPC_UNIT, m.EPC_COEFFICIENT, *READING_R[3:]] if release == "R" else
                [*READING_F[:3], m.EPC_UNIT, m.EPC_COEFFICIENT, m.EPC_CUMULATIVE_REVERSE, m.EPC_GET_MAP])
    assert gets(emu, 3) == [expected]
    assert session.constants is not None and session.constants.coefficient == 1
    # What did not fit (9F, D7) comes with the identity, once.
    session.read_identity()
    identity_get = gets(emu, 4)[0]
    assert m.EPC_EFFECTIVE_DIGITS in identity_get and (m.EPC_GET_MAP in identity_get) == (release == "R")
    assert session.constants.effective_digits == emu.meter.config.effective_digits
    assert not session.needs_identity
    session.terminate()
    check_against_the_model(emu, readings, export=True, release_r=release == "R")
    assert {reading.meter_id for reading in readings} == {emulator_meter_id(emu)}


def test_a_meter_refusing_the_combined_get_is_asked_the_safe_way(dongle_emulator: Any, e2e_config: Any) -> None:
    # No D3 (optional), and one unknown EPC spoils the whole Get on this meter.
    emu = dongle_emulator(coefficient=None, refuse_whole_get=True, solar_peak_w=3000)
    session = Session(e2e_config(emu))
    session.connect()
    readings = [take_reading(session)]
    assert gets(emu) == [FIRST_GET_COLD, [m.EPC_GET_MAP], [m.EPC_UNIT, m.EPC_EFFECTIVE_DIGITS], READING_F]
    constants = session.constants
    assert constants is not None and constants.coefficient == 1 and constants.coefficient_refused
    assert str(constants.unit_kwh) == "0.1" and constants.effective_digits == emu.meter.config.effective_digits
    readings.append(take_reading(session))
    assert gets(emu, 4) == [READING_F]
    session.terminate()
    check_against_the_model(emu, readings, export=True, release_r=False)


def test_a_meter_that_answers_fewer_epcs_is_asked_for_the_rest(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(max_get_epcs=5, solar_peak_w=3000)
    session = Session(e2e_config(emu))
    session.connect()
    readings = [take_reading(session)]
    assert gets(emu) == [FIRST_GET_COLD, [m.EPC_GET_MAP, m.EPC_EFFECTIVE_DIGITS], [m.EPC_CUMULATIVE_REVERSE]]
    assert session.meter.map_read and not session.refused_epcs  # left out is not refused
    session.terminate()
    check_against_the_model(emu, readings, export=True, release_r=False)


def test_a_meter_ignoring_large_gets_is_read_in_small_ones(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(ignore_gets_over=5, solar_peak_w=3000)
    run = Run(e2e_config(emu, request_timeout=0.1), count=2).start()
    assert run.wait(20) == 0 and len(run.readings) == 2
    assert emu.dongle.stats["ignored_gets"] == 3  # the combined Get, three attempts; then never again
    assert all(len(get) <= 5 for get in gets(emu)) and gets(emu)[0] == [m.EPC_GET_MAP]
    check_against_the_model(emu, run.readings, export=True, release_r=False)


def test_properties_missing_from_the_map_are_never_asked(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(unsupported_epcs=frozenset({m.EPC_CUMULATIVE_REVERSE, m.EPC_SERIAL_NUMBER}))
    session = Session(e2e_config(emu))
    session.connect()
    readings = [take_reading(session) for _ in range(3)]
    identity = session.read_identity()
    asked = {epc for get in gets(emu) for epc in get}
    assert m.EPC_CUMULATIVE_REVERSE not in asked and m.EPC_SERIAL_NUMBER not in asked
    assert not session.refused_epcs  # nothing was refused: nothing unadvertised was asked
    assert identity.serial is None and identity.manufacturer == "Toshiba" and identity.release == "F"
    session.terminate()
    check_against_the_model(emu, readings, export=False, release_r=False)


def test_a_meter_without_a_property_map_is_read_as_before(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(unsupported_epcs=frozenset({m.EPC_GET_MAP}), release="R", solar_peak_w=3000)
    session = Session(e2e_config(emu))
    session.connect()
    readings = [take_reading(session) for _ in range(2)]
    assert gets(emu)[1:] == [READING_F[:3]]  # E7 E8 E0 only: nothing the meter did not advertise
    assert session.meter.get_map is None and m.EPC_GET_MAP in session.refused_epcs
    session.terminate()
    check_against_the_model(emu, readings, export=False, release_r=False)


# ---------------------------------------------------------------------------- the collector


@pytest.mark.parametrize("fault", [False, True], ids=["healthy", "fault"])
def test_solar_release_r_readings_identity_and_fault(dongle_emulator: Any, e2e_config: Any, fault: bool) -> None:
    emu = dongle_emulator(solar_peak_w=4000, release="R", fault=fault)
    run = Run(e2e_config(emu), count=3, interval_s=SPARE_TIME_INTERVAL_S).start()
    assert run.wait(20) == 0
    readings = run.readings
    assert len(readings) == 3
    check_against_the_model(emu, readings, export=True, release_r=True)
    meter_id = emulator_meter_id(emu)
    assert meter_id.startswith("c0-") and {r.meter_id for r in readings} == {meter_id}
    connected = [e.info for e in run.of(Connected)]
    assert len(connected) == 2 and connected[0].meter is None  # at the join, then with the identity
    identity = connected[1].meter
    cfg = emu.meter.config
    assert identity is not None and connected[1].meter_id == meter_id
    assert (identity.manufacturer, identity.serial, identity.release, identity.fault) == (
        "Toshiba", cfg.serial_number, "R", fault)
    assert identity.route_b_number == r.decode_route_b_number(emu.dongle.node.property_value(m.EPC_ROUTE_B_NUMBER))
    assert meter_id not in repr(identity.route_b_number)  # the id is a hash, not the number itself
    warnings = [e for e in run.of(ErrorReported) if e.kind is ErrorKind.METER_FAULT]
    assert len(warnings) == (1 if fault else 0) and not any(e.fatal for e in run.of(ErrorReported))
    assert len(run.of(ErrorReported)) == len(warnings)
    identity_gets = [get for get in gets(emu) if m.EPC_FAULT_STATUS in get]
    assert len(identity_gets) == 1  # once per session


def test_the_first_reading_of_every_session_is_complete(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(solar_peak_w=4000, release="R")
    run = Run(e2e_config(emu), count=4, interval_s=0.05, hook=on_reading({2: emu.end_session})).start()
    assert run.wait(20) == 0
    assert emu.dongle.joins == 2  # the second session's first reading came with its first Get
    check_against_the_model(emu, run.readings, export=True, release_r=True)
