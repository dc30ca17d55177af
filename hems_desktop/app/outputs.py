"""The collector's events, also told to the outputs that show more than readings (MQTT, metrics).

Those outputs have plain methods (`set_session_state`, `set_link_quality`, `count_error`,
`set_meter_identity`) so they never depend on the collector's event classes; this adapter is
the one place that maps one onto the other.
"""

from __future__ import annotations

import logging
from typing import Any

from hems_desktop.collector.events import (
    CollectorEvent,
    Connected,
    ErrorReported,
    EventCallback,
    SlotMissed,
    StateChanged,
)
from hems_desktop.errors import ErrorKind
from hems_desktop.sinks.base import Sink

log = logging.getLogger("hems_desktop.app")


class OutputEvents:
    def __init__(self, forward: EventCallback | None) -> None:
        self._forward = forward
        self.sinks: list[Sink] = []
        self._early: list[CollectorEvent] = []

    def output_left_out(self, message: str) -> None:
        """An output that could not start (reported once the shell listens)."""
        self._early.append(ErrorReported(message, kind=ErrorKind.OUTPUT))

    def flush(self) -> None:
        early, self._early = self._early, []
        for event in early:
            self(event)

    def __call__(self, event: CollectorEvent) -> None:
        for sink in self.sinks:
            try:
                _tell(sink, event)
            except Exception:  # an output's bookkeeping must never stop the collector
                log.exception("output %s could not take an event", sink.name)
        if self._forward is not None:
            self._forward(event)


def _call(sink: Sink, method: str, *args: Any) -> None:
    handler = getattr(sink, method, None)
    if callable(handler):
        handler(*args)


def _tell(sink: Sink, event: CollectorEvent) -> None:
    if isinstance(event, StateChanged):
        _call(sink, "set_session_state", event.state.value)
    elif isinstance(event, Connected):
        network, meter = event.info.network, event.info.meter
        if network is not None:
            quality = network.rssi_dbm if network.rssi_dbm is not None else network.lqi
            _call(sink, "set_link_quality", None if quality is None else float(quality))
        if meter is not None:
            _call(sink, "set_meter_identity", meter.manufacturer, meter.serial)
    elif isinstance(event, ErrorReported):
        _call(sink, "count_error", event.kind.value)
    elif isinstance(event, SlotMissed):
        _call(sink, "count_error", ErrorKind.MISSED.value)
