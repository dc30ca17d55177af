"""The collector: keeps the session up, takes one reading per scheduled slot, feeds the sinks.

It knows nothing of argparse or Qt. The CLI and the desktop worker both run `Collector.run()`
in a thread of their choice and consume its events through one callback. The session is
passed in (built by the composition root, app/); the collector's stop is the session's stop,
so every wait inside the session ends at once when the collector is stopped.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback

from hems_desktop.backoff import backoff_s
from hems_desktop.collector.events import (
    CollectorEvent,
    Connected,
    ConnectionInfo,
    ErrorReported,
    EventCallback,
    ReadingTaken,
    Recovered,
    SlotMissed,
    StateChanged,
)
from hems_desktop.collector.identity import identify
from hems_desktop.collector.maintenance import HistoryMaintenance
from hems_desktop.collector.reading import fixed_time_event, take_reading
from hems_desktop.collector.recovery import Pause, recovery_for
from hems_desktop.device.base import Stopped
from hems_desktop.errors import ErrorKind, HemsError, message_of
from hems_desktop.history.store import HistoryStore
from hems_desktop.protocol.echonet import EchonetError, Frame
from hems_desktop.reading import local_now
from hems_desktop.schedule import Schedule, SlotCheck, check_slots
from hems_desktop.session import Session, SessionState
from hems_desktop.sinks.base import Sink
from hems_desktop.sinks.guard import GuardedSink

log = logging.getLogger("hems_desktop.collector")

SLOT_GRACE = dt.timedelta(seconds=60)  # a slot this late is reported as missed instead of read late
MISSED_LISTED = 3  # missed slots reported one by one; the rest in one summary
EXIT_BUG = 3


class Collector:
    def __init__(
        self,
        session: Session,
        schedule: Schedule,
        sinks: list[Sink],
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
        give_up_before_first_join: bool = True,
    ) -> None:
        self.session = session
        self.schedule = schedule
        self.count = count
        self.read_at_start = read_at_start
        self.retry_base_s = retry_base_s
        self.retry_cap_s = retry_cap_s
        self.reopen_interval_s = reopen_interval_s
        self.give_up_before_first_join = give_up_before_first_join
        self._on_event = on_event
        self._sinks = [GuardedSink(s, self._report_sink_error) for s in sinks]
        self._stop = session.stop
        session.listen(on_state=self._state_changed, on_frame=self._unsolicited)
        self.readings_taken = 0
        self.exit_status = 0
        self._last_slot: dt.datetime | None = None
        self._complete = False
        self._ever_joined = False
        self._strikes: dict[type[BaseException], int] = {}
        self._failures = 0
        self._last_error: tuple[ErrorKind, str] | None = None
        self._connection: ConnectionInfo | None = None  # the last Connected, filled in again by identify()
        self.history = history
        self.maintenance = (HistoryMaintenance(session, history, self._report, backfill_days=backfill_days,
                                               keep_days=keep_days) if history is not None else None)

    @property
    def backfill(self) -> object | None:
        return self.maintenance.backfill if self.maintenance is not None else None

    # ---- public ----

    def stop(self) -> None:
        self._stop.set()

    def abandon_outputs(self) -> None:
        """A second stop: the outputs' exit flush ends at once (the spools keep what is left)."""
        for sink in self._sinks:
            sink.abandon()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> int:
        """Collect until stopped, `count` readings are taken, or a fatal error. Returns an exit status."""
        try:
            self._loop()
        except Stopped:  # the stop came while spare-time work (identity, back-fill) waited for the meter
            log.debug("stopped while waiting for the meter")
        except Exception as exc:  # not foreseen: one clear line, the traceback at debug level, exit non-zero
            log.debug("collector failed:\n%s", "".join(traceback.format_exception(exc)))
            self.exit_status = EXIT_BUG
            self._emit(ErrorReported(f"internal error ({type(exc).__name__}: {exc}); please report it",
                                     fatal=True, kind=ErrorKind.INTERNAL))
        finally:
            if self.maintenance is not None:
                self.maintenance.store_notices()
            self.session.terminate()
            for sink in self._sinks:
                sink.close()
        return self.exit_status

    # ---- loop ----

    def _loop(self) -> None:
        try:
            self._run_slots()
        finally:
            if self._last_slot is not None and not self._complete:
                # Slots that passed while the meter was out of reach and the run then ended: reported,
                # so that every slot is either read or said to be missed.
                self._report_missed(check_slots(self.schedule, self._last_slot, local_now(), grace=dt.timedelta(0)))

    def _run_slots(self) -> None:
        last: dt.datetime | None = None  # the last slot read or reported
        while not self._stop.is_set():
            # While the module re-authenticates by itself (EVENT 29) the session is kept: a new
            # join now would tear down the re-authentication; a request waits for it (bounded).
            if not self.session.joined and not self.session.gate.reauthenticating and not self._connect():
                if self.exit_status:
                    return
                continue
            if last is None:
                last = self._last_slot = local_now()
                if self.read_at_start and self._read(last):
                    return
                continue
            target = self.schedule.next_after(last)
            if not self._wait_until(target):
                return
            check = check_slots(self.schedule, last, local_now(), grace=SLOT_GRACE)
            self._report_missed(check)
            last = self._last_slot = check.due if check.due is not None else local_now()
            if check.due is not None and self._read(check.due):
                return

    def _read(self, slot: dt.datetime) -> bool:
        """One reading for `slot`; True when the run is complete (`count` reached)."""
        try:
            reading = take_reading(self.session)
        except Stopped:
            self._emit(SlotMissed(slot, "the collector was stopped"))  # every slot is read or said missed
            return True
        except (HemsError, EchonetError) as exc:  # timeouts, lost session, silent dongle...
            self._emit(SlotMissed(slot, message_of(exc)))
            log.debug("reading for %s could not be taken: %s", slot.strftime("%H:%M:%S"), exc)  # the event says it
            return False
        self.readings_taken += 1
        for sink in self._sinks:
            sink.write(reading)
        self._emit(ReadingTaken(reading))
        if self._last_error is not None:
            self._last_error = None
            self._emit(Recovered())
        self._complete = self.count is not None and self.readings_taken >= self.count
        return self._complete

    def _report_missed(self, check: SlotCheck) -> None:
        if not check.missed_count:
            return
        reason = "the meter was not reachable" if not self.session.joined else "the collector was busy"
        for when in check.missed[:MISSED_LISTED]:
            self._emit(SlotMissed(when, reason))
        if check.missed_count > MISSED_LISTED:
            last = check.last_missed or check.missed[-1]
            more = "+" if check.count_capped else ""
            self._emit(SlotMissed(last, f"{reason} ({check.missed_count}{more} slots missed in all)"))

    def _wait_until(self, slot: dt.datetime) -> bool:
        """Sleep until the slot, using spare time for history work. False when stopped."""
        maintenance = self.maintenance
        if maintenance is not None:
            maintenance.thin()
        while True:
            if maintenance is not None:
                maintenance.store_notices()
            wait = (slot - local_now()).total_seconds()
            if wait <= 0:
                return not self._stop.is_set()
            # A backfill step is two or three round trips; leave room for four at the pace the meter answers now.
            budget = 4 * self.session.round_trip_s + 0.5
            if self.session.needs_identity and wait > budget:
                for event in identify(self.session, self._connection):  # once per session: who, and any fault
                    self._emit(event)
                continue
            if maintenance is not None and self.session.joined and wait > budget and maintenance.backfill_step():
                continue
            if self._stop.wait(min(wait, 60.0)):
                return False

    # ---- connection ----

    def _connect(self) -> bool:
        """One connection attempt with the recovery policy; False when not joined (yet)."""
        try:
            self.session.connect()
        except Exception as exc:
            recovery = recovery_for(exc)
            if recovery is None:
                raise
            if self._stop.is_set():
                return False
            strikes = self._strikes[type(exc)] = self._strikes.get(type(exc), 0) + 1
            if recovery.close_port:
                self.session.close_port()
            fatal = recovery.fatal or (recovery.fatal_before_first_join and self.give_up_before_first_join
                                       and not self._ever_joined and strikes >= recovery.strikes)
            kind = exc.kind if isinstance(exc, HemsError) else ErrorKind.INTERNAL
            if fatal:
                self.exit_status = recovery.exit_status
                self._emit(ErrorReported(message_of(exc), fatal=True, kind=kind))
                self._stop.set()
                return False
            self._report(message_of(exc), kind)
            self._pause(recovery.pause)
            return False
        self._ever_joined = True
        self._strikes.clear()
        self._failures = 0
        if self.maintenance is not None:
            self.maintenance.connected()
        self._connection = ConnectionInfo(self.session.config.port, self.session.info, self.session.network,
                                          time.time(), self.session.meter.identity, self.session.meter_id,
                                          reauth_period_s=self.session.gate.reauth_period)
        self._emit(Connected(self._connection))
        return True

    def _pause(self, pause: Pause) -> None:
        if pause is Pause.REOPEN:
            self._stop.wait(self.reopen_interval_s)  # wait for the dongle to come back
        elif pause is Pause.BACKOFF:
            self._failures += 1
            self._stop.wait(backoff_s(self._failures, self.retry_base_s, self.retry_cap_s))

    # ---- events ----

    def _emit(self, event: CollectorEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("event handler failed")

    def _report(self, message: str, kind: ErrorKind) -> None:
        """An error the collector lives with: said once, again only when it changes."""
        if self._last_error == (kind, message):
            log.debug("still: %s", message)
            return
        self._last_error = (kind, message)
        self._emit(ErrorReported(message, kind=kind))

    def _state_changed(self, state: SessionState, detail: str) -> None:
        self._emit(StateChanged(state, detail))

    def _report_sink_error(self, message: str) -> None:
        self._emit(ErrorReported(message, kind=ErrorKind.OUTPUT))

    def _unsolicited(self, frame: Frame) -> None:
        """EA/EB (fixed-time cumulative, both directions) INF/INFC at :00 and :30: kept as data."""
        constants = self.session.constants
        if constants is None:
            return
        event = fixed_time_event(frame, constants, self.session.meter_id)
        if event is None:
            return
        if self.maintenance is not None:
            self.maintenance.notice(event)  # stored by the collector thread (the store is not shared)
        self._emit(event)
