"""Fuzz the protocol core with random and mutated bytes.

Contracts checked:
* SkStackStreamParser.feed()/flush() never raise, return only SkMessage values, keep
  `pending` bounded, leave nothing pending after flush(), and keep parsing afterwards;
* decode_frame() and every meter decoder raise nothing but ProtocolError (EchonetError);
  a frame that decodes re-encodes to exactly the same bytes.

Mutations start from real transcript lines (tests/fixtures/transcripts)
plus a built-in corpus, so the suite still fuzzes when the transcripts are absent.
Budget: hypothesis tests use fixed max_examples; the seeded loop runs SEEDED_ITERATIONS
(20000) mutated inputs with random.Random(SEED).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transcripts import device_fragments, j11_frames, python_dict, to_wire

from hems_desktop.protocol import meter, meter_release_r
from hems_desktop.protocol.echonet import EchonetError, decode_frame, encode_frame
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.skstack import (
    Address,
    Echo,
    EnergyScan,
    ErxUdp,
    Event,
    Fail,
    Garbage,
    Info,
    Ok,
    PanDescriptor,
    RegisterValue,
    Unknown,
    Version,
)
from hems_desktop.protocol.skstack_parser import MAX_DATALEN, MAX_LINE, SkStackStreamParser, parse_line

SEED = 20260520
SEEDED_ITERATIONS = 20_000
# Longest legal wait: an ERXUDP header (<= 7 + 9 x 48 bytes) plus a hex payload of 2 x MAX_DATALEN and CR;
# any other partial line is cut at MAX_LINE.
PENDING_BOUND = MAX_LINE + 2 * MAX_DATALEN + 512

MESSAGE_TYPES = (
    Ok, Fail, Version, Info, RegisterValue, Address, Event, PanDescriptor, EnergyScan, ErxUdp, Echo, Unknown, Garbage,
)  # fmt: skip

METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
DONGLE = "FE80:0000:0000:0000:021D:1290:0005:747B"

BUILTIN_LINES = [
    b"OK\r\n",
    b"OK 01\r",
    b"FAIL ER04\r\n",
    b"FAIL ER10\r\n",
    b"EVER 1.2.10\r\n",
    b"ESREG 1\r\n",
    b"EINFO " + DONGLE.encode() + b" 001D129000050747B 21 8888 FFFE\r\n",
    b"EINFO FE80:0000:0000:0000:021D:1291:0004:FFFF 001D12910004FFFF 39 9E08 0\r\n",
    b"EVENT 21 " + METER.encode() + b" 0 00\r\n",
    b"EVENT 20 " + DONGLE.encode() + b"\r\nEPANDESC\r\n  Channel:39\r\n  Channel Page:09\r\n  Pan ID:8CF5\r\n"
    b"  Addr:001C6400601421A3\r\n  LQI:DD\r\n  Side:0\r\n  PairID:0194BFAD\r\n",
    b"EVENT 1F " + DONGLE.encode() + b"\r\nEEDSCAN\r\n21 E1 22 FF 23 10\r\n\r\n",
    b"SKSENDTO 1 " + METER.encode() + b" 0E1A 1 0 0012 \r\n",
    b"FE80:0000:0000:0000:021C:6400:03DD:6393\r\n",
    b"ERXUDP " + METER.encode() + b" " + DONGLE.encode()
    + b" 0E1A 0E1A 001C6400601421A3 1 0012 1081000102880105FF017201E70400000278\r\n",
    b"ERXUDP " + METER.encode() + b" " + DONGLE.encode()
    + b" 0E1A 0E1A 001C6400601421A3 C4 1 0 0012 " + bytes.fromhex("1081000102880105FF017201E70400000D0A") + b"\r\n",
    b"ERXUDP " + METER.encode() + b" " + DONGLE.encode()
    + b" 0E1A 0E1A 001C6400601421A3 1 0012 " + bytes.fromhex("1081000102880105FF017201E804001E0D0A") + b"\r\n",
]  # fmt: skip

VALID_FRAMES = [
    bytes.fromhex("1081000102880105FF017201E70400000278"),
    bytes.fromhex("1081000102880105FF0152018300"),
    bytes.fromhex("108100000EF0010EF0017301D50401028801"),
    bytes.fromhex("1081000102880105FF017302EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015"),
    bytes.fromhex("1081000305FF010288016E01E5010002E700E800"),
]


def _binary_erxudp(hex_line: str) -> bytes:
    """A hex (WOPT 01) transcript line re-sent as binary (WOPT 00)."""
    head, _, payload = hex_line.rpartition(" ")
    return head.encode("ascii") + b" " + bytes.fromhex(payload) + b"\r\n"


def _load_corpus() -> list[bytes]:
    corpus = list(BUILTIN_LINES)
    for number in ("05", "10", "11", "15"):
        for fragment in device_fragments(number):
            corpus.append(to_wire(fragment))
            corpus += [to_wire([line]) for line in fragment]
    for line in python_dict("08").values():
        corpus.append(line.encode("ascii") + b"\r\n")
        corpus.append(_binary_erxudp(line))
    for _, frame in j11_frames("13"):
        corpus.append(frame)
        if len(frame) > 30:
            VALID_FRAMES.append(frame[39:])  # the ECHONET payload of the 0x6018 notification
    return corpus


CORPUS = _load_corpus()

# Every meter decoder with the EDT size it expects (None: variable length).
DECODERS: list[tuple[Callable[[bytes], object], int | None]] = [
    (meter.decode_cumulative, 4),
    (lambda edt: meter.decode_cumulative(edt, meter.EPC_CUMULATIVE_REVERSE), 4),
    (meter.decode_instant_power, 4),
    (meter.decode_currents, 4),
    (meter.decode_coefficient, 4),
    (meter.decode_unit, 1),
    (meter.decode_effective_digits, 1),
    (meter.decode_day_history, 194),
    (lambda edt: meter.decode_day_history(edt, meter.EPC_HISTORY1_REVERSE), 194),
    (meter.decode_history_day, 1),
    (meter.decode_fixed_time, 11),
    (lambda edt: meter.decode_fixed_time(edt, meter.EPC_FIXED_TIME_REVERSE), 11),
    (meter.decode_history2, None),
    (meter.decode_history2_setting, 7),
    (meter.decode_operation_status, 1),
    (meter.decode_fault_status, 1),
    (meter.decode_standard_version, 4),
    (meter.decode_maker_code, 3),
    (meter.decode_serial_number, 12),
    (meter.decode_current_time, 2),
    (meter.decode_current_date, 4),
    (meter.decode_property_map, None),
    (meter.decode_instance_list, None),
    (meter_release_r.decode_route_b_number, 16),
    (meter_release_r.decode_one_minute, 15),
    (meter_release_r.decode_history3, None),
    (meter_release_r.decode_history3_setting, 7),
]


# ---------------------------------------------------------------- checkers


def check_parser(pieces: list[bytes], binary_payload: bool | None) -> None:
    parser = SkStackStreamParser(binary_payload)
    for piece in pieces:
        out = parser.feed(piece)
        assert all(isinstance(message, MESSAGE_TYPES) for message in out)
        assert parser.pending <= PENDING_BOUND, f"pending {parser.pending} after {len(piece)} bytes"
    out = parser.flush()
    assert all(isinstance(message, MESSAGE_TYPES) for message in out)
    assert parser.pending == 0
    # Still alive: whatever came before, two good lines later the parser reports them.
    assert parser.feed(b"\r\nOK\r\nOK 01\r\n")[-1] == Ok("01")


def check_frame(data: bytes) -> None:
    try:
        frame = decode_frame(data)
    except EchonetError:
        return
    assert encode_frame(frame) == bytes(data)  # decoding is strict, so the encoding is unique


def check_decoders(edt: bytes) -> None:
    for decoder, _ in DECODERS:
        with contextlib.suppress(ProtocolError):  # anything else propagates and fails the test
            decoder(edt)


def split(data: bytes, rng: random.Random) -> list[bytes]:
    if not data:
        return [data]
    style = rng.randrange(4)
    if style == 0:
        return [data]
    if style == 1:
        return [data[i : i + 1] for i in range(len(data))]
    cuts = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randrange(1, 8)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


_SPECIAL = b"\r\n :0F\x00\xffEK"


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Apply 1-4 random edits: bit flips, special bytes, inserts, deletes, duplicates, splices,
    CR/LF just before a terminator, rewritten 4-digit tokens."""
    buf = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(9)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            index = rng.randrange(len(buf))
            buf[index] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            buf[rng.randrange(len(buf))] = rng.choice(_SPECIAL)
        elif op == 2:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        elif op == 3:
            del buf[pos : pos + rng.randrange(1, 40)]
        elif op == 4 and buf:
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start : start + rng.randrange(1, 60)]
        elif op == 5:
            del buf[pos:]
        elif op == 6:
            buf[pos:pos] = rng.choice(CORPUS)
        elif op == 7:  # turn the byte before a line end into CR or LF (payload/terminator confusion)
            end = bytes(buf).find(b"\r", pos)
            if end > 0:
                buf[end - 1] = rng.choice(b"\r\n")
        else:  # rewrite a 4-hex-digit token (DATALEN, ports) to a random value
            text = bytes(buf)
            index = text.find(b" 00", pos)
            if index >= 0 and index + 5 <= len(buf):
                buf[index + 1 : index + 5] = f"{rng.randrange(0x10000):04X}".encode()
    return bytes(buf)


