"""The serial line to a J11 module: one reader thread, requests that await their own response.

Opened with pyserial's `serial_for_url`, so a USB port, a pty or `socket://127.0.0.1:N` all work.
The reader blocks in `read()` with no timeout while nothing is half-received (no polling on a
quiet line); only while a frame is incomplete does it read with a 0.3 s timeout, so a frame
cut short is given up (`flush()`) instead of swallowing the frames behind it. `close()` wakes
the reader: `cancel_read()` on serial ports, closing the socket on `socket://`.

A request names the response code it waits for (request | 0x2000) and may add a test on the
response (the 0x2008 of *this* datagram). Every wait watches a stop event in 0.1 s slices.
Everything logged at debug level goes through `describe_frame` (0x0054 masked) and then the
secrets are replaced, so the password is in no log line.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import serial

from hems_desktop.device.base import DongleNotResponding, PortLost, PortUnavailable, Stopped
from hems_desktop.device.port_errors import PORT_ERRORS, READER_ERRORS
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

REDACTED = "********"
QUIET_FLUSH_S = 0.3  # an incomplete frame this old is given up on (the module went quiet)
WAIT_SLICE_S = 0.1  # how often a blocked caller looks at its stop event
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


def wait(event: threading.Event, timeout: float, stop: threading.Event | None) -> bool:
    """Wait for `event` up to `timeout`, in slices; raises Stopped soon after `stop` is set."""
    deadline = time.monotonic() + timeout
    while True:
        if stop is not None and stop.is_set():
            raise Stopped("stopped")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return event.is_set()
        if event.wait(min(WAIT_SLICE_S, remaining)):
            return True


class J11Link:
    """Owns the port. One request at a time; `handler` gets every other message on the reader thread."""

    def __init__(self, port: str, baudrate: int, handler: Handler, on_lost: Callable[[str], None]) -> None:
        self.port_name = port
        self.baudrate = baudrate
        self._handler = handler
        self._on_lost = on_lost
        self._secrets: list[str] = []
        self._serial: serial.SerialBase | None = None
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._request_lock = threading.Lock()
        self._pending: _Pending | None = None
        self._parser = J11Parser()
        self.lost_reason: str | None = None
        self.frames_in = 0

    # ---- lifecycle ----

    @property
    def is_open(self) -> bool:
        return self._serial is not None and self.lost_reason is None

    def open(self) -> None:
        try:
            self._serial = serial.serial_for_url(self.port_name, self.baudrate, timeout=None, write_timeout=5)
        except PORT_ERRORS as exc:
            raise PortUnavailable(f"cannot open {self.port_name}: {exc}") from None
        self._stop.clear()
        self.lost_reason = None
        self._parser = J11Parser()
        self._reader = threading.Thread(target=self._read_loop, name="hems-j11-reader", daemon=True)
        self._reader.start()

    def close(self) -> None:
        self._stop.set()
        port, self._serial = self._serial, None
        if port is None:
            return
        cancel_read = getattr(port, "cancel_read", None)  # serial ports; a socket:// port has none
        if cancel_read is not None:
            with contextlib.suppress(Exception):
                cancel_read()
            self._join_reader()
        with contextlib.suppress(Exception):
            port.close()  # on socket:// this is what wakes the reader
        self._join_reader()

    def _join_reader(self) -> None:
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    # ---- requests ----

    def write(self, frame: bytes) -> None:
        port = self._serial
        if port is None or self.lost_reason is not None:
            raise PortLost(self.lost_reason or f"{self.port_name} is not open")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(">> %s", self.redact(describe_frame(frame)))
        try:
            with self._write_lock:
                port.write(frame)
                port.flush()
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

    def _read_loop(self) -> None:
        port = self._serial
        assert port is not None
        while not self._stop.is_set():
            try:
                wanted = QUIET_FLUSH_S if self._parser.pending else None
                if port.timeout != wanted:
                    port.timeout = wanted
                data = port.read(max(1, port.in_waiting))
            except READER_ERRORS as exc:
                if not self._stop.is_set():
                    self._port_failed(f"{self.port_name}: {exc}")
                return
            messages = self._parser.feed(data) if data else self._parser.flush()
            for message in messages:
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
