"""ROHM J11 module messages: the typed responses and notifications, each able to encode itself.

Frozen dataclasses the host decodes (`j11.decode_module_frame`) and the emulator encodes with
`frame()`. Layouts and sources: shared/protocol/J11.md; every field order is checked against
transcript 13 and ROHM's application-note frames in tests/test_j11_protocol.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from hems_desktop.protocol.j11_codec import MODULE_CODE, Garbage, encode_frame

RESPONSE_FLAG = 0x2000
RESULT_OK = 0x01
HEADER_CHECKSUM_ERROR = 0x2FFF
INVALID_COMMAND = 0xFFFF


class Command(IntEnum):
    GET_STATUS = 0x0001
    OPEN_UDP_PORT = 0x0005
    CLOSE_UDP_PORT = 0x0006
    TRANSMIT = 0x0008
    GET_MAC = 0x000E
    ACTIVE_SCAN = 0x0051
    START_ROUTE_B = 0x0053
    SET_PANA_AUTH = 0x0054
    START_PANA = 0x0056
    TERMINATE_PANA = 0x0057
    TERMINATE_ROUTE_B = 0x0058
    INITIAL_SETTINGS = 0x005F
    GET_VERSION = 0x006B
    GET_INITIAL_SETTINGS = 0x0107
    REDO_PANA = 0x00D2
    HARDWARE_RESET = 0x00D9


class Notice(IntEnum):
    SCAN_RESULT = 0x4051
    UDP_RECEIVED = 0x6018
    STARTUP = 0x6019
    CONNECTION_STATE = 0x601A
    PANA_RESULT = 0x6028


# Table 34 (response results), in our words [broute-j11 commands.py, ak1211 J11Stack].
RESULT_MEANINGS: dict[int, str] = {
    0x01: "success",
    0x02: "address not in the device list",
    0x03: "invalid command code",
    0x04: "invalid parameter",
    0x06: "transmission error: invalid address",
    0x0A: "UDP port already open",
    0x0B: "UDP port not open",
    0x0E: "MAC connection (association) failed",
    0x0F: "HAN active or mode mismatch",
    0x10: "route-B or HAN not started",
    0x11: "parameter length out of range",
    0x12: "too many open ports",
    0x13: "command reception timed out (1 s)",
    0x14: "not possible in this operation mode",
    0x20: "HAN acceptance mode already current",
    0x21: "HAN acceptance mode cannot change in this mode",
    0x33: "HAN is authenticating",
    0x34: "route-B is operating",
    0x35: "route-B is authenticating",
    0x37: "not started",
    0x3C: "ping requested again before its notification",
    0x3D: "busy with another request",
    0x3E: "PAN ID equals the route-B PAN ID or FFFF",
    0x3F: "deep sleep failed",
    0x46: "poll request failed",
    0x51: "PANA: settings missing or information not generated",
    0x52: "PANA: sequence in progress",
    0x53: "PANA: no information for that address",
    0x58: "PANA: authentication information already set",
    0x59: "PANA: too many settings",
    0x61: "invalid OTA client state",
    0xF0: "reception error: header checksum",
    0xF1: "reception error: data checksum",
    0xF2: "reception error: message shorter than its length",
    0xF3: "reception error: message longer than the maximum",
}


def result_meaning(result: int) -> str:
    return RESULT_MEANINGS.get(result, f"unknown result {result:02X}")


def rssi_dbm(raw: int) -> int:
    """RSSI byte to dBm: a signed byte (0xC4 = -60 dBm in transcript 13; broute-j11 subtracts 256)."""
    return raw - 256 if raw >= 0x80 else raw


def _rssi_byte(dbm: int) -> int:
    return dbm & 0xFF


def mac_text(raw: bytes) -> str:
    return raw.hex().upper()


def ipv6_text(raw: bytes) -> str:
    """16 bytes to the 39-character upper-case form the rest of the app uses."""
    text = raw.hex().upper()
    return ":".join(text[i : i + 4] for i in range(0, 32, 4))


def ipv6_bytes(text: str) -> bytes:
    """The 39-character form (or any fully written form with 8 groups) to 16 bytes."""
    groups = text.split(":")
    if len(groups) != 8 or not all(1 <= len(g) <= 4 for g in groups):
        raise ValueError(f"not a fully written IPv6 address: {text!r}")
    return b"".join(int(g, 16).to_bytes(2, "big") for g in groups)


def _module(command: int, data: bytes) -> bytes:
    return encode_frame(MODULE_CODE, command, data)


# ---- responses ----


@dataclass(frozen=True, slots=True)
class Response:
    """A response without fields of its own (or a failed one): the request it answers and the result."""

    request: int
    result: int
    extra: bytes = b""

    @property
    def ok(self) -> bool:
        return self.result == RESULT_OK

    @property
    def meaning(self) -> str:
        return result_meaning(self.result)

    def frame(self) -> bytes:
        return _module(self.request | RESPONSE_FLAG, bytes([self.result]) + self.extra)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """0x206B: firmware ID (0x0400 = Wi-SUN Enhanced HAN Plus B-route dual stack), version."""

    firmware_id: int
    major: int
    minor: int
    revision: int
    result: int = RESULT_OK

    def __str__(self) -> str:
        return f"{self.firmware_id:04X} {self.major}.{self.minor}.{self.revision:08X}"

    def frame(self) -> bytes:
        data = bytes([self.result]) + self.firmware_id.to_bytes(2, "big") + bytes([self.major, self.minor])
        return _module(Command.GET_VERSION | RESPONSE_FLAG, data + self.revision.to_bytes(4, "big"))


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    """0x2001: global 02 inactive / 03 active; route-B 01 inactive, 02 active, 03 authenticating."""

    global_state: int
    route_b_state: int
    han_state: int
    result: int = RESULT_OK

    def frame(self) -> bytes:
        data = bytes([self.result, self.global_state, self.route_b_state, self.han_state])
        return _module(Command.GET_STATUS | RESPONSE_FLAG, data)


@dataclass(frozen=True, slots=True)
class MacAddress:
    """0x200E: the module's own EUI-64 (layout assumed: result + 8 bytes; unverified on hardware)."""

    mac: str
    result: int = RESULT_OK

    def frame(self) -> bytes:
        return _module(Command.GET_MAC | RESPONSE_FLAG, bytes([self.result]) + bytes.fromhex(self.mac))


