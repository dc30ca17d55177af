"""Runs the core Collector in a QThread and re-emits its events as Qt signals."""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from hems_desktop.collector import (
    CollectorEvent,
    ErrorReported,
    FixedTimeReading,
    ReadingTaken,
    SlotMissed,
    StateChanged,
)
from hems_desktop.runner import CollectorRun, RunSetupError, prepare_run
from hems_desktop.session import SessionState
from hems_desktop.settings import Settings

log = logging.getLogger("hems_desktop.gui.worker")


class CollectorWorker(QObject):
    """Lives in its own QThread; `run` blocks there until the collector ends."""

    reading = Signal(object)  # Reading
    state = Signal(str, str)  # SessionState value, detail
    error = Signal(str, str, bool)  # message, kind, fatal
    fixed_time = Signal(object)  # FixedTimeReading
    connection = Signal(dict)  # dongle, dialect, channel, PAN ID, meter address, LQI, joined at
    finished = Signal(int)  # exit status

    def __init__(self, settings: Settings, *, demo_speed: float = 20.0) -> None:
        super().__init__()
        self._settings = settings
        self._demo_speed = demo_speed
        self._run: CollectorRun | None = None
        self._stop_requested = False

    @Slot()
    def run(self) -> None:
        status = 2
        try:
            self._run = prepare_run(self._settings, on_event=self._on_event, demo_speed=self._demo_speed)
        except RunSetupError as exc:
            self.error.emit(str(exc), "setup", True)
            self.finished.emit(status)
            return
        try:
            status = 0 if self._stop_requested else self._run.collector.run()
        except Exception as exc:  # never let a bug take the GUI down silently
            log.exception("collector failed")
            self.error.emit(f"internal error: {exc}", "internal", True)
            status = 3
        finally:
            self._run.close()
            self.finished.emit(status)

    def stop(self) -> None:
        """Thread-safe: asks the collector to end (SKTERM) at its next chance."""
        self._stop_requested = True
        if self._run is not None:
            self._run.collector.stop()

    @property
    def emulator_port(self) -> str | None:
        run = self._run
        return run.emulator.port if run is not None and run.emulator is not None else None

    # Called on the collector thread (or the serial reader thread); Qt queues the signals.
    def _on_event(self, event: CollectorEvent) -> None:
        if isinstance(event, ReadingTaken):
            self.reading.emit(event.reading)
        elif isinstance(event, StateChanged):
            self.state.emit(event.state.value, event.detail)
            if event.state == SessionState.JOINED:
                self.connection.emit(self._connection_info())
        elif isinstance(event, ErrorReported):
            self.error.emit(event.message, event.kind, event.fatal)
        elif isinstance(event, SlotMissed):
            self.error.emit(f"reading for {event.slot:%H:%M} missed: {event.reason}", "missed", False)
        elif isinstance(event, FixedTimeReading):
            self.fixed_time.emit(event)

    def _connection_info(self) -> dict[str, Any]:
        run = self._run
        if run is None:
            return {}
        session = run.collector.session
        network = session.network
        info: dict[str, Any] = {
            "port": session.config.port,
            "dongle": session.dongle_mac,
            "firmware": session.dongle_version,
            "dialect": str(session.dialect) if session.dialect else "",
            "joined_at": time.time(),
        }
        if network is not None:
            info.update(dataclasses.asdict(network))
        return info


class CollectorController(QObject):
    """Starts and stops the worker thread; safe to call at any moment from the GUI thread."""

    reading = Signal(object)
    state = Signal(str, str)
    error = Signal(str, str, bool)
    fixed_time = Signal(object)
    connection = Signal(dict)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: CollectorWorker | None = None
        self.last_state = SessionState.STOPPED.value

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    @property
    def worker(self) -> CollectorWorker | None:
        return self._worker

    def start(self, settings: Settings, *, demo_speed: float = 20.0) -> None:
        if self.running:
            self.stop()
        thread = QThread()
        thread.setObjectName("hems-collector")
        worker = CollectorWorker(settings, demo_speed=demo_speed)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.reading.connect(self.reading)
        worker.state.connect(self._on_state)
        worker.error.connect(self.error)
        worker.fixed_time.connect(self.fixed_time)
        worker.connection.connect(self.connection)
        # Direct: QThread.quit is thread-safe, and stop() blocks the GUI thread in wait().
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)

    def stop(self, timeout_ms: int = 4000) -> bool:
        """End the session (SKTERM) and wait for the thread; True when it ended in time."""
        thread, worker = self._thread, self._worker
        if thread is None or worker is None:
            return True
        worker.stop()
        ended = thread.wait(timeout_ms)
        self._on_thread_finished()
        return bool(ended)

    def _on_state(self, state: str, detail: str) -> None:
        self.last_state = state
        self.state.emit(state, detail)

    def _on_thread_finished(self) -> None:
        if self._thread is not None and not self._thread.isRunning():
            self._thread = None
            self._worker = None
            self.last_state = SessionState.STOPPED.value
            self.state.emit(SessionState.STOPPED.value, "")
            self.running_changed.emit(False)
