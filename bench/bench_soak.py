"""Soak: every fault kind, one at a time and then all at once, through every output; kill -9 and
port loss at random moments. Prints figures; asserts nothing. About 10 minutes (`--quick`: ~3).

Per phase it prints the slots of the schedule, the readings taken and the slots reported missed
(a slot neither read nor reported is "unaccounted": lost), duplicates, whether every output holds
the same readings, the longest gap between readings, the recovery time after the fault, the stop
time, and at the end RSS and open files at start and end, and every traceback seen.

Real parts: the emulator on a real pty, the real session and collector, real files in every
format, SQLite, the real Pub/Sub client over loopback gRPC (tests/pubsub_server.py) and a real
mosquitto (tests/mosquitto.py). The emulator's clock starts 40 s before a JST midnight, so the
meter's :00/:30 notices and a day rollover happen during the soak (its --speed shortens only the
dongle's and meter's delays, never the collector's timeouts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import itertools

from mosquitto import Mosquitto, Recorder
from pubsub_server import FakePublisherServer

from hems_desktop.collector import Collector, FixedTimeReading, ReadingTaken, SlotMissed
from hems_desktop.collector.loop import MISSED_LISTED
from hems_desktop.emulator import Emulator, EmulatorConfig
from hems_desktop.history import HistoryStore
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig
from hems_desktop.sinks.cloud import PubSubSink
from hems_desktop.sinks.file import FileSink
from hems_desktop.sinks.history import HistorySink
from hems_desktop.sinks.mqtt import MqttSink
from hems_desktop.sinks.stdout import StdoutSink
from hems_desktop.timebase import JST

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "SOAKPASSWD12"
SPEED = 100.0
INTERVAL_S = 0.5


@dataclass
class Phase:
    name: str
    arm: Callable[[Emulator], None]
    seconds: float
    outage_s: float = 0.0  # slots inside this are allowed to be missed


@dataclass
class Result:
    name: str
    slots: int = 0
    readings: int = 0
    missed: int = 0
    duplicates: int = 0
    outputs_agree: bool = True
    longest_gap_s: float = 0.0
    recovery_s: float | None = None
    stop_s: float = 0.0
    notices: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def unaccounted(self) -> int:
        return max(0, self.slots - self.readings - self.missed)


class Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.seen.append(f"{record.name}: {record.getMessage()[:200]}")


def counter(emulator: Emulator, name: str, value: int) -> Callable[[Emulator], None]:
    return lambda emu: setattr(emu.faults, name, getattr(emu.faults, name) + value)


def phases(quick: bool) -> list[Phase]:
    unit = 8.0 if quick else 20.0

    def reconnecting(name: str, value: int) -> Callable[[Emulator], None]:
        def arm(emu: Emulator) -> None:  # faults that fire on connect: make the collector reconnect
            setattr(emu.faults, name, value)
            emu.end_session()

        return arm

    single = [
        Phase("drop-response", lambda e: counter(e, "drop_responses", 3)(e), unit, outage_s=3.5),
        Phase("delay-response", lambda e: counter(e, "delayed_responses", 3)(e), unit),
        Phase("stale-response", lambda e: counter(e, "stale_responses", 5)(e), unit),
        Phase("garbage", lambda e: counter(e, "garbage_lines", 10)(e), unit),
        Phase("truncated", lambda e: counter(e, "truncated_lines", 5)(e), unit),
        Phase("fail-er10", lambda e: counter(e, "fail_er10", 5)(e), unit),
        Phase("send-fail", lambda e: counter(e, "send_failures", 5)(e), unit),
        Phase("join-fail", reconnecting("join_failures", 1), unit, outage_s=2.0),
        Phase("no-beacon", reconnecting("no_beacon_scans", 1), unit, outage_s=2.0),
        Phase("session-expire", lambda e: e.expire_session(True), unit, outage_s=1.0),
        Phase("reauth-fail", lambda e: e.expire_session(False), unit, outage_s=5.5),
        Phase("session-end", lambda e: e.end_session(), unit, outage_s=2.0),
        Phase("tx-limit", lambda e: e.set_tx_limit(3.0 * SPEED), unit, outage_s=3.5),
        Phase("unplug", lambda e: e.unplug(3.0), unit, outage_s=5.0),
    ]

    def everything(emu: Emulator) -> None:
        for phase in single:
            if phase.name not in ("unplug", "session-end", "reauth-fail", "join-fail", "no-beacon"):
                phase.arm(emu)
        emu.schedule(2.0, emu.end_session)
        emu.schedule(5.0, lambda: emu.expire_session(True))
        emu.schedule(8.0, lambda: emu.unplug(2.0))

    combined = [Phase(f"all combined, round {n}", everything, unit * 2, outage_s=8.0) for n in (1, 2)]
    return single + combined


class Outputs:
    """Every output at once; what each holds is checked against the readings taken."""

    def __init__(self, folder: Path, pubsub: FakePublisherServer, broker: Mosquitto) -> None:
        self.folder = folder
        self.pubsub = pubsub
        self.broker = broker
        self.history_path = folder / "history.sqlite3"
        self.stdout_path = folder / "stdout.jsonl"
        self.recorder = Recorder(broker, topic_filter="hems/+/state", persistent=True,
                                 client_id="soak-recorder").connect()

    def sinks(self) -> tuple[list[Any], Any]:
        stream = open(self.stdout_path, "a", encoding="utf-8")  # noqa: SIM115
        history = HistoryStore(self.history_path)
        sinks: list[Any] = [
            StdoutSink("json", stream),
            *(FileSink(self.folder / f"out.{fmt}", fmt) for fmt in ("json", "yaml", "csv")),
            HistorySink(history),
            PubSubSink("soak", "hems", spool_path=self.folder / "pubsub.sqlite3", grace_seconds=10),
            MqttSink(self.broker.url, spool_path=self.folder / "mqtt.sqlite3", grace_seconds=10,
                     client_id="soak-collector"),
        ]
        return sinks, (stream, history)

    def held(self) -> dict[str, list[int]]:
        """The reading times each output holds (unix milliseconds, in order)."""
        import csv

        import yaml

        found: dict[str, list[int]] = {}
        found["stdout"] = [ms(json.loads(line)["timestamp"]) for line in self.stdout_path.read_text().splitlines()]
        found["json"] = [ms(json.loads(line)["timestamp"])
                         for line in (self.folder / "out.json").read_text().splitlines()]
        found["yaml"] = [ms(d["timestamp"]) for d in yaml.safe_load_all((self.folder / "out.yaml").read_text())]
        with open(self.folder / "out.csv", newline="", encoding="utf-8") as handle:
            found["csv"] = [ms(row["timestamp"]) for row in csv.DictReader(handle)]
        store = HistoryStore(self.history_path, readonly=True)
        try:
            meter = store.meters()[0]
            far = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
            found["history"] = [ms(r.timestamp.isoformat()) for r in store.readings(meter, dt.datetime(2000, 1, 1,
                                tzinfo=dt.timezone.utc), far)]
        finally:
            store.close()
        found["pubsub"] = [ms(m.attributes["timestamp"]) for m in self.pubsub.messages]
        found["mqtt"] = [ms(json.loads(m.payload)["timestamp"]) for m in self.recorder.messages]
        return found


def ms(timestamp: str) -> int:
    """An ISO time as unix milliseconds (the history keeps milliseconds)."""
    return int(dt.datetime.fromisoformat(timestamp).timestamp() * 1000)


def run_phase(phase: Phase, emu: Emulator, outputs: Outputs, folder: Path) -> tuple[Result, list[int]]:
    result = Result(phase.name)
    stamps: list[float] = []
    ids: list[int] = []
    notices: list[object] = []

    def on_event(event: object) -> None:
        if isinstance(event, ReadingTaken):
            stamps.append(time.monotonic())
            ids.append(int(event.reading.timestamp.timestamp() * 1000))
        elif isinstance(event, SlotMissed):
            summary = re.search(r"\((\d+)\+? slots missed in all\)", event.reason)
            # the first MISSED_LISTED slots come one by one, the rest in one summary
            result.missed += int(summary.group(1)) - MISSED_LISTED if summary else 1
        elif isinstance(event, FixedTimeReading):
            notices.append(event)

    sinks, resources = outputs.sinks()
    config = SessionConfig(emu.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=folder / "cache",
                           request_timeout=1.0, join_timeout=5.0, command_timeout=2.0)
    start = dt.datetime.now().astimezone()
    collector = Collector(Session(config), IntervalSchedule(INTERVAL_S, start), sinks, on_event=on_event,
                          reopen_interval_s=0.3, retry_base_s=0.3, retry_cap_s=2.0, history=resources[1],
                          backfill_days=2)
    thread = threading.Thread(target=collector.run, daemon=True)
    thread.start()
    time.sleep(min(3.0, phase.seconds / 3))  # steady first
    armed = time.monotonic()
    before = len(stamps)
    phase.arm(emu)
    time.sleep(max(0.0, phase.seconds - (time.monotonic() - armed)))
    stopping, stopping_wall = time.monotonic(), time.time()
    collector.stop()
    thread.join(30)
    result.stop_s = time.monotonic() - stopping
    resources[0].close()
    resources[1].close()
    result.slots = int((stopping_wall - start.timestamp()) // INTERVAL_S) + 1  # the schedule's slots until the stop
    result.readings = len(stamps)
    result.duplicates = len(ids) - len(set(ids))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    result.longest_gap_s = max(gaps, default=0.0)
    after = [t for t in stamps[before:] if t > armed]
    result.recovery_s = (after[0] - armed) if after else None
    result.notices = len(notices)
    allowed = int(phase.outage_s / INTERVAL_S) + 2
    if result.missed > allowed:
        result.notes.append(f"{result.missed} missed > {allowed} allowed for the outage")
    return result, ids


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def open_file_kinds() -> dict[str, int]:
    kinds: dict[str, int] = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        kind = target.split(":")[0] if ":" in target else Path(target).suffix or target
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def kill9_phase(folder: Path, emu: Emulator, pubsub: FakePublisherServer, broker: Mosquitto, rounds: int) -> str:
    """The CLI killed with SIGKILL at random moments: every file still parses, nothing is duplicated."""
    rng = random.Random(2026)
    out = folder / "killed.jsonl"
    env = {**os.environ, "B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD, "HOME": str(folder),
           "XDG_DATA_HOME": str(folder / "data"), "XDG_CACHE_HOME": str(folder / "cache"),
           "PUBSUB_EMULATOR_HOST": pubsub.host, "MQTT_URL": broker.url}
    before = len(pubsub.messages)
    for _ in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, "-m", "hems_desktop.cli", "--port", emu.port, "--output", "file,cloud,mqtt",
             "--file", str(out), "--history", str(folder / "killed.sqlite3"), "--mode", "interval", "-i", "1",
             "--project", "soak", "--topic", "hems"],
            env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(1.5, 5.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    lines = out.read_text().splitlines() if out.exists() else []
    parsed = bad = 0
    for line in lines:
        try:
            json.loads(line)
            parsed += 1
        except ValueError:
            bad += 1
    stamps = [json.loads(line)["timestamp"] for line in lines if line.startswith("{") and line.endswith("}")]
    time.sleep(3.0)  # what the last run spooled is not published any more (it was killed): count what arrived
    sent = [m.attributes["reading_id"] for m in pubsub.messages[before:]]
    return (f"kill -9 x{rounds}: file {parsed} records, {bad} unparseable line(s), "
            f"{len(stamps) - len(set(stamps))} duplicated; Pub/Sub {len(sent)} delivered, "
            f"{len(sent) - len(set(sent))} duplicate deliveries (at-least-once across kill -9; reading_id dedupes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases (about 3 minutes)")
    args = parser.parse_args()
    tracebacks = Tracebacks()
    logging.getLogger().addHandler(tracebacks)
    logging.getLogger().setLevel(logging.INFO)
    threading.excepthook = lambda hook: tracebacks.seen.append(f"thread {hook.thread}: {hook.exc_value!r}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hems-soak-") as scratch:
        folder = Path(scratch)
        pubsub = FakePublisherServer().start()
        os.environ["PUBSUB_EMULATOR_HOST"] = pubsub.host
        broker = Mosquitto(folder / "broker").start()
        # The meter's clock 40 s before a JST midnight: :00 notices and a day rollover in the soak.
        now = time.time()
        midnight = dt.datetime.combine(dt.datetime.now(JST).date() + dt.timedelta(days=1), dt.time(), JST)
        # A stable link, as a USB dongle keeps its /dev/serial/by-id name when it is plugged in again.
        emu = Emulator(EmulatorConfig(speed=SPEED, periodic_reauth=True, session_lifetime_s=2000,
                                      link=str(folder / "wisun")))
        emu.time_offset = midnight.timestamp() - 40 - now
        emu.start()
        try:
            outputs = Outputs(folder, pubsub, broker)
            rss0, files0, kinds0 = rss_mb(), open_files(), open_file_kinds()
            results: list[Result] = []
            taken: list[int] = []
            for number, phase in enumerate(phases(args.quick)):
                result, ids = run_phase(phase, emu, outputs, folder)
                if number == 0:  # after the first phase every client library is loaded: the baseline
                    rss0, files0, kinds0 = rss_mb(), open_files(), open_file_kinds()
                results.append(result)
                taken += ids
                print(f"{result.name:24} slots {result.slots:4} read {result.readings:4} missed {result.missed:3} "
                      f"lost {result.unaccounted:2} dup {result.duplicates} gap {result.longest_gap_s:5.2f} s "
                      f"recovery {'-' if result.recovery_s is None else f'{result.recovery_s:5.2f} s'} "
                      f"stop {result.stop_s:4.2f} s {'; '.join(result.notes)}", flush=True)
            time.sleep(3.0)  # the last MQTT/Pub/Sub deliveries
            held = outputs.held()
            for name, stamps in held.items():
                missing = len(set(taken) - set(stamps))
                dups = len(stamps) - len(set(stamps))
                print(f"output {name:8}: {len(stamps)} records, {missing} of the {len(taken)} readings missing, "
                      f"{dups} duplicated")
            rss1, files1, kinds1 = rss_mb(), open_files(), open_file_kinds()
            grown = {k: kinds1.get(k, 0) - kinds0.get(k, 0) for k in kinds1 if kinds1.get(k, 0) != kinds0.get(k, 0)}
            print(f"meter notices (:00/:30 EA) seen: {sum(r.notices for r in results)}; "
                  f"emulator clock now {dt.datetime.fromtimestamp(emu.clock(), JST):%Y-%m-%d %H:%M:%S} JST")
            print(f"RSS {rss0:.1f} -> {rss1:.1f} MiB, open files {files0} -> {files1} (after the first phase -> end)"
                  f"{'; changed: ' + str(grown) if grown else ''}")
            print(kill9_phase(folder, emu, pubsub, broker, 8 if args.quick else 20))
            worst_stop = max(r.stop_s for r in results)
            print(f"lost {sum(r.unaccounted for r in results)}, duplicated {sum(r.duplicates for r in results)}, "
                  f"worst stop {worst_stop:.2f} s, tracebacks {len(tracebacks.seen)}")
            for line in tracebacks.seen[:20]:
                print("  traceback:", line)
            outputs.recorder.disconnect()
        finally:
            emu.stop()
            broker.stop()
            pubsub.stop()
    print(f"soak took {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
