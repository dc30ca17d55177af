"""The collector: keeps the session up, takes one reading per scheduled slot, feeds the sinks.

It knows nothing of argparse or Qt. The CLI and the desktop worker both run `Collector.run()`
in a thread of their choice and consume its events through one callback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hems_desktop.history.backfill import Backfill
from hems_desktop.history.store import HistoryStore
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import EchonetError, Frame
from hems_desktop.reading import Reading
from hems_desktop.session import (
    DongleNotResponding,
    JoinFailed,
    NoBeaconFound,
    PortUnavailable,
    Session,
    SessionConfig,
    SessionError,
    SessionLost,
    SessionState,
)

log = logging.getLogger("hems_desktop.collector")

SLOT_GRACE_S = 60.0  # a slot this late is reported as missed instead of read late
READING_EPCS = (m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL)
REJECTIONS_BEFORE_GIVING_UP = 2  # EVENT 24 right after a scan that found the meter
SCAN_SERIES_BEFORE_GIVING_UP = 3  # only before the first successful join
SINK_BACKLOG = 10_000


class NextSlot(Protocol):
    def next_after(self, t: dt.datetime) -> dt.datetime: ...


class ReadingSink(Protocol):
    name: str

    def write(self, reading: Reading) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class StateChanged:
    state: SessionState
    detail: str = ""


@dataclass(frozen=True)
class ReadingTaken:
    reading: Reading


@dataclass(frozen=True)
class FixedTimeReading:
    """The meter's own :00/:30 cumulative value (EA), sent unsolicited."""

    at: dt.datetime
    cumulative_kwh: float | None
    meter_id: str


@dataclass(frozen=True)
class SlotMissed:
    slot: dt.datetime
    reason: str


@dataclass(frozen=True)
class ErrorReported:
    message: str
    fatal: bool = False
    kind: str = ""


CollectorEvent = StateChanged | ReadingTaken | FixedTimeReading | SlotMissed | ErrorReported
EventCallback = Callable[[CollectorEvent], None]


def local_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def reading_id(meter_id: str, timestamp: dt.datetime) -> str:
    """Stable id for deduplication downstream (same meter and instant -> same id)."""
    return hashlib.sha256(f"{meter_id}|{timestamp.isoformat()}".encode()).hexdigest()[:24]


class _GuardedSink:
    """Isolates one output: failures are reported once per kind and the readings kept for retry."""

    def __init__(self, sink: ReadingSink, report: Callable[[str], None]) -> None:
        self.sink = sink
        self.backlog: deque[Reading] = deque(maxlen=SINK_BACKLOG)
        self._report = report
        self._last_error = ""

    def write(self, reading: Reading) -> None:
        self.backlog.append(reading)
        while self.backlog:
            try:
                self.sink.write(self.backlog[0])
            except Exception as exc:  # any sink failure must not stop the others
                message = f"output {self.sink.name}: {exc}"
                if message != self._last_error:
                    self._report(f"{message} ({len(self.backlog)} reading(s) kept for retry)")
                    self._last_error = message
                return
            self.backlog.popleft()
        if self._last_error:
            log.info("output %s works again", self.sink.name)
            self._last_error = ""

    def close(self) -> None:
        try:
            self.sink.close()
        except Exception as exc:
            self._report(f"output {self.sink.name}: {exc}")


