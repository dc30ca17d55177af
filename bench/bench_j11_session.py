"""J11 through the whole session (auto-detected): round trips per reading, and start to first reading
at hardware timing, cold (scan) and warm (cached network). Prints numbers; asserts nothing.

Driver-level figures and the parser's throughput are in bench_j11.py and bench_j11_driver.py.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from hems_desktop.collector import Collector, ReadingTaken, StateChanged, take_reading
from hems_desktop.emulator import Emulator, EmulatorConfig
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig, SessionState

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "BENCHPASS123"


def first_reading(dialect: str, speed: float, cache: Path) -> tuple[float, float]:
    """(seconds to the first reading, seconds from CONFIGURING to the next state: telling the family,
    identifying the dongle and setting the credentials) from a closed port."""
    with Emulator(EmulatorConfig(dialect=dialect, speed=speed)) as emulator:
        config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=cache)
        start = time.perf_counter()
        got: list[float] = []
        states: list[tuple[SessionState, float]] = []

        def on_event(event: object) -> None:
            if isinstance(event, ReadingTaken) and not got:
                got.append(time.perf_counter() - start)
            elif isinstance(event, StateChanged):
                states.append((event.state, time.perf_counter()))

        Collector(Session(config), IntervalSchedule(3600, dt.datetime.now().astimezone()), [],
                  on_event=on_event, count=1).run()
        configuring = next(i for i, (state, _) in enumerate(states) if state is SessionState.CONFIGURING)
        return got[0], states[configuring + 1][1] - states[configuring][1]


def round_trips(dialect: str, readings: int = 100) -> tuple[float, float]:
    with Emulator(EmulatorConfig(dialect=dialect, speed=1000)) as emulator, tempfile.TemporaryDirectory() as cache:
        session = Session(SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD,
                                        cache_dir=Path(cache)))
        session.connect()
        before = session.round_trips
        cpu0 = time.process_time()
        for _ in range(readings):
            take_reading(session)
        cpu = (time.process_time() - cpu0) / readings * 1000
        trips = (session.round_trips - before) / readings
        session.terminate()
        return trips, cpu


def main() -> None:
    for dialect in ("j11", "bp35a1"):
        trips, cpu = round_trips(dialect)
        print(f"{dialect:7} radio round trips per reading: {trips:.2f}; CPU per reading {cpu:.2f} ms")
    for dialect in ("j11", "bp35a1"):
        with tempfile.TemporaryDirectory() as cache:
            cold, detect_cold = first_reading(dialect, 1.0, Path(cache))
            warm, detect_warm = first_reading(dialect, 1.0, Path(cache))
        print(f"{dialect:7} start to first reading at hardware timing: cold (scan) {cold:.1f} s, warm (cache) "
              f"{warm:.1f} s; configuring (with --dongle auto telling the family) {detect_cold:.2f} s / "
              f"{detect_warm:.2f} s")


if __name__ == "__main__":
    main()