# ---------------------------------------------------------------- hypothesis

_modes = st.sampled_from([True, False, None])


@st.composite
def chunked(draw: st.DrawFn, data: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=10)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@pytest.mark.timeout(60)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), mode=_modes, chunks=st.data())
def test_parser_random_bytes(data: bytes, mode: bool | None, chunks: st.DataObject) -> None:
    check_parser(chunks.draw(chunked(data)), mode)


@pytest.mark.timeout(60)
@settings(max_examples=400, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    picks=st.lists(st.sampled_from(range(len(CORPUS))), min_size=1, max_size=6),
    noise=st.lists(st.binary(max_size=12), max_size=3),
    mode=_modes,
    chunks=st.data(),
)
def test_parser_mutated_transcript_lines(
    seed: int, picks: list[int], noise: list[bytes], mode: bool | None, chunks: st.DataObject
) -> None:
    rng = random.Random(seed)
    data = b"".join(mutate(CORPUS[i], rng) if rng.random() < 0.7 else CORPUS[i] for i in picks) + b"".join(noise)
    check_parser(chunks.draw(chunked(data)), mode)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_line_never_raises(text: str) -> None:
    assert isinstance(parse_line(text), MESSAGE_TYPES)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=80) | st.sampled_from(VALID_FRAMES).flatmap(lambda f: st.binary(max_size=6).map(f.__add__)))