class Collector:
    def __init__(
        self,
        session_config: SessionConfig,
        schedule: NextSlot,
        sinks: list[ReadingSink],
        *,
        on_event: EventCallback | None = None,
        count: int | None = None,
        read_at_start: bool = True,
        retry_base_s: float = 2.0,
        retry_cap_s: float = 60.0,
        reopen_interval_s: float = 3.0,
        history: HistoryStore | None = None,
        backfill_days: int = 30,
        keep_days: int | None = None,
    ) -> None:
        self.session_config = session_config
        self.schedule = schedule
        self.count = count
        self.read_at_start = read_at_start
        self.retry_base_s = retry_base_s
        self.retry_cap_s = retry_cap_s
        self.reopen_interval_s = reopen_interval_s
        self._on_event = on_event
        self._sinks = [_GuardedSink(s, self._report_sink_error) for s in sinks]
        self._stop = threading.Event()
        self.session = Session(session_config, on_state=self._state_changed, on_frame=self._unsolicited)
        self.readings_taken = 0
        self.exit_status = 0
        self._ever_joined = False
        self._rejections = 0
        self._scan_failures = 0
        self._failures = 0
        self.history = history
        self.backfill = Backfill(self.session, history, days=backfill_days) if history is not None else None
        self._fixed_time: deque[FixedTimeReading] = deque(maxlen=1000)
        self.keep_days = keep_days
        self._thinned_on: dt.date | None = None

    # ---- public ----

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> int:
        """Collect until stopped, `count` readings are taken, or a fatal error. Returns an exit status."""
        try:
            self._loop()
        finally:
            self._store_fixed_time()
            self.session.terminate()
            for sink in self._sinks:
                sink.close()
        return self.exit_status

    # ---- loop ----

    def _loop(self) -> None:
        first = self.read_at_start
        slot = local_now()
        while not self._stop.is_set():
            # While the module re-authenticates by itself (EVENT 29) the session is kept: a new
            # SKJOIN now would tear down the rejoin; a request waits for it (bounded) instead.
            reauthenticating = self.session.state == SessionState.REAUTHENTICATING
            if not self.session.joined and not reauthenticating and not self._connect():
                if self.exit_status:
                    return
                continue
            if first:
                first = False
                slot = local_now()
            else:
                slot = self._next_slot(slot)
                if not self._wait_until(slot):
                    return
            self._take_reading(slot)
            if self.count is not None and self.readings_taken >= self.count:
                return

    def _next_slot(self, previous: dt.datetime) -> dt.datetime:
        """The next slot; slots that passed while we could not read are reported, not silently skipped."""
        slot = self.schedule.next_after(previous)
        now = local_now()
        missed: list[dt.datetime] = []
        while (now - slot).total_seconds() > SLOT_GRACE_S and len(missed) < 10_000:
            missed.append(slot)
            slot = self.schedule.next_after(slot)
        if missed:
            reason = "the meter was not reachable" if not self.session.joined else "the collector was busy"
            for when in missed[:3]:
                self._emit(SlotMissed(when, reason))
            if len(missed) > 3:
                self._emit(SlotMissed(missed[-1], f"{reason} ({len(missed)} slots missed in all)"))
        return slot

    def _wait_until(self, slot: dt.datetime) -> bool:
        """Sleep until the slot, using spare time for history work. False when stopped."""
        self._thin_history()
        while True:
            self._store_fixed_time()
            wait = (slot - local_now()).total_seconds()
            if wait <= 0:
                return not self._stop.is_set()
            # A backfill step is two round trips; leave room for four at the pace the meter answers now.
            budget = 4 * self.session.round_trip_s + 0.5
            if self.backfill is not None and self.session.joined and wait > budget and self._backfill_step():
                continue
            if self._stop.wait(min(wait, 60.0)):
                return False

    def _backfill_step(self) -> bool:
        """One day of 30-minute history from the meter; False when there is nothing (more) to do now."""
        assert self.backfill is not None
        try:
            if not self.backfill.has_work:
                return False
            self.backfill.step()
            return True
        except (SessionError, EchonetError) as exc:
            log.info("history backfill paused: %s", exc)
            return False

    def _thin_history(self) -> None:
        """Retention: once a day, drop raw readings older than keep_days (half-hourly values stay)."""
        today = dt.date.today()
        if self.history is None or self.keep_days is None or self._thinned_on == today:
            return
        self._thinned_on = today
        removed = self.history.thin_readings(self.keep_days)
        if removed:
            log.info("history: removed %d raw reading(s) older than %d days", removed, self.keep_days)

    def _store_fixed_time(self) -> None:
        if self.history is None:
            self._fixed_time.clear()
            return
        while self._fixed_time:
            event = self._fixed_time.popleft()
            if event.cumulative_kwh is not None and event.at.minute in (0, 30) and event.at.second == 0:
                self.history.add_half_hours(event.meter_id, [(int(event.at.timestamp()), event.cumulative_kwh)], "EA")

    def _take_reading(self, slot: dt.datetime) -> None:
        try:
            reading = self.read_once()
        except (SessionError, EchonetError) as exc:  # timeouts, lost session, silent dongle...
            self._emit(SlotMissed(slot, str(exc)))
            log.warning("reading for %s could not be taken: %s", slot.strftime("%H:%M:%S"), exc)
            return
        self.readings_taken += 1
        for sink in self._sinks:
            sink.write(reading)
        self._emit(ReadingTaken(reading))

    def read_once(self) -> Reading:
        """One Get for E7+E8+E0 (one round trip); constants were read at join (or now, if that failed)."""
        session = self.session
        constants = session.ensure_constants()  # never a reading without the coefficient and unit
        values = session.get_properties(READING_EPCS)
        timestamp = local_now()
        instant: int | None = None
        r_a: float | None = None
        t_a: float | None = None
        kwh: float | None = None
        if m.EPC_INSTANT_POWER in values:
            power = m.decode_instant_power(values[m.EPC_INSTANT_POWER])
            instant = None if isinstance(power, m.NoValue) else power
        if m.EPC_INSTANT_CURRENT in values:
            currents = m.decode_currents(values[m.EPC_INSTANT_CURRENT])
            r_a, t_a = currents.r_amps, currents.t_amps
        if m.EPC_CUMULATIVE_NORMAL in values:
            raw = m.decode_cumulative(values[m.EPC_CUMULATIVE_NORMAL])
            value = m.cumulative_kwh(raw, constants.coefficient, constants.unit_kwh)
            kwh = None if value is None else float(value)
        meter_id = session.network.meter_id if session.network else ""
        return Reading(timestamp, kwh, instant, r_a, t_a, meter_id=meter_id,
                       reading_id=reading_id(meter_id, timestamp))

    # ---- connection ----

    def _connect(self) -> bool:
        """One connection attempt with the retry policy; False when not joined (yet)."""
        try:
            if self.session.driver is None or not self.session.driver.is_open:
                self.session.open()
            self.session.connect(self._stop)
        except PortUnavailable as exc:
            if not self._ever_joined:
                return self._fatal(str(exc), "port")
            self._emit(ErrorReported(str(exc), kind="port"))
            self._stop.wait(self.reopen_interval_s)  # wait for the dongle to come back
            return False
        except DongleNotResponding as exc:
            self.session.close_port()
            if not self._ever_joined:
                return self._fatal(str(exc), "dongle")
            self._emit(ErrorReported(str(exc), kind="dongle"))
            self._stop.wait(self.reopen_interval_s)
            return False
        except NoBeaconFound as exc:
            self._scan_failures += 1
            if not self._ever_joined and self._scan_failures >= SCAN_SERIES_BEFORE_GIVING_UP:
                return self._fatal(str(exc), "scan")
            self._emit(ErrorReported(str(exc), kind="scan"))
            self._backoff()
            return False
        except JoinFailed as exc:
            self._rejections = self._rejections + 1 if exc.beacon_seen else self._rejections
            if self._rejections >= REJECTIONS_BEFORE_GIVING_UP:
                self.session.close_port()
                self._state_changed(SessionState.CREDENTIALS_REJECTED, "")
                return self._fatal(
                    "the smart meter rejected the B-route ID or password (authentication failed "
                    f"{self._rejections} times); not retrying, so the B-route account is not locked. "
                    "Check B_ROUTE_ID and B_ROUTE_PASSWORD",
                    "credentials",
                )
            self._emit(ErrorReported(str(exc), kind="join"))
            self._backoff()
            return False
        except SessionLost as exc:
            self._emit(ErrorReported(str(exc), kind="lost"))
            self.session.close_port()
            self._stop.wait(self.reopen_interval_s)
            return False
        except SessionError as exc:
            if self._stop.is_set():
                return False
            self._emit(ErrorReported(str(exc), kind="session"))
            self._backoff()
            return False
        self._ever_joined = True
        self._rejections = self._scan_failures = self._failures = 0
        constants, network = self.session.constants, self.session.network
        if self.history is not None and constants is not None and network is not None:
            self.history.set_meter_constants(network.meter_id, constants.coefficient, str(constants.unit_kwh))
        return True

    def _fatal(self, message: str, kind: str) -> bool:
        self.exit_status = 1
        self._emit(ErrorReported(message, fatal=True, kind=kind))
        self._stop.set()
        return False

    def _backoff(self) -> None:
        """Capped exponential backoff with jitter, interruptible by stop()."""
        self._failures += 1
        delay = min(self.retry_cap_s, self.retry_base_s * 2 ** (self._failures - 1))
        self._stop.wait(delay * random.uniform(0.5, 1.0))

    # ---- events ----

    def _emit(self, event: CollectorEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("event handler failed")

    def _state_changed(self, state: SessionState, detail: str) -> None:
        self._emit(StateChanged(state, detail))

    def _report_sink_error(self, message: str) -> None:
        self._emit(ErrorReported(message, kind="output"))

    def _unsolicited(self, frame: Frame) -> None:
        """EA (fixed-time cumulative) INF/INFC at :00 and :30: kept as data."""
        constants = self.session.constants
        prop = frame.get(m.EPC_FIXED_TIME_NORMAL)
        if prop is None or constants is None:
            return
        try:
            value = m.decode_fixed_time(prop.edt)
        except EchonetError as exc:
            log.debug("ignoring a malformed EA: %s", exc)
            return
        kwh = m.cumulative_kwh(value.value, constants.coefficient, constants.unit_kwh)
        meter_id = self.session.network.meter_id if self.session.network else ""
        at = value.at.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))
        event = FixedTimeReading(at, None if kwh is None else float(kwh), meter_id)
        self._fixed_time.append(event)  # stored by the collector thread (the store is not shared)
        self._emit(event)


