"""One serial line with its reader thread: the part both dongle drivers share.

Opened with pyserial's `serial_for_url`, so a USB port, a pty or `socket://127.0.0.1:N` all
work. The reader blocks in `read()` with no timeout while the owner's parser holds nothing
half-received (no polling on a quiet line: no wake-ups at rest); only while a line or frame is
incomplete does it read with a 0.3 s timeout, so one cut short is given up (`on_quiet`)
instead of swallowing what follows. `close()` wakes the reader: `cancel_read()` on serial
ports, closing the socket on `socket://`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import serial

from hems_desktop.device.base import Stopped
from hems_desktop.device.port_errors import READER_ERRORS

QUIET_FLUSH_S = 0.3  # an incomplete line or frame this old is given up on (the sender went quiet)
WAIT_SLICE_S = 0.1  # how often a blocked caller looks at its stop event


def wait(event: threading.Event, timeout: float, stop: threading.Event | None) -> bool:
    """Wait for `event` up to `timeout`; raises Stopped within WAIT_SLICE_S of `stop` being set
    (an event already set wins: an answer that arrived is not thrown away)."""
    if stop is None:
        return event.wait(timeout)
    deadline = time.monotonic() + timeout
    while not event.wait(min(WAIT_SLICE_S, max(0.0, deadline - time.monotonic()))):
        if stop.is_set():
            raise Stopped("stopped")
        if time.monotonic() >= deadline:
            return False
    return True


class SerialLine:
    """Owns the port and the reader thread; bytes go to `on_data`, a lost port to `on_failed`.

    `has_partial` tells whether the owner's parser holds an incomplete line or frame; the callbacks
    run on the reader thread. `open` raises what pyserial raises (the owner words it).
    """

    def __init__(self, port_name: str, baudrate: int, *, thread_name: str, on_data: Callable[[bytes], None],
                 on_quiet: Callable[[], None], has_partial: Callable[[], bool],
                 on_failed: Callable[[str], None]) -> None:
        self.port_name = port_name
        self.baudrate = baudrate
        self._thread_name = thread_name
        self._on_data = on_data
        self._on_quiet = on_quiet
        self._has_partial = has_partial
        self._on_failed = on_failed
        self._serial: serial.SerialBase | None = None
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._write_lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    @property
    def reader_alive(self) -> bool:
        return self._reader is not None and self._reader.is_alive()

    def open(self) -> None:
        self._serial = serial.serial_for_url(self.port_name, self.baudrate, timeout=None, write_timeout=5)
        self._stop.clear()
        self._reader = threading.Thread(target=self._read_loop, args=(self._serial,), name=self._thread_name,
                                        daemon=True)
        self._reader.start()

    def close(self) -> None:
        self._stop.set()
        port, self._serial = self._serial, None
        if port is None:
            return
        cancel_read = getattr(port, "cancel_read", None)  # POSIX and Windows ports; not socket://
        if cancel_read is not None:
            with contextlib.suppress(Exception):
                cancel_read()  # wake the reader from its blocking read
            self._join_reader()
        with contextlib.suppress(Exception):
            port.close()  # on socket:// this is what wakes the reader (pyserial shuts the socket down)
        self._join_reader()

    def write(self, data: bytes) -> None:
        """Write and flush; raises what pyserial raises (PORT_ERRORS), or OSError when not open."""
        port = self._serial
        if port is None:
            raise OSError(f"{self.port_name} is not open")
        with self._write_lock:
            port.write(data)
            port.flush()

    def _join_reader(self) -> None:
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    def _read_loop(self, port: serial.SerialBase) -> None:
        while not self._stop.is_set():
            try:
                wanted = QUIET_FLUSH_S if self._has_partial() else None
                if port.timeout != wanted:
                    port.timeout = wanted
                data = port.read(max(1, port.in_waiting))
            except READER_ERRORS as exc:
                if not self._stop.is_set():
                    self._on_failed(f"{self.port_name}: {exc}")
                return
            if data:
                self._on_data(data)
            elif self._has_partial():
                self._on_quiet()
