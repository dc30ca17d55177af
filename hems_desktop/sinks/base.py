"""The interface between the collector and its outputs.

The collector holds a list of sinks, calls `write` for every reading and `close` at the end.
A sink that cannot write raises `SinkError` (one-line message); the collector reports it and
carries on with the other sinks. Sinks are structural: no base class is needed.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hems_desktop.reading import Reading


class SinkError(Exception):
    """An output failed (disk full, permission denied, closed pipe ...). One-line message."""

    def __init__(self, message: str, sink: str = "") -> None:
        super().__init__(message)
        self.sink = sink


@runtime_checkable
class Sink(Protocol):
    name: str

    def write(self, reading: Reading) -> None:
        """Write one whole record. Raises SinkError."""
        ...

    def close(self) -> None:
        """Release resources; idempotent; must not raise for an already failed sink."""
        ...
