"""SKSTACK command builders and the single-hop / dual-stack dialects.

Expected command bytes are the lines the captured transcripts show the host sending (or the
dongle echoing), plus the syntax tables in SKSTACK-ECHONET.md §1.3 and §1.5.
"""

from __future__ import annotations

import pytest
from transcripts import device_fragments, host_lines

from hems_desktop.protocol import dialects
from hems_desktop.protocol.dialects import (
    DUAL_STACK,
    SINGLE_HOP,
    ScanMode,
    detect_dialect,
    mac_to_link_local,
)
from hems_desktop.protocol.echonet import decode_frame
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.skstack import (
    Echo,
    Info,
    Version,
)
from hems_desktop.protocol.skstack_parser import SkStackStreamParser, parse_line


def crlf(text: str) -> bytes:
    return text.encode("ascii") + b"\r\n"


def test_simple_commands() -> None:
    assert dialects.skver() == b"SKVER\r\n"
    assert dialects.skappver() == b"SKAPPVER\r\n"
    assert dialects.skinfo() == b"SKINFO\r\n"
    assert dialects.skreset() == b"SKRESET\r\n"
    assert dialects.skterm() == b"SKTERM\r\n"
    assert dialects.skrejoin() == b"SKREJOIN\r\n"


def test_product_config_commands_use_cr_only() -> None:
    # §1.1: WOPT/ROPT use CR only; 00 = binary, 01 = hex ASCII
    assert dialects.ropt() == b"ROPT\r"
    assert dialects.wopt(hex_payload=True) == b"WOPT 01\r"
    assert dialects.wopt(hex_payload=False) == b"WOPT 00\r"


def test_commands_match_transcript_15_dual_stack_init() -> None:
    (lines,) = device_fragments("15")  # echoed commands (echo on)
    assert crlf(lines[0]) == dialects.skver()
    assert crlf(lines[3]) == dialects.skinfo()
    assert crlf(lines[6]) == dialects.sksetpwd("0123456789AB")
    assert crlf(lines[8]) == dialects.sksetrbid("0123456789ABCDEF0123456789ABCDEF")
    assert crlf(lines[10]) == DUAL_STACK.skscan(ScanMode.ACTIVE_WITH_IE, 6)


def test_commands_match_transcript_11_single_hop_session() -> None:
    (lines,) = device_fragments("11")
    assert crlf(lines[3]) == dialects.sksetrbid("12345678123456781234567812345678")
    assert crlf(lines[7]) == SINGLE_HOP.skscan(ScanMode.ACTIVE_WITH_IE, 6)
    assert crlf(lines[17]) == dialects.sksreg("S2", "39")
    assert crlf(lines[19]) == dialects.sksreg("S3", "9876")
    assert crlf(lines[21]) == dialects.skll64("1234567812345678")
    assert crlf(lines[23]) == dialects.skjoin("FE80:0000:0000:0000:9876:5432:9876:5432")
    # The author typed the length in lowercase ("c"); we send uppercase hex like T15.
    assert dialects.sksetpwd("1234567890ab") == b"SKSETPWD C 1234567890ab\r\n"


def test_skscan_variants() -> None:
    assert SINGLE_HOP.skscan(ScanMode.ENERGY_DETECT, 4) == b"SKSCAN 0 FFFFFFFF 4\r\n"
    assert SINGLE_HOP.skscan(ScanMode.ACTIVE, 7, mask=0x1) == b"SKSCAN 3 00000001 7\r\n"
    # T10: the dual-stack dongle echoes "SKSCAN 2 FFFFFFFF 5 0 " (the client added a trailing space)
    scan_echo = device_fragments("10")[0][1]
    assert DUAL_STACK.skscan(ScanMode.ACTIVE_WITH_IE, 5) == crlf(scan_echo.rstrip())


def test_sksreg_read_form() -> None:
    assert dialects.sksreg("SFE") == b"SKSREG SFE\r\n"
    assert dialects.sksreg("SFE", "0") == b"SKSREG SFE 0\r\n"


def test_dual_stack_sksendto_matches_transcript_10() -> None:
    """T10: the host sent `1 <ip> 0E1A 1 0 0012 (<data>)` and the dongle echoed the header."""
    sent = host_lines("10")[1]
    header, _, rest = sent.partition("(")
    data = bytes.fromhex(rest.rstrip(")"))
    ip = header.split()[1]
    command = DUAL_STACK.sksendto(ip, data, 0x0E1A)
    assert command == b"SKSENDTO " + header.encode("ascii") + data
    assert not command.endswith(b"\r\n")  # no CRLF after the data (§1.5)
    echo = device_fragments("10")[1][0]
    assert command[: -len(data)] == echo.encode("ascii")
    frame = decode_frame(data)  # the library's D5 INF: TID 0100, instance list [05FF01]
    assert frame.tid == 0x0100 and frame.properties[0].edt == bytes.fromhex("0105FF01")


