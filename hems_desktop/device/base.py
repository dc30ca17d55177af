"""What a Wi-SUN dongle does for the B-route session, in B-route terms.

The session (scan strategy, backoff, the credentials latch, the send gate, re-authentication
handling, TID matching, the network cache, EA/INFC handling) is written once, above this
interface. Each wire protocol implements it once: the SKSTACK IP text driver (single-hop and
dual-stack dialects) and the ROHM J11 binary driver.

Threading: one session thread calls the methods; the driver's reader thread delivers
`Datagram`s and `LinkEvent`s to listeners. Blocking calls take `stop` and return (or raise
`Stopped`) within a fraction of a second after it is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from hems_desktop.errors import ErrorKind, HemsError
from hems_desktop.protocol.echonet import ECHONET_UDP_PORT as ECHONET_UDP_PORT  # re-exported for drivers
from hems_desktop.protocol.echonet import PANA_UDP_PORT as PANA_UDP_PORT

# Wi-SUN B-route channels as SKSTACK numbers them (EPANDESC `Channel:21`..`3C`, `--meter-channel`).
# Every implementation reports and accepts channels in this numbering.
CHANNEL_MIN = 0x21
CHANNEL_MAX = 0x3C


class DongleFamily(str, Enum):
    SINGLE_HOP = "single-hop"  # SKSTACK IP single-hop edition: BP35A1, WSR35A1, RL7023 Stick-D/IPS
    DUAL_STACK = "dual-stack"  # SKSTACK IP dual-stack edition: BP35C0/C2, RS-WSUHA-P, RL7023 Stick-D/DSS
    J11 = "j11"  # ROHM J11 binary UART: BP35C0-J11, RS-WSUHA-J11, BP35C2-J11-T01


@dataclass(frozen=True)
class DongleInfo:
    family: DongleFamily
    mac: str  # EUI-64, 16 upper-case hex digits ("" when the dongle does not say)
    firmware: str  # as the dongle reports it ("1.2.10", "rev26e", "0400 1.3.0000158A")


@dataclass(frozen=True)
class Beacon:
    """A meter that answered an active scan."""

    channel: int  # SKSTACK numbering, CHANNEL_MIN..CHANNEL_MAX
    pan_id: int
    mac: str  # the meter's EUI-64
    lqi: int | None = None  # SKSTACK reports LQI
    rssi_dbm: float | None = None  # J11 reports RSSI


@dataclass(frozen=True)
class Target:
    """Where to join: what discovery found (scan, cache or the user's overrides)."""

    channel: int
    pan_id: int
    ip: str  # the meter's IPv6 address, 39-character upper-case form
    mac: str = ""


@dataclass(frozen=True)
class Datagram:
    """One UDP datagram received from the radio."""

    sender: str  # IPv6, 39-character upper-case form
    source_port: int
    dest_port: int
    data: bytes
    secured: bool = True
    rssi_dbm: float | None = None


class LinkEventKind(str, Enum):
    PANA_CONNECTED = "pana-connected"  # join or re-authentication completed
    PANA_FAILED = "pana-failed"  # join or re-authentication failed without an answer from the meter
    PANA_REJECTED = "pana-rejected"  # the meter answered and refused: the credentials are wrong
    SESSION_EXPIRED = "session-expired"  # lifetime over; the module re-authenticates by itself
    SESSION_END_REQUESTED = "session-end-requested"  # the meter asked to end the session
    SESSION_ENDED = "session-ended"  # the session is over (our SKTERM, or confirmed)
    SESSION_END_TIMEOUT = "session-end-timeout"  # the end was not confirmed in time
    LINK_LOST = "link-lost"  # the radio link went down (J11 connection state change)
    TX_LIMIT_ON = "tx-limit-on"  # the radio transmission-time limit was reached
    TX_LIMIT_OFF = "tx-limit-off"  # transmission allowed again
    PORT_LOST = "port-lost"  # the serial port failed (USB unplugged); always the last event


@dataclass(frozen=True)
class LinkEvent:
    kind: LinkEventKind
    detail: str = ""


DongleMessage = Datagram | LinkEvent
Listener = Callable[[DongleMessage], None]


class SendOutcome(str, Enum):
    SENT = "sent"  # the radio transmitted it
    NOT_SENT = "not-sent"  # nothing left the dongle (SKSTACK EVENT 21 ... 01, FAIL ER10, J11 no ACK): retry


# ---- errors (recovery is encoded in the type; see hems_desktop.collector.recovery) ----


class DongleError(HemsError):
    kind = ErrorKind.DONGLE


class NeedsReopen(DongleError):
    """Fixed by closing and reopening the port (and re-identifying the dongle)."""


class PortUnavailable(NeedsReopen):
    """The port cannot be opened (not found, busy, permission)."""

    kind = ErrorKind.PORT


class PortLost(NeedsReopen):
    """The port went away while open (USB unplugged)."""

    kind = ErrorKind.LOST


class DongleNotResponding(NeedsReopen):
    """No answer to a command within its timeout."""


class CommandRefused(DongleError):
    """The dongle answered a command with an error (FAIL ERxx, a J11 result code)."""


class WrongDongleFamily(DongleError):
    """The user forced a family that the dongle on the port does not speak."""

    kind = ErrorKind.SETTINGS


class Stopped(HemsError):
    """A blocking call gave up because the stop was requested."""


class Dongle(Protocol):
    """The operations the session needs. Both implementations keep this exact shape."""

    @property
    def is_open(self) -> bool: ...

    def open(self) -> None:
        """Open the port and start the reader. Raises PortUnavailable."""
        ...

    def close(self) -> None:
        """Stop the reader and close the port; idempotent, never raises."""
        ...

    def add_listener(self, listener: Listener) -> None: ...

    def add_secret(self, secret: str) -> None:
        """A value never to be logged (the password, the B-route ID)."""
        ...

    def identify(self, stop: threading.Event | None = None) -> DongleInfo:
        """Find out what answers on the port and prepare it for the B-route.

        Raises DongleNotResponding (nothing answers), WrongDongleFamily (a forced family the
        dongle does not speak), PortLost.
        """
        ...

    def set_credentials(self, route_b_id: str, password: str) -> None:
        """Give the dongle the PANA credentials. Raises CommandRefused, DongleNotResponding, PortLost."""
        ...

    def scan(self, duration: int, pairing_id: str | None, stop: threading.Event | None = None) -> list[Beacon]:
        """One active scan over every B-route channel; `pairing_id` (the last 8 characters of the
        B-route ID) makes only our meter answer, None scans without it. `duration` is the SKSTACK
        exponent (per channel 9.6 ms x (2**duration + 1)). Raises Stopped, PortLost, DongleNotResponding."""
        ...

    def meter_address(self, mac: str) -> str:
        """The meter's link-local IPv6 address from its EUI-64 (39-character upper-case form)."""
        ...

    def start_join(self, target: Target, stop: threading.Event | None = None) -> None:
        """Start PANA authentication with the meter at `target`; returns once the dongle accepted
        (J11: after the route-B association, which can take seconds; `stop` ends that wait).

        The outcome arrives later as a LinkEvent: PANA_CONNECTED, PANA_REJECTED (the meter
        answered and refused the credentials) or PANA_FAILED (no answer).
        Raises CommandRefused, DongleNotResponding, PortLost.
        """
        ...

    def start_reauthentication(self) -> None:
        """Ask the dongle to re-authenticate the current session (outcome as for start_join)."""
        ...

    def send(self, ip: str, port: int, data: bytes, timeout: float) -> SendOutcome:
        """Transmit one UDP datagram (secured) and report whether it left the radio.

        The outcome is bound to this send, never to another one in flight.
        Raises DongleNotResponding, PortLost.
        """
        ...

    def session_lifetime(self) -> float | None:
        """The PANA session lifetime in seconds, when the module tells it (SKSTACK register S16);
        modules re-authenticate by themselves at 80 % of it. None: not known."""
        ...

    def terminate(self, timeout: float) -> None:
        """End the PANA session (SKTERM; J11 terminate PANA and route-B); waits up to `timeout`
        for the confirmation. Never raises for "no session"."""
        ...

    def reset(self) -> None:
        """Reset the module (SKRESET; J11 hardware reset) when it stopped making sense."""
        ...
