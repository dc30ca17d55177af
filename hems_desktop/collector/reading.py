"""One reading: one Get for E7 + E8 + E0 (one round trip), and the meter's unsolicited EA values."""

from __future__ import annotations

import datetime as dt
import logging

from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import EchonetError, Frame
from hems_desktop.reading import Reading, local_now, reading_id
from hems_desktop.session import Session
from hems_desktop.session.constants import MeterConstants
from hems_desktop.timebase import JST

log = logging.getLogger("hems_desktop.collector")

READING_EPCS = (m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL)


def take_reading(session: Session) -> Reading:
    """One reading. The constants were read at join (or now, if that failed): never a reading
    without the coefficient and unit. Raises SessionError / DongleError."""
    constants = session.ensure_constants()
    values = session.get_properties(READING_EPCS)
    timestamp = local_now()
    instant: int | None = None
    r_a: float | None = None
    t_a: float | None = None
    kwh: float | None = None
    if m.EPC_INSTANT_POWER in values:
        power = m.decode_instant_power(values[m.EPC_INSTANT_POWER])
        instant = None if isinstance(power, m.NoValue) else power
    if m.EPC_INSTANT_CURRENT in values:
        currents = m.decode_currents(values[m.EPC_INSTANT_CURRENT])
        r_a, t_a = currents.r_amps, currents.t_amps
    if m.EPC_CUMULATIVE_NORMAL in values:
        raw = m.decode_cumulative(values[m.EPC_CUMULATIVE_NORMAL])
        value = m.cumulative_kwh(raw, constants.coefficient, constants.unit_kwh)
        kwh = None if value is None else float(value)
    meter_id = session.network.meter_id if session.network else ""
    return Reading(timestamp, kwh, instant, r_a, t_a, meter_id=meter_id, reading_id=reading_id(meter_id, timestamp))


def fixed_time_value(frame: Frame, constants: MeterConstants) -> tuple[dt.datetime, float | None] | None:
    """The EA value an INF/INFC carries (meter time, kWh), or None when it carries none."""
    prop = frame.get(m.EPC_FIXED_TIME_NORMAL)
    if prop is None:
        return None
    try:
        value = m.decode_fixed_time(prop.edt)
    except EchonetError as exc:
        log.debug("ignoring a malformed EA: %s", exc)
        return None
    kwh = m.cumulative_kwh(value.value, constants.coefficient, constants.unit_kwh)
    return value.at.replace(tzinfo=JST), None if kwh is None else float(kwh)
