"""ROHM J11 binary UART (BP35C0-J11, BP35C2-J11-T01, RATOC RS-WSUHA-J11): what the module says.

Typed responses and notifications as small frozen dataclasses, decoded from `RawFrame`s by
`decode_module_frame()` (never raises: a frame whose data does not fit its command becomes
`Garbage`), encoded back by each type's `frame()` (the emulator speaks with these). `J11Parser`
is the host's stream parser: framing (`j11_codec`) plus decoding. Requests the host sends are
built in `j11_requests`.

Layouts [shared/protocol/J11.md]: responses are the request code | 0x2000 with the result in
data[0] (0x01 success, others Table 34); 0x4051 one active-scan result per channel; 0x6018 UDP
received, 0x6019 startup, 0x601A connection state, 0x6028 PANA result. 0x2FFF (header checksum
error) and 0xFFFF (invalid command code) answer frames the module could not take [ak1211].
"""

from __future__ import annotations

from hems_desktop.protocol.j11_codec import MODULE_CODE, Garbage, J11FrameParser, RawFrame
from hems_desktop.protocol.j11_messages import (
    HEADER_CHECKSUM_ERROR,
    INVALID_COMMAND,
    RESPONSE_FLAG,
    RESULT_OK,
    Command,
    ConnectionState,
    J11Message,
    MacAddress,
    ModuleError,
    ModuleStatus,
    Notice,
    PanaResult,
    Response,
    RouteBStarted,
    ScanBeacon,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
    UnknownFrame,
    VersionInfo,
    ipv6_text,
    mac_text,
    rssi_dbm,
)

# J11 channels 4..17 are the 400 kHz B-route channels from 922.5 MHz (ROHM 63TR008E Table 21 as
# quoted by broute-j11 and Tosainu's bp35c0-j11); SKSTACK numbers 200 kHz steps from 922.5 MHz at
# channel 33 (BP35A1 command reference §6, as tabulated in smdn/Smdn.Net.SkStackIP SkStackChannel:
# 33 = 922.5 MHz ... 59 = 927.7 MHz, 60 = 927.9 MHz). So SKSTACK = 2 x J11 + 25: 4 <-> 0x21, 17 <-> 0x3B.
J11_CHANNEL_MIN = 4
J11_CHANNEL_MAX = 17
ALL_CHANNELS_MASK = 0x0003FFF0  # bits 4..17


def skstack_channel(j11_channel: int) -> int:
    """The SKSTACK channel number (as EPANDESC shows it) of a J11 channel; same frequency."""
    if not J11_CHANNEL_MIN <= j11_channel <= J11_CHANNEL_MAX:
        raise ValueError(f"J11 channel {j11_channel} is outside {J11_CHANNEL_MIN}..{J11_CHANNEL_MAX}")
    return 2 * j11_channel + 25


def j11_channel(skstack: int) -> int:
    """The J11 channel of an SKSTACK channel number. Even SKSTACK numbers (and 0x3C) are 200 kHz
    offsets no 400 kHz B-route channel sits on: ValueError."""
    if skstack % 2 == 0 or not skstack_channel(J11_CHANNEL_MIN) <= skstack <= skstack_channel(J11_CHANNEL_MAX):
        raise ValueError(f"SKSTACK channel {skstack:02X} has no J11 equivalent (odd 21..3B only)")
    return (skstack - 25) // 2

# ---- decoding ----


class _Malformed(Exception):
    pass


def _need(data: bytes, size: int, what: str, exact: bool = False) -> None:
    if len(data) < size or (exact and len(data) != size):
        raise _Malformed(f"{what}: {len(data)} data bytes, expected {'' if exact else 'at least '}{size}")


