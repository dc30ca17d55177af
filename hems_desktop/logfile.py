"""The desktop app's log: a rotating file in the per-user log folder, and stderr when there is one.

A windowed app (PyInstaller's windowed mode, `pythonw`, an app started from Finder) has
`sys.stdout` and `sys.stderr` set to None, so the file is the only place the log can go; it is
always written. Fatal errors are logged at CRITICAL, which no level setting hides.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Iterable
from pathlib import Path

from hems_desktop.logsetup import RedactingFilter

LOG_BYTES = 1_000_000  # per file; with 3 backups the log never takes more than 4 MB
LOG_BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def setup_desktop_logging(path: Path, debug: bool = False) -> Path | None:
    """Log to `path` (rotating) and to stderr when it exists. Returns the file, None if it cannot be opened."""
    formatter = logging.Formatter(FORMAT, "%Y-%m-%d %H:%M:%S")
    handlers: list[logging.Handler] = []
    if sys.stderr is not None:  # a terminal gets warnings (everything with --debug); the file gets it all
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(logging.DEBUG if debug else logging.WARNING)
        handlers.append(stream)
    written: Path | None = path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                        encoding="utf-8")
        rotating.setFormatter(formatter)
        handlers.append(rotating)
    except OSError:
        written = None  # a read-only profile: the app still runs, and says where the log is not
    for handler in handlers:
        handler.addFilter(RedactingFilter([]))
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    if not debug:
        logging.getLogger("hems_desktop.serial").setLevel(logging.INFO)
    return written


def add_secrets(secrets: Iterable[str]) -> None:
    """Redact these (the B-route password, once known) in every record from now on."""
    values = [s for s in secrets if s]
    for handler in logging.getLogger().handlers:
        for item in handler.filters:
            if isinstance(item, RedactingFilter):
                item.secrets.extend(v for v in values if v not in item.secrets)
