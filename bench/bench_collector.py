"""Collector figures against the emulator on a real pty. Prints numbers; asserts nothing.

- round trips from the join to the first reading (cold: nothing cached; warm: the meter's property
  map cached from the run before), for a Release F meter and a Release R meter with solar panels,
  and round trips per reading after that
- CPU per reading in steady state: driver + session only; and through the whole collector with no
  output, with the local outputs (stdout, json/yaml/csv files, history, Prometheus), and with every
  output at once (those, Pub/Sub to the loopback server and MQTT to a real mosquitto when installed),
  one reading every 50 ms. The emulator runs in its own process here, so its CPU is not counted; the
  figures include the collector's waits and the outputs' background threads.
- start to first reading: cold (scan) and warm (cached network), at realistic (1x) and fast (1000x) timing
- resident memory of the CLI, start-up time of `hems-collector --help`
- at rest: wake-ups per second and CPU time of a joined collector between readings (Linux /proc)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests"))  # the loopback Pub/Sub server and the mosquitto helper

from hems_desktop.collector import Collector, ReadingTaken, take_reading  # noqa: E402
from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig  # noqa: E402
from hems_desktop.history import HistoryStore  # noqa: E402
from hems_desktop.schedule import IntervalSchedule  # noqa: E402
from hems_desktop.session import Session, SessionConfig  # noqa: E402
from hems_desktop.sinks import FileSink, Sink, StdoutSink  # noqa: E402
from hems_desktop.sinks.history import HistorySink  # noqa: E402

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "BENCHPASS123"


def first_reading(speed: float, cache: Path) -> float:
    with Emulator(EmulatorConfig(speed=speed)) as emulator:
        config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=cache)
        start = time.perf_counter()
        got: list[float] = []

        def on_event(event: object) -> None:
            if isinstance(event, ReadingTaken) and not got:
                got.append(time.perf_counter() - start)

        schedule = IntervalSchedule(3600, dt.datetime.now().astimezone())
        Collector(Session(config), schedule, [], on_event=on_event, count=1).run()
        return got[0]


def start_up_round_trips(meter: MeterConfig) -> tuple[int, int, float]:
    """(cold, warm) round trips from the join to the first reading, and per reading after it."""
    with Emulator(EmulatorConfig(speed=1000, meter=meter)) as emulator, tempfile.TemporaryDirectory() as cache:
        config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=Path(cache))
        trips = []
        per_reading = 0.0
        for _ in range(2):
            session = Session(config)
            session.open()
            session.connect()  # the join, then the first Get (map, constants and the first reading's values)
            take_reading(session)
            trips.append(session.round_trips)
            for _ in range(20):
                take_reading(session)
            per_reading = (session.round_trips - trips[-1]) / 20
            session.terminate()
        return trips[0], trips[1], per_reading


@contextlib.contextmanager
def emulator_process(speed: float) -> Iterator[str]:
    """`hems-meter-emulator` in a process of its own: its CPU is not the collector's."""
    proc = subprocess.Popen([sys.executable, "-m", "hems_desktop.emulator.cli", "--speed", str(speed)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(10)


def steady_state(readings: int) -> tuple[float, float, float]:
    """Driver + session: round trips, CPU ms and wall ms per reading on a joined session."""
    with emulator_process(1000) as port, tempfile.TemporaryDirectory() as cache:
        config = SessionConfig(port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=Path(cache))
        session = Session(config)
        session.open()
        session.connect()
        take_reading(session)
        trips_before = session.round_trips
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(readings):
            take_reading(session)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        trips = (session.round_trips - trips_before) / readings
        session.terminate()
        return trips, cpu / readings * 1000, wall / readings * 1000


def outputs(folder: Path, stack: contextlib.ExitStack, network: bool) -> tuple[list[Sink], HistoryStore, list[str]]:
    """One sink of each local kind (stdout, json/yaml/csv files, history, Prometheus) and, with `network`,
    Pub/Sub (loopback server) and MQTT (a real mosquitto); the names of those that could not run here."""
    from hems_desktop.sinks.metrics import MetricsSink

    sinks: list[Sink] = [StdoutSink("json", io.StringIO())]
    sinks += [FileSink(folder / f"out.{fmt}", fmt) for fmt in ("json", "yaml", "csv")]
    history = HistoryStore(folder / "history.sqlite3")
    sinks += [HistorySink(history), MetricsSink(0)]
    missing: list[str] = []
    if not network:
        return sinks, history, missing
    from pubsub_server import FakePublisherServer

    from hems_desktop.sinks.cloud import PubSubSink

    server = FakePublisherServer().start()
    stack.callback(server.stop)
    os.environ["PUBSUB_EMULATOR_HOST"] = server.host
    sinks.append(PubSubSink("bench", "hems-data", spool_path=folder / "pubsub.sqlite3", grace_seconds=5))
    if shutil.which("mosquitto"):
        from mosquitto import Mosquitto

        from hems_desktop.sinks.mqtt import MqttSink

        broker = Mosquitto(folder / "broker").start()
        stack.callback(broker.stop)
        sinks.append(MqttSink(broker.url, client_id="hems-bench", spool_path=folder / "mqtt.sqlite3",
                              grace_seconds=5))
    else:
        missing.append("mqtt (no mosquitto)")
    return sinks, history, missing


def through_the_collector(readings: int, kind: str) -> tuple[float, int, list[str]]:
    """CPU ms per reading, the collector and its outputs (`kind`: none, local, all), from the first
    reading's event to the last; the number of outputs; those that could not run."""
    with emulator_process(1000) as port, tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        sinks: list[Sink] = []
        history: HistoryStore | None = None
        missing: list[str] = []
        if kind != "none":
            sinks, history, missing = outputs(Path(folder), stack, network=kind == "all")
        config = SessionConfig(port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=Path(folder) / "cache")
        marks: list[float] = []

        def on_event(event: object) -> None:
            if isinstance(event, ReadingTaken):
                marks.append(time.process_time())

        schedule = IntervalSchedule(0.05, dt.datetime.now().astimezone())
        collector = Collector(Session(config), schedule, sinks, on_event=on_event, count=readings, history=history,
                              backfill_days=0)
        collector.run()  # closes the sinks: Pub/Sub and MQTT publish what is left first
        if history is not None:
            history.close()
        return (marks[-1] - marks[0]) / (len(marks) - 1) * 1000, len(sinks), missing


def main() -> None:
    meters = (("Release F", MeterConfig()), ("Release R + solar", MeterConfig(release="R", solar_peak_w=3000)))
    for name, meter in meters:
        cold, warm, per_reading = start_up_round_trips(meter)
        print(f"round trips join -> first reading, {name:17s}: cold {cold}, warm (map cached) {warm}; "
              f"then {per_reading:.2f} per reading")
    trips, cpu_ms, wall_ms = steady_state(200)
    print(f"round trips per reading:            {trips:.2f}")
    print(f"CPU per reading (driver+session):   {cpu_ms:.2f} ms  (wall {wall_ms:.1f} ms at emulator speed 1000)")
    for kind, label in (("none", "no output"), ("local", "local outputs"), ("all", "every output")):
        cpu_ms, count, missing = through_the_collector(200, kind)
        print(f"CPU per reading, collector + {label} ({count}): {cpu_ms:.2f} ms"
              + (f"  (not run: {', '.join(missing)})" if missing else ""))
    for speed in (1.0, 1000.0):
        with tempfile.TemporaryDirectory() as cache:
            cold_s = first_reading(speed, Path(cache))
            warm_s = first_reading(speed, Path(cache))
        print(f"start to first reading, speed {speed:g}x:  cold (scan) {cold_s:.2f} s, warm (cache) {warm_s:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "hems_desktop.cli", "--help"], check=True, capture_output=True)
            runs.append(time.perf_counter() - start)
        print(f"`hems-collector --help` start-up:   {min(runs) * 1000:.0f} ms (best of 5)")
        proc = subprocess.run(
            [sys.executable, "-c",
             "import resource,sys; from hems_desktop.cli import main; "
             "rc = main(['--demo','--count','3','--mode','interval','-i','1']); "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
            capture_output=True, text=True, cwd=folder, check=True,
        )
        print(f"CLI resident memory (demo, 3 readings, incl. emulator): {int(proc.stdout.split()[-1]) / 1024:.1f} MiB")
    print(f"this process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")
    if sys.platform.startswith("linux"):
        from idle import idle_figures  # bench/idle.py: the emulator in its own process

        wakeups, cpu = idle_figures(30.0)
        print(f"at rest (joined, next slot far): {wakeups:.2f} wake-ups per second, {cpu:.4f} CPU-s per minute")


if __name__ == "__main__":
    main()
