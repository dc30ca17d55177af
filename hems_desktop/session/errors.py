"""What can go wrong between "port open" and an answered request. Recovery is in the type
(see collector/recovery.py): a lost session is rejoined, a rejection latches."""

from __future__ import annotations

from hems_desktop.device.base import NeedsReopen
from hems_desktop.errors import ErrorKind, HemsError


class SessionError(HemsError):
    """A session failure with a message fit for the user (one line, no secrets)."""

    kind = ErrorKind.JOIN


class NoBeaconFound(SessionError):
    kind = ErrorKind.SCAN


class JoinFailed(SessionError):
    """PANA did not complete. `rejected`: the meter answered and refused the credentials."""

    def __init__(self, message: str, *, rejected: bool = False) -> None:
        super().__init__(message)
        self.rejected = rejected


class CredentialsRejected(SessionError):
    """The latch: the meter refused the B-route ID or password repeatedly; never retried by itself,
    so the B-route account is not locked."""

    kind = ErrorKind.CREDENTIALS


class SessionLost(SessionError):
    """The PANA session ended or the link went away: rejoin."""

    kind = ErrorKind.LOST


class DongleGone(SessionLost, NeedsReopen):
    """The serial port went away during the session (USB unplugged): reopen, then rejoin."""


class RequestTimeout(SessionError):
    """The meter did not answer a request (after the retries)."""

    kind = ErrorKind.TIMEOUT
