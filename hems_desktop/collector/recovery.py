"""What the collector does after each kind of failure: a table, not a ladder of excepts.

The first row whose type matches decides. "Before the first join" rows end the run only while
nothing has ever worked, since then the user must fix something (the port, the dongle, the
meter's reach) and a service manager should see a failure; once a session has worked, the
same error is a dongle unplugged or a meter gone quiet, and is waited out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hems_desktop.device.base import DongleNotResponding, PortUnavailable, Stopped, WrongDongleFamily
from hems_desktop.errors import HemsError
from hems_desktop.session.errors import CredentialsRejected, DongleGone, JoinFailed, NoBeaconFound, SessionLost


class Pause(str, Enum):
    NONE = "none"
    REOPEN = "reopen"  # a fixed short interval: wait for the dongle to come back
    BACKOFF = "backoff"  # capped exponential backoff with jitter


EXIT_FATAL = 1  # the run ended on an error a restart may fix (the dongle or meter never answered)
EXIT_CONFIG = 78  # sysexits EX_CONFIG: restarting cannot fix it (rejected credentials, wrong dongle type)


@dataclass(frozen=True)
class Recovery:
    fatal: bool = False  # ends the run whatever happened before
    exit_status: int = EXIT_FATAL  # the process's status when it ends the run
    fatal_before_first_join: bool = False  # ends the run while no session ever worked...
    strikes: int = 1  # ...after this many in a row
    close_port: bool = False
    pause: Pause = Pause.BACKOFF


RECOVERY: tuple[tuple[type[BaseException], Recovery], ...] = (
    (Stopped, Recovery(pause=Pause.NONE)),
    (CredentialsRejected, Recovery(fatal=True, close_port=True, exit_status=EXIT_CONFIG)),
    (WrongDongleFamily, Recovery(fatal=True, close_port=True, exit_status=EXIT_CONFIG)),
    (PortUnavailable, Recovery(fatal_before_first_join=True, pause=Pause.REOPEN)),
    (DongleGone, Recovery(close_port=True, pause=Pause.REOPEN)),
    (DongleNotResponding, Recovery(fatal_before_first_join=True, close_port=True, pause=Pause.REOPEN)),
    (NoBeaconFound, Recovery(fatal_before_first_join=True, strikes=3)),
    (JoinFailed, Recovery()),
    (SessionLost, Recovery(close_port=True, pause=Pause.REOPEN)),
    (HemsError, Recovery()),  # anything else the dongle or the session reports (a refused command, ...)
)


def recovery_for(error: BaseException) -> Recovery | None:
    """The row for `error`; None for an error we did not foresee (a bug: the run ends)."""
    for kind, recovery in RECOVERY:
        if isinstance(error, kind):
            return recovery
    return None
