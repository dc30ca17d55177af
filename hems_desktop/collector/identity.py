"""The identity Get, once per session in the collector's spare time: who the meter is, and whether it
reports a fault (88). Told as a second `Connected` (the connection panel) and, for a fault, a warning."""

from __future__ import annotations

import dataclasses
import logging

from hems_desktop.collector.events import CollectorEvent, Connected, ConnectionInfo, ErrorReported
from hems_desktop.errors import ErrorKind, HemsError
from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.session import Session

log = logging.getLogger("hems_desktop.collector")

FAULT_MESSAGE = ("the smart meter reports a fault (ECHONET property 88); readings go on, but tell your "
                 "power company (送配電事業者) if it stays")


def identify(session: Session, connected: ConnectionInfo | None) -> list[CollectorEvent]:
    """Read the meter's identity and health; the events to tell ([] when it could not be read now)."""
    try:
        identity = session.read_identity()
    except (HemsError, EchonetError) as exc:  # a lost answer, a lost session, a stop: asked again later
        log.info("the meter's identity could not be read: %s", exc)
        return []
    events: list[CollectorEvent] = []
    if connected is not None:
        events.append(Connected(dataclasses.replace(connected, meter=identity, meter_id=session.meter_id)))
    if identity.fault:  # the shells say it (the CLI logs ErrorReported as a warning; the app notifies)
        events.append(ErrorReported(FAULT_MESSAGE, kind=ErrorKind.METER_FAULT))
    return events
