"""Run a callable off the GUI thread; its result or error comes back on the GUI thread.

Electrum's TaskThread in miniature: the dialog never blocks, never builds a QThread by hand,
and a task outliving its dialog is harmless (the callbacks are dropped with the receiver).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("hems_desktop.gui")


class _Emitter(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(str)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Callable[[str], None]], Any], emitter: _Emitter) -> None:
        super().__init__()
        self.work = work
        self.emitter = emitter
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.emitter.progressed.emit)
        except BaseException as exc:  # reported to the caller, never lost on a worker thread
            self.emitter.failed.emit(exc)
            return
        self.emitter.succeeded.emit(result)


class BackgroundTask(QObject):
    """One piece of work. `work(progress)` runs on a pool thread; callbacks run on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._emitter: _Emitter | None = None
        self.stop = threading.Event()  # for work that can be cancelled (it is handed the same event)
        self.done = threading.Event()

    @property
    def running(self) -> bool:
        return self._emitter is not None and not self.done.is_set()

    def start(
        self,
        work: Callable[[Callable[[str], None]], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        emitter = _Emitter(self)
        self.done.clear()
        self.stop.clear()
        emitter.succeeded.connect(lambda result: self._finish(on_success, result))
        emitter.failed.connect(lambda error: self._finish(on_error, error))
        if on_progress is not None:
            emitter.progressed.connect(on_progress)
        self._emitter = emitter
        QThreadPool.globalInstance().start(_Runnable(work, emitter))

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        self.done.set()
        self._emitter = None
        callback(value)

    def cancel(self, wait_s: float = 3.0) -> bool:
        """Ask the work to stop and wait for it briefly; True when it ended."""
        self.stop.set()
        return QThreadPool.globalInstance().waitForDone(int(wait_s * 1000)) if self.running else True
