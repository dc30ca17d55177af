"""ECHONET Lite frames (EDATA format 1): encode and decode, strict about lengths.

Frame: EHD1 0x10 | EHD2 0x81 | TID(2) | SEOJ(3) | DEOJ(3) | ESV | OPC | {EPC PDC EDT}*OPC.
SetGet and its responses carry two property lists (set first, then get).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from hems_desktop.protocol.errors import ProtocolError

EHD1 = 0x10
EHD2_FORMAT1 = 0x81
ECHONET_UDP_PORT = 3610  # the one definition of the UDP ports of the B-route
PANA_UDP_PORT = 716

# ECHONET objects (class group, class, instance) as 24-bit integers.
CONTROLLER_EOJ = 0x05FF01
SMART_METER_EOJ = 0x028801
NODE_PROFILE_EOJ = 0x0EF001

_HEADER_LEN = 12  # EHD1 EHD2 TID(2) SEOJ(3) DEOJ(3) ESV OPC


class EchonetError(ProtocolError):
    """A byte string that is not a well-formed ECHONET Lite format-1 frame."""


class ESV(IntEnum):
    """ECHONET Lite service codes."""

    SETI_SNA = 0x50
    SETC_SNA = 0x51
    GET_SNA = 0x52
    INF_SNA = 0x53
    SETGET_SNA = 0x5E
    SETI = 0x60
    SETC = 0x61
    GET = 0x62
    INF_REQ = 0x63
    SETGET = 0x6E
    SET_RES = 0x71
    GET_RES = 0x72
    INF = 0x73
    INFC = 0x74
    INFC_RES = 0x7A
    SETGET_RES = 0x7E

    @property
    def is_not_possible(self) -> bool:
        """True for the *_SNA services: the node could not serve every property."""
        return 0x50 <= self.value <= 0x5F

    @property
    def has_two_lists(self) -> bool:
        return self in (ESV.SETGET, ESV.SETGET_RES, ESV.SETGET_SNA)


@dataclass(frozen=True, slots=True)
class Property:
    """One EPC with its data (EDT); an empty EDT is PDC 0 (a Get request, or a refused property)."""

    epc: int
    edt: bytes = b""


@dataclass(frozen=True, slots=True)
class Frame:
    """One ECHONET Lite frame. `properties` is the only list, or the Get list of SetGet."""

    tid: int
    seoj: int
    deoj: int
    esv: ESV
    properties: tuple[Property, ...] = ()
    set_properties: tuple[Property, ...] = field(default=())

    def get(self, epc: int) -> Property | None:
        for prop in self.properties:
            if prop.epc == epc:
                return prop
        return None


def _check_eoj(eoj: int) -> None:
    if not 0 <= eoj <= 0xFFFFFF:
        raise EchonetError(f"EOJ out of range: {eoj:#x}")


def _encode_properties(props: tuple[Property, ...]) -> bytes:
    if len(props) > 255:
        raise EchonetError("more than 255 properties in one frame")
    out = bytearray([len(props)])
    for prop in props:
        if not 0 <= prop.epc <= 0xFF:
            raise EchonetError(f"EPC out of range: {prop.epc:#x}")
        if len(prop.edt) > 255:
            raise EchonetError(f"EDT of EPC {prop.epc:02X} longer than 255 bytes")
        out.append(prop.epc)
        out.append(len(prop.edt))
        out += prop.edt
    return bytes(out)


def encode_frame(frame: Frame) -> bytes:
    """Serialize a frame; raises EchonetError for values that do not fit the format."""
    if not 0 <= frame.tid <= 0xFFFF:
        raise EchonetError(f"TID out of range: {frame.tid}")
    _check_eoj(frame.seoj)
    _check_eoj(frame.deoj)
    head = bytes([EHD1, EHD2_FORMAT1]) + frame.tid.to_bytes(2, "big")
    head += frame.seoj.to_bytes(3, "big") + frame.deoj.to_bytes(3, "big") + bytes([int(frame.esv)])
    if frame.esv.has_two_lists:
        return head + _encode_properties(frame.set_properties) + _encode_properties(frame.properties)
    if frame.set_properties:
        raise EchonetError(f"ESV {frame.esv.name} has no set-property list")
    return head + _encode_properties(frame.properties)


def _decode_properties(data: bytes, pos: int) -> tuple[tuple[Property, ...], int]:
    if pos >= len(data):
        raise EchonetError("frame ends before OPC")
    count = data[pos]
    pos += 1
    props = []
    for index in range(count):
        if pos + 2 > len(data):
            raise EchonetError(f"frame ends inside property {index + 1} of {count}")
        epc, pdc = data[pos], data[pos + 1]
        pos += 2
        if pos + pdc > len(data):
            raise EchonetError(f"EPC {epc:02X} declares PDC {pdc} but only {len(data) - pos} bytes remain")
        props.append(Property(epc, bytes(data[pos : pos + pdc])))
        pos += pdc
    return tuple(props), pos


def decode_frame(data: bytes) -> Frame:
    """Parse one whole frame; trailing bytes, short data or unknown ESV raise EchonetError."""
    if len(data) < _HEADER_LEN:
        raise EchonetError(f"frame too short: {len(data)} bytes")
    if data[0] != EHD1:
        raise EchonetError(f"EHD1 is {data[0]:#04x}, not ECHONET Lite (0x10)")
    if data[1] != EHD2_FORMAT1:
        raise EchonetError(f"EHD2 {data[1]:#04x} is not format 1 (0x81)")
    tid = int.from_bytes(data[2:4], "big")
    seoj = int.from_bytes(data[4:7], "big")
    deoj = int.from_bytes(data[7:10], "big")
    try:
        esv = ESV(data[10])
    except ValueError:
        raise EchonetError(f"unknown ESV {data[10]:#04x}") from None
    set_props: tuple[Property, ...] = ()
    pos = 11
    if esv.has_two_lists:
        set_props, pos = _decode_properties(data, pos)
    props, pos = _decode_properties(data, pos)
    if pos != len(data):
        raise EchonetError(f"{len(data) - pos} trailing bytes after the last property")
    return Frame(tid, seoj, deoj, esv, props, set_props)


def get_request(tid: int, epcs: Iterable[int], deoj: int = SMART_METER_EOJ) -> Frame:
    """A Get from the controller for the given EPCs (PDC 0 each)."""
    return Frame(tid, CONTROLLER_EOJ, deoj, ESV.GET, tuple(Property(epc) for epc in epcs))


def set_request(tid: int, props: Iterable[Property], deoj: int = SMART_METER_EOJ) -> Frame:
    """A SetC (set, response required) from the controller."""
    return Frame(tid, CONTROLLER_EOJ, deoj, ESV.SETC, tuple(props))


def infc_response(infc: Frame) -> Frame:
    """The INFC_Res a controller owes for an INFC: same TID and EPCs, PDC 0, EOJs swapped."""
    return Frame(infc.tid, infc.deoj, infc.seoj, ESV.INFC_RES, tuple(Property(p.epc) for p in infc.properties))