def test_single_hop_sksendto_layout() -> None:
    # §1.5 SE: SKSENDTO <HANDLE> <IPADDR> <PORT4hex> <SEC> <LEN4hex> <DATA>
    ip = "FE80:0000:0000:0000:021C:6400:03CD:76A4"
    data = b"\x10\x81\r\n\x00"
    expected = f"SKSENDTO 1 {ip} 0E1A 1 0005 ".encode() + data
    assert SINGLE_HOP.sksendto(ip, data, 3610) == expected
    assert SINGLE_HOP.sksendto(ip, data, 716, secured=0, handle=2) == f"SKSENDTO 2 {ip} 02CC 0 0005 ".encode() + data


def test_sksendto_echo_parses_back_as_echo() -> None:
    ip = "FE80:0000:0000:0000:021C:6400:036E:8CF5"
    command = DUAL_STACK.sksendto(ip, b"\x00" * 18, 0x0E1A)
    header = command[:-18]
    assert SkStackStreamParser().feed(header + b"\r\n") == [Echo(header.decode().rstrip())]


@pytest.mark.parametrize("password", ["", "short", "0123456789ABC", "0123456789A\t", "0123456789Aé"])
def test_bad_passwords_are_rejected_without_echoing_them(password: str) -> None:
    with pytest.raises(ProtocolError) as info:
        dialects.sksetpwd(password)
    if password:
        assert password not in str(info.value)


@pytest.mark.parametrize("route_b_id", ["", "0" * 31, "0" * 33, "0123456789ABCDEF0123456789ABCDE-", "é" * 32])
def test_bad_route_b_ids_are_rejected(route_b_id: str) -> None:
    with pytest.raises(ProtocolError):
        dialects.sksetrbid(route_b_id)


def test_mac_to_link_local() -> None:
    # §1.3: 001C640003DD6393 -> ...:021C:6400:03DD:6393 (U/L bit flipped) [T02]
    assert mac_to_link_local("001C640003DD6393") == "FE80:0000:0000:0000:021C:6400:03DD:6393"
    # Transcripts 05 and 08: the meter's sender LLA and its MAC field agree the same way.
    assert mac_to_link_local("001C640003CD76A4") == "FE80:0000:0000:0000:021C:6400:03CD:76A4"
    assert mac_to_link_local("001C6400601421A3") == "FE80:0000:0000:0000:021C:6400:6014:21A3"
    # T15's EINFO: the dongle's own address and MAC
    assert mac_to_link_local("001D12910004FFFF") == "FE80:0000:0000:0000:021D:1291:0004:FFFF"


def test_detect_dialect_from_einfo_transcripts() -> None:
    (t11,) = device_fragments("11")
    (t15,) = device_fragments("15")
    single = parse_line(t11[1].rstrip())
    dual = parse_line(t15[4])
    assert isinstance(single, Info) and isinstance(dual, Info)
    assert detect_dialect(single) is SINGLE_HOP
    assert detect_dialect(dual) is DUAL_STACK
    # EINFO wins over the version; BP35A1's 1.2.x firmware is single-hop; 1.5.2 alone is unknown.
    assert detect_dialect(dual, Version("EVER", "1.2.10")) is DUAL_STACK
    assert detect_dialect(None, Version("EVER", "1.2.10")) is SINGLE_HOP
    assert detect_dialect(None, parse_line(t15[1])) is None  # type: ignore[arg-type]
    assert detect_dialect(None) is None


def test_every_dongle_name_forces_its_family() -> None:
    from hems_desktop.device.base import DongleFamily
    from hems_desktop.device.catalog import PRODUCTS, dongle_choices, family_for

    assert family_for("auto") is None
    assert family_for("single-hop") is DongleFamily.SINGLE_HOP
    assert family_for(" Dual-Stack ") is DongleFamily.DUAL_STACK
    assert family_for("j11") is DongleFamily.J11
    # §0: BP35A1 / WSR35A1 / RL7023 IPS are single-hop; BP35C0/C2, RS-WSUHA-P, RL7023 DSS dual-stack;
    # the J11 products speak ROHM's binary protocol (J11.md).
    for product in ("bp35a1", "wsr35a1", "rl7023-ips", "BP35A1"):
        assert family_for(product) is DongleFamily.SINGLE_HOP
    for product in ("bp35c0", "bp35c2", "rs-wsuha-p", "rl7023-dss"):
        assert family_for(product) is DongleFamily.DUAL_STACK
    for product in ("rs-wsuha-j11", "bp35c2-j11", "bp35c0-j11"):
        assert family_for(product) is DongleFamily.J11
    assert {p.family for p in PRODUCTS} == set(DongleFamily)
    assert set(dongle_choices()) >= {"auto", "single-hop", "dual-stack", "j11", *(p.name for p in PRODUCTS)}
    with pytest.raises(ValueError, match="unknown dongle type"):
        family_for("bp99")


def test_dialect_str_and_side_token() -> None:
    assert str(SINGLE_HOP) == "single-hop" and str(DUAL_STACK) == "dual-stack"
    assert not SINGLE_HOP.side_token and DUAL_STACK.side_token
