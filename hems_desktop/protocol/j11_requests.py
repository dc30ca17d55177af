"""ROHM J11 requests: what the host sends, built and (for the emulator) decoded, and a log form.

Requests with fields are frozen dataclasses with `frame()` and `decode(data)`, so the driver
builds and the virtual module reads the same layout; requests without data are
`simple_request(Command.X)`. `describe_frame()` is the only way frames reach a debug log: it
masks the password and all but the last 4 characters of the B-route ID in 0x0054.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hems_desktop.protocol.dialects import check_password, check_route_b_id
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.j11_codec import HEADER_SIZE, HOST_CODE, MODULE_CODE, checksum, encode_frame
from hems_desktop.protocol.j11_messages import Command, ipv6_bytes, ipv6_text

ECHONET_PORT = 3610
MAX_UDP_PAYLOAD = 1232  # Transmit Data limit [broute-j11; Tosainu 0x4D0]
PAIRING_ID_LENGTH = 8
MASK = "*"

# Table 20 values [broute-j11, Tosainu bp35c0-j11, ak1211]
MODE_DUAL = 0x05  # route-B and HAN: what every public B-route client sets
TX_POWER_20MW = 0x00
SCAN_DURATION_MIN = 1
SCAN_DURATION_MAX = 14


def simple_request(command: int) -> bytes:
    """A request without data (version, status, MAC, route-B start, PANA start/redo/terminate, reset)."""
    return encode_frame(HOST_CODE, command)


def _ascii(data: bytes, what: str) -> str:
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolError(f"{what} is not ASCII") from None


@dataclass(frozen=True)
class InitialSettings:
    """0x005F: operation mode, HAN sleep, channel (J11 4..17), transmission power."""

    channel: int
    mode: int = MODE_DUAL
    han_sleep: bool = False
    tx_power: int = TX_POWER_20MW

    def frame(self) -> bytes:
        data = bytes([self.mode, int(self.han_sleep), self.channel, self.tx_power])
        return encode_frame(HOST_CODE, Command.INITIAL_SETTINGS, data)

    @classmethod
    def decode(cls, data: bytes) -> InitialSettings:
        if len(data) != 4:
            raise ProtocolError(f"initial settings carry 4 bytes, not {len(data)}")
        return cls(channel=data[2], mode=data[0], han_sleep=data[1] != 0, tx_power=data[3])


@dataclass(frozen=True)
class PanaAuth:
    """0x0054: the B-route ID (32 ASCII characters) and password (12). Never printed."""

    route_b_id: str = field(repr=False)
    password: str = field(repr=False)

    def frame(self) -> bytes:
        check_route_b_id(self.route_b_id)
        check_password(self.password)
        data = (self.route_b_id + self.password).encode("ascii")
        return encode_frame(HOST_CODE, Command.SET_PANA_AUTH, data)

    @classmethod
    def decode(cls, data: bytes) -> PanaAuth:
        if len(data) != 44:
            raise ProtocolError(f"PANA authentication information is 44 bytes, not {len(data)}")
        return cls(_ascii(data[:32], "B-route ID"), _ascii(data[32:], "password"))


@dataclass(frozen=True)
class ScanRequest:
    """0x0051: duration (per channel 9.64 ms x 2**duration), channel mask, pairing ID.

    Without a pairing ID the flag is 0 and no ID bytes follow [Tosainu bp35c0-j11]; broute-j11
    pads with 8 zero bytes instead, which `decode` accepts too.
    """

    duration: int
    pairing_id: str | None = None
    mask: int = 0x0003FFF0

    def frame(self) -> bytes:
        if not SCAN_DURATION_MIN <= self.duration <= SCAN_DURATION_MAX:
            raise ProtocolError(f"scan duration must be {SCAN_DURATION_MIN}..{SCAN_DURATION_MAX}")
        data = bytes([self.duration]) + self.mask.to_bytes(4, "big")
        if self.pairing_id is None:
            return encode_frame(HOST_CODE, Command.ACTIVE_SCAN, data + b"\x00")
        pairing = self.pairing_id.encode("ascii", "replace")
        if len(pairing) != PAIRING_ID_LENGTH:
            raise ProtocolError(f"the pairing ID is {PAIRING_ID_LENGTH} characters")
        return encode_frame(HOST_CODE, Command.ACTIVE_SCAN, data + b"\x01" + pairing)

    @classmethod
    def decode(cls, data: bytes) -> ScanRequest:
        if len(data) not in (6, 14) or data[5] not in (0, 1) or (data[5] == 1 and len(data) != 14):
            raise ProtocolError(f"malformed active scan request ({len(data)} bytes)")
        pairing = _ascii(data[6:14], "pairing ID") if data[5] == 1 else None
        return cls(data[0], pairing, int.from_bytes(data[1:5], "big"))


@dataclass(frozen=True)
class TransmitRequest:
    """0x0008: destination IPv6, source and destination ports, the UDP payload."""

    dest: str  # 39-character IPv6
    data: bytes
    source_port: int = ECHONET_PORT
    dest_port: int = ECHONET_PORT

    def frame(self) -> bytes:
        if not 1 <= len(self.data) <= MAX_UDP_PAYLOAD:
            raise ProtocolError(f"a J11 datagram carries 1..{MAX_UDP_PAYLOAD} bytes, not {len(self.data)}")
        try:
            address = ipv6_bytes(self.dest)
        except ValueError as exc:
            raise ProtocolError(str(exc)) from None
        head = address + self.source_port.to_bytes(2, "big") + self.dest_port.to_bytes(2, "big")
        return encode_frame(HOST_CODE, Command.TRANSMIT, head + len(self.data).to_bytes(2, "big") + self.data)

    @classmethod
    def decode(cls, data: bytes) -> TransmitRequest:
        if len(data) < 22 or int.from_bytes(data[20:22], "big") != len(data) - 22:
            raise ProtocolError("transmit request length does not match its data")
        ports = int.from_bytes(data[16:18], "big"), int.from_bytes(data[18:20], "big")
        return cls(ipv6_text(data[:16]), bytes(data[22:]), *ports)


def open_udp_port_request(port: int = ECHONET_PORT) -> bytes:
    return encode_frame(HOST_CODE, Command.OPEN_UDP_PORT, port.to_bytes(2, "big"))


def decode_port(data: bytes) -> int:
    if len(data) != 2:
        raise ProtocolError(f"a UDP port is 2 bytes, not {len(data)}")
    return int.from_bytes(data, "big")


# ---- debug descriptions ----


def mask_route_b_id(route_b_id: str) -> str:
    """All but the last 4 characters masked: enough to tell two contracts apart in a log."""
    return MASK * max(0, len(route_b_id) - 4) + route_b_id[-4:]


def describe_frame(raw: bytes) -> str:
    """One log line for a frame either way: direction, command, fields; secrets masked.

    Anything that is not a whole frame is shown as hex; a 0x0054 is never shown as it is, even
    when truncated or corrupted, so the password cannot leak through a malformed copy.
    """
    if len(raw) < HEADER_SIZE or raw[:4] not in (HOST_CODE.to_bytes(4, "big"), MODULE_CODE.to_bytes(4, "big")):
        return f"(not a frame) {raw.hex().upper()}"
    side = "host" if raw[:4] == HOST_CODE.to_bytes(4, "big") else "module"
    command = int.from_bytes(raw[4:6], "big")
    data = raw[HEADER_SIZE:]
    if command == Command.SET_PANA_AUTH:
        route_b_id = data[:32].decode("ascii", "replace")
        return f"{side} 0054 PANA auth id={mask_route_b_id(route_b_id)} password={MASK * 8} ({len(data)} bytes)"
    try:
        name = Command(command & ~0x2000).name.lower() if command & 0xC000 == 0 else ""
    except ValueError:
        name = ""
    sums = "" if checksum(data) == int.from_bytes(raw[10:12], "big") else " (bad data checksum)"
    return f"{side} {command:04X}{' ' + name if name else ''}{sums} [{len(data)}] {data.hex().upper()}"
