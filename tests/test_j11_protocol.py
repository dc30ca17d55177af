"""The J11 codec, messages and requests: golden frames, edge cases, round trips.

Expected values come from transcript 13 (a real BP35C0-J11 capture), ROHM's application-note
frames as broute-j11 quotes them, and Tosainu's parser tests (tests/fixtures/j11, each with its
source line), never from our own encoder.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from j11_fixtures import rohm_frames, tosainu_frames
from transcripts import j11_frames

from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.j11 import (
    ALL_CHANNELS_MASK,
    J11Parser,
    decode_module_frame,
    j11_channel,
    skstack_channel,
)
from hems_desktop.protocol.j11_codec import (
    HOST_CODE,
    MAX_DATA,
    MODULE_CODE,
    Garbage,
    J11FrameParser,
    RawFrame,
    encode_frame,
)
from hems_desktop.protocol.j11_messages import (
    Command,
    ConnectionState,
    ModuleError,
    ModuleStatus,
    PanaResult,
    Response,
    RouteBStarted,
    ScanBeacon,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
    VersionInfo,
    result_meaning,
)
from hems_desktop.protocol.j11_requests import (
    InitialSettings,
    PanaAuth,
    ScanRequest,
    TransmitRequest,
    decode_port,
    describe_frame,
    open_udp_port_request,
    simple_request,
)

ROHM = rohm_frames()
NOTE_ID = "00112233445566778899AABBCCDDEEFF"  # the application note's placeholders
NOTE_PASSWORD = "0123456789AB"
NOTE_MAC = "0050C2FFFEDC2822"


def parse_one(frame: bytes) -> object:
    messages = J11Parser().feed(frame)
    assert len(messages) == 1, messages
    return messages[0]


def host_frame(frame: bytes) -> RawFrame:
    (raw,) = J11FrameParser(HOST_CODE).feed(frame)
    assert isinstance(raw, RawFrame)
    return raw


# ---------------------------------------------------------------- transcript 13 (real module)


def test_transcript_13_version_request_is_what_we_build() -> None:
    frames = j11_frames("13")
    sent = [frame for direction, frame in frames if direction == "->"]
    assert sent == [simple_request(Command.GET_VERSION)]


def test_transcript_13_version_response_decodes() -> None:
    received = [frame for direction, frame in j11_frames("13") if direction == "<-"]
    version = parse_one(received[0])
    assert version == VersionInfo(firmware_id=0x0400, major=1, minor=3, revision=0x158A)
    assert str(version) == "0400 1.3.0000158A"


def test_transcript_13_udp_notification_carries_the_meter_d5_inf_with_rssi() -> None:
    received = [frame for direction, frame in j11_frames("13") if direction == "<-"]
    datagram = parse_one(received[1])
    assert isinstance(datagram, UdpReceived)
    assert datagram.sender == "FE80:0000:0000:0000:8EDF:9DFF:FEC1:0F01"
    assert (datagram.source_port, datagram.dest_port, datagram.pan_id) == (3610, 3610, 0xD884)
    assert datagram.multicast and datagram.encrypted
    assert datagram.rssi == -60  # 0xC4
    frame = echonet.decode_frame(datagram.data)
    assert frame.esv == echonet.ESV.INF and frame.properties[0].epc == m.EPC_INSTANCE_LIST
    assert datagram.frame() == received[1]


# ---------------------------------------------------------------- ROHM's application note


@pytest.mark.parametrize(
    ("name", "built"),
    [
        ("reset-request", simple_request(Command.HARDWARE_RESET)),
        ("initial-settings-channel-4", InitialSettings(channel=4).frame()),
        ("pana-auth-request", PanaAuth(NOTE_ID, NOTE_PASSWORD).frame()),
        ("active-scan-request", ScanRequest(6, NOTE_ID[-8:], ALL_CHANNELS_MASK).frame()),
        ("initial-settings-channel-12", InitialSettings(channel=12).frame()),
        ("route-b-start-request", simple_request(Command.START_ROUTE_B)),
        ("open-udp-request", open_udp_port_request(3610)),
        ("pana-start-request", simple_request(Command.START_PANA)),
        (
            "transmit-request",
            TransmitRequest(mac_to_link_local(NOTE_MAC), bytes.fromhex("1081000605FF0102880162 02EA00EB00")).frame(),
        ),
    ],
)
def test_requests_match_the_application_note_byte_for_byte(name: str, built: bytes) -> None:
    assert built == ROHM[name]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("startup-notification", Startup()),
        ("initial-settings-response", Response(Command.INITIAL_SETTINGS, 0x01)),
        ("pana-auth-response", Response(Command.SET_PANA_AUTH, 0x01)),
        ("scan-result-empty", ScanResult(4)),
        ("scan-result-beacon", ScanResult(12, (ScanBeacon(NOTE_MAC, 0xBCDE, -34),))),
        ("active-scan-response", Response(Command.ACTIVE_SCAN, 0x01)),
        ("route-b-start-response", RouteBStarted(12, 0xBCDE, NOTE_MAC, -34)),
        ("open-udp-response", Response(Command.OPEN_UDP_PORT, 0x01)),
        ("pana-start-response", Response(Command.START_PANA, 0x01)),
        ("pana-result", PanaResult(0x01, NOTE_MAC)),
        ("transmit-response", TransmitResult(queue=0, status=0, head=bytes.fromhex("1081000605"))),
    ],
)
def test_module_frames_of_the_application_note_decode(name: str, expected: object) -> None:
    assert parse_one(ROHM[name]) == expected


@pytest.mark.parametrize("name", ["udp-received-inf", "udp-received-get-res"])
def test_application_note_datagrams_come_from_the_meter_link_local_address(name: str) -> None:
    datagram = parse_one(ROHM[name])
    assert isinstance(datagram, UdpReceived)
    # FE80::/64 + the MAC with the U/L bit flipped: the address F20 transmits to.
    assert datagram.sender == mac_to_link_local(NOTE_MAC) == "FE80:0000:0000:0000:0250:C2FF:FEDC:2822"
    assert not datagram.multicast and datagram.encrypted
    frame = echonet.decode_frame(datagram.data)
    assert frame.properties[0].epc == m.EPC_FIXED_TIME_NORMAL


def test_every_module_frame_of_the_sources_re_encodes_to_the_same_bytes() -> None:
    module_frames = [f for f in [*ROHM.values(), *tosainu_frames().values()] if f[:4] == MODULE_CODE.to_bytes(4, "big")]
    assert len(module_frames) >= 15
    for raw in module_frames:
        message = parse_one(raw)
        assert message.frame() == raw  # type: ignore[attr-defined]


def test_tosainu_status_frame_decodes_its_block_states() -> None:
    assert parse_one(tosainu_frames()["status"]) == ModuleStatus(global_state=2, route_b_state=1, han_state=3)


def test_host_frames_of_the_note_decode_back_to_their_fields() -> None:
    assert InitialSettings.decode(host_frame(ROHM["initial-settings-channel-12"]).data) == InitialSettings(12)
    auth = PanaAuth.decode(host_frame(ROHM["pana-auth-request"]).data)
    assert (auth.route_b_id, auth.password) == (NOTE_ID, NOTE_PASSWORD)
    assert ScanRequest.decode(host_frame(ROHM["active-scan-request"]).data) == ScanRequest(6, "CCDDEEFF")
    transmit = TransmitRequest.decode(host_frame(ROHM["transmit-request"]).data)
    assert transmit.dest == mac_to_link_local(NOTE_MAC) and transmit.data[:2] == b"\x10\x81"
    assert decode_port(host_frame(ROHM["open-udp-request"]).data) == 3610


# ---------------------------------------------------------------- channels


def test_channel_mapping_keeps_the_frequency() -> None:
    for j11 in range(4, 18):
        sk = skstack_channel(j11)
        # J11: 922.5 MHz + 400 kHz steps from 4; SKSTACK: 922.5 MHz + 200 kHz steps from 33.
        assert round(922.5 + (j11 - 4) * 0.4, 1) == round(922.5 + (sk - 33) * 0.2, 1)
        assert j11_channel(sk) == j11
    assert (skstack_channel(4), skstack_channel(17)) == (0x21, 0x3B)


@pytest.mark.parametrize("skstack", [0x20, 0x22, 0x3A, 0x3C, 0x3D, 0])
def test_skstack_channels_off_the_400_khz_grid_have_no_j11_channel(skstack: int) -> None:
    with pytest.raises(ValueError, match="no J11 equivalent"):
        j11_channel(skstack)


@pytest.mark.parametrize("j11", [3, 18, 0, 255])
def test_j11_channels_outside_4_to_17_are_refused(j11: int) -> None:
    with pytest.raises(ValueError):
        skstack_channel(j11)


# ---------------------------------------------------------------- masking


def test_description_of_the_credentials_frame_masks_password_and_id() -> None:
    text = describe_frame(ROHM["pana-auth-request"])
    assert NOTE_PASSWORD not in text and NOTE_PASSWORD.encode().hex().upper() not in text
    assert NOTE_ID not in text and NOTE_ID[:28] not in text and NOTE_ID.encode().hex().upper()[:8] not in text
    assert text.endswith("id=" + "*" * 28 + "EEFF password=******** (44 bytes)")


def test_description_of_a_corrupted_credentials_frame_still_masks() -> None:
    raw = bytearray(ROHM["pana-auth-request"])
    raw[11] ^= 0xFF  # bad data checksum
    assert NOTE_PASSWORD not in describe_frame(bytes(raw))
    assert NOTE_PASSWORD not in repr(PanaAuth(NOTE_ID, NOTE_PASSWORD))


def test_description_of_other_frames_names_the_command() -> None:
    assert describe_frame(ROHM["transmit-response"]) == "module 2008 transmit [7] 01001081000605"
    assert describe_frame(b"OK\r\n").startswith("(not a frame)")


def test_credentials_are_checked_without_echoing_them() -> None:
    with pytest.raises(ProtocolError) as raised:
        PanaAuth(NOTE_ID, "short").frame()
    assert "short" not in str(raised.value)


# ---------------------------------------------------------------- stream parser behaviour


def test_parser_resynchronises_after_text_garbage_bad_checksums_and_a_truncated_frame() -> None:
    bad_header = bytearray(ROHM["pana-auth-response"])
    bad_header[9] ^= 1
    bad_data = bytearray(ROHM["open-udp-response"])
    bad_data[-1] ^= 1
    cut = ROHM["udp-received-get-res"][:30]
    stream = (
        b"OK\r\nFAIL ER04\r\n" + ROHM["startup-notification"] + bytes(bad_header) + ROHM["pana-start-response"]
        + bytes(bad_data) + b"\x00\xff\xd0\xf9" + cut + ROHM["pana-result"] + ROHM["transmit-response"]
    )  # fmt: skip
    parser = J11Parser()
    out = parser.feed(stream)
    # The cut 6018 claims 77 bytes: the two frames after it wait inside that claim until the
    # line goes quiet (flush) or enough bytes arrive to prove its data checksum wrong.
    early = [message for message in out if not isinstance(message, Garbage)]
    assert early == [Startup(), Response(Command.START_PANA, 1)]
    out += parser.flush()
    good = [message for message in out if not isinstance(message, Garbage)]
    assert good == [
        Startup(),
        Response(Command.START_PANA, 1),
        PanaResult(1, NOTE_MAC),
        TransmitResult(0, 0, bytes.fromhex("1081000605")),
    ]
    reasons = [message.reason for message in out if isinstance(message, Garbage)]
    assert reasons[0] == "text, not a J11 frame"
    assert "bad header checksum" in reasons and "bad data checksum in 2005" in reasons
    assert any(reason.startswith("truncated frame 6018") for reason in reasons)


def test_a_truncated_frame_is_resolved_without_flush_once_its_claimed_length_has_arrived() -> None:
    parser = J11Parser()
    cut = ROHM["udp-received-get-res"][:30]
    out = parser.feed(cut + ROHM["pana-result"] + ROHM["transmit-response"] + ROHM["pana-start-response"])
    assert [message for message in out if not isinstance(message, Garbage)] == [
        PanaResult(1, NOTE_MAC), TransmitResult(0, 0, bytes.fromhex("1081000605")), Response(Command.START_PANA, 1),
    ]  # fmt: skip
    assert parser.pending == 0


def test_truncated_frame_at_the_end_is_reported_on_flush_only() -> None:
    parser = J11Parser()
    assert parser.feed(ROHM["udp-received-get-res"][:40]) == []
    assert parser.pending == 40
    (garbage,) = parser.flush()
    assert isinstance(garbage, Garbage) and garbage.reason.startswith("truncated frame 6018")
    assert parser.pending == 0
    assert parser.feed(ROHM["pana-result"]) == [PanaResult(1, NOTE_MAC)]


def test_a_frame_split_at_every_byte_comes_out_once() -> None:
    parser = J11Parser()
    out: list[object] = []
    for byte in ROHM["udp-received-get-res"]:
        out += parser.feed(bytes([byte]))
    assert out == [parser_free_decode(ROHM["udp-received-get-res"])]


def parser_free_decode(raw: bytes) -> object:
    return decode_module_frame(RawFrame(MODULE_CODE, int.from_bytes(raw[4:6], "big"), raw[12:]))


def test_host_frames_are_garbage_to_the_host_parser_and_the_reverse() -> None:
    host_side = J11Parser()
    (garbage,) = host_side.feed(ROHM["reset-request"]) + host_side.flush()
    assert isinstance(garbage, Garbage) and garbage.raw == ROHM["reset-request"]
    module_side = J11FrameParser(HOST_CODE)
    items = module_side.feed(ROHM["startup-notification"]) + module_side.flush()
    assert items and all(isinstance(item, Garbage) for item in items)


def test_malformed_data_for_a_known_command_is_garbage_not_an_exception() -> None:
    short_pana = encode_frame(MODULE_CODE, 0x6028, b"\x01\x00")
    (garbage,) = J11Parser().feed(short_pana)
    assert isinstance(garbage, Garbage) and "malformed 6028" in garbage.reason
    wrong_size = encode_frame(MODULE_CODE, 0x6018, bytes(27) + b"\x00")
    assert isinstance(J11Parser().feed(wrong_size)[0], Garbage)


def test_failed_responses_carry_the_table_34_meaning() -> None:
    (refused,) = J11Parser().feed(encode_frame(MODULE_CODE, 0x2053, b"\x0e"))
    assert refused == Response(Command.START_ROUTE_B, 0x0E)
    assert isinstance(refused, Response) and not refused.ok and "association" in refused.meaning
    assert result_meaning(0x99) == "unknown result 99"
    (error,) = J11Parser().feed(encode_frame(MODULE_CODE, 0xFFFF, b""))
    assert isinstance(error, ModuleError) and error.meaning == "invalid command code"


def test_impossible_lengths_and_oversized_data_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_frame(HOST_CODE, 0x0008, bytes(MAX_DATA + 1))
    header = MODULE_CODE.to_bytes(4, "big") + b"\x60\x18\x00\x02"
    bogus = header + (sum(header) & 0xFFFF).to_bytes(2, "big") + b"\x00\x00"
    out = J11Parser().feed(bogus + ROHM["startup-notification"])
    assert isinstance(out[0], Garbage) and "impossible message length 2" in out[0].reason
    assert out[-1] == Startup()


# ---------------------------------------------------------------- hypothesis round trips

_macs = st.binary(min_size=8, max_size=8).map(lambda b: b.hex().upper())
_rssi = st.integers(-128, -1)
_u16 = st.integers(0, 0xFFFF)
_ipv6 = st.binary(min_size=16, max_size=16).map(lambda b: ":".join(b.hex().upper()[i : i + 4] for i in range(0, 32, 4)))

_module_messages = st.one_of(
    st.builds(VersionInfo, _u16, st.integers(0, 255), st.integers(0, 255), st.integers(0, 2**32 - 1)),
    st.builds(ModuleStatus, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)),
    st.builds(RouteBStarted, st.integers(4, 17), _u16, _macs, _rssi),
    st.builds(TransmitResult, st.integers(0, 15), st.integers(0, 15), st.binary(max_size=5)),
    st.builds(Response, st.sampled_from(list(Command)), st.integers(2, 255), st.binary(max_size=20)),
    st.builds(ScanResult, st.integers(4, 17), st.lists(st.builds(ScanBeacon, _macs, _u16, _rssi), max_size=4).map(
        tuple)),
    st.builds(UdpReceived, _ipv6, _u16, _u16, _u16, st.booleans(), st.booleans(), _rssi, st.binary(max_size=300)),
    st.builds(ConnectionState, st.integers(1, 4), _macs, _rssi),
    st.builds(PanaResult, st.integers(1, 3), _macs),
    st.just(Startup()),
)


@settings(max_examples=400, deadline=None)
@given(_module_messages)
def test_module_messages_round_trip(message: object) -> None:
    assert J11Parser().feed(message.frame()) == [message]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(
    settings_=st.builds(InitialSettings, st.integers(4, 17), st.integers(0, 255), st.booleans(), st.integers(0, 2)),
    scan=st.builds(
        ScanRequest, st.integers(1, 14),
        st.none() | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=8),
        st.integers(0, 2**32 - 1),
    ),
    transmit=st.builds(TransmitRequest, _ipv6, st.binary(min_size=1, max_size=1232), _u16, _u16),
)  # fmt: skip
def test_requests_round_trip(settings_: InitialSettings, scan: ScanRequest, transmit: TransmitRequest) -> None:
    assert InitialSettings.decode(host_frame(settings_.frame()).data) == settings_
    assert ScanRequest.decode(host_frame(scan.frame()).data) == scan
    assert TransmitRequest.decode(host_frame(transmit.frame()).data) == transmit


def test_scan_without_pairing_id_sends_no_id_bytes_and_broute_j11_padding_is_accepted() -> None:
    frame = host_frame(ScanRequest(6).frame())
    assert frame.data == bytes.fromhex("060003FFF000")
    assert ScanRequest.decode(frame.data + bytes(8)) == ScanRequest(6)
