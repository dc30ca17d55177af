"""The SKSTACK IP serial port: one reader thread, commands that await their own OK/FAIL, messages to listeners.

Opened by port name or any pyserial URL (`socket://127.0.0.1:4000`, `loop://`), so the same
code talks to a USB dongle, a pty or a TCP bridge. Every line logged at debug level has the
B-route password (and the argument of any SKSETPWD) replaced. `SkStackDongle` (skstack.py)
builds the B-route operations on top of it.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hems_desktop import redaction
from hems_desktop.device.base import CommandRefused, DongleNotResponding, PortLost
from hems_desktop.device.port_errors import PORT_ERRORS
from hems_desktop.device.serial_line import SerialLine, wait
from hems_desktop.protocol import dialects
from hems_desktop.protocol.skstack import (
    Address,
    Echo,
    EnergyScan,
    ErxUdp,
    Event,
    Fail,
    Garbage,
    Ok,
    PanDescriptor,
    SkMessage,
)
from hems_desktop.protocol.skstack_parser import SkStackStreamParser

log = logging.getLogger("hems_desktop.serial")

ASYNC_TYPES = (Event, ErxUdp, PanDescriptor, EnergyScan, Garbage)
_SETPWD = re.compile(r"(SKSETPWD\s+\S+\s+).+")  # the rest of the line: a password may hold spaces


class CommandTimeout(DongleNotResponding):
    """No OK/FAIL for a command within its timeout."""


class CommandFailed(CommandRefused):
    """FAIL ERxx for a command."""

    def __init__(self, command: str, fail: Fail) -> None:
        super().__init__(f"{command}: {fail}")
        self.fail = fail


@dataclass(frozen=True, slots=True)
class PortClosed:
    """Delivered to listeners once when the reader stops because the port failed."""

    reason: str


Listener = Callable[[SkMessage | PortClosed], None]


def _nothing(message: SkMessage) -> bool:
    return False


class _PendingCommand:
    def __init__(self, name: str, until: Callable[[SkMessage], bool], echo_expected: bool,
                 collect: Callable[[SkMessage], bool] = _nothing) -> None:
        self.name = name
        self.until = until
        self.collect = collect  # asynchronous lines that belong to this command (SKSENDTO's EVENT 21)
        self.lines: list[SkMessage] = []
        self.done = threading.Event()
        self.echo_seen = not echo_expected


def redact(text: str, secrets: Iterable[str], identifiers: Iterable[str] = ()) -> str:
    """Replace every secret (and the argument of any SKSETPWD) in a log line; identifiers (the
    B-route ID) keep their last 4 characters, enough to tell two apart."""
    # The known secrets first: masking SKSETPWD's argument first would leave a password with a
    # space in it no longer whole, so the second step would miss its tail.
    text = _SETPWD.sub(r"\g<1>" + redaction.REDACTED, redaction.redact(text, secrets))
    for identifier in identifiers:
        if identifier:
            text = text.replace(identifier, redaction.mask_id(identifier))
    return text


def _describe(data: bytes) -> str:
    text = data.decode("ascii", "backslashreplace")
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _is_terminal(message: SkMessage) -> bool:
    return isinstance(message, (Ok, Fail))


class SkStackPort:
    """Owns the serial port. Thread-safe: one command at a time; listeners run on the reader thread."""

    def __init__(self, port: str, baudrate: int = 115200, *, secrets: Iterable[str] = (),
                 stop: threading.Event | None = None) -> None:
        self.port_name = port
        self.stop = stop  # the owner's stop: a command waiting for its answer gives up when it is set
        self.baudrate = baudrate
        self._secrets = [s for s in secrets if s]
        self._identifiers: list[str] = []
        self._parser = SkStackStreamParser()
        self._line = SerialLine(port, baudrate, thread_name="hems-serial-reader", on_data=self._received,
                                on_quiet=lambda: self._dispatch(self._parser.flush()),
                                has_partial=lambda: bool(self._parser.pending), on_failed=self._port_failed)
        self._command_lock = threading.Lock()
        self._pending: _PendingCommand | None = None
        self._listeners: list[Listener] = []
        self._echo: bool | None = None  # learned from the first commands
        self.closed_reason: str | None = None
        self.bytes_written = 0
        self.bytes_read = 0

    # ---- lifecycle ----

    def open(self) -> None:
        """Open the port; raises serial.SerialException (the session turns it into a clear message)."""
        self.closed_reason = None
        self._line.open()

    def close(self) -> None:
        self._line.close()

    @property
    def is_open(self) -> bool:
        return self._line.is_open and self.closed_reason is None

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def add_identifier(self, value: str) -> None:
        """A value logged only masked (all but its last 4 characters): the B-route ID."""
        if value and value not in self._identifiers:
            self._identifiers.append(value)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_binary_payload(self, binary: bool | None) -> None:
        self._parser.binary_payload = binary

    # ---- commands ----

    def write(self, data: bytes, *, describe: str | None = None) -> None:
        if not self._line.is_open or self.closed_reason is not None:
            raise PortLost(self.closed_reason or "port is not open")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(">> %s", redact(describe or _describe(data), self._secrets, self._identifiers))
        try:
            self._line.write(data)
        except PORT_ERRORS as exc:
            raise PortLost(f"write failed: {exc}") from None
        self.bytes_written += len(data)

    def command(
        self,
        data: bytes,
        *,
        timeout: float = 5.0,
        until: Callable[[SkMessage], bool] = _is_terminal,
        collect: Callable[[SkMessage], bool] = _nothing,
        check: bool = True,
        describe: str | None = None,
    ) -> list[SkMessage]:
        """Send one command and return the lines it produced, ending with the line `until` accepts.

        Asynchronous lines that `collect` accepts while the command runs are returned with them
        (they still reach the listeners). Raises CommandTimeout, PortLost, or CommandFailed for
        FAIL (when `check`).
        """
        name = data.split(b" ", 1)[0].strip().decode("ascii", "replace")
        with self._command_lock:
            pending = _PendingCommand(name, until, echo_expected=bool(self._echo), collect=collect)
            self._pending = pending
            try:
                self.write(data, describe=describe)
                if not wait(pending.done, timeout, self.stop):
                    if self.closed_reason is not None:
                        raise PortLost(self.closed_reason)
                    self._echo = None  # relearn: a lost echo must not make us drop every OK
                    raise CommandTimeout(f"{name}: no answer from the dongle within {timeout:g} s")
            finally:
                self._pending = None
        if self.closed_reason is not None and not pending.lines:
            raise PortLost(self.closed_reason)
        # Learn whether the dongle echoes (register SFE) from what this command produced.
        self._echo = any(isinstance(m, Echo) for m in pending.lines)
        if data.startswith(b"SKSREG SFE"):
            self._echo = data.strip().endswith(b"1")
        last = pending.lines[-1] if pending.lines else None
        if check and isinstance(last, Fail):
            raise CommandFailed(name, last)
        return pending.lines

    def command_ok(self, data: bytes, *, timeout: float = 5.0, describe: str | None = None) -> None:
        self.command(data, timeout=timeout, describe=describe)

    def ll64(self, mac: str, timeout: float = 5.0) -> str:
        lines = self.command(
            dialects.skll64(mac), timeout=timeout, until=lambda m: isinstance(m, (Address, Fail))
        )
        last = lines[-1]
        assert isinstance(last, Address)
        return last.ip

    # ---- reader ----

    def _received(self, data: bytes) -> None:
        self.bytes_read += len(data)
        self._dispatch(self._parser.feed(data))

    def _port_failed(self, reason: str) -> None:
        self.closed_reason = reason
        log.debug("port closed: %s", reason)
        pending = self._pending
        if pending is not None:
            pending.done.set()
        for listener in list(self._listeners):
            listener(PortClosed(reason))

    def _dispatch(self, messages: list[SkMessage]) -> None:
        for message in messages:
            if log.isEnabledFor(logging.DEBUG):
                log.debug("<< %s", redact(_format_message(message), self._secrets, self._identifiers))
            pending = self._pending
            if isinstance(message, ASYNC_TYPES):
                if pending is not None and not pending.done.is_set():
                    if pending.until(message):
                        pending.lines.append(message)
                        pending.done.set()
                    elif pending.collect(message):
                        pending.lines.append(message)
                for listener in list(self._listeners):
                    try:
                        listener(message)
                    except Exception:  # a listener bug must not kill the reader
                        log.exception("listener failed")
                continue
            if pending is None or pending.done.is_set():
                continue  # a late answer to a command that already timed out
            if isinstance(message, Echo):
                pending.echo_seen = True
                pending.lines.append(message)
                continue
            if _is_terminal(message) and not pending.echo_seen:
                continue  # echo is on and ours has not come yet: this OK/FAIL is stale
            pending.lines.append(message)
            if pending.until(message):
                pending.done.set()


def _format_message(message: SkMessage) -> str:
    if isinstance(message, ErxUdp):
        return (
            f"ERXUDP {message.sender} {message.rport:04X}->{message.lport:04X} "
            f"sec={int(message.secured)} side={message.side} {message.data.hex().upper()}"
        )
    if isinstance(message, (Echo,)):
        return message.text
    return repr(message)


class EventQueue:
    """A listener that queues messages for a consumer thread (the session)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[SkMessage | PortClosed] = queue.Queue()

    def __call__(self, message: SkMessage | PortClosed) -> None:
        self._queue.put(message)

    def get(self, timeout: float) -> SkMessage | PortClosed | None:
        try:
            return self._queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def drain(self) -> list[SkMessage | PortClosed]:
        items: list[SkMessage | PortClosed] = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items
