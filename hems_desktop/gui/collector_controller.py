"""Runs the core Collector in a QThread; its events reach the GUI through one typed bridge."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from hems_desktop.collector.events import CollectorEvent, ErrorReported, StateChanged
from hems_desktop.errors import ErrorKind, HemsError
from hems_desktop.gui.bridge import CollectorEvents
from hems_desktop.session import SessionState
from hems_desktop.settings import Settings

log = logging.getLogger("hems_desktop.gui.collector")


class CollectorWorker(QObject):
    """Lives in its own QThread; `run` blocks there until the collector ends."""

    finished = Signal(int)  # exit status

    def __init__(self, settings: Settings, events: CollectorEvents, *, demo_speed: float = 20.0) -> None:
        super().__init__()
        self._settings = settings
        self._events = events
        self._demo_speed = demo_speed
        self._stop_requested = False
        from hems_desktop.app import CollectorRun

        self._run: CollectorRun | None = None

    @Slot()
    def run(self) -> None:
        from hems_desktop.app import prepare_run

        status = 2
        try:
            self._run = prepare_run(self._settings, on_event=self._dispatch, demo_speed=self._demo_speed,
                                    give_up_before_first_join=False)
        except HemsError as exc:
            self._events.error.emit(ErrorReported(exc.message, fatal=True, kind=exc.kind))  # the Message: translatable
            self.finished.emit(status)
            return
        try:
            status = 0 if self._stop_requested else self._run.collector.run()
        except Exception as exc:  # never let a bug take the GUI down silently
            log.exception("collector failed")
            self._events.error.emit(ErrorReported(f"internal error: {exc}", fatal=True, kind=ErrorKind.INTERNAL))
            status = 3
        finally:
            self._run.close()
            self.finished.emit(status)

    def _dispatch(self, event: CollectorEvent) -> None:
        if self._stop_requested and isinstance(event, ErrorReported):
            # What goes wrong after we asked the collector to stop is the stop itself (a scan cut
            # short): not a failure to tell the user about.
            log.info("while stopping: %s", event.message)
            return
        self._events.dispatch(event)

    def stop(self) -> None:
        """Thread-safe: asks the collector to end (SKTERM) at its next chance."""
        self._stop_requested = True
        if self._run is not None:
            self._run.collector.stop()

    @property
    def emulator_port(self) -> str | None:
        return self._run.emulator_port if self._run is not None else None


class CollectorController(QObject):
    """Starts and stops the worker thread; safe to call at any moment from the GUI thread.

    `events` outlives the workers: widgets connect to it once.
    """

    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events = CollectorEvents(self)
        self._thread: QThread | None = None
        self._worker: CollectorWorker | None = None
        self.last_state = SessionState.STOPPED
        self.events.state.connect(self._on_state)

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
        worker = CollectorWorker(settings, self.events, demo_speed=demo_speed)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
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

    def _on_state(self, change: StateChanged) -> None:
        self.last_state = change.state

    def _on_thread_finished(self) -> None:
        if self._thread is not None and not self._thread.isRunning():
            # The session itself reported STOPPED on its way out (Collector.run ends with terminate).
            self._thread = None
            self._worker = None
            self.running_changed.emit(False)
