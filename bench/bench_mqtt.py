"""MQTT output figures: spool -> paho-mqtt -> a real mosquitto on loopback -> a subscribed client.

    python bench/bench_mqtt.py [--quick]

Prints (asserts nothing):
* write() cost: microseconds per reading spooled (one durable SQLite transaction each);
* throughput: readings per second from the first write() until the subscriber holds them all
  and the spool is empty (a burst: bounded by write()'s fsync);
* drain: readings per second delivered from a spool that already holds a backlog (what happens
  when the broker comes back after an outage, or at start after a restart);
* added latency per reading at a steady pace: time from write() to the message arriving at a
  subscribed client, median and p95.
Needs mosquitto (Debian package) and the mqtt extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests"))  # the broker helper lives with the tests

from mosquitto import Mosquitto, Recorder  # noqa: E402

from hems_desktop.reading import Reading  # noqa: E402
from hems_desktop.sinks.mqtt import MqttSink, state_payload  # noqa: E402
from hems_desktop.sinks.spool import Spool  # noqa: E402

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
STATE = "hems/021c6400601421a3/state"


def reading(i: int, prefix: str) -> Reading:
    return Reading(T0 + dt.timedelta(seconds=i), 12345.6 + i / 100, 500 + i % 100, 2.5, 1.5,
                   meter_id=METER, reading_id=f"{prefix}-{i}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def received(subscriber: Recorder, prefix: str) -> list[tuple[str, float]]:
    """(reading_id, receipt time) of this phase's readings, in arrival order."""
    found = []
    for message in subscriber.on(STATE):
        rid = json.loads(message.payload)["reading_id"]
        if rid.startswith(prefix + "-"):
            found.append((rid, message.at))
    return found


def wait_for(subscriber: Recorder, already: int, count: int, timeout: float) -> bool:
    """Until `count` state messages arrived after the first `already` (counting only: cheap to poll)."""
    deadline = time.monotonic() + timeout
    while len(subscriber.on(STATE)) < already + count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def throughput(broker: Mosquitto, subscriber: Recorder, folder: Path, count: int) -> None:
    already = len(subscriber.on(STATE))
    sink = MqttSink(broker.url, client_id="bench-burst", spool_path=folder / "burst.sqlite3", grace_seconds=5)
    try:
        start = time.perf_counter()
        for i in range(count):
            sink.write(reading(i, "burst"))
        spooled = time.perf_counter() - start
        if not (wait_for(subscriber, already, count, 300) and sink.wait_until_empty(300)):
            print("throughput: timed out")
            return
        total = time.perf_counter() - start
    finally:
        sink.close()
    print(f"write():          {1e6 * spooled / count:8.0f} µs per reading spooled ({count} readings, "
          f"{count / spooled:,.0f} writes/s)")
    print(f"throughput:       {count / total:8,.0f} readings/s  spool -> mosquitto -> subscriber, end to end")


def drain(broker: Mosquitto, subscriber: Recorder, folder: Path, count: int) -> None:
    path = folder / "backlog.sqlite3"
    spool = Spool(path, label="MQTT")
    for i in range(count):
        r = reading(i, "backlog")
        spool.put(r.reading_id, state_payload(r, r.reading_id), {"meter_id": METER}, METER)
    spool.close()
    already = len(subscriber.on(STATE))
    start = time.perf_counter()
    sink = MqttSink(broker.url, client_id="bench-drain", spool_path=path, grace_seconds=5)
    try:
        done = wait_for(subscriber, already, count, 300) and sink.wait_until_empty(300)
        total = time.perf_counter() - start
    finally:
        sink.close()
    ids = [rid for rid, _ in received(subscriber, "backlog")]
    in_order = ids == [f"backlog-{i}" for i in range(count)]
    print(f"drain:            {count / total:8,.0f} readings/s  delivering a backlog of {count} spooled readings "
          f"(in order: {in_order})" + ("" if done else " (timed out)"))


def latency(broker: Mosquitto, subscriber: Recorder, folder: Path, count: int, pace_s: float) -> None:
    sink = MqttSink(broker.url, client_id="bench-steady", spool_path=folder / "steady.sqlite3", grace_seconds=5)
    written: dict[str, float] = {}
    already = len(subscriber.on(STATE))
    try:
        for i in range(count):
            written[f"steady-{i}"] = time.perf_counter()
            sink.write(reading(i, "steady"))
            time.sleep(pace_s)
        wait_for(subscriber, already, count, 60)
    finally:
        sink.close()
    delays = [1000 * (at - written[rid]) for rid, at in received(subscriber, "steady")]
    print(f"added latency:    median {statistics.median(delays):6.1f} ms, p95 {percentile(delays, 0.95):6.1f} ms, "
          f"max {max(delays):6.1f} ms  (write() -> subscriber, {len(delays)} readings, one per "
          f"{1000 * pace_s:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer readings")
    options = parser.parse_args()
    burst, steady = (1000, 50) if options.quick else (10000, 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Mosquitto(folder / "broker") as broker:
            subscriber = Recorder(broker, topic_filter=STATE).connect()
            try:
                print(f"paho-mqtt -> mosquitto on 127.0.0.1:{broker.port}; spool in {folder}")
                throughput(broker, subscriber, folder, burst)
                drain(broker, subscriber, folder, burst)
                latency(broker, subscriber, folder, steady, 0.02)
            finally:
                subscriber.disconnect()


if __name__ == "__main__":
    main()
