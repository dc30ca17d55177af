"""The settings layer's error: one line naming the option and where its value came from."""

from __future__ import annotations

from hems_desktop.errors import ErrorKind, HemsError


class ConfigError(HemsError):
    """A bad setting. The message is one line and never contains the B-route password.

    `option` is the option's name (the settings dialog points at its field).
    """

    kind = ErrorKind.SETTINGS

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def describe_read_error(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return type(exc).__name__
