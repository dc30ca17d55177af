"""An independent client reads our emulator: momonga (PyPI, the library behind Home Assistant's
B-route integration) over a real pty, in all four SKSTACK text dialects.

momonga sends `SKSREG SA2 1` to every dongle (real single-hop firmware accepts it and adds no
RSSI token), switches binary payloads to hex with WOPT 01, and asks one property per Get. Every
value it returns is checked against the emulator's meter model at the instant the meter answered
that Get (the emulator records it), so nothing here is taken from momonga or from our own code.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest
from conftest import E2E_SPEED, PASSWORD, ROUTE_B_ID, SKSTACK_CASES

from hems_desktop.emulator import Emulator
from hems_desktop.emulator.meter_model import minute_floor, slot_of, slot_start_jst
from hems_desktop.protocol import meter as m
from hems_desktop.timebase import JST

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(sys.version_info < (3, 11), reason="momonga needs Python 3.11+"),
]

SOLAR_W = 3500


def answered_at(emulator: Emulator, epc: int) -> float:
    """The meter's clock when it answered the latest Get of `epc` (momonga asks one EPC per Get)."""
    times = [now for now, request, answer in emulator.dongle.node.answered_gets
             if [p.epc for p in request.properties] == [epc] and answer.properties[0].edt]
    assert times, f"the meter never answered a Get of {epc:02X}"
    return times[-1]


@pytest.mark.parametrize("case", SKSTACK_CASES, ids=[case[0] for case in SKSTACK_CASES])
def test_momonga_reads_our_emulator(make_emulator: Any, case: tuple[str, str, bool | None]) -> None:
    momonga = pytest.importorskip("momonga")
    _, dialect, hex_payload = case
    emulator: Emulator = make_emulator(dialect, E2E_SPEED, hex_payload=hex_payload, route_b_id=ROUTE_B_ID,
                                       password=PASSWORD, solar_peak_w=SOLAR_W, release="R", coefficient=10)
    emulator.advance_clock(_to_noon(emulator.clock()))  # midday: the panels export, E7 goes negative
    client = momonga.Momonga(ROUTE_B_ID, PASSWORD, emulator.port)
    client.internal_xmit_interval = 0  # its 5 s pauses between requests: the emulator needs none
    with client:
        power = client.get_instantaneous_power()
        currents = client.get_instantaneous_current()
        normal = client.get_measured_cumulative_energy()
        reverse = client.get_measured_cumulative_energy(reverse=True)
        fixed = client.get_cumulative_energy_measured_at_fixed_time()
        minute = client.get_one_minute_measured_cumulative_energy()
    model = emulator.meter
    per_count = float(model.kwh_per_count)

    at = answered_at(emulator, m.EPC_INSTANT_POWER)
    assert power == model.instant_power_w(at) < 0  # exporting at noon
    at = answered_at(emulator, m.EPC_INSTANT_CURRENT)
    r_da, t_da = model.currents_deciamps(at)
    assert currents["r phase current"] == pytest.approx(r_da / 10)
    assert t_da is not None and currents["t phase current"] == pytest.approx(t_da / 10)
    at = answered_at(emulator, m.EPC_CUMULATIVE_NORMAL)
    assert normal == pytest.approx(model.counts_at(at)[0] * per_count)
    at = answered_at(emulator, m.EPC_CUMULATIVE_REVERSE)
    assert reverse == pytest.approx(model.counts_at(at)[1] * per_count) and reverse > 0
    at = answered_at(emulator, m.EPC_FIXED_TIME_NORMAL)
    counts = model.slot_counts(slot_of(at))
    assert counts is not None
    assert fixed["timestamp"] == slot_start_jst(slot_of(at))
    assert fixed["cumulative energy"] == pytest.approx(counts[0] * per_count)
    at = answered_at(emulator, m.EPC_ONE_MINUTE)
    latched = minute_floor(at)
    assert minute["timestamp"] == dt.datetime.fromtimestamp(latched, JST).replace(tzinfo=None)
    normal_then, reverse_then = model.counts_at(latched)
    assert minute["cumulative energy"]["normal direction"] == pytest.approx(normal_then * per_count)
    assert minute["cumulative energy"]["reverse direction"] == pytest.approx(reverse_then * per_count)
    if dialect != "dual-stack":  # single-hop firmware took SA2=1 and still sends no RSSI token
        assert emulator.dongle.registers["SA2"] == "1"


def _to_noon(unix: float) -> float:
    """Seconds to add to reach the next 12:00 JST (meter time)."""
    now = dt.datetime.fromtimestamp(unix, JST)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon <= now:
        noon += dt.timedelta(days=1)
    return (noon - now).total_seconds()
