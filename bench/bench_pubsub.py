"""Pub/Sub output figures: spool -> real google-cloud-pubsub client -> loopback Publisher server.

    python bench/bench_pubsub.py [--quick]

Prints (asserts nothing):
* write() cost: microseconds per reading spooled (one durable SQLite transaction each);
* throughput: readings per second from the first write() until the server holds them all and
  the spool is empty (a burst: bounded by write()'s fsync);
* drain: readings per second published from a spool that already holds a backlog (what happens
  at start after an outage or a restart);
* added latency per reading at a steady pace: time from write() to the server's receipt,
  median and p95 (includes the client's batching delay, max_latency 10 ms by default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests"))  # the loopback server lives with the tests

from pubsub_server import FakePublisherServer  # noqa: E402

from hems_desktop.reading import Reading  # noqa: E402
from hems_desktop.sinks.cloud import (  # noqa: E402
    PubSubSink,
    encode_message,
    message_attributes,
    ordering_key,
)
from hems_desktop.sinks.spool import Spool  # noqa: E402

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"


def reading(i: int, prefix: str) -> Reading:
    return Reading(T0 + dt.timedelta(seconds=i), 12345.6 + i / 100, 500 + i % 100, 2.5, 1.5,
                   meter_id=METER, reading_id=f"{prefix}-{i}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def throughput(server: FakePublisherServer, folder: Path, count: int) -> None:
    sink = PubSubSink("bench", "readings", spool_path=folder / "burst.sqlite3", grace_seconds=5)
    try:
        start = time.perf_counter()
        for i in range(count):
            sink.write(reading(i, "burst"))
        spooled = time.perf_counter() - start
        if not (server.wait_for(count, 300) and sink.wait_until_empty(300)):
            print("throughput: timed out")
            return
        total = time.perf_counter() - start
    finally:
        sink.close()
    print(f"write():          {1e6 * spooled / count:8.0f} µs per reading spooled ({count} readings, "
          f"{count / spooled:,.0f} writes/s)")
    print(f"throughput:       {count / total:8,.0f} readings/s  spool -> loopback server, end to end "
          f"({server.rpcs} Publish RPCs)")


def drain(server: FakePublisherServer, folder: Path, count: int) -> None:
    path = folder / "backlog.sqlite3"
    spool = Spool(path)
    for i in range(count):
        r = reading(i, "backlog")
        spool.put(r.reading_id, encode_message(r), message_attributes(r, r.reading_id), ordering_key(r))
    spool.close()
    already = len(server.messages)
    start = time.perf_counter()
    sink = PubSubSink("bench", "readings", spool_path=path, grace_seconds=5)
    try:
        done = server.wait_for(already + count, 300) and sink.wait_until_empty(300)
        total = time.perf_counter() - start
    finally:
        sink.close()
    print(f"drain:            {count / total:8,.0f} readings/s  publishing a backlog of {count} spooled readings"
          + ("" if done else " (timed out)"))


def latency(server: FakePublisherServer, folder: Path, count: int, pace_s: float) -> None:
    sink = PubSubSink("bench", "readings", spool_path=folder / "steady.sqlite3", grace_seconds=5)
    already = len(server.messages)
    written: dict[str, float] = {}
    try:
        for i in range(count):
            rid = f"steady-{i}"
            written[rid] = time.perf_counter()
            sink.write(reading(i, "steady"))
            time.sleep(pace_s)
        server.wait_for(already + count, 60)
    finally:
        sink.close()
    delays = [1000 * (m.at - written[m.attributes["reading_id"]]) for m in server.messages[already:]
              if m.attributes["reading_id"] in written]
    print(f"added latency:    median {statistics.median(delays):6.1f} ms, p95 {percentile(delays, 0.95):6.1f} ms, "
          f"max {max(delays):6.1f} ms  (write() -> server receipt, {len(delays)} readings, one per "
          f"{1000 * pace_s:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer readings")
    options = parser.parse_args()
    burst, steady = (1000, 50) if options.quick else (10000, 200)
    with FakePublisherServer() as server, tempfile.TemporaryDirectory() as tmp:
        os.environ["PUBSUB_EMULATOR_HOST"] = server.host
        folder = Path(tmp)
        print(f"google-cloud-pubsub against 127.0.0.1:{server.port}; spool in {folder}")
        throughput(server, folder, burst)
        drain(server, folder, burst)
        latency(server, folder, steady, 0.02)


if __name__ == "__main__":
    main()