def _response(command: int, data: bytes) -> J11Message:
    request = command & ~RESPONSE_FLAG
    _need(data, 1, "response without a result")
    result = data[0]
    if result != RESULT_OK:
        return Response(request, result, data[1:])
    if request == Command.GET_VERSION:
        _need(data, 9, "version", exact=True)
        revision = int.from_bytes(data[5:9], "big")
        return VersionInfo(int.from_bytes(data[1:3], "big"), data[3], data[4], revision, result)
    if request == Command.GET_STATUS:
        _need(data, 4, "status", exact=True)
        return ModuleStatus(data[1], data[2], data[3], result)
    if request == Command.GET_MAC and len(data) == 9:
        return MacAddress(mac_text(data[1:9]), result)
    if request == Command.START_ROUTE_B:
        _need(data, 13, "route-B start", exact=True)
        pan_id = int.from_bytes(data[2:4], "big")
        return RouteBStarted(data[1], pan_id, mac_text(data[4:12]), rssi_dbm(data[12]), result)
    if request == Command.TRANSMIT:
        _need(data, 2, "transmit result")
        return TransmitResult(data[1] >> 4, data[1] & 0x0F, data[2:], result)
    return Response(request, result, data[1:])


def _scan_result(data: bytes) -> J11Message:
    _need(data, 2, "scan result")
    if data[0] == 0x01:
        _need(data, 2, "empty scan result", exact=True)
        return ScanResult(data[1])
    if data[0] != 0x00:
        raise _Malformed(f"scan result flag {data[0]:02X}")
    _need(data, 3, "scan result")
    count = data[2]
    _need(data, 3 + 11 * count, f"scan result with {count} beacons", exact=True)
    beacons = tuple(
        ScanBeacon(mac_text(data[i : i + 8]), int.from_bytes(data[i + 8 : i + 10], "big"), rssi_dbm(data[i + 10]))
        for i in range(3, 3 + 11 * count, 11)
    )
    return ScanResult(data[1], beacons)


def _udp_received(data: bytes) -> J11Message:
    _need(data, 27, "UDP reception header")
    size = int.from_bytes(data[25:27], "big")
    _need(data, 27 + size, f"UDP reception of {size} bytes", exact=True)
    return UdpReceived(
        sender=ipv6_text(data[0:16]),
        source_port=int.from_bytes(data[16:18], "big"),
        dest_port=int.from_bytes(data[18:20], "big"),
        pan_id=int.from_bytes(data[20:22], "big"),
        multicast=data[22] == 0x01,
        encrypted=data[23] == 0x02,
        rssi=rssi_dbm(data[24]),
        data=bytes(data[27:]),
    )


def _notice(command: int, data: bytes) -> J11Message:
    if command == Notice.SCAN_RESULT:
        return _scan_result(data)
    if command == Notice.UDP_RECEIVED:
        return _udp_received(data)
    if command == Notice.STARTUP:
        return Startup()
    if command == Notice.CONNECTION_STATE:
        _need(data, 10, "connection state", exact=True)
        return ConnectionState(data[0], mac_text(data[1:9]), rssi_dbm(data[9]))
    if command == Notice.PANA_RESULT:
        _need(data, 9, "PANA result", exact=True)
        return PanaResult(data[0], mac_text(data[1:9]))
    return UnknownFrame(command, data)


_NOTICES = frozenset(int(notice) for notice in Notice)


def decode_module_frame(frame: RawFrame) -> J11Message:
    """The typed message of a module frame. Never raises: misfit data comes out as Garbage."""
    command, data = frame.command, frame.data
    try:
        if command in (HEADER_CHECKSUM_ERROR, INVALID_COMMAND):
            return ModuleError(command, data)
        if command & 0xF000 == RESPONSE_FLAG:
            return _response(command, data)
        if command in _NOTICES:
            return _notice(command, data)
    except _Malformed as exc:
        return Garbage(frame.encode(), f"malformed {command:04X}: {exc}")
    return UnknownFrame(command, data)


class J11Parser:
    """The host's view of the line: module frames in, typed messages out. Never raises."""

    def __init__(self) -> None:
        self._frames = J11FrameParser(MODULE_CODE)

    @property
    def pending(self) -> int:
        return self._frames.pending

    @property
    def work(self) -> int:
        return self._frames.work

    def feed(self, data: bytes) -> list[J11Message]:
        return [_decoded(item) for item in self._frames.feed(data)]

    def flush(self) -> list[J11Message]:
        return [_decoded(item) for item in self._frames.flush()]


def _decoded(item: RawFrame | Garbage) -> J11Message:
    return item if isinstance(item, Garbage) else decode_module_frame(item)
