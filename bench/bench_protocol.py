"""Throughput of the pure protocol core (a plain script, not a test: it prints, it asserts nothing).

    python bench/bench_protocol.py [--quick]

Prints:
* lines/s for SkStackStreamParser on a realistic mix (echoes, OK, EVENTs, a scan with
  EPANDESC, hex ERXUDP replies, CR-only ROPT status), fed in 64-byte serial-sized reads;
* ERXUDP frames/s, hex (WOPT 01) and binary (WOPT 00);
* ECHONET frames/s for decode_frame + decoding E7, E8 and E0;
* microseconds per "reading": parse one ERXUDP carrying an E7+E8+E0 Get_Res and decode all three.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from hems_desktop.protocol import meter
from hems_desktop.protocol.echonet import (
    CONTROLLER_EOJ,
    ESV,
    SMART_METER_EOJ,
    Frame,
    Property,
    decode_frame,
    encode_frame,
)
from hems_desktop.protocol.skstack import (
    ErxUdp,
)
from hems_desktop.protocol.skstack_parser import SkStackStreamParser

METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
DONGLE = "FE80:0000:0000:0000:021D:1290:0005:747B"
MAC = "001C6400601421A3"
READ_SIZE = 64  # a typical serial read


def reading_payload(tid: int) -> bytes:
    """A Get_Res with E7 (632 W), E8 (3.0 A / 5.0 A) and E0 (0xFE73), as the meter in transcript 08 answers."""
    return encode_frame(
        Frame(
            tid,
            SMART_METER_EOJ,
            CONTROLLER_EOJ,
            ESV.GET_RES,
            (
                Property(meter.EPC_INSTANT_POWER, meter.encode_instant_power(632)),
                Property(meter.EPC_INSTANT_CURRENT, meter.encode_currents(30, 50)),
                Property(meter.EPC_CUMULATIVE_NORMAL, meter.encode_u32(0xFE73)),
            ),
        )
    )


def erxudp(payload: bytes, hex_payload: bool) -> bytes:
    head = f"ERXUDP {METER} {DONGLE} 0E1A 0E1A {MAC} 1 {len(payload):04X} ".encode()
    return head + (payload.hex().upper().encode() if hex_payload else payload) + b"\r\n"


def realistic_mix(polls: int) -> tuple[bytes, int]:
    """A session's worth of dongle output; returns the bytes and the number of lines in them."""
    lines = [
        b"SKVER", b"EVER 1.2.10", b"OK", b"SKINFO",
        f"EINFO {DONGLE} 001D129000050747 21 8888 FFFE".encode(), b"OK",
        b"SKSCAN 2 FFFFFFFF 6", b"OK", f"EVENT 20 {DONGLE}".encode(), b"EPANDESC", b"  Channel:21",
        b"  Channel Page:09", b"  Pan ID:8CF5", f"  Addr:{MAC}".encode(), b"  LQI:DD", b"  PairID:0194BFAD",
        f"EVENT 22 {DONGLE}".encode(), f"SKLL64 {MAC}".encode(), METER.encode(), f"SKJOIN {METER}".encode(),
        b"OK", f"EVENT 21 {METER} 02".encode(), f"EVENT 02 {METER}".encode(), f"EVENT 25 {METER}".encode(),
    ]  # fmt: skip
    wire = b"ROPT\r\nOK 01\r" + b"".join(line + b"\r\n" for line in lines)
    count = 2 + len(lines)
    for tid in range(polls):
        wire += f"SKSENDTO 1 {METER} 0E1A 1 0011 \r\n".encode()
        wire += f"EVENT 21 {METER} 00\r\nOK\r\n".encode()
        wire += erxudp(reading_payload(tid & 0xFFFF), hex_payload=True)
        count += 4
    return wire, count


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def feed_in_reads(wire: bytes, binary_payload: bool | None, read_size: int = READ_SIZE) -> int:
    """A fresh parser fed `wire` in reads of `read_size` bytes; returns the message count."""
    parser = SkStackStreamParser(binary_payload)
    count = 0
    for start in range(0, len(wire), read_size):
        count += len(parser.feed(wire[start : start + read_size]))
    return count + len(parser.flush())


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="fewer iterations (smoke run)")
    args = options.parse_args()
    scale = 1 if args.quick else 5
    repeats = 3 if args.quick else 5
    print(f"Python {sys.version.split()[0]}, best of {repeats} runs, {READ_SIZE}-byte reads unless noted")

    # 1. realistic mix
    wire, lines = realistic_mix(200 * scale)
    seconds = best_of(repeats, partial(feed_in_reads, wire, None))
    print(f"stream parser, realistic mix : {lines / seconds:12,.0f} lines/s  ({lines} lines, {len(wire)} bytes)")
    seconds = best_of(repeats, partial(feed_in_reads, wire, None, len(wire)))
    print(f"  same, fed in one call      : {lines / seconds:12,.0f} lines/s")

    # 2. ERXUDP frames
    frames = 500 * scale
    payload = reading_payload(1)
    for label, hex_payload, mode in (
        ("hex   (WOPT 01)", True, False),
        ("hex   auto-detect", True, None),
        ("binary(WOPT 00)", False, True),
        ("binary auto-detect", False, None),
    ):
        stream = erxudp(payload, hex_payload) * frames
        seconds = best_of(repeats, partial(feed_in_reads, stream, mode))
        print(f"ERXUDP {label:<18}: {frames / seconds:12,.0f} frames/s")

    # 3. ECHONET decode + property decoders
    count = 5000 * scale
    payloads = [reading_payload(tid) for tid in range(256)]

    def decode_many() -> None:
        for index in range(count):
            frame = decode_frame(payloads[index & 0xFF])
            power, currents, energy = frame.properties
            meter.decode_instant_power(power.edt)
            meter.decode_currents(currents.edt)
            meter.decode_cumulative(energy.edt)

    seconds = best_of(repeats, decode_many)
    print(f"ECHONET decode_frame + E7/E8/E0 : {count / seconds:12,.0f} frames/s")

    # 4. one reading end to end
    readings = 5000 * scale
    for label, hex_payload, mode in (("hex", True, False), ("bin", False, True)):
        line = erxudp(payload, hex_payload)

        def read_many(line: bytes = line, mode: bool = mode) -> None:
            parser = SkStackStreamParser(mode)
            for _ in range(readings):
                data = next(m.data for m in parser.feed(line) if isinstance(m, ErxUdp))
                power, currents, energy = decode_frame(data).properties
                meter.decode_instant_power(power.edt)
                meter.decode_currents(currents.edt)
                meter.decode_cumulative(energy.edt)

        seconds = best_of(repeats, read_many)
        print(f"one reading (ERXUDP {label} -> E7+E8+E0): {seconds / readings * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