def test_decode_frame_random_bytes(data: bytes) -> None:
    check_frame(data)


@settings(max_examples=400, deadline=None)
@given(
    frame=st.sampled_from(VALID_FRAMES),
    edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), max_size=4),
)
def test_decode_frame_mutated_frames(frame: bytes, edits: list[tuple[int, int]]) -> None:
    buf = bytearray(frame)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    check_frame(bytes(buf))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=220) | st.sampled_from([1, 2, 3, 4, 7, 11, 12, 17, 194]).flatmap(
    lambda n: st.binary(min_size=n, max_size=n)
))  # fmt: skip
def test_meter_decoders_random_bytes(edt: bytes) -> None:
    check_decoders(edt)


# ---------------------------------------------------------------- deterministic seeded loop


@pytest.mark.timeout(120)
def test_seeded_mutation_loop_20000_iterations() -> None:
    """SEEDED_ITERATIONS = 20000 mutated inputs (random.Random(SEED)) through the parser,
    decode_frame and every meter decoder."""
    rng = random.Random(SEED)
    modes = (True, False, None)
    kinds = {"parser": 0, "frame": 0, "decoders": 0}
    for iteration in range(SEEDED_ITERATIONS):
        kind = iteration % 4
        if kind <= 1:
            data = b"".join(mutate(rng.choice(CORPUS), rng) for _ in range(rng.randrange(1, 4)))
            try:
                check_parser(split(data, rng), modes[iteration % 3])
            except AssertionError as exc:
                raise AssertionError(f"iteration {iteration}: {data!r}") from exc
            kinds["parser"] += 1
        elif kind == 2:
            check_frame(mutate(rng.choice(VALID_FRAMES), rng))
            kinds["frame"] += 1
        else:
            decoder, size = rng.choice(DECODERS)
            length = size if size is not None and rng.random() < 0.7 else rng.randrange(0, 200)
            edt = bytes(rng.randrange(256) for _ in range(length))
            with contextlib.suppress(ProtocolError):
                decoder(edt)
            kinds["decoders"] += 1
    assert sum(kinds.values()) == SEEDED_ITERATIONS
    print(f"seeded fuzz: {SEEDED_ITERATIONS} iterations (seed {SEED}): {kinds}")