@dataclass(frozen=True, slots=True)
class RouteBStarted:
    """0x2053 success: the meter the module associated with."""

    channel: int  # J11 numbering
    pan_id: int
    mac: str
    rssi: int
    result: int = RESULT_OK

    def frame(self) -> bytes:
        data = bytes([self.result, self.channel]) + self.pan_id.to_bytes(2, "big") + bytes.fromhex(self.mac)
        return _module(Command.START_ROUTE_B | RESPONSE_FLAG, data + bytes([_rssi_byte(self.rssi)]))


@dataclass(frozen=True, slots=True)
class TransmitResult:
    """0x2008: the transmission byte (high nibble queue, low nibble 0 sent / 5 no ACK), then the
    first 5 payload bytes, which tie the result to the datagram it reports."""

    queue: int
    status: int
    head: bytes
    result: int = RESULT_OK

    @property
    def sent(self) -> bool:
        return self.result == RESULT_OK and self.status == 0

    def frame(self) -> bytes:
        data = bytes([self.result, (self.queue << 4) | self.status]) + self.head
        return _module(Command.TRANSMIT | RESPONSE_FLAG, data)


@dataclass(frozen=True, slots=True)
class ModuleError:
    """0x2FFF (our frame had a bad header checksum) or 0xFFFF (unknown command code)."""

    code: int
    data: bytes = b""

    @property
    def meaning(self) -> str:
        return "header checksum error" if self.code == HEADER_CHECKSUM_ERROR else "invalid command code"

    def frame(self) -> bytes:
        return _module(self.code, self.data)


