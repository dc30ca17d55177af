"""The collector: the loop (loop.py), the recovery table, one reading (reading.py), history
maintenance (backfill, EA notices, retention) and the events the shells consume."""

from hems_desktop.collector.events import (
    CollectorEvent,
    Connected,
    ConnectionInfo,
    ErrorReported,
    EventCallback,
    FixedTimeReading,
    ReadingTaken,
    Recovered,
    SlotMissed,
    StateChanged,
)
from hems_desktop.collector.loop import Collector
from hems_desktop.collector.reading import READING_EPCS, take_reading

__all__ = [
    "READING_EPCS",
    "Collector",
    "CollectorEvent",
    "Connected",
    "ConnectionInfo",
    "ErrorReported",
    "EventCallback",
    "FixedTimeReading",
    "ReadingTaken",
    "Recovered",
    "SlotMissed",
    "StateChanged",
    "take_reading",
]
