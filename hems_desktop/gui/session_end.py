"""Ending the B-route session (SKTERM) when the app is told to go: logout, shutdown, Ctrl+C.

- SIGTERM (logout and shutdown on Linux and macOS), SIGINT (Ctrl+C in a terminal) and SIGHUP
  (the terminal closed): Python runs a signal handler only when the interpreter gets control,
  which Qt's event loop in C++ may not give for hours. `signal.set_wakeup_fd` writes a byte to a
  socket the event loop watches (a QSocketNotifier), so the app wakes at once and quits cleanly;
  no polling timer, so the hidden app still idles at ~0 % CPU.
- Windows ends a session with WM_QUERYENDSESSION/WM_ENDSESSION, which Qt turns into
  `commitDataRequest` and then `aboutToQuit`: both end the session (each only once).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtGui import QGuiApplication, QSessionManager

log = logging.getLogger("hems_desktop.gui")

QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


class SessionEndWatcher(QObject):
    """Calls `quit_app` once, whichever way the end comes."""

    def __init__(self, app: QGuiApplication, quit_app: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit_app = quit_app
        self._done = False
        self.received: list[str] = []  # why the app ended (logged; tests read it)
        app.commitDataRequest.connect(self._commit_data)
        app.aboutToQuit.connect(lambda: self._end("aboutToQuit"))
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._notifier: QSocketNotifier | None = None
        try:
            signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        except (ValueError, OSError) as exc:  # not the main thread, or a platform without it
            log.debug("no signal wake-up: %s", exc)
            return
        for number in QUIT_SIGNALS:
            signal.signal(number, self._on_signal)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _on_signal(self, number: int, frame: object) -> None:
        # Runs when the interpreter next gets control: right after _drain, woken by the socket.
        name = signal.Signals(number).name
        log.info("%s received: ending the B-route session and quitting", name)
        self._end(name)

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass

    def _commit_data(self, manager: QSessionManager) -> None:
        # The session manager asks apps to save their state before logout: the meter session
        # ends now, while the system still waits for us.
        self._end("commitDataRequest")

    def _end(self, why: str) -> None:
        self.received.append(why)
        if self._done:
            return
        self._done = True
        self._quit_app()

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
        for end in (self._reader, self._writer):
            end.close()


def restore_default_signals() -> None:
    for number in QUIT_SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_DFL)
    if sys.platform != "win32":
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