# ---- notifications ----


@dataclass(frozen=True, slots=True)
class ScanBeacon:
    mac: str
    pan_id: int
    rssi: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    """0x4051: one channel of an active scan; no beacons = nothing answered on it."""

    channel: int  # J11 numbering
    beacons: tuple[ScanBeacon, ...] = ()

    def frame(self) -> bytes:
        if not self.beacons:
            return _module(Notice.SCAN_RESULT, bytes([0x01, self.channel]))
        data = bytearray([0x00, self.channel, len(self.beacons)])
        for beacon in self.beacons:
            data += bytes.fromhex(beacon.mac) + beacon.pan_id.to_bytes(2, "big") + bytes([_rssi_byte(beacon.rssi)])
        return _module(Notice.SCAN_RESULT, bytes(data))


@dataclass(frozen=True, slots=True)
class UdpReceived:
    """0x6018: a datagram from the radio, with the RSSI of its frame."""

    sender: str  # 39-character IPv6
    source_port: int
    dest_port: int
    pan_id: int
    multicast: bool
    encrypted: bool
    rssi: int
    data: bytes

    def frame(self) -> bytes:
        head = ipv6_bytes(self.sender) + self.source_port.to_bytes(2, "big") + self.dest_port.to_bytes(2, "big")
        # Encryption 02 = encrypted [T13, broute-j11]; 01 for a plain datagram is our guess.
        head += self.pan_id.to_bytes(2, "big") + bytes([int(self.multicast), 0x02 if self.encrypted else 0x01])
        head += bytes([_rssi_byte(self.rssi)]) + len(self.data).to_bytes(2, "big")
        return _module(Notice.UDP_RECEIVED, head + self.data)


@dataclass(frozen=True, slots=True)
class Startup:
    """0x6019: the module finished starting (after power-on or 0x00D9)."""

    def frame(self) -> bytes:
        return _module(Notice.STARTUP, b"")


class LinkState(IntEnum):
    MAC_CONNECTED = 0x01
    PANA_CONNECTED = 0x02
    MAC_DISCONNECTED = 0x03
    PANA_DISCONNECTED = 0x04


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """0x601A: the link to the meter changed (see LinkState)."""

    state: int
    mac: str
    rssi: int

    @property
    def lost(self) -> bool:
        return self.state in (LinkState.MAC_DISCONNECTED, LinkState.PANA_DISCONNECTED)

    def frame(self) -> bytes:
        data = bytes([self.state]) + bytes.fromhex(self.mac) + bytes([_rssi_byte(self.rssi)])
        return _module(Notice.CONNECTION_STATE, data)


class PanaOutcome(IntEnum):
    SUCCESS = 0x01
    FAILED = 0x02  # the meter refused: wrong B-route ID or password
    NO_RESPONSE = 0x03  # the meter did not answer: radio, not credentials


@dataclass(frozen=True, slots=True)
class PanaResult:
    """0x6028: how a PANA authentication (0x0056 or 0x00D2) ended."""

    result: int
    mac: str

    @property
    def ok(self) -> bool:
        return self.result == PanaOutcome.SUCCESS

    def frame(self) -> bytes:
        return _module(Notice.PANA_RESULT, bytes([self.result]) + bytes.fromhex(self.mac))


@dataclass(frozen=True, slots=True)
class UnknownFrame:
    """A valid frame we have no type for (kept for --debug, ignored otherwise)."""

    command: int
    data: bytes


J11Message = (
    Response | VersionInfo | ModuleStatus | MacAddress | RouteBStarted | TransmitResult | ModuleError
    | ScanResult | UdpReceived | Startup | ConnectionState | PanaResult | UnknownFrame | Garbage
)  # fmt: skip
