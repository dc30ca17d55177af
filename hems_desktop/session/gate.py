"""May a request be sent now? Two named gates over one condition (momonga's model).

* the session gate: PANA is up (joined) — closed while the module re-authenticates by itself;
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

    def reset(self) -> None:
        """A new port or a new join: nothing is known yet."""
        with self.cond:
            self.joined = self.tx_limited = False
            self.lost = None
            self.reauth_deadline = None
            self.cond.notify_all()

    def apply(self, effect: Transition, detail: str = "") -> None:
        """Apply a link event's effect (from the state table); `detail` is the event's own text."""
        with self.cond:
            if effect.joined is not None:
                self.joined = effect.joined
                if effect.joined:
                    self.lost = None
                    self.reauth_deadline = None
            if effect.tx_limited is not None:
                self.tx_limited = effect.tx_limited
            if effect.lost is not None:
                self.lost = effect.lost.format(detail=detail)
            if effect.reauth_clock:
                self.reauth_deadline = time.monotonic() + self.reauth_timeout
            self.cond.notify_all()

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
