"""One error base for everything a user can be told: a kind and a user-ready message.

Shells (the CLI, the GUI) catch `HemsError` and show `str(error)`; anything else that escapes
is a bug and is reported as one. Messages are one line and never contain a secret. Foreign
errors (OS, serial, SQLite, Google) become sentences in `hems_desktop.describe`, nowhere else.
"""

from __future__ import annotations

from enum import Enum


class ErrorKind(str, Enum):
    """What went wrong, for the GUI (icons, notifications) and the recovery policy."""

    SETTINGS = "settings"  # a value the user must fix before anything can start
    PORT = "port"  # the serial port cannot be opened
    DONGLE = "dongle"  # the dongle does not answer, or refuses a command
    SCAN = "scan"  # no meter answered the scan
    JOIN = "join"  # PANA authentication did not complete
    CREDENTIALS = "credentials"  # the meter rejected the B-route ID or password (latched)
    LOST = "lost"  # the session or the port went away
    TIMEOUT = "timeout"  # the meter did not answer a request
    METER = "meter"  # the meter answered something unusable
    METER_FAULT = "meter_fault"  # the meter itself reports a fault (EPC 88): a warning, readings go on
    OUTPUT = "output"  # a sink failed
    HISTORY = "history"  # the local history database failed
    MISSED = "missed"  # a scheduled reading could not be taken
    INTERNAL = "internal"  # a bug


class HemsError(Exception):
    """A failure with a message fit for the user. `kind` says which part failed."""

    kind: ErrorKind = ErrorKind.INTERNAL

    def __init__(self, message: str, *, kind: ErrorKind | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind

    @property
    def message(self) -> str:
        """The message as given: a `messages.Message` (translatable by the GUI) when it was one."""
        first = self.args[0] if self.args else ""
        return first if isinstance(first, str) else str(self)


def message_of(error: BaseException) -> str:
    """What to tell the user about `error`: its own message object when it has one."""
    return error.message if isinstance(error, HemsError) else str(error)
