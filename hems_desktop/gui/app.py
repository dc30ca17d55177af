"""`hems-desktop`: the tray app. A thin shell over the core collector.

It runs windowed (PyInstaller's windowed mode, `pythonw`, Finder), where `sys.stdout` and
`sys.stderr` are None: everything goes to the log file, and nothing here writes to a None stream.
Qt's own options (`-style fusion`, `-platform xcb`, ...) are handed to Qt.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

from hems_desktop import __version__

log = logging.getLogger("hems_desktop.gui")

NO_DISPLAY = ("hems-desktop: there is no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set); "
              "without one, run the collector on the demo meter: hems-collector --demo --output stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hems-desktop", description="HEMS Desktop: your smart meter in the tray.",
        epilog="Qt's own options (-style NAME, -platform NAME, -reverse, ...) are accepted too.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="run on the built-in virtual meter (no hardware)")
    parser.add_argument("--settings", type=Path, help="settings file (default: the per-user config folder)")
    parser.add_argument("--lang", choices=("system", "ja", "en"), help="user-interface language")
    parser.add_argument("--self-test", metavar="OUTDIR", type=Path,
                        help="run in demo mode, save screenshots to OUTDIR, exit 0 when everything worked")
    parser.add_argument("--autostart", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", help="detailed log (stderr and the log file)")
    return parser


def say(text: str) -> None:
    """One line for a terminal, when there is one (a windowed app has no stderr); always in the log."""
    log.info("%s", text)
    if sys.stderr is not None:
        print(text, file=sys.stderr)


def _has_display(qt_args: list[str]) -> bool:
    if not sys.platform.startswith("linux"):
        return True  # Windows and macOS always have one for a desktop session
    if "-platform" in qt_args or os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal",
                                                                                         "vnc", "eglfs", "linuxfb"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args, qt_args = build_parser().parse_known_args(argv)
    if args.self_test is not None and not _has_display(qt_args):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from hems_desktop.logfile import setup_desktop_logging
    from hems_desktop.settings.desktop_paths import log_file_path

    log_file = setup_desktop_logging(log_file_path(), args.debug)
    if not _has_display(qt_args):
        say(NO_DISPLAY)
        return 2
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        say("hems-desktop needs the GUI extra: pip install 'hems-desktop[gui]'")
        return 2
    from hems_desktop.gui.crash import CrashReporter
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.session_end import SessionEndWatcher
    from hems_desktop.gui.single_instance import SingleInstance
    from hems_desktop.gui.theme import follow_system_scheme

    app = QApplication([sys.argv[0] if sys.argv else "hems-desktop", *qt_args])
    unknown = app.arguments()[1:]  # what Qt did not take either
    if unknown:
        say(f"hems-desktop: unrecognized arguments: {' '.join(unknown)}")
        return 2
    app.setApplicationName("HEMS Desktop")
    app.setOrganizationName("hems-desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("hems-desktop")
    app.setQuitOnLastWindowClosed(False)
    follow_system_scheme(app)
    crashes = CrashReporter(log_file)
    crashes.install()
    log.info("HEMS Desktop %s starting (log file %s)", __version__, log_file)
    if args.self_test is not None:
        from hems_desktop.gui.self_test import run_self_test

        app._hems_exit_status = run_self_test(app, args.self_test, log_file)  # type: ignore[attr-defined]
        _shutdown(app)
    instance = SingleInstance("hems-desktop")
    if not instance.acquire():
        say("HEMS Desktop is already running; its window was brought forward.")
        return 0
    hems = HemsApp(settings_path=args.settings, demo=args.demo, language=args.lang, autostart=args.autostart,
                   log_file=log_file)
    instance.activated.connect(hems.show_dashboard)
    watcher = SessionEndWatcher(app, hems.quit)
    hems.start()
    status = app.exec()
    watcher.close()
    hems.quit()  # idempotent: the session ended (SKTERM) whichever way the app was told to go
    instance.release()
    log.info("HEMS Desktop quit (%s)", ", ".join(watcher.received) or "menu")
    app._hems_exit_status = int(status)  # type: ignore[attr-defined]
    _shutdown(app)
    return int(status)


def _shutdown(app: object) -> NoReturn:
    """Leave without Python's teardown of Qt objects.

    Everything that matters is done by now (session ended with SKTERM, files and databases
    closed). Letting the interpreter destroy shiboken/pyqtgraph wrappers in arbitrary order
    crashes at exit on some platforms, so flush and exit directly, as pyqtgraph's own exit() does.
    """
    status = getattr(app, "_hems_exit_status", 0)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    logging.shutdown()
    os._exit(status)


def wait_for(app: object, condition: object, timeout_s: float) -> bool:
    """Process Qt events until condition() is true or the timeout passes."""
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


if __name__ == "__main__":
    sys.exit(main())
