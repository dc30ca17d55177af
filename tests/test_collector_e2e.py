"""End-to-end: the Collector loop over the real serial path (pyserial on a pty) against the emulator.

The collector connects with its retry policy, takes one Get (E7+E8+E0) per slot of a fast
interval schedule and reports events; faults and session events are injected while it runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from conftest import E2E_SPEED, PASSWORD

from hems_desktop.collector import (
    Collector,
    CollectorEvent,
    ErrorReported,
    FixedTimeReading,
    ReadingTaken,
    SlotMissed,
    StateChanged,
)
from hems_desktop.collector.recovery import EXIT_CONFIG
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.meter_model import JST, slot_of, slot_start_jst
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV
from hems_desktop.reading import Reading
from hems_desktop.schedule import IntervalSchedule
from hems_desktop.session import Session, SessionConfig, SessionState

pytestmark = pytest.mark.timeout(30)

INTERVAL_S = 0.05


# ---------------------------------------------------------------------------- helpers


class ListSink:
    name = "memory"

    def __init__(self) -> None:
        self.readings: list[Reading] = []
        self.closed = False

    def write(self, reading: Reading) -> None:
        self.readings.append(reading)

    def close(self) -> None:
        self.closed = True


class Run:
    """A collector running in a thread, with every event it emitted."""

    def __init__(self, config: SessionConfig, count: int | None,
                 hook: Callable[[Run, CollectorEvent], None] | None = None, interval_s: float = INTERVAL_S,
                 **kwargs: Any) -> None:
        self.events: list[CollectorEvent] = []
        self.times: list[float] = []
        self.sink = ListSink()
        self._hook = hook
        options: dict[str, Any] = {"retry_base_s": 0.05, "retry_cap_s": 0.2, "reopen_interval_s": 0.1}
        options.update(kwargs)
        self.collector = Collector(
            Session(config),
            IntervalSchedule(interval_s, dt.datetime.now().astimezone()),
            [self.sink],
            on_event=self._on_event,
            count=count,
            **options,
        )
        self.status: int | None = None
        self.elapsed = 0.0
        self._thread = threading.Thread(target=self._run, name="collector-under-test", daemon=True)

    def _on_event(self, event: CollectorEvent) -> None:
        self.events.append(event)
        self.times.append(time.monotonic())
        if self._hook is not None:
            self._hook(self, event)

    def _run(self) -> None:
        started = time.monotonic()
        self.status = self.collector.run()
        self.elapsed = time.monotonic() - started

    def start(self) -> Run:
        self._thread.start()
        return self

    def wait(self, timeout: float) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.collector.stop()
            self._thread.join(5)
            raise AssertionError(f"the collector did not finish within {timeout} s; events: {self.events[-8:]}")
        assert self.status is not None
        return self.status

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def readings(self) -> list[Reading]:
        return [e.reading for e in self.of(ReadingTaken)]

    @property
    def states(self) -> list[SessionState]:
        return [e.state for e in self.of(StateChanged)]


def run_collector(config: SessionConfig, count: int | None, timeout: float = 20.0,
                  hook: Callable[[Run, CollectorEvent], None] | None = None, **kwargs: Any) -> Run:
    run = Run(config, count, hook, **kwargs).start()
    run.wait(timeout)
    return run


def on_reading(actions: dict[int, Callable[[], None]]) -> Callable[[Run, CollectorEvent], None]:
    """A hook running actions[n] right after the n-th ReadingTaken."""

    def hook(run: Run, event: CollectorEvent) -> None:
        if isinstance(event, ReadingTaken):
            action = actions.pop(len(run.of(ReadingTaken)), None)
            if action is not None:
                action()

    return hook


def check_readings(emu: Emulator, readings: list[Reading], *, t_phase: bool = True, current: bool = True) -> None:
    """Each value agrees with the meter model at its time; nothing duplicated, nothing invented."""
    model = emu.meter
    kwh_per_count = float(model.kwh_per_count)
    ids = [r.reading_id for r in readings]
    assert len(set(ids)) == len(ids) and all(ids)
    stamps = [r.timestamp for r in readings]
    assert len(set(stamps)) == len(stamps) and stamps == sorted(stamps)
    cumulative = [r.cumulative_kwh for r in readings]
    assert None not in cumulative
    assert all(a <= b for a, b in pairwise(cumulative))  # type: ignore[operator]
    for r in readings:
        assert r.meter_id == model.config.mac
        t = r.timestamp.timestamp() + emu.time_offset  # the meter's clock when the reading was stamped
        window = (t - 3.0, t)  # the answer came within the last seconds before the timestamp
        assert r.cumulative_kwh is not None
        count = round(r.cumulative_kwh / kwh_per_count)
        assert model.counts_at(window[0])[0] <= count <= model.counts_at(window[1])[0]
        assert r.instant_w in {model.instant_power_w(x) for x in window}
        if current:
            expected = {model.currents_deciamps(x) for x in window}
            r_a = r.current_r_a
            assert r_a is not None
            t_a = r.current_t_a
            actual = (round(r_a * 10), None if t_a is None else round(t_a * 10))
            assert actual in expected
            assert (t_a is not None) == t_phase  # None only where the meter has no T phase
        else:
            assert r.current_r_a is None and r.current_t_a is None


# ---------------------------------------------------------------------------- readings


def test_collector_takes_exactly_count_readings(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator()
    run = run_collector(e2e_config(emu), count=6)
    assert run.status == 0
    readings = run.readings
    assert len(readings) == 6
    assert run.sink.readings == readings and run.sink.closed
    check_readings(emu, readings)
    assert SessionState.JOINED in run.states and run.states[-1] == SessionState.STOPPED
    assert not run.of(SlotMissed) and not run.of(ErrorReported)
    assert emu.dongle.joins == 1 and not emu.dongle.joined  # ended with SKTERM
    # One Get with all three EPCs per reading (after the constants).
    gets = [f for f in emu.dongle.received_frames if f.esv == ESV.GET and m.EPC_CUMULATIVE_NORMAL in
            [p.epc for p in f.properties]]
    assert len(gets) == 6
    # The slots follow the interval, not the processing time.
    spacing = [(b.timestamp - a.timestamp).total_seconds() for a, b in pairwise(readings)]
    assert all(s > 0 for s in spacing) and sum(spacing) < 6 * INTERVAL_S + 1.0


@pytest.mark.parametrize(
    ("meter", "t_phase", "current"),
    [
        ({"three_wire": False}, False, True),
        ({"unsupported_epcs": frozenset({m.EPC_INSTANT_CURRENT})}, False, False),
    ],
    ids=["two-wire", "E8-refused"],
)
def test_missing_values_stay_none(dongle_emulator: Any, e2e_config: Any, meter: dict[str, Any], t_phase: bool,
                                  current: bool) -> None:
    emu = dongle_emulator(**meter)
    run = run_collector(e2e_config(emu), count=3)
    assert run.status == 0 and len(run.readings) == 3
    check_readings(emu, run.readings, t_phase=t_phase, current=current)
    assert all(r.instant_w is not None and r.cumulative_kwh is not None for r in run.readings)
    if not current:
        assert m.EPC_INSTANT_CURRENT in run.collector.session.refused_epcs


@pytest.mark.parametrize("coefficient", [None, 10])
def test_cumulative_uses_the_coefficient(make_emulator: Any, e2e_config: Any, coefficient: int | None) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED, coefficient=coefficient)
    run = run_collector(e2e_config(emu), count=2)
    assert run.status == 0
    check_readings(emu, run.readings)
    constants = run.collector.session.constants
    assert constants is not None and constants.coefficient == (coefficient or 1)
    assert constants.coefficient_refused == (coefficient is None)
    for r in run.readings:
        real_kwh = emu.meter.energy_wh(r.timestamp.timestamp())[0] / 1000
        assert r.cumulative_kwh is not None
        assert real_kwh - float(emu.meter.kwh_per_count) - 0.01 <= r.cumulative_kwh <= real_kwh


def test_readings_under_a_mix_of_faults(dongle_emulator: Any, e2e_config: Any,
                                        dongle_case: tuple[str, str, bool | None]) -> None:
    skstack = dongle_case[1] != "j11"  # FAIL ER10, EVENT 29 and EVENT 32 exist only on SKSTACK dongles
    emu = dongle_emulator()
    faults = emu.faults
    faults.drop_responses = 1
    faults.stale_responses = 2
    faults.garbage_lines = 2
    faults.truncated_lines = 2
    faults.fail_er10 = 1 if skstack else 0
    faults.send_failures = 1
    faults.delayed_responses = 1
    faults.delay_seconds = 0.3 * emu.config.speed  # later than the request timeout: comes as a stale answer
    hook = on_reading({
        3: lambda: emu.expire_session(reauthenticate=True),
        5: emu.end_session,
        7: lambda: emu.set_tx_limit(0.15 * emu.config.speed),
        9: lambda: emu.expire_session(reauthenticate=False),
        11: lambda: setattr(faults, "drop_responses", 1),
    })
    count = 14
    run = run_collector(e2e_config(emu, request_timeout=0.2, request_attempts=3, join_timeout=0.3), count=count,
                        hook=hook)
    assert run.status == 0
    readings = run.readings
    assert len(readings) == count
    assert run.sink.readings == readings
    check_readings(emu, readings)
    pending = {name: getattr(faults, name) for name in ("drop_responses", "stale_responses", "garbage_lines",
                                                       "truncated_lines", "fail_er10", "send_failures",
                                                       "delayed_responses")}
    assert pending == dict.fromkeys(pending, 0)  # every injected fault fired
    states = run.states
    if skstack:
        assert SessionState.REAUTHENTICATING in states and SessionState.TX_LIMITED in states
    assert SessionState.DISCONNECTED in states
    assert emu.dongle.joins >= 3  # two session losses, two reconnections
    assert not any(e.fatal for e in run.of(ErrorReported))


@pytest.mark.parametrize("loss", ["session-end", "expiry-without-reauth"])
def test_collector_reconnects_after_the_session_is_lost(dongle_emulator: Any, e2e_config: Any, loss: str) -> None:
    emu = dongle_emulator()
    action = emu.end_session if loss == "session-end" else (lambda: emu.expire_session(reauthenticate=False))
    run = run_collector(e2e_config(emu, join_timeout=0.3), count=5, hook=on_reading({2: action}))
    assert run.status == 0 and len(run.readings) == 5
    check_readings(emu, run.readings)
    states = run.states
    joined = [i for i, s in enumerate(states) if s == SessionState.JOINED and i > 0]
    assert SessionState.DISCONNECTED in states, "\n".join(map(repr, run.events))
    lost = states.index(SessionState.DISCONNECTED)
    assert any(i > lost for i in joined)  # joined again after the loss
    assert emu.dongle.joins == 2
    # The reconnection used the cached network: one scan in all.
    assert emu.dongle.stats["scans"] == 1


def test_collector_leaves_a_reauthenticating_session_alone(skstack_emulator: Any, e2e_config: Any) -> None:
    emu = skstack_emulator(speed=40.0)  # the module's own rejoin takes ~60 ms: room for the collector to interfere

    def hook(run: Run, event: CollectorEvent) -> None:
        if isinstance(event, ReadingTaken) and len(run.of(ReadingTaken)) == 2:
            emu.expire_session(reauthenticate=True)
            deadline = time.monotonic() + 2
            while run.collector.session.state != SessionState.REAUTHENTICATING and time.monotonic() < deadline:
                time.sleep(0.001)  # EVENT 29 is in before the collector looks at the session again

    run = run_collector(e2e_config(emu, join_timeout=2.0), count=4, hook=hook)
    assert run.status == 0 and len(run.readings) == 4
    check_readings(emu, run.readings)
    states = run.states
    reauth = states.index(SessionState.REAUTHENTICATING)
    assert states[reauth + 1] == SessionState.JOINED  # straight back, no reconnection in between
    assert SessionState.DISCONNECTED not in states and not run.of(SlotMissed)
    assert emu.dongle.joins == 1  # no SKJOIN (nor SKTERM) cut into the module's re-authentication


def test_unplugged_dongle_is_reopened_at_the_same_path(make_emulator: Any, e2e_config: Any, tmp_path: Any,
                                                       dongle_case: tuple[str, str, bool | None]) -> None:
    _, dialect, hex_payload = dongle_case
    link = str(tmp_path / "ttyWISUN")
    emu = make_emulator(dialect, E2E_SPEED, hex_payload=hex_payload, link=link)
    assert emu.port == link
    run = run_collector(e2e_config(emu), count=6, hook=on_reading({2: lambda: emu.unplug(0.25)}))
    assert run.status == 0 and len(run.readings) == 6
    check_readings(emu, run.readings)
    assert SessionState.DONGLE_LOST in run.states
    lost_at = run.states.index(SessionState.DONGLE_LOST)
    assert SessionState.JOINED in run.states[lost_at:]
    assert run.collector.session.config.port == link
    errors = run.of(ErrorReported)
    assert errors and not any(e.fatal for e in errors)
    assert any(link in e.message for e in errors if e.kind == "port")  # it tried the same path while away
    # Readings before and after the unplug; the replugged dongle needed a fresh join.
    stamps = [r.timestamp for r in run.readings]
    gap = max((b - a).total_seconds() for a, b in pairwise(stamps))
    assert gap >= 0.2
    assert emu.dongle.joins == 2 and emu.dongle.stats["scans"] == 1  # rejoined from the cached network


@pytest.mark.parametrize("infc", [True, False], ids=["INFC", "INF"])
def test_fixed_time_notice_becomes_an_event(make_emulator: Any, e2e_config: Any, infc: bool) -> None:
    emu = make_emulator("dual-stack", E2E_SPEED)
    emu.dongle.infc = infc

    def notice() -> None:
        emu.advance_clock(1800)  # cross the next :00/:30
        emu.call(emu.dongle.tick)

    def hook(run: Run, event: CollectorEvent) -> None:
        if isinstance(event, ReadingTaken) and len(run.of(ReadingTaken)) == 1:
            notice()
        if isinstance(event, FixedTimeReading):
            run.collector.stop()

    run = Run(e2e_config(emu), count=None, hook=hook).start()
    run.wait(10)
    assert run.status == 0
    fixed = run.of(FixedTimeReading)
    assert len(fixed) == 1
    slot = slot_of(emu.clock())
    counts = emu.meter.slot_counts(slot)
    assert counts is not None
    assert fixed[0].cumulative_kwh == pytest.approx(counts[0] * float(emu.meter.kwh_per_count))
    assert fixed[0].at == slot_start_jst(slot).replace(tzinfo=JST)
    assert fixed[0].meter_id == emu.meter.config.mac
    deadline = time.monotonic() + 2
    while infc and emu.dongle.stats.get("infc_res", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emu.dongle.stats.get("infc_res", 0) == (1 if infc else 0)
    if infc:
        answer = [f for f in emu.dongle.received_frames if f.esv == ESV.INFC_RES]
        assert len(answer) == 1 and answer[0].get(m.EPC_FIXED_TIME_NORMAL) is not None


# ---------------------------------------------------------------------------- credentials


def test_wrong_password_exits_without_hammering_the_meter(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(password="OTHERPASS999")
    run = run_collector(e2e_config(emu), count=3, timeout=10)
    assert run.status == EXIT_CONFIG and run.elapsed < 5  # 78: a service manager must not restart it
    fatal = [e for e in run.of(ErrorReported) if e.fatal]
    assert len(fatal) == 1 and fatal[0].kind == "credentials"
    assert "B_ROUTE_PASSWORD" in fatal[0].message
    assert SessionState.CREDENTIALS_REJECTED in run.states
    assert not run.readings
    assert emu.dongle.joins == 2
    time.sleep(0.15)
    assert emu.dongle.joins == 2  # and no more after exiting: the B-route account must not get locked


def test_wrong_password_with_a_cached_network_still_gives_up(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("rl7023-ips", E2E_SPEED, password=PASSWORD)
    config = e2e_config(emu)
    first = run_collector(config, count=1)
    assert first.status == 0 and len(first.readings) == 1
    assert list(config.cache_dir.glob("network-*.json"))
    emu.meter.config.password = "CHANGEDPASS1"
    joins = emu.dongle.joins
    run = run_collector(config, count=3, timeout=10)
    assert run.status == EXIT_CONFIG and run.elapsed < 5
    fatal = [e for e in run.of(ErrorReported) if e.fatal]
    assert [e.kind for e in fatal] == ["credentials"]
    assert emu.dongle.joins - joins <= 3  # cached join, rescan join, one more scan+join: then it stops
    time.sleep(0.15)
    assert emu.dongle.joins - joins <= 3


def test_constants_lost_at_join_are_read_before_the_first_reading(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED, hex_payload=True, coefficient=10)
    emu.faults.drop_responses = 3  # every attempt of the D3/E1/D7 Get right after joining is lost
    run = run_collector(e2e_config(emu, request_timeout=0.1, request_attempts=3), count=3)
    assert run.status == 0 and len(run.readings) == 3
    assert emu.faults.fired.get("drop_responses") == 3
    constants = run.collector.session.constants
    assert constants is not None and constants.coefficient == 10
    check_readings(emu, run.readings)  # kWh present and right (x10), not None for want of the coefficient
    assert emu.dongle.joins == 1


def test_wrong_route_b_id_reports_no_beacon(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED, route_b_id="FEDCBA9876543210FEDCBA9876543210")
    run = run_collector(e2e_config(emu), count=1, timeout=15)
    assert run.status == 1
    fatal = [e for e in run.of(ErrorReported) if e.fatal]
    assert len(fatal) == 1 and fatal[0].kind == "scan"
    assert "B-route ID" in fatal[0].message
    assert emu.dongle.joins == 0 and not run.readings
    # Three series of durations 4..8 plus one scan without the pairing code, then it gives up.
    assert emu.dongle.stats["scans"] == 16
    assert "in range" in fatal[0].message


def test_password_never_logged_nor_in_any_message(make_emulator: Any, e2e_config: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = make_emulator("dual-stack", E2E_SPEED)
    emu.faults.garbage_lines = 1
    emu.faults.drop_responses = 1
    emu.faults.fail_er10 = 1
    config = e2e_config(emu, request_timeout=0.2)
    good = run_collector(config, count=4, hook=on_reading({2: emu.end_session}))
    assert good.status == 0 and len(good.readings) == 4
    emu.meter.config.password = "CHANGEDPASS1"
    bad = run_collector(config, count=1, timeout=10)
    assert bad.status == EXIT_CONFIG  # rejected credentials
    assert emu.dongle.password == PASSWORD  # the password did go to the dongle
    assert any("SKSETPWD" in r.getMessage() for r in caplog.records)
    assert PASSWORD not in caplog.text
    for record in caplog.records:
        assert PASSWORD not in record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            assert PASSWORD not in "".join(traceback.format_exception(record.exc_info[1]))
    messages = [str(e) for e in good.events + bad.events]
    assert any("ErrorReported" in text for text in messages)
    assert all(PASSWORD not in text for text in messages)
