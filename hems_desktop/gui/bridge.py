"""The one bridge from the core's events (any thread) to the GUI thread: typed Qt signals.

`dispatch` is called by the collector (its thread, or the serial reader's) and emits the signal
for the event's type; Qt queues it to the receivers' thread. Payloads are the core's own frozen
dataclasses and enums, never strings to compare.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hems_desktop.collector.events import (
    CollectorEvent,
    Connected,
    ErrorReported,
    FixedTimeReading,
    ReadingTaken,
    Recovered,
    SlotMissed,
    StateChanged,
)
from hems_desktop.errors import ErrorKind
from hems_desktop.messages import msg


class CollectorEvents(QObject):
    reading = Signal(object)  # Reading
    state = Signal(object)  # StateChanged
    connected = Signal(object)  # ConnectionInfo
    error = Signal(object)  # ErrorReported
    fixed_time = Signal(object)  # FixedTimeReading
    recovered = Signal()

    def dispatch(self, event: CollectorEvent) -> None:
        if isinstance(event, ReadingTaken):
            self.reading.emit(event.reading)
        elif isinstance(event, StateChanged):
            self.state.emit(event)
        elif isinstance(event, Connected):
            self.connected.emit(event.info)
        elif isinstance(event, ErrorReported):
            self.error.emit(event)
        elif isinstance(event, SlotMissed):
            self.error.emit(ErrorReported(msg("reading for {slot} missed: {reason}", slot=f"{event.slot:%H:%M}",
                                              reason=event.reason), kind=ErrorKind.MISSED))
        elif isinstance(event, FixedTimeReading):
            self.fixed_time.emit(event)
        elif isinstance(event, Recovered):
            self.recovered.emit()

    def relay_to(self, other: CollectorEvents) -> None:
        """Forward every signal to `other` (the controller's long-lived bridge)."""
        self.reading.connect(other.reading)
        self.state.connect(other.state)
        self.connected.connect(other.connected)
        self.error.connect(other.error)
        self.fixed_time.connect(other.fixed_time)
        self.recovered.connect(other.recovered)
