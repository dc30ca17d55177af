"""--output file: append records so that a crash or kill always leaves a parseable file.

Each record is one os.write() of the complete encoded text, then fsync. Every write opens the
file in append mode and looks at it first, so:

* the csv header is written when (and only when) the file is empty or new, also after a
  restart, after log rotation or when someone deleted the file;
* an existing csv file must start with the seed's header (we never append rows under a
  foreign header);
* a file ending in a partial record (crash mid-write: no trailing newline) gets a newline
  first, so the new record starts on a line of its own and stays parseable;
* a write that fails half way (disk full) is cut back to the last whole record.

OS errors (disk full, permission denied, missing folder ...) become SinkError with a one-line
message naming the file. Nothing is held open between writes, so a failed write can simply be
retried later (the collector keeps a backlog).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from hems_desktop.describe import describe_os_error
from hems_desktop.messages import msg
from hems_desktop.reading import RECORD_FIELDS, Reading
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.formats import get_format

_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class FileSink:
    def __init__(self, path: Path | str, fmt: str, fields: tuple[str, ...] = RECORD_FIELDS) -> None:
        self.path = Path(path)
        self.name = "file"
        self.format = get_format(fmt, fields)  # --fields: the records' fields (and the csv header)
        self._closed = False
        # Fail early (at startup) on an unwritable path or a foreign csv file. Creates the file.
        fd = self._open()
        try:
            self._inspect(fd)
        finally:
            os.close(fd)

    def __repr__(self) -> str:
        return f"FileSink({str(self.path)!r}, {self.format.name!r})"

    def _error(self, message: str) -> SinkError:
        return SinkError(message, self.name)

    def _reason(self, exc: OSError) -> str:
        if exc.errno == errno.ENOENT and self.path.parent.is_dir():
            return msg("no file can be created in that folder")  # e.g. /proc: the folder is there
        return describe_os_error(exc)

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _O_BINARY, 0o644)
        except OSError as exc:
            raise self._error(msg("cannot open {path}: {reason}", path=self.path,
                                  reason=self._reason(exc))) from None

    def _inspect(self, fd: int) -> tuple[bool, bool]:
        """(needs_header, needs_newline) for the file open at `fd`."""
        try:
            size = os.fstat(fd).st_size
            if size == 0:
                return self.format.header is not None, False
            needs_newline = _read_at(fd, size - 1, 1) != b"\n"
            if self.format.header is not None:
                head = _read_at(fd, 0, len(self.format.header.encode("utf-8")) + 8)
                first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
                if not self.format.is_header(first):
                    raise SinkError(
                        msg("{path} exists but does not start with the CSV header; choose another file for csv output",
                            path=self.path),
                        self.name,
                    )
            return False, needs_newline
        except OSError as exc:
            raise self._error(msg("cannot read {path}: {reason}", path=self.path,
                                  reason=self._reason(exc))) from None

    def write(self, reading: Reading) -> None:
        if self._closed:
            raise SinkError(msg("{path}: output is closed", path=self.path), self.name)
        try:
            record = self.format.encode(reading)
        except ValueError as exc:
            raise SinkError(f"{self.path}: {exc}", self.name) from None
        fd = self._open()
        try:
            needs_header, needs_newline = self._inspect(fd)
            header = self.format.header if needs_header and self.format.header else ""
            data = (("\n" if needs_newline else "") + header + record).encode("utf-8")
            size = os.fstat(fd).st_size
            try:
                written = os.write(fd, data)
                while written < len(data):  # a short write to a regular file means "disk full" next
                    written += os.write(fd, data[written:])
            except OSError as exc:
                self._cut_back(fd, size)
                raise self._error(msg("cannot write to {path}: {reason}", path=self.path,
                                      reason=self._reason(exc))) from None
            try:
                os.fsync(fd)
            except OSError as exc:
                # Character devices and pipes cannot fsync (EINVAL): the data went out anyway.
                if exc.errno != errno.EINVAL or _is_regular(fd):
                    raise self._error(msg("cannot write to {path}: {reason}", path=self.path,
                                          reason=self._reason(exc))) from None
        finally:
            os.close(fd)

    def _cut_back(self, fd: int, size: int) -> None:
        """Take back a partly written record (disk full mid-record), so every record in the file is whole:
        half a YAML document would make a YAML reader refuse the whole file."""
        if _is_regular(fd):
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)

    def close(self) -> None:
        self._closed = True  # nothing is held open between writes


def _read_at(fd: int, offset: int, length: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows; O_APPEND still appends at the end
    return os.read(fd, length)


def _is_regular(fd: int) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return True
