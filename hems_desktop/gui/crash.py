"""An uncaught exception in the GUI is logged (with its traceback) and shown, never lost.

PySide6 prints an exception raised in a slot to stderr and carries on; in a windowed app stderr
is None, so it would vanish. The hook writes it to the log file at CRITICAL and shows a
non-modal dialog that says where the log is (one dialog at a time, so a loop of errors cannot
bury the screen).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger("hems_desktop.gui")


class CrashReporter:
    def __init__(self, log_file: Path | None, show_dialog: bool = True) -> None:
        self.log_file = log_file
        self.show_dialog = show_dialog
        self.reported: list[str] = []
        self._box: QMessageBox | None = None
        self._previous: Callable[..., object] | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self._hook
        threading.excepthook = self._thread_hook

    def _hook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return  # Ctrl+C is handled as a quit request (session_end.py)
        text = "".join(traceback.format_exception(kind, value, tb))
        log.critical("uncaught exception in the app:\n%s", text)
        self.reported.append(f"{kind.__name__}: {value}")
        if self.show_dialog:
            QTimer.singleShot(0, lambda: self._show(f"{kind.__name__}: {value}"))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self._hook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, summary: str) -> None:
        if QCoreApplication.instance() is None:
            return
        if self._box is not None and self._box.isVisible():
            return
        translate = QCoreApplication.translate
        where = str(self.log_file) if self.log_file is not None else translate("Crash", "(no log file)")
        box = QMessageBox(QMessageBox.Icon.Critical, translate("Crash", "HEMS Desktop: unexpected error"),
                          translate("Crash", "Something went wrong inside the app. It keeps running, but "
                                             "please report this with the log file:\n%1\n\n%2")
                          .replace("%1", where).replace("%2", summary))
        box.setModal(False)
        box.show()
        self._box = box
