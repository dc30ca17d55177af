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

    @property
    def name(self) -> str:
        return self.sink.name

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
