"""Fuzz material for the J11 parser, shared by tests/test_j11_fuzz.py and bench/fuzz_j11.py.

The corpus is every published frame we hold (transcript 13, ROHM's application note, Tosainu's
parser tests) plus frames our encoders make and the text an SKSTACK dongle would send instead.
`mutate` edits bytes the way a noisy UART or a confused peer would, including edits that keep
the header checksum right (so a lying length field gets past the first check) and edits that
recompute both checksums (so odd data reaches the decoders).
"""

from __future__ import annotations

import random

from j11_fixtures import rohm_frames, tosainu_frames
from transcripts import j11_frames

from hems_desktop.protocol.j11 import J11Parser
from hems_desktop.protocol.j11_codec import HEADER_SIZE, MAX_FRAME, MAX_GARBAGE, MODULE_CODE, Garbage, checksum
from hems_desktop.protocol.j11_messages import (
    ConnectionState,
    J11Message,
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
    UnknownFrame,
    VersionInfo,
)

MESSAGE_TYPES = (
    Response, VersionInfo, ModuleStatus, RouteBStarted, TransmitResult, ModuleError, ScanResult, UdpReceived,
    Startup, ConnectionState, PanaResult, UnknownFrame, Garbage,
)  # fmt: skip
PENDING_BOUND = MAX_FRAME + MAX_GARBAGE  # one frame waiting for its rest, plus junk not yet reported
SENTINEL = PanaResult(1, "001C6400036E8CF5")
METER_IP = "FE80:0000:0000:0000:021C:6400:036E:8CF5"

TEXT_NOISE = [
    b"SKVER\r\n", b"EVER 1.2.10\r\nOK\r\n", b"FAIL ER04\r\n", b"OK 01\r",
    b"ERXUDP FE80:0000:0000:0000:021C:6400:036E:8CF5 FE80:0000:0000:0000:021D:1291:0004:0A5E 0E1A 0E1A "
    b"001C6400036E8CF5 1 0012 1081000102880105FF017201E70400000278\r\n",
]  # fmt: skip


def _module_frames() -> list[bytes]:
    published = [*rohm_frames().values(), *tosainu_frames().values()]
    frames = [f for f in published if f[:4] == MODULE_CODE.to_bytes(4, "big")]
    frames += [frame for direction, frame in j11_frames("13") if direction == "<-"]
    payload = bytes.fromhex("1081000102880105FF017203E70400000278E80400140008E00400012D2C")
    beacon = ScanBeacon("001C6400036E8CF5", 0x8CF5, -50)
    frames += [
        UdpReceived(METER_IP, 3610, 3610, 0x8CF5, False, True, -48, payload).frame(),
        UdpReceived(METER_IP, 3610, 3610, 0x8CF5, False, True, -48, bytes(range(256)) * 4).frame(),
        ScanResult(17, (beacon, beacon)).frame(),
        ConnectionState(4, "001C6400036E8CF5", -70).frame(),
        TransmitResult(0, 5, payload[:5]).frame(),
        Response(0x53, 0x0E).frame(),
        ModuleError(0x2FFF).frame(),
        SENTINEL.frame(),
    ]
    return frames


FRAMES = _module_frames()
CORPUS = FRAMES + TEXT_NOISE


def mutate(data: bytes, rng: random.Random) -> bytes:
    """1-4 random edits; some keep the checksums consistent so the damage goes deeper."""
    buf = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(11)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            buf[rng.randrange(len(buf))] = rng.choice(b"\x00\xff\xd0\xf9\xee\x5d\x20\x60\x0d\x0a")
        elif op == 2:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        elif op == 3:
            del buf[pos : pos + rng.randrange(1, 40)]
        elif op == 4 and buf:
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start : start + rng.randrange(1, 60)]
        elif op == 5:
            del buf[pos:]  # truncated
        elif op == 6:
            buf[pos:pos] = rng.choice(CORPUS)
        elif op == 7:
            buf[pos:pos] = MODULE_CODE.to_bytes(4, "big")  # a false start
        elif op in (8, 9) and len(buf) >= HEADER_SIZE and buf[:4] == MODULE_CODE.to_bytes(4, "big"):
            if op == 8:  # a lying length with a consistent header checksum
                length = rng.choice([0, 3, 4, 5, 0x20, 0x554, 0x555, 0xFFFF, rng.randrange(0x10000)])
                buf[6:8] = length.to_bytes(2, "big")
            else:  # odd data with consistent checksums: reaches the decoders
                for _ in range(rng.randrange(1, 4)):
                    if len(buf) > HEADER_SIZE:
                        buf[rng.randrange(HEADER_SIZE, len(buf))] = rng.randrange(256)
                buf[10:12] = checksum(buf[HEADER_SIZE:]).to_bytes(2, "big")
            buf[8:10] = checksum(buf[:8]).to_bytes(2, "big")
        elif op == 10:
            buf[pos:pos] = rng.choice(TEXT_NOISE)
    return bytes(buf)


def split(data: bytes, rng: random.Random) -> list[bytes]:
    style = rng.randrange(4)
    if style == 0 or not data:
        return [data]
    if style == 1:
        return [data[i : i + 1] for i in range(len(data))]
    cuts = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randrange(1, 8)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


def run_parser(pieces: list[bytes]) -> list[J11Message]:
    """Feed the pieces, then flush; check the contracts on the way. Returns every message."""
    parser = J11Parser()
    out: list[J11Message] = []
    for piece in pieces:
        got = parser.feed(piece)
        assert all(isinstance(message, MESSAGE_TYPES) for message in got), got
        assert parser.pending <= PENDING_BOUND, f"pending {parser.pending} after {len(piece)} bytes"
        out += got
    got = parser.flush()
    assert all(isinstance(message, MESSAGE_TYPES) for message in got)
    assert parser.pending == 0
    out += got
    # Still alive: whatever came before, a good frame afterwards comes out as itself.
    assert parser.feed(SENTINEL.frame()) == [SENTINEL]
    return out
