"""Logging for the CLI and the desktop app: one line per record, secrets replaced."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from hems_desktop.redaction import redact


class RedactingFilter(logging.Filter):
    """Last line of defence: no record leaves with the B-route password in it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = redact(str(record.exc_info[1]), self.secrets)
            if text != str(record.exc_info[1]):
                record.exc_info = None
                record.msg = f"{record.msg} ({text})"
        return True


def setup_logging(debug: bool, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    if not debug:
        logging.getLogger("hems_desktop.serial").setLevel(logging.INFO)
