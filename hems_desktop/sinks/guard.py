"""Isolation for one output: a failure is reported once per kind and the readings kept for retry."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from hems_desktop.reading import Reading
from hems_desktop.sinks.base import Sink

log = logging.getLogger("hems_desktop.sinks")

SINK_BACKLOG = 10_000


class GuardedSink:
    def __init__(self, sink: Sink, report: Callable[[str], None]) -> None:
        self.sink = sink
        self.backlog: deque[Reading] = deque(maxlen=SINK_BACKLOG)
        self._report = report
        self._last_error = ""
        self._last_reason = ""
        self.dropped = 0  # readings pushed out of a full backlog (reported)

    @property
    def name(self) -> str:
        return self.sink.name

    def write(self, reading: Reading) -> None:
        if len(self.backlog) == self.backlog.maxlen:
            self.dropped += 1
            if self.dropped == 1:
                self._report(f"output {self.sink.name}: failing for {SINK_BACKLOG} readings; the oldest kept for it "
                             "are dropped from now on (the other outputs have them)")
        self.backlog.append(reading)
        self._drain()

    def _drain(self) -> None:
        """Write the backlog oldest first; stop at the first failure (reported once per kind)."""
        while self.backlog:
            try:
                self.sink.write(self.backlog[0])
            except Exception as exc:  # any sink failure must not stop the others
                message = f"output {self.sink.name}: {exc}"
                self._last_reason = str(exc)
                if message != self._last_error:
                    self._report(f"{message} ({len(self.backlog)} reading(s) kept for retry)")
                    self._last_error = message
                return
            self.backlog.popleft()
        if self._last_error:
            log.info("output %s works again", self.sink.name)
            self._last_error = ""

    def close(self) -> None:
        """Last try for what is held in memory; what still fails is counted, never dropped unsaid."""
        self._drain()
        if self.backlog:
            self._report(f"output {self.sink.name}: {len(self.backlog)} reading(s) could not be written before "
                         f"exit and are lost for this output ({self._last_reason or 'it kept failing'}); "
                         "the other outputs have them")
            self.backlog.clear()
        try:
            self.sink.close()
        except Exception as exc:
            self._report(f"output {self.sink.name}: {exc}")

    def abandon(self) -> None:
        """Ask the output to stop a long flush now (it keeps what is spooled)."""
        abandon = getattr(self.sink, "abandon", None)
        if callable(abandon):
            abandon()
