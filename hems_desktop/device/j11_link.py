"""The serial line to a J11 module: one reader thread, requests that await their own response.

The port and its reader are a `SerialLine` (serial_line.py: a USB port, a pty or `socket://`, no
polling on a quiet line, a frame cut short given up after 0.3 s).

A request names the response code it waits for (request | 0x2000) and may add a test on the
response (the 0x2008 of *this* datagram). Every wait watches a stop event in 0.1 s slices.
Everything logged at debug level goes through `describe_frame` (0x0054 masked) and then the
secrets are replaced, so the password is in no log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hems_desktop import redaction
from hems_desktop.device.base import DongleNotResponding, PortLost, PortUnavailable
from hems_desktop.device.port_errors import PORT_ERRORS
from hems_desktop.device.serial_line import SerialLine, wait
from hems_desktop.protocol.j11 import J11Parser
from hems_desktop.protocol.j11_codec import Garbage
from hems_desktop.protocol.j11_messages import (
    RESPONSE_FLAG,
    Command,
    J11Message,
    MacAddress,
    ModuleError,
    ModuleStatus,
    Response,
    RouteBStarted,
    TransmitResult,
    VersionInfo,
)
from hems_desktop.protocol.j11_requests import describe_frame

log = logging.getLogger("hems_desktop.serial")

_RESPONSE_CODES: dict[type, int] = {
    VersionInfo: Command.GET_VERSION | RESPONSE_FLAG,
    ModuleStatus: Command.GET_STATUS | RESPONSE_FLAG,
    MacAddress: Command.GET_MAC | RESPONSE_FLAG,
    RouteBStarted: Command.START_ROUTE_B | RESPONSE_FLAG,
    TransmitResult: Command.TRANSMIT | RESPONSE_FLAG,
}

Handler = Callable[[J11Message], None]


def response_code(message: J11Message) -> int | None:
    """The command code a response came with (None for notifications and garbage)."""
    if isinstance(message, Response):
        return message.request | RESPONSE_FLAG
    return _RESPONSE_CODES.get(type(message))


def command_name(code: int) -> str:
    try:
        return f"{code:04X} ({Command(code & ~RESPONSE_FLAG).name.lower().replace('_', ' ')})"
    except ValueError:
        return f"{code:04X}"


class _Pending:
    def __init__(self, code: int, accept: Callable[[J11Message], bool]) -> None:
        self.code = code
        self.accept = accept
        self.message: J11Message | None = None
        self.done = threading.Event()


class J11Link:
    """Owns the port. One request at a time; `handler` gets every other message on the reader thread."""

    def __init__(self, port: str, baudrate: int, handler: Handler, on_lost: Callable[[str], None]) -> None:
        self.port_name = port
        self.baudrate = baudrate
        self._handler = handler
        self._on_lost = on_lost
        self._secrets: list[str] = []
        self.line = SerialLine(port, baudrate, thread_name="hems-j11-reader", on_data=self._received,
                               on_quiet=self._quiet, has_partial=lambda: bool(self._parser.pending),
                               on_failed=self._port_failed)
        self._request_lock = threading.Lock()
        self._pending: _Pending | None = None
        self._parser = J11Parser()
        self.lost_reason: str | None = None
        self.frames_in = 0

    # ---- lifecycle ----

    @property
    def is_open(self) -> bool:
        return self.line.is_open and self.lost_reason is None

    def open(self) -> None:
        self.lost_reason = None
        self._parser = J11Parser()
        try:
            self.line.open()
        except PORT_ERRORS as exc:
            raise PortUnavailable(f"cannot open {self.port_name}: {exc}") from None

    def close(self) -> None:
        self.line.close()

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        return redaction.redact(text, self._secrets)

    # ---- requests ----

    def write(self, frame: bytes) -> None:
        if not self.line.is_open or self.lost_reason is not None:
            raise PortLost(self.lost_reason or f"{self.port_name} is not open")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(">> %s", self.redact(describe_frame(frame)))
        try:
            self.line.write(frame)
        except PORT_ERRORS as exc:
            raise PortLost(f"{self.port_name}: write failed: {exc}") from None

    def request(
        self,
        frame: bytes,
        code: int,
        timeout: float,
        stop: threading.Event | None = None,
        accept: Callable[[J11Message], bool] = lambda _: True,
    ) -> J11Message:
        """Send `frame` and return the response with `code` (or a ModuleError). Raises
        DongleNotResponding after `timeout`, PortLost, Stopped."""
        with self._request_lock:
            pending = _Pending(code, accept)
            self._pending = pending
            try:
                self.write(frame)
                answered = wait(pending.done, timeout, stop)
            finally:
                self._pending = None
        if self.lost_reason is not None:
            raise PortLost(self.lost_reason)
        if not answered or pending.message is None:
            raise DongleNotResponding(f"the J11 module did not answer {command_name(code)} within {timeout:g} s")
        return pending.message

    # ---- reader ----

    def _received(self, data: bytes) -> None:
        for message in self._parser.feed(data):
            self._dispatch(message)

    def _quiet(self) -> None:
        for message in self._parser.flush():
            self._dispatch(message)

    def _port_failed(self, reason: str) -> None:
        self.lost_reason = reason
        log.debug("port lost: %s", reason)
        pending = self._pending
        if pending is not None:
            pending.done.set()
        self._on_lost(reason)

    def _dispatch(self, message: J11Message) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("<< %s", self.redact(repr(message)))
        pending = self._pending
        code = response_code(message)
        answers = isinstance(message, ModuleError) or (pending is not None and code == pending.code)
        if pending is not None and not pending.done.is_set() and answers and pending.accept(message):
            pending.message = message
            pending.done.set()
            return
        if code is not None:
            log.debug("late or unexpected response %s ignored", command_name(code))
            return
        if not isinstance(message, Garbage):
            self.frames_in += 1
        try:
            self._handler(message)
        except Exception:  # a handler bug must not kill the reader
            log.exception("J11 message handler failed")
