"""One reading: one Get for E7 + E8 + E0 (+ E3 and D0 where the meter has them), and the meter's
unsolicited EA/EB values.

Right after joining, the session's first Get already carried the reading's properties with
the constants and the property map (session/meter_start.py): that reading costs no Get of its own.
"""

from __future__ import annotations

import logging

from hems_desktop.collector.events import FixedTimeReading
from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import EchonetError, Frame
from hems_desktop.reading import Reading, reading_id
from hems_desktop.session import Session
from hems_desktop.session.constants import MeterConstants
from hems_desktop.session.meter_info import BASE_READING_EPCS
from hems_desktop.timebase import JST

log = logging.getLogger("hems_desktop.collector")

READING_EPCS = BASE_READING_EPCS  # what every meter is asked; E3 and D0 only where advertised


def _kwh(raw: m.Measured, constants: MeterConstants) -> float | None:
    value = m.cumulative_kwh(raw, constants.coefficient, constants.unit_kwh)
    return None if value is None else float(value)


def take_reading(session: Session) -> Reading:
    """One reading. The constants were read at join (or now, if that failed): never a reading
    without the coefficient and unit. Raises SessionError / DongleError."""
    constants = session.ensure_constants()
    values, timestamp = session.reading_values()
    instant: int | None = None
    r_a: float | None = None
    t_a: float | None = None
    kwh: float | None = None
    export: float | None = None
    if m.EPC_INSTANT_POWER in values:
        power = m.decode_instant_power(values[m.EPC_INSTANT_POWER])
        instant = None if isinstance(power, m.NoValue) else power
    if m.EPC_INSTANT_CURRENT in values:
        currents = m.decode_currents(values[m.EPC_INSTANT_CURRENT])
        r_a, t_a = currents.r_amps, currents.t_amps
    if m.EPC_CUMULATIVE_NORMAL in values:
        kwh = _kwh(m.decode_cumulative(values[m.EPC_CUMULATIVE_NORMAL]), constants)
    if m.EPC_CUMULATIVE_REVERSE in values:
        export = _kwh(m.decode_cumulative(values[m.EPC_CUMULATIVE_REVERSE], m.EPC_CUMULATIVE_REVERSE), constants)
    minute: r.OneMinuteValue | None = None
    if m.EPC_ONE_MINUTE in values:
        try:
            minute = r.decode_one_minute(values[m.EPC_ONE_MINUTE])
        except EchonetError as exc:
            log.info("ignoring a malformed D0: %s", exc)
    meter_id = session.meter_id
    return Reading(
        timestamp, kwh, instant, r_a, t_a, meter_id=meter_id, reading_id=reading_id(meter_id, timestamp),
        cumulative_reverse_kwh=export,
        one_minute_kwh=None if minute is None else _kwh(minute.normal, constants),
        one_minute_reverse_kwh=None if minute is None else _kwh(minute.reverse, constants),
        one_minute_time=None if minute is None else minute.at.replace(tzinfo=JST),
    )


def _fixed_time(frame: Frame, epc: int) -> m.FixedTimeValue | None:
    prop = frame.get(epc)
    if prop is None:
        return None
    try:
        return m.decode_fixed_time(prop.edt, epc)
    except EchonetError as exc:
        log.debug("ignoring a malformed %02X: %s", epc, exc)
        return None


def fixed_time_event(frame: Frame, constants: MeterConstants, meter_id: str) -> FixedTimeReading | None:
    """The EA (and EB) values an INF/INFC carries (meter time, kWh), or None when it carries none."""
    normal = _fixed_time(frame, m.EPC_FIXED_TIME_NORMAL)
    reverse = _fixed_time(frame, m.EPC_FIXED_TIME_REVERSE)
    if normal is None and reverse is None:
        return None
    latched = normal if normal is not None else reverse
    assert latched is not None
    at = latched.at.replace(tzinfo=JST)
    if normal is not None and reverse is not None and normal.at != reverse.at:
        log.debug("EA and EB latched at different times (%s, %s); keeping EA's", normal.at, reverse.at)
        reverse = None
    return FixedTimeReading(at, None if normal is None else _kwh(normal.value, constants), meter_id,
                            None if reverse is None else _kwh(reverse.value, constants))
