"""Collector figures against the emulator on a real pty. Prints numbers; asserts nothing.

- round trips per reading, CPU time per reading
- start to first reading: cold (scan) and warm (cached network), at realistic (1x) and fast (1000x) timing
- resident memory of the CLI, start-up time of `hems-collector --help`
- at rest: wake-ups per second and CPU time of a joined collector between readings (Linux /proc)
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hems_desktop.collector import Collector, ReadingTaken, take_reading
from hems_desktop.emulator import Emulator, EmulatorConfig
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig

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


def steady_state(readings: int) -> tuple[float, float, float]:
    with Emulator(EmulatorConfig(speed=1000)) as emulator, tempfile.TemporaryDirectory() as cache:
        config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=Path(cache))
        collector = Collector(Session(config), IntervalSchedule(0.01, dt.datetime.now().astimezone()), [], count=1)
        collector.run()  # join once, then measure readings on a joined session
        session = Session(config)
        session.open()
        session.connect()
        trips_before = session.round_trips
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(readings):
            take_reading(session)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        trips = (session.round_trips - trips_before) / readings
        session.terminate()
        return trips, cpu / readings * 1000, wall / readings * 1000


def main() -> None:
    trips, cpu_ms, wall_ms = steady_state(200)
    print(f"round trips per reading:            {trips:.2f}")
    print(f"CPU per reading (driver+session):   {cpu_ms:.2f} ms  (wall {wall_ms:.1f} ms at emulator speed 1000)")
    for speed in (1.0, 1000.0):
        with tempfile.TemporaryDirectory() as cache:
            cold = first_reading(speed, Path(cache))
            warm = first_reading(speed, Path(cache))
        print(f"start to first reading, speed {speed:g}x:  cold (scan) {cold:.2f} s, warm (cache) {warm:.2f} s")
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
