"""Runs a virtual dongle (SKSTACK or J11) on a pseudo-terminal or a loopback TCP port, in a background thread.

Where there is no pty (Windows; or `os.openpty`, `pty` or `tty` missing) and no TCP address was
asked for, it serves loopback TCP on a free port by itself and `port` is `socket://127.0.0.1:N`,
which pyserial opens like any port. Wake-ups go through a socket pair, because `select` takes
only sockets on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import heapq
import importlib
import itertools
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from hems_desktop.emulator.dongle import PROFILES, VirtualDongle
from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.j11_module import VirtualJ11Module
from hems_desktop.emulator.meter_model import MeterConfig, MeterModel
from hems_desktop.emulator.meter_node import MeterNode

log = logging.getLogger("hems_desktop.emulator")

J11_DIALECT = "j11"
DIALECTS = (*PROFILES, J11_DIALECT)
LOOPBACK = "127.0.0.1"


class VirtualDevice(Protocol):
    """What the server and the fault actions use of a virtual dongle (SKSTACK or J11)."""

    node: MeterNode
    joined: bool
    tx_limited: bool
    infc: bool

    def receive(self, data: bytes) -> None: ...

    def tick(self) -> None: ...

    def reset(self) -> None: ...

    def expire_session(self, reauthenticate: bool = True) -> None: ...

    def end_session(self) -> None: ...

    def set_tx_limit(self, seconds: float) -> None: ...


def pty_available() -> bool:
    """os.openpty and the tty module (for raw mode) both exist: POSIX, not Windows."""
    if not hasattr(os, "openpty"):
        return False
    try:
        importlib.import_module("pty")
        importlib.import_module("tty")
    except ImportError:
        return False
    return True


@dataclass
class EmulatorConfig:
    dialect: str = "bp35a1"  # bp35a1 | dual-stack | rl7023-ips | j11
    hex_payload: bool | None = None  # None: the dialect's default (binary, hex-only on rl7023-ips)
    speed: float = 1.0  # simulated delays are this many times shorter than the hardware's
    link: str | None = None  # a stable symlink to the pty
    tcp: tuple[str, int] | None = None  # serve on loopback TCP instead of a pty (chosen by itself without a pty)
    meter: MeterConfig = field(default_factory=MeterConfig)
    seed: int = 1
    periodic_reauth: bool = False  # SKSTACK: re-authenticate by itself at 80 % of S16 (the CLI turns it on)
    session_lifetime_s: int = 900  # S16, hardware seconds


class _Link:
    """The device end of the serial line: a pty master, or an accepted TCP connection."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.master: int | None = None
        self.slave: int | None = None
        self.listener: socket.socket | None = None
        self.conn: socket.socket | None = None
        self.port = ""

    def open(self) -> None:
        if self.config.tcp is None and not pty_available():
            self.config.tcp = (LOOPBACK, 0)  # no pty here: loopback TCP on a free port instead
            log.info("emulator: no pseudo-terminal on this system; serving loopback TCP")
        if self.config.tcp is not None:
            host, port = self.config.tcp
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError("the emulator serves on loopback only")
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind((host, port))
            self.listener.listen(1)
            self.listener.setblocking(False)
            bound = self.listener.getsockname()
            self.config.tcp = (host, bound[1])
            self.port = f"socket://{host}:{bound[1]}"
            return
        tty = importlib.import_module("tty")  # POSIX only, hence imported here

        self.master, self.slave = os.openpty()
        # Raw from the start: no echo or CR/LF mangling even before the host opens the port.
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        slave_name = os.ttyname(self.slave)
        self.port = slave_name
        if self.config.link:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.config.link)
            os.symlink(slave_name, self.config.link)
            self.port = self.config.link

    def close(self) -> None:
        for fd in (self.master, self.slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.master = self.slave = None
        for sock in (self.conn, self.listener):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self.conn = self.listener = None
        if self.config.link and self.config.tcp is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.config.link)

    def fds(self) -> list[int]:
        if self.master is not None:
            return [self.master]
        if self.conn is not None:
            return [self.conn.fileno()]
        if self.listener is not None:
            return [self.listener.fileno()]
        return []

    def read(self) -> bytes:
        if self.master is not None:
            try:
                return os.read(self.master, 4096)
            except BlockingIOError:
                return b""
            except OSError as exc:
                if exc.errno == errno.EIO:
                    return b""  # no host has the port open
                raise
        if self.conn is not None:
            try:
                data = self.conn.recv(4096)
            except (BlockingIOError, InterruptedError):
                return b""
            except OSError:
                data = b""
            if not data:
                self.conn.close()
                self.conn = None
            return data
        if self.listener is not None:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return b""
            conn.setblocking(False)
            self.conn = conn
        return b""

    def write(self, data: bytes) -> None:
        target = self.master
        try:
            if target is not None:
                view = memoryview(data)
                deadline = time.monotonic() + 1.0
                while view:
                    try:
                        written = os.write(target, view)
                        view = view[written:]
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            return  # nobody reads the port: a UART would drop the bytes too
                        time.sleep(0.005)
            elif self.conn is not None:
                self.conn.setblocking(True)
                self.conn.settimeout(1.0)
                self.conn.sendall(data)
                self.conn.setblocking(False)
        except OSError:
            pass


