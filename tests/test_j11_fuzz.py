"""Fuzz the J11 stream parser: random bytes, mutated real frames, chunking, and its work per byte.

Contracts checked (tests/j11_mutations.run_parser): feed()/flush() never raise and return only
J11 message types; `pending` stays under one frame plus one garbage chunk; nothing is pending
after flush(); the parser still works afterwards. And: the output does not depend on how the
bytes were chunked; a valid frame between noise without unique codes is always found; the
parser's work (bytes it examined, counted by the parser, no clock) grows linearly with the input.
Budget: hypothesis tests use fixed max_examples; the seeded loop runs 20,000 inputs
(bench/fuzz_j11.py runs a million).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from j11_mutations import CORPUS, FRAMES, mutate, run_parser, split

from hems_desktop.protocol.j11 import J11Parser
from hems_desktop.protocol.j11_codec import MAX_FRAME, MODULE_CODE, Garbage, checksum

SEED = 20260521
SEEDED_ITERATIONS = 20_000
CODE = MODULE_CODE.to_bytes(4, "big")


@st.composite
def chunked(draw: st.DrawFn, data: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@pytest.mark.timeout(60)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4000), chunks=st.data())
def test_random_bytes(data: bytes, chunks: st.DataObject) -> None:
    run_parser(chunks.draw(chunked(data)))


@pytest.mark.timeout(60)
@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), picks=st.lists(st.integers(0, len(CORPUS) - 1), min_size=1, max_size=6))
def test_mutated_frames_whole_and_chunked_give_the_same_messages(seed: int, picks: list[int]) -> None:
    rng = random.Random(seed)
    data = b"".join(mutate(CORPUS[i], rng) if rng.random() < 0.7 else CORPUS[i] for i in picks)
    whole = run_parser([data])
    assert run_parser(split(data, rng)) == whole
    assert run_parser([data[i : i + 1] for i in range(len(data))]) == whole


@settings(max_examples=300, deadline=None)
@given(
    frame=st.sampled_from(FRAMES),
    before=st.binary(max_size=300).filter(lambda b: CODE not in b),
    after=st.binary(max_size=300).filter(lambda b: CODE not in b),
    chunks=st.data(),
)
def test_a_valid_frame_between_noise_is_always_found(
    frame: bytes, before: bytes, after: bytes, chunks: st.DataObject
) -> None:
    data = before + frame + after
    if CODE in data.replace(frame, b""):
        return  # the noise and the frame edges formed a unique code of their own
    messages = run_parser(chunks.draw(chunked(data)))
    expected = J11Parser().feed(frame)
    assert expected[0] in [m for m in messages if not isinstance(m, Garbage)]


@pytest.mark.timeout(120)
def test_seeded_mutation_loop_20000_inputs() -> None:
    rng = random.Random(SEED)
    kinds = {"mutated": 0, "random": 0, "differential": 0}
    for iteration in range(SEEDED_ITERATIONS):
        if iteration % 3 == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))
            kinds["random"] += 1
        else:
            data = b"".join(mutate(rng.choice(CORPUS), rng) for _ in range(rng.randrange(1, 4)))
            kinds["mutated"] += 1
        try:
            whole = run_parser([data])
            if iteration % 10 == 0:
                assert run_parser(split(data, rng)) == whole
                kinds["differential"] += 1
        except AssertionError as exc:
            raise AssertionError(f"iteration {iteration}: {data.hex()}") from exc
    assert kinds["random"] + kinds["mutated"] == SEEDED_ITERATIONS


# ---------------------------------------------------------------- work grows linearly


def _false_headers(count: int) -> bytes:
    """Worst case we know: valid headers every 12 bytes, each claiming the longest frame, none
    with a right data checksum: every byte is summed again for each candidate that covers it."""
    header = CODE + b"\x60\x18" + (MAX_FRAME - 8).to_bytes(2, "big")
    unit = header + checksum(header).to_bytes(2, "big") + b"\x00\x01"
    return unit * count


def _bad_header_codes(count: int) -> bytes:
    return (CODE + b"\x20\x08\x00\x05\x00\x00\x00\x00") * count


def _mixed(count: int) -> bytes:
    rng = random.Random(SEED + 7)
    return b"".join(mutate(rng.choice(CORPUS), rng) for _ in range(count))


def _work(data: bytes, read_size: int | None) -> int:
    parser = J11Parser()
    step = read_size or len(data)
    for start in range(0, len(data), step):
        parser.feed(data[start : start + step])
    parser.flush()
    return parser.work


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "make", [_false_headers, _bad_header_codes, _mixed], ids=["false-headers", "bad-headers", "mixed"]
)
@pytest.mark.parametrize("read_size", [None, 1, 64])
def test_parser_work_is_linear_in_the_input(make: object, read_size: int | None) -> None:
    small = make(2000)  # type: ignore[operator]
    large = make(8000)  # type: ignore[operator]
    work_small, work_large = _work(small, read_size), _work(large, read_size)
    per_byte_small, per_byte_large = work_small / len(small), work_large / len(large)
    # The same work per byte at 4x the size (not 4x the work per byte, as a quadratic parser would do)...
    assert per_byte_large <= per_byte_small * 1.15 + 1
    # ...and bounded by the longest frame: a byte is summed once per candidate covering it.
    assert per_byte_large <= MAX_FRAME / 12 + 40
