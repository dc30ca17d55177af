"""--output stdout: each record written whole and flushed; the csv header once per process."""

from __future__ import annotations

import contextlib
import sys
import weakref
from typing import TextIO

from hems_desktop.reading import RECORD_FIELDS, Reading
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.formats import get_format

# The csv header goes out once per stream (so once per process for sys.stdout), even if
# several stdout sinks are built in turn.
_header_written: weakref.WeakSet[TextIO] = weakref.WeakSet()


class StdoutSink:
    def __init__(self, fmt: str, stream: TextIO | None = None, fields: tuple[str, ...] = RECORD_FIELDS) -> None:
        self.name = "stdout"
        self.format = get_format(fmt, fields)
        self._stream = stream
        self._closed = False
        self._wrote_header = False  # for streams that cannot be weakly referenced

    @property
    def stream(self) -> TextIO:
        # Resolved at write time so a replaced sys.stdout (tests, GUI) is honoured.
        return self._stream if self._stream is not None else sys.stdout

    def write(self, reading: Reading) -> None:
        if self._closed:
            raise SinkError("stdout output is closed", self.name)
        stream = self.stream
        try:
            text = self.format.encode(reading)
        except ValueError as exc:
            raise SinkError(f"stdout: {exc}", self.name) from None
        if self.format.header is not None and not self._header_done(stream):
            text = self.format.header + text
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            message = "stdout: the reader of standard output went away (broken pipe)"
            raise SinkError(message, self.name) from None
        except (OSError, ValueError, UnicodeError) as exc:  # ValueError: stream closed
            raise SinkError(f"stdout: cannot write: {exc}", self.name) from None
        self._wrote_header = True
        with contextlib.suppress(TypeError):
            _header_written.add(stream)

    def _header_done(self, stream: TextIO) -> bool:
        try:
            return stream in _header_written
        except TypeError:
            return self._wrote_header

    def close(self) -> None:
        self._closed = True  # never closes sys.stdout itself