class Emulator:
    """A virtual dongle + meter. Use as a context manager; `port` is what the host opens."""

    def __init__(self, config: EmulatorConfig | None = None, faults: Faults | None = None) -> None:
        self.config = config or EmulatorConfig()
        if self.config.dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {self.config.dialect!r}; choose from {', '.join(DIALECTS)}")
        self.faults = faults or Faults()
        self.time_offset = 0.0
        self._link = _Link(self.config)
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unplugged_until = 0.0
        self.meter = MeterModel(self.config.meter, self.clock())
        self.dongle: VirtualDevice = self._make_device()

    def _make_device(self) -> VirtualDevice:
        """The one place that knows which class plays which dialect."""
        config = self.config
        if config.dialect == J11_DIALECT:
            return VirtualJ11Module(
                self.meter, output=self._write, schedule=self.schedule, clock=self.clock, speed=config.speed,
                faults=self.faults, seed=config.seed,
            )  # fmt: skip
        return VirtualDongle(
            PROFILES[config.dialect], self.meter, output=self._write, schedule=self.schedule, clock=self.clock,
            speed=config.speed, hex_payload=config.hex_payload, faults=self.faults, seed=config.seed,
            periodic_reauth=config.periodic_reauth, session_lifetime_s=config.session_lifetime_s,
        )  # fmt: skip

    # ---- public ----

    @property
    def port(self) -> str:
        return self._link.port

    def clock(self) -> float:
        """The meter's time (unix seconds): real time plus whatever tests advanced it by."""
        return time.time() + self.time_offset

    def start(self) -> Emulator:
        self._link.open()
        self._thread = threading.Thread(target=self._run, name="hems-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=3)
        self._link.close()
        for sock in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        """Run `action` on the emulator thread after `delay` real seconds (thread-safe)."""
        with self._lock:
            heapq.heappush(self._timers, (time.monotonic() + delay, next(self._sequence), action))
        self._wake()

    def call(self, action: Callable[[], None]) -> None:
        self.schedule(0.0, action)

    def advance_clock(self, seconds: float) -> None:
        """Move the meter's clock forward, as if the computer had been off for that long."""
        self.call(lambda: setattr(self, "time_offset", self.time_offset + seconds))

    def expire_session(self, reauthenticate: bool = True) -> None:
        self.call(lambda: self.dongle.expire_session(reauthenticate))

    def end_session(self) -> None:
        self.call(self.dongle.end_session)

    def set_tx_limit(self, hardware_seconds: float) -> None:
        self.call(lambda: self.dongle.set_tx_limit(hardware_seconds))

    def unplug(self, seconds: float) -> None:
        """The device disappears (USB unplugged) and comes back after `seconds` real seconds."""

        def pull() -> None:
            self._link.close()
            self.dongle.reset()
            self.dongle.tx_limited = False
            self._unplugged_until = time.monotonic() + seconds
            self.schedule(seconds, self._replug)

        self.call(pull)

    def _replug(self) -> None:
        self._link = _Link(self.config)
        self._link.open()
        self._unplugged_until = 0.0
        log.info("emulator: device is back at %s", self.port)

    # ---- thread ----

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _write(self, data: bytes) -> None:
        self._link.write(data)

    def _run(self) -> None:
        next_tick = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                due = self._timers[0][0] if self._timers else now + 1.0
            timeout = max(0.0, min(due, next_tick) - now)
            wake = self._wake_r.fileno()
            fds = [wake, *self._link.fds()]
            try:
                readable, _, _ = select.select(fds, [], [], timeout)
            except (OSError, ValueError):
                readable = []
                time.sleep(0.01)
            if wake in readable:
                with contextlib.suppress(OSError):
                    self._wake_r.recv(4096)
            if any(fd in readable for fd in self._link.fds()):
                try:
                    data = self._link.read()
                except OSError:
                    data = b""
                if data:
                    try:
                        self.dongle.receive(data)
                    except Exception:  # whatever the host sends, the emulator keeps running
                        log.exception("emulator: input not handled")
                elif self._link.master is not None and not self._link.conn:
                    time.sleep(0.01)  # EIO: no host on the pty; do not spin
            self._run_timers()
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + 1.0
                try:
                    self.dongle.tick()
                except Exception:
                    log.exception("emulator tick failed")

    def _run_timers(self) -> None:
        while True:
            with self._lock:
                if not self._timers or self._timers[0][0] > time.monotonic():
                    return
                _, _, action = heapq.heappop(self._timers)
            try:
                action()
            except Exception:  # the emulator must keep running whatever a fault does
                log.exception("emulator action failed")
