"""Throughput of the J11 stream parser (a plain script, not a test: it prints, it asserts nothing).

    python bench/bench_j11.py [--quick]

Prints frames/s for:
* a session's worth of module output (startup, version, scan results, route-B start, PANA
  result, then per reading a 0x2008 transmit result and a 0x6018 Get_Res), in 64-byte reads
  and in one call;
* 0x6018 datagrams alone, and the same stream with a corrupted frame and text noise between
  every two good frames (the resynchronisation path);
* microseconds per reading: parse 0x2008 + 0x6018 and decode E7, E8 and E0.
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
from hems_desktop.protocol.j11 import J11Parser
from hems_desktop.protocol.j11_messages import (
    PanaResult,
    Response,
    RouteBStarted,
    ScanBeacon,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
    VersionInfo,
)

MAC = "001C6400036E8CF5"
METER = "FE80:0000:0000:0000:021C:6400:036E:8CF5"
READ_SIZE = 64


def reading_payload(tid: int) -> bytes:
    props = (
        Property(meter.EPC_INSTANT_POWER, meter.encode_instant_power(632)),
        Property(meter.EPC_INSTANT_CURRENT, meter.encode_currents(30, 50)),
        Property(meter.EPC_CUMULATIVE_NORMAL, meter.encode_u32(0xFE73)),
    )
    return encode_frame(Frame(tid, SMART_METER_EOJ, CONTROLLER_EOJ, ESV.GET_RES, props))


def datagram(tid: int) -> bytes:
    return UdpReceived(METER, 3610, 3610, 0x8CF5, False, True, -52, reading_payload(tid)).frame()


def transmit_result() -> bytes:
    return TransmitResult(0, 0, bytes.fromhex("1081000105")).frame()


def session(polls: int) -> tuple[bytes, int]:
    frames = [Startup().frame(), VersionInfo(0x0400, 1, 3, 0x158A).frame(), Response(0x5F, 1).frame()]
    frames += [ScanResult(ch).frame() for ch in range(4, 17)]
    frames += [ScanResult(17, (ScanBeacon(MAC, 0x8CF5, -50),)).frame(), Response(0x51, 1).frame()]
    frames += [RouteBStarted(17, 0x8CF5, MAC, -50).frame(), Response(0x05, 1).frame(), Response(0x56, 1).frame()]
    frames += [PanaResult(1, MAC).frame()]
    for tid in range(polls):
        frames += [transmit_result(), datagram(tid & 0xFFFF)]
    return b"".join(frames), len(frames)


def noisy(count: int) -> tuple[bytes, int]:
    """Good datagrams with a frame whose data checksum is wrong and a line of text between pairs."""
    bad = bytearray(datagram(0))
    bad[11] ^= 0x55
    chunks = []
    for tid in range(count):
        chunks.append(datagram(tid))
        if tid % 2:
            chunks += [bytes(bad), b"EVER 1.2.10\r\nOK\r\n"]
    return b"".join(chunks), count


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def feed(wire: bytes, read_size: int) -> int:
    parser = J11Parser()
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

    wire, frames = session(1000 * scale)
    for label, size in ((f"{READ_SIZE}-byte reads", READ_SIZE), ("one call", len(wire))):
        seconds = best_of(repeats, partial(feed, wire, size))
        print(f"session mix, {label:<15}: {frames / seconds:12,.0f} frames/s  ({frames} frames, {len(wire)} bytes)")

    count = 2000 * scale
    stream = b"".join(datagram(tid) for tid in range(count))
    seconds = best_of(repeats, partial(feed, stream, READ_SIZE))
    print(f"0x6018 datagrams only         : {count / seconds:12,.0f} frames/s")
    stream, good = noisy(count)
    seconds = best_of(repeats, partial(feed, stream, READ_SIZE))
    print(f"0x6018 with bad frames + text : {good / seconds:12,.0f} good frames/s")

    readings = 5000 * scale
    pair = transmit_result() + datagram(1)

    def read_many() -> None:
        parser = J11Parser()
        for _ in range(readings):
            received = next(m for m in parser.feed(pair) if isinstance(m, UdpReceived))
            power, currents, energy = decode_frame(received.data).properties
            meter.decode_instant_power(power.edt)
            meter.decode_currents(currents.edt)
            meter.decode_cumulative(energy.edt)

    seconds = best_of(repeats, read_many)
    print(f"one reading (0x2008 + 0x6018 -> E7+E8+E0): {seconds / readings * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
