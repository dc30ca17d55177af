"""SKSTACK IP output as typed messages (the parser is in skstack_parser.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

FAIL_MEANINGS: dict[int, str] = {
    1: "reserved error",
    2: "reserved error",
    3: "reserved error",
    4: "command not supported",
    5: "wrong number of arguments",
    6: "argument format or range invalid",
    7: "reserved error",
    8: "reserved error",
    9: "UART input error",
    10: "command accepted but execution failed",
}

class EventNumber(IntEnum):
    NS_RECEIVED = 0x01
    NA_RECEIVED = 0x02
    ECHO_REQUEST = 0x05
    ED_SCAN_DONE = 0x1F
    BEACON_RECEIVED = 0x20
    UDP_SENT = 0x21
    ACTIVE_SCAN_DONE = 0x22
    PANA_FAILED = 0x24
    PANA_CONNECTED = 0x25
    SESSION_END_REQUESTED = 0x26
    SESSION_ENDED = 0x27
    SESSION_END_TIMEOUT = 0x28
    SESSION_EXPIRED = 0x29
    TX_LIMIT_ON = 0x32
    TX_LIMIT_OFF = 0x33
    WAKE_UP = 0xC0


@dataclass(frozen=True, slots=True)
class Ok:
    value: str | None = None  # "01" for `OK 01` (ROPT)


@dataclass(frozen=True, slots=True)
class Fail:
    code: int

    @property
    def meaning(self) -> str:
        return FAIL_MEANINGS.get(self.code, "unknown error")

    def __str__(self) -> str:
        return f"FAIL ER{self.code:02d} ({self.meaning})"


@dataclass(frozen=True, slots=True)
class Version:
    """EVER or EAPPVER."""

    kind: str  # "EVER" | "EAPPVER"
    version: str


@dataclass(frozen=True, slots=True)
class Info:
    """EINFO. `side` is set on dual-stack dongles (last field 0/1), `short_address` on single-hop."""

    ip: str
    mac: str
    channel: int
    pan_id: int
    short_address: int | None
    side: int | None


@dataclass(frozen=True, slots=True)
class RegisterValue:
    value: str


@dataclass(frozen=True, slots=True)
class Address:
    """A bare IPv6 address line: the reply of SKLL64 (no OK follows)."""

    ip: str


@dataclass(frozen=True, slots=True)
class Event:
    number: int
    address: str | None
    side: int | None = None
    param: int | None = None


@dataclass(frozen=True, slots=True)
class PanDescriptor:
    channel: int
    channel_page: int
    pan_id: int
    mac: str
    lqi: int
    side: int | None = None
    pair_id: str | None = None

    @property
    def rssi_dbm(self) -> float:
        return lqi_to_dbm(self.lqi)


def lqi_to_dbm(lqi: int) -> float:
    """The one LQI -> RSSI formula: BP35A1 command reference, 4.6 EEDSCAN."""
    return round(0.275 * lqi - 104.27, 1)


@dataclass(frozen=True, slots=True)
class EnergyScan:
    levels: tuple[tuple[int, int], ...]  # (channel, LQI)
    side: int | None = None


@dataclass(frozen=True, slots=True)
class ErxUdp:
    sender: str
    dest: str
    rport: int
    lport: int
    sender_mac: str
    secured: bool
    data: bytes
    side: int | None = None
    rssi: int | None = None
    hex_payload: bool = False


@dataclass(frozen=True, slots=True)
class Echo:
    """A command echoed by the dongle (register SFE = 1)."""

    text: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """A well-formed text line we have no type for (kept for --debug, ignored otherwise)."""

    text: str


@dataclass(frozen=True, slots=True)
class Garbage:
    """Bytes that do not form a valid line, with why."""

    raw: bytes
    reason: str


SkMessage = (
    Ok
    | Fail
    | Version
    | Info
    | RegisterValue
    | Address
    | Event
    | PanDescriptor
    | EnergyScan
    | ErxUdp
    | Echo
    | Unknown
    | Garbage
)
