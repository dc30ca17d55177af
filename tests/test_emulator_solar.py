"""The emulator's solar house: E7, E3, EB (Get and the :00/:30 INF) and E4 tell one consistent story.

While the panels export, E7 is negative, E0 stands still and E3 grows by the exported energy;
EB at a boundary, the INF sent then and E4's slot hold the same count as E3 at that instant.
"""

from __future__ import annotations

import datetime as dt

from hems_desktop.emulator.meter_model import MeterConfig, MeterModel, slot_of
from hems_desktop.emulator.meter_properties import MeterProperties
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import Property
from hems_desktop.timebase import JST, SLOT_S

NOON = dt.datetime(2026, 5, 20, 12, 0, tzinfo=JST).timestamp()


def test_export_is_consistent_across_e7_e3_eb_and_e4() -> None:
    model = MeterModel(MeterConfig(solar_peak_w=6000, base_load_w=150, seed=7), NOON)
    props = MeterProperties(model, NOON)
    exporting = 0
    for minute in range(30):  # 12:00-12:30: the minutes the house sells
        start = NOON + 60 * minute
        power = m.decode_instant_power(props.value(m.EPC_INSTANT_POWER, start + 30) or b"")
        before = [m.decode_cumulative(props.value(epc, start) or b"", epc)
                  for epc in (m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE)]
        after = [m.decode_cumulative(props.value(epc, start + 60) or b"", epc)
                 for epc in (m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE)]
        assert isinstance(power, int)
        if model.net_w(start) < 0:
            exporting += 1
            assert power < 0 and after[0] == before[0]  # selling: the bought counter stands still
            sold_wh = -model.net_w(start) / 60
            sold_counts = after[1] - before[1]  # type: ignore[operator]
            assert abs(sold_counts * 100 - sold_wh) <= 100  # 0.1 kWh counts: within one count of the energy
        else:
            assert after[1] == before[1]
    assert exporting >= 20  # a sunny noon
    boundary = NOON + SLOT_S
    e3 = m.decode_cumulative(props.value(m.EPC_CUMULATIVE_REVERSE, boundary) or b"", m.EPC_CUMULATIVE_REVERSE)
    eb = m.decode_fixed_time(props.value(m.EPC_FIXED_TIME_REVERSE, boundary + 20) or b"", m.EPC_FIXED_TIME_REVERSE)
    assert eb.at == dt.datetime(2026, 5, 20, 12, 30) and eb.value == e3
    assert props.set(Property(m.EPC_HISTORY1_DAY, b"\x00"), boundary + 20)
    e4 = m.decode_day_history(props.value(m.EPC_HISTORY1_REVERSE, boundary + 20) or b"", m.EPC_HISTORY1_REVERSE)
    assert e4.values[slot_of(boundary) % 48] == e3
    assert e4.values[slot_of(boundary) % 48 + 1] == m.NoValue(m.NoValueReason.NO_DATA)  # not yet reached