# ---------------------------------------------------------------- targeted stress


@pytest.mark.timeout(60)
def test_large_random_stream_stays_bounded() -> None:
    rng = random.Random(SEED + 1)
    blob = bytes(rng.randrange(256) for _ in range(200_000))
    blob = blob.replace(b"\x00", b"ERXUDP ")  # many false ERXUDP starts
    parser = SkStackStreamParser(None)
    for start in range(0, len(blob), 4096):
        parser.feed(blob[start : start + 4096])
        assert parser.pending <= PENDING_BOUND
    parser.flush()
    assert parser.pending == 0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", [True, False, None])
def test_stalled_erxudp_headers_stay_bounded(mode: bool | None) -> None:
    """Headers that announce MAX_DATALEN then never deliver it: memory must not grow."""
    head = f"ERXUDP {METER} {DONGLE} 0E1A 0E1A 001C6400601421A3 1 {MAX_DATALEN:04X} ".encode()
    parser = SkStackStreamParser(mode)
    for _ in range(50):
        parser.feed(head + b"A" * 100)
        assert parser.pending <= PENDING_BOUND
    for _ in range(200):
        parser.feed(b"AB" * 20)
        assert parser.pending <= PENDING_BOUND
    parser.flush()
    assert parser.pending == 0


def test_meter_decoders_exhaustive_one_and_two_byte_inputs() -> None:
    for value in range(256):
        check_decoders(bytes([value]))
    for value in range(0, 65536, 7):
        check_decoders(value.to_bytes(2, "big"))


def test_date_decoders_reject_every_invalid_calendar_value() -> None:
    """All month/day/hour/minute bytes: either a real datetime or EchonetError, never ValueError."""
    rng = random.Random(SEED + 2)
    for _ in range(3000):
        year = rng.choice([0, 1, 2026, 9999, 10000, 65535])
        fields = bytes(rng.choice([0, 1, 12, 13, 23, 24, 28, 29, 30, 31, 32, 59, 60, 255]) for _ in range(5))
        raw = year.to_bytes(2, "big") + fields
        try:
            value = meter.decode_fixed_time(raw + bytes(4))
        except EchonetError:
            continue
        assert isinstance(value.at, dt.datetime) and value.at.year == year


# ---------------------------------------------------------------- whatever the chunking, linear


def parse_all(pieces: list[bytes], mode: bool | None) -> list[object]:
    parser = SkStackStreamParser(mode)
    out: list[object] = []
    for piece in pieces:
        out += parser.feed(piece)
    return out


@pytest.mark.timeout(120)
def test_whole_and_chunked_input_give_the_same_messages() -> None:
    """Differential check: the same bytes fed whole, byte by byte and in random pieces parse alike.

    (flush() is not part of it: it gives up on whatever is incomplete when the line went quiet.)
    """
    rng = random.Random(SEED + 7)
    checks = 0
    for iteration in range(3000):
        data = b"".join(mutate(rng.choice(CORPUS), rng) for _ in range(rng.randrange(1, 4)))
        mode = (True, False, None)[iteration % 3]
        whole = parse_all([data], mode)
        for pieces in ([data[i : i + 1] for i in range(len(data))], split(data, rng), split(data, rng)):
            assert parse_all(pieces, mode) == whole, f"iteration {iteration}, mode {mode}: {data!r}"
            checks += 1
    print(f"whole-vs-chunked: {checks} differential checks")


@pytest.mark.parametrize("terminator", [b"\r", b"\n", b"\r\n", b"OK\r\n", b"x" * 2000])
def test_parser_work_is_linear_in_the_input_whatever_it_holds(terminator: bytes) -> None:
    """No clock: the parser counts the bytes it examines or moves. 100 times the input must
    cost about 100 times the work, also for one large chunk of CR-only or LF-only bytes."""
    costs = []
    for size in (10_000, 1_000_000):
        parser = SkStackStreamParser(None)
        data = (terminator * (size // len(terminator) + 1))[:size]
        parser.feed(data)
        parser.flush()
        costs.append(parser.work / size)
    assert costs[1] <= 1.2 * costs[0] + 1, f"work per byte {costs[0]:.1f} -> {costs[1]:.1f}"
    assert costs[1] < 20  # a constant number of passes over each byte
