"""ECHONET Lite frame codec: captured frames, error cases, hypothesis round-trips.

Byte strings come from the captures cited in SKSTACK-ECHONET.md §2 (T01, T03, T08, vkgtaro,
J11 T13) or are assembled here field by field from the §2.1 layout.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transcripts import j11_frames, python_dict

from hems_desktop.protocol.echonet import (
    CONTROLLER_EOJ,
    ECHONET_UDP_PORT,
    ESV,
    NODE_PROFILE_EOJ,
    SMART_METER_EOJ,
    EchonetError,
    Frame,
    Property,
    decode_frame,
    encode_frame,
    get_request,
    infc_response,
    set_request,
)
from hems_desktop.protocol.errors import ProtocolError


def build(tid: int, seoj: int, deoj: int, esv: int, *lists: list[tuple[int, bytes]]) -> bytes:
    """Assemble a frame from the §2.1 layout, independently of encode_frame."""
    out = bytes([0x10, 0x81]) + tid.to_bytes(2, "big") + seoj.to_bytes(3, "big") + deoj.to_bytes(3, "big")
    out += bytes([esv])
    for props in lists:
        out += bytes([len(props)])
        for epc, edt in props:
            out += bytes([epc, len(edt)]) + edt
    return out


def test_constants_from_the_spec() -> None:
    assert ECHONET_UDP_PORT == 3610 == 0x0E1A
    assert (CONTROLLER_EOJ, SMART_METER_EOJ, NODE_PROFILE_EOJ) == (0x05FF01, 0x028801, 0x0EF001)


def test_esv_codes_from_the_spec() -> None:
    # §2.1 (bmqtt ESV.cs)
    expected = {
        "SETI": 0x60, "SETC": 0x61, "GET": 0x62, "INF_REQ": 0x63, "SETGET": 0x6E,
        "SET_RES": 0x71, "GET_RES": 0x72, "INF": 0x73, "INFC": 0x74, "INFC_RES": 0x7A, "SETGET_RES": 0x7E,
        "SETI_SNA": 0x50, "SETC_SNA": 0x51, "GET_SNA": 0x52, "INF_SNA": 0x53, "SETGET_SNA": 0x5E,
    }  # fmt: skip
    assert {esv.name: esv.value for esv in ESV} == expected
    assert {esv for esv in ESV if esv.is_not_possible} == {esv for esv in ESV if esv.name.endswith("_SNA")}
    assert {esv for esv in ESV if esv.has_two_lists} == {ESV.SETGET, ESV.SETGET_RES, ESV.SETGET_SNA}


def test_get_request_matches_captures() -> None:
    # T03 get_req_cmd: 10 81 52 53 05FF01 028801 62 01 E7 00
    assert encode_frame(get_request(0x5253, [0xE7])) == bytes.fromhex("1081525305FF010288016201E700")
    # vkgtaro test/rl7023-stick-d-ips.test.js
    assert encode_frame(get_request(1, [0xE7])) == bytes.fromhex("1081000105FF010288016201E700")
    assert encode_frame(get_request(2, [0xE7, 0xE8, 0xE0])) == build(
        2, 0x05FF01, 0x028801, 0x62, [(0xE7, b""), (0xE8, b""), (0xE0, b"")]
    )


def test_get_response_capture_decodes() -> None:
    frame = decode_frame(bytes.fromhex("1081525302880105FF017201E704000000E4"))  # T03
    assert frame == Frame(0x5253, SMART_METER_EOJ, CONTROLLER_EOJ, ESV.GET_RES, (Property(0xE7, b"\x00\x00\x00\xe4"),))
    assert frame.get(0xE7) == Property(0xE7, bytes.fromhex("000000E4"))
    assert frame.get(0xE8) is None


def test_get_sna_capture_decodes() -> None:
    for epc in (0x83, 0x9C):  # T08
        frame = decode_frame(build(1, 0x028801, 0x05FF01, 0x52, [(epc, b"")]))
        assert frame.esv is ESV.GET_SNA and frame.esv.is_not_possible
        assert frame.properties == (Property(epc, b""),)
    assert decode_frame(bytes.fromhex("1081000102880105FF0152018300")).get(0x83) == Property(0x83)


def test_periodic_ea_eb_inf_capture() -> None:
    # §2.3 / T03: 2023-12-19 00:30:00, EA 0x458E, EB 0x15
    raw = bytes.fromhex("1081000102880105FF017302EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015")
    frame = decode_frame(raw)
    assert (frame.tid, frame.seoj, frame.deoj, frame.esv) == (1, SMART_METER_EOJ, CONTROLLER_EOJ, ESV.INF)
    assert [p.epc for p in frame.properties] == [0xEA, 0xEB]
    assert all(len(p.edt) == 11 for p in frame.properties)
    assert encode_frame(frame) == raw


def test_node_profile_inf_from_transcript_08() -> None:
    payload = bytes.fromhex(python_dict("08")["D5"].split()[-1])
    frame = decode_frame(payload)
    assert (frame.tid, frame.seoj, frame.deoj, frame.esv) == (0, NODE_PROFILE_EOJ, NODE_PROFILE_EOJ, ESV.INF)
    assert frame.properties == (Property(0xD5, bytes.fromhex("01028801")),)


def test_j11_udp_notification_payload_from_transcript_13() -> None:
    """0x6018 frame: header(12) then src IPv6(16) ports(4) PAN(2) type enc RSSI len(2) data (§3)."""
    frames = [frame for direction, frame in j11_frames("13") if direction == "<-"]
    udp = [frame for frame in frames if frame[4:6] == b"\x60\x18"]
    assert len(udp) == 1
    raw = udp[0]
    assert raw[0:4] == bytes.fromhex("D0F9EE5D")  # module -> host unique code
    length = int.from_bytes(raw[6:8], "big")
    data = raw[12:]
    assert length == 4 + len(data)
    assert int.from_bytes(raw[8:10], "big") == sum(raw[0:8]) & 0xFFFF  # header checksum
    assert int.from_bytes(raw[10:12], "big") == sum(data) & 0xFFFF  # data checksum
    assert data[0:2] == b"\xfe\x80"  # link-local source
    assert int.from_bytes(data[16:18], "big") == int.from_bytes(data[18:20], "big") == ECHONET_UDP_PORT
    assert data[24] - 256 == -60  # RSSI C4 = -60 dBm
    size = int.from_bytes(data[25:27], "big")
    payload = data[27:]
    assert len(payload) == size == 0x12
    frame = decode_frame(payload)
    instance_list = Property(0xD5, bytes.fromhex("01028801"))
    assert frame == Frame(0x905B, NODE_PROFILE_EOJ, NODE_PROFILE_EOJ, ESV.INF, (instance_list,))


def test_infc_response() -> None:
    """§2.1: same TID, SEOJ 05FF01, DEOJ 028801, same OPC, each EPC with PDC 0."""
    edt = bytes.fromhex("07EA05140E00000000FE68")  # EA from T08
    infc = decode_frame(build(0x1234, 0x028801, 0x05FF01, 0x74, [(0xEA, edt)]))
    response = infc_response(infc)
    assert encode_frame(response) == build(0x1234, 0x05FF01, 0x028801, 0x7A, [(0xEA, b"")])


def test_set_request() -> None:
    frame = set_request(7, [Property(0xE5, b"\x01")])
    assert encode_frame(frame) == build(7, 0x05FF01, 0x028801, 0x61, [(0xE5, b"\x01")])


def test_setget_two_lists() -> None:
    raw = build(3, 0x05FF01, 0x028801, 0x6E, [(0xE5, b"\x00")], [(0xE7, b""), (0xE8, b"")])
    frame = decode_frame(raw)
    assert frame.set_properties == (Property(0xE5, b"\x00"),)
    assert frame.properties == (Property(0xE7), Property(0xE8))
    assert encode_frame(frame) == raw
    empty = build(3, 0x028801, 0x05FF01, 0x7E, [], [])
    assert decode_frame(empty) == Frame(3, SMART_METER_EOJ, CONTROLLER_EOJ, ESV.SETGET_RES)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "empty"),
        (bytes.fromhex("1081000105FF01028801"), "shorter than the header"),
        (bytes.fromhex("1081000105FF01028801E7"), "no OPC"),
        (bytes.fromhex("1181000105FF010288016201E700"), "EHD1 not 0x10"),
        (bytes.fromhex("1082000105FF010288016201E700"), "EHD2 0x82 is format 2"),
        (bytes.fromhex("1081000105FF010288016F01E700"), "unknown ESV 0x6F"),
        (bytes.fromhex("1081000105FF010288016202E700"), "OPC 2 but one property"),
        (bytes.fromhex("1081000105FF010288016201E7"), "property without PDC"),
        (bytes.fromhex("1081000105FF010288017201E704000000"), "PDC 4 with three bytes"),
        (bytes.fromhex("1081000105FF010288016201E70000"), "trailing byte"),
        (bytes.fromhex("1081000105FF010288016E01E50100"), "SetGet without its get list"),
    ],
)
def test_malformed_frames_raise_echonet_error(raw: bytes, why: str) -> None:
    with pytest.raises(EchonetError):
        decode_frame(raw)
    assert issubclass(EchonetError, ProtocolError)


@pytest.mark.parametrize(
    "frame",
    [
        Frame(0x10000, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET),
        Frame(-1, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET),
        Frame(0, 0x1000000, SMART_METER_EOJ, ESV.GET),
        Frame(0, CONTROLLER_EOJ, -1, ESV.GET),
        Frame(0, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET, (Property(0x100),)),
        Frame(0, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.SETC, (Property(0xE5, bytes(256)),)),
        Frame(0, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET, tuple(Property(0xE7) for _ in range(256))),
        Frame(0, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET, (), (Property(0xE5, b"\x01"),)),
    ],
)
def test_unencodable_frames_raise_echonet_error(frame: Frame) -> None:
    with pytest.raises(EchonetError):
        encode_frame(frame)


def test_limits_encode_and_decode() -> None:
    props = tuple(Property(i, bytes([i]) * 255) for i in range(255))
    frame = Frame(0xFFFF, 0xFFFFFF, 0, ESV.INF, props)
    raw = encode_frame(frame)
    assert len(raw) == 12 + 255 * (2 + 255)
    assert decode_frame(raw) == frame


# ---------------------------------------------------------------- properties

_props = st.lists(
    st.builds(Property, st.integers(0, 0xFF), st.binary(max_size=40) | st.binary(min_size=200, max_size=255)),
    max_size=8,
).map(tuple)


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    esv = draw(st.sampled_from(list(ESV)))
    return Frame(
        tid=draw(st.integers(0, 0xFFFF)),
        seoj=draw(st.integers(0, 0xFFFFFF)),
        deoj=draw(st.integers(0, 0xFFFFFF)),
        esv=esv,
        properties=draw(_props),
        set_properties=draw(_props) if esv.has_two_lists else (),
    )


@settings(max_examples=400, deadline=None)
@given(frames())
def test_encode_decode_round_trip(frame: Frame) -> None:
    raw = encode_frame(frame)
    lists = [frame.set_properties, frame.properties] if frame.esv.has_two_lists else [frame.properties]
    expected = build(frame.tid, frame.seoj, frame.deoj, frame.esv, *([(p.epc, p.edt) for p in ps] for ps in lists))
    assert raw == expected
    assert decode_frame(raw) == frame


@settings(max_examples=200, deadline=None)
@given(frames(), st.integers(1, 20))
def test_truncated_or_extended_frames_are_rejected(frame: Frame, cut: int) -> None:
    raw = encode_frame(frame)
    with pytest.raises(EchonetError):
        decode_frame(raw[: max(0, len(raw) - cut)])
    with pytest.raises(EchonetError):
        decode_frame(raw + bytes(cut))
