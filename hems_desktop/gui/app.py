"""`hems-desktop`: the tray app. A thin shell over the core collector."""

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



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hems-desktop", description="HEMS Desktop: your smart meter in the tray.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="run on the built-in virtual meter (no hardware)")
    parser.add_argument("--settings", type=Path, help="settings file (default: the per-user config folder)")
    parser.add_argument("--lang", choices=("system", "ja", "en"), help="user-interface language")
    parser.add_argument("--self-test", metavar="OUTDIR", type=Path,
                        help="run in demo mode, save screenshots to OUTDIR, exit 0 when everything worked")
    parser.add_argument("--autostart", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", help="detailed log on stderr")
    return parser


def _needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test is not None and _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from hems_desktop.logsetup import setup_logging

    setup_logging(args.debug, [])
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        print("hems-desktop needs the GUI extra: pip install 'hems-desktop[gui]'", file=sys.stderr)
        return 2
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.single_instance import SingleInstance

    app = QApplication(sys.argv[:1])
    app.setApplicationName("HEMS Desktop")
    app.setOrganizationName("hems-desktop")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)
    if args.self_test is not None:
        from hems_desktop.gui.self_test import run_self_test

        status = run_self_test(app, args.self_test)
        app._hems_exit_status = status  # type: ignore[attr-defined]
        _shutdown(app)
    instance = SingleInstance("hems-desktop")
    if not instance.acquire():
        print("HEMS Desktop is already running; its window was brought forward.", file=sys.stderr)
        return 0
    hems = HemsApp(settings_path=args.settings, demo=args.demo, language=args.lang, autostart=args.autostart)
    instance.activated.connect(hems.show_dashboard)
    hems.start()
    status = app.exec()
    instance.release()
    app._hems_exit_status = int(status)  # type: ignore[attr-defined]
    _shutdown(app)
    return int(status)


def _shutdown(app: object) -> NoReturn:
    """Leave without Python's teardown of Qt objects.

    Everything that matters is done by now (session ended with SKTERM, files and databases
    closed). Letting the interpreter destroy shiboken/pyqtgraph wrappers in arbitrary order
    crashes at exit on some platforms, so flush and exit directly, as pyqtgraph's own exit() does.
    """
    import logging as logging_module

    status = getattr(app, "_hems_exit_status", 0)
    sys.stdout.flush()
    sys.stderr.flush()
    logging_module.shutdown()
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

