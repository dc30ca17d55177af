"""What the collector tells its shells (CLI, GUI): typed values, never strings to compare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hems_desktop.device.base import DongleInfo
from hems_desktop.errors import ErrorKind
from hems_desktop.reading import Reading
from hems_desktop.session.meter_info import MeterIdentity
from hems_desktop.session.network import Network
from hems_desktop.session.state import SessionState


@dataclass(frozen=True)
class StateChanged:
    state: SessionState
    detail: str = ""


@dataclass(frozen=True)
class ConnectionInfo:
    """Where the session is: for the connection panel (and `--debug`).

    `Connected` comes when the session is joined (`meter` None, or what an earlier session of
    this run read) and again once the meter's identity is read in the session's spare time
    (`meter` filled in; `meter_id` as readings carry it).
    """

    port: str
    dongle: DongleInfo | None
    network: Network | None
    joined_at: float  # unix seconds
    meter: MeterIdentity | None = None
    meter_id: str = ""
    reauth_period_s: float | None = None  # the module re-authenticates by itself this often (None: unknown)


@dataclass(frozen=True)
class Connected:
    info: ConnectionInfo


@dataclass(frozen=True)
class ReadingTaken:
    reading: Reading


@dataclass(frozen=True)
class FixedTimeReading:
    """The meter's own :00/:30 cumulative values (EA, and EB for the reverse direction), sent unsolicited."""

    at: dt.datetime
    cumulative_kwh: float | None
    meter_id: str
    cumulative_reverse_kwh: float | None = None


@dataclass(frozen=True)
class SlotMissed:
    slot: dt.datetime
    reason: str


@dataclass(frozen=True)
class ErrorReported:
    message: str
    fatal: bool = False
    kind: ErrorKind = ErrorKind.INTERNAL


@dataclass(frozen=True)
class Recovered:
    """The collector reads again after an error it reported (the GUI clears "last error")."""


CollectorEvent = (StateChanged | Connected | ReadingTaken | FixedTimeReading | SlotMissed | ErrorReported
                  | Recovered)
EventCallback = Callable[[CollectorEvent], None]
