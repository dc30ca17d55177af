"""ECHONET Lite requests matched by TID: one answer per request, lost answers retried with a new
TID, stale answers (old TIDs) ignored, and a send that never left the radio retried at once."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from hems_desktop.device.base import SendOutcome, Stopped
from hems_desktop.protocol import echonet
from hems_desktop.protocol.echonet import ESV, Frame
from hems_desktop.session.errors import RequestTimeout, SessionLost
from hems_desktop.session.gate import POLL_S, SendGate

log = logging.getLogger("hems_desktop.session")

ANSWER_ESVS = (ESV.GET_RES, ESV.GET_SNA, ESV.SET_RES, ESV.SETC_SNA)
NOT_SENT_PAUSE_S = 0.2  # after FAIL ER10 / EVENT 21 .. 01: the module is busy for a moment


class Requests:
    def __init__(self, gate: SendGate, send: Callable[[bytes], SendOutcome], *, timeout: float, attempts: int,
                 sendable_timeout: float = 120.0) -> None:
        self.gate = gate
        self._send = send
        self.timeout = timeout
        self.attempts = attempts
        self.sendable_timeout = sendable_timeout
        self._pending: dict[int, Frame | None] = {}
        self._tid = int.from_bytes(os.urandom(2), "big") & 0x7FFF
        self.round_trips = 0
        self.round_trip_s = 2.0  # running average of answered requests; a cautious start

    def next_tid(self) -> int:
        self._tid = (self._tid + 1) & 0xFFFF
        return self._tid

    def request(self, frame: Frame) -> Frame:
        """Send one request and wait for the answer with its TID. Raises RequestTimeout, SessionLost, Stopped."""
        reason = "no answer"
        for attempt in range(self.attempts):
            if attempt:
                frame = Frame(self.next_tid(), frame.seoj, frame.deoj, frame.esv, frame.properties,
                              frame.set_properties)
            self.gate.wait_open(self.sendable_timeout)
            with self.gate.cond:
                self._pending[frame.tid] = None
            sent_at = time.monotonic()
            try:
                outcome = self._send(echonet.encode_frame(frame))
                answer = self._await(frame.tid) if outcome is SendOutcome.SENT else None
            finally:
                with self.gate.cond:
                    self._pending.pop(frame.tid, None)
            if answer is not None:
                self.round_trips += 1
                elapsed = time.monotonic() - sent_at
                self.round_trip_s = elapsed if self.round_trips == 1 else 0.8 * self.round_trip_s + 0.2 * elapsed
                return answer
            if outcome is SendOutcome.NOT_SENT:
                reason = "the dongle could not send the request"
                log.info("%s; retrying (attempt %d of %d)", reason, attempt + 1, self.attempts)
                if self.gate.stop.wait(NOT_SENT_PAUSE_S):
                    raise Stopped("stopped")
            else:
                reason = f"no answer from the meter within {self.timeout:g} s"
                log.info("%s (attempt %d of %d)", reason, attempt + 1, self.attempts)
        raise RequestTimeout(reason)

    def _await(self, tid: int) -> Frame | None:
        deadline = time.monotonic() + self.timeout
        with self.gate.cond:
            while True:
                answer = self._pending.get(tid)
                if answer is not None:
                    return answer
                if self.gate.stop.is_set():
                    raise Stopped("stopped")
                if self.gate.lost is not None:
                    raise SessionLost(self.gate.lost)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.gate.cond.wait(min(remaining, POLL_S))

    def deliver(self, frame: Frame) -> bool:
        """An ECHONET frame from the meter (reader thread): True when it answered a waiting request."""
        if frame.esv not in ANSWER_ESVS or frame.seoj != echonet.SMART_METER_EOJ:
            return False
        with self.gate.cond:
            if frame.tid in self._pending:
                self._pending[frame.tid] = frame
                self.gate.cond.notify_all()
                return True
        log.debug("ignoring a stale answer (TID %04X)", frame.tid)
        return False
