"""May a request be sent now? Two named gates over one condition (momonga's model).

* the session gate: PANA is up (joined) — closed while the module re-authenticates by itself
  (after EVENT 29, and around the periodic re-authentication the module runs at 80 % of the
  PANA session lifetime: a send into it collides, so requests wait it out without a failure);
* the radio gate: not over the transmission-time limit (EVENT 32 .. EVENT 33).

Waits watch the stop flag and the session's `lost` reason, so a stop or a lost session ends
them at once. The module's own re-authentication gets a bounded time (`reauth_timeout`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hems_desktop.device.base import Stopped
from hems_desktop.session.errors import SessionLost
from hems_desktop.session.state import Transition

POLL_S = 0.25  # how often a wait looks at the stop flag (only while something is awaited)
REAUTH_FRACTION = 0.8  # BP35A1-class modules re-authenticate at 80 % of the lifetime (S16)
WINDOW_BEFORE_S, WINDOW_FRACTION = 3.0, 0.05  # hold sends this long before it is due...
WINDOW_AFTER_S, SETTLE_FRACTION = 20.0, 0.25  # ...and at most this long after, until EVENT 25
MIN_LEARNED_PERIOD_S = 30.0  # two PANA_CONNECTED closer than this are a rejoin, not the period


class SendGate:
    def __init__(self, reauth_timeout: float, stop: threading.Event,
                 on_reauth_overdue: Callable[[], None] | None = None) -> None:
        self.cond = threading.Condition()  # reentrant: the overdue handler applies its effect here
        self._on_reauth_overdue = on_reauth_overdue
        self.stop = stop
        self.reauth_timeout = reauth_timeout
        self.joined = False
        self.tx_limited = False
        self.lost: str | None = None
        self.reauth_deadline: float | None = None  # set by SESSION_EXPIRED, cleared by PANA_CONNECTED
        # The periodic re-authentication: every `reauth_period` after the last PANA_CONNECTED.
        self.reauth_period: float | None = None
        self.last_auth: float | None = None
        self.windows_waited = 0  # how often a request waited for a periodic re-authentication

    def reset(self) -> None:
        """A new port or a new join: nothing is known yet."""
        with self.cond:
            self.joined = self.tx_limited = False
            self.lost = None
            self.reauth_deadline = None
            self.last_auth = None
            self.cond.notify_all()

    def apply(self, effect: Transition, detail: str = "") -> None:
        """Apply a link event's effect (from the state table); `detail` is the event's own text."""
        with self.cond:
            if effect.joined is not None:
                self.joined = effect.joined
                if effect.joined:
                    self.lost = None
                    self.reauth_deadline = None
                    self._authenticated(time.monotonic())
            if effect.tx_limited is not None:
                self.tx_limited = effect.tx_limited
            if effect.lost is not None:
                self.lost = effect.lost.format(detail=detail)
            if effect.reauth_clock:
                self.reauth_deadline = time.monotonic() + self.reauth_timeout
            self.cond.notify_all()

    def _authenticated(self, now: float) -> None:
        """PANA (re-)authenticated: learn the period when nobody told it (two in one session), re-arm."""
        if self.last_auth is not None and self.reauth_period is None and now - self.last_auth > MIN_LEARNED_PERIOD_S:
            self.reauth_period = now - self.last_auth
        self.last_auth = now

    def set_lifetime(self, lifetime_s: float | None) -> None:
        """The PANA session lifetime the module reported: it re-authenticates at 80 % of it."""
        with self.cond:
            self.reauth_period = None if not lifetime_s else REAUTH_FRACTION * lifetime_s

    @property
    def next_reauth(self) -> float | None:
        """Monotonic time the module is expected to re-authenticate by itself, or None."""
        if self.reauth_period is None or self.last_auth is None:
            return None
        return self.last_auth + self.reauth_period

    def _in_reauth_window(self, now: float) -> float | None:
        """The end of the periodic re-authentication window `now` falls in, or None."""
        due = self.next_reauth
        if due is None or self.reauth_period is None:
            return None
        before = min(WINDOW_BEFORE_S, WINDOW_FRACTION * self.reauth_period)
        after = min(WINDOW_AFTER_S, SETTLE_FRACTION * self.reauth_period)
        return due + after if due - before <= now < due + after else None

    def mark_lost(self, reason: str) -> None:
        with self.cond:
            self.joined = False
            self.lost = reason
            self.cond.notify_all()

    @property
    def reauthenticating(self) -> bool:
        return not self.joined and self.reauth_deadline is not None and self.lost is None

    def wait_open(self, timeout: float) -> None:
        """Block while either gate is closed. Raises SessionLost, Stopped."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.joined or self.tx_limited:
                if self.stop.is_set():
                    raise Stopped("stopped")
                if self.lost is not None:
                    raise SessionLost(self.lost)
                now = time.monotonic()
                if not self.joined:
                    if self.reauth_deadline is None:
                        raise SessionLost("the PANA session has ended")
                    if now >= self.reauth_deadline:
                        self.reauth_deadline = None
                        if self._on_reauth_overdue is not None:
                            self._on_reauth_overdue()  # through the state table: DISCONNECTED, lost
                        raise SessionLost(self.lost or "the meter did not re-authenticate in time")
                if now >= deadline:
                    raise SessionLost("the meter did not become reachable again in time")
                limit = deadline if self.joined else min(deadline, self.reauth_deadline or deadline)
                self.cond.wait(min(POLL_S, limit - now))
            self._wait_out_reauth_window(deadline)

    def _wait_out_reauth_window(self, deadline: float) -> None:
        """Hold a send while the module re-authenticates by itself (until its PANA_CONNECTED moves the
        window on, or the window passes); not a failure. Under the condition."""
        waited = False
        while (end := self._in_reauth_window(time.monotonic())) is not None:
            if not waited:
                waited = True
                self.windows_waited += 1
            if self.stop.is_set():
                raise Stopped("stopped")
            if self.lost is not None:
                raise SessionLost(self.lost)
            now = time.monotonic()
            if now >= deadline:
                return
            self.cond.wait(min(POLL_S, end - now, deadline - now))
