"""The session's state, and the one table that turns a dongle's link event into a state change.

The table is the single source of truth for what an event does: the state the GUI shows, the
send gates (`joined`, `tx_limited`), and whether waiting requests fail (`lost`). The session's
own steps (opening, scanning, joining, stopping) set the states that no event causes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hems_desktop.device.base import LinkEventKind


class SessionTimer(str, Enum):
    """Events the session's own clock raises (not the dongle)."""

    REAUTH_OVERDUE = "reauth-overdue"  # the module did not re-authenticate the expired session in time


EventKey = LinkEventKind | SessionTimer


class SessionState(str, Enum):
    STOPPED = "stopped"
    OPENING = "opening"
    CONFIGURING = "configuring"
    SCANNING = "scanning"
    JOINING = "joining"
    JOINED = "joined"
    REAUTHENTICATING = "reauthenticating"
    TX_LIMITED = "tx_limited"
    DISCONNECTED = "disconnected"
    DONGLE_LOST = "dongle_lost"
    CREDENTIALS_REJECTED = "credentials_rejected"


@dataclass(frozen=True)
class Transition:
    state: SessionState | None = None  # the state to report; None keeps the current one
    detail: str = ""
    joined: bool | None = None  # the session gate
    tx_limited: bool | None = None  # the radio gate
    lost: str | None = None  # waiting requests fail with this reason ("{detail}": the event's text)
    reauth_clock: bool = False  # start the wait for the module's own re-authentication


S = SessionState
_UP = frozenset({S.JOINED, S.REAUTHENTICATING, S.TX_LIMITED})
_ANY = None  # a rule that applies in every state
_ENDED = Transition(S.DISCONNECTED, "the meter ended the session", joined=False)

# (event, states it applies in (None: any), effect). The first matching rule wins.
RULES: tuple[tuple[EventKey, frozenset[SessionState] | None, Transition], ...] = (
    (LinkEventKind.PANA_CONNECTED, frozenset({S.JOINING, S.REAUTHENTICATING, S.TX_LIMITED}),
     Transition(S.JOINED, "authenticated", joined=True)),
    (LinkEventKind.PANA_CONNECTED, _ANY, Transition(joined=True)),
    (LinkEventKind.PANA_FAILED, _UP,
     Transition(S.DISCONNECTED, "re-authentication failed", joined=False, lost="re-authentication failed")),
    (LinkEventKind.PANA_REJECTED, _UP,
     Transition(S.DISCONNECTED, "re-authentication refused", joined=False, lost="re-authentication refused")),
    (LinkEventKind.SESSION_EXPIRED, _ANY,
     Transition(S.REAUTHENTICATING, "PANA session lifetime expired", joined=False, reauth_clock=True)),
    (SessionTimer.REAUTH_OVERDUE, _ANY,
     Transition(S.DISCONNECTED, "the meter did not re-authenticate the expired session in time", joined=False,
                lost="the meter did not re-authenticate the expired session in time")),
    (LinkEventKind.SESSION_END_REQUESTED, _ANY, _ENDED),
    (LinkEventKind.SESSION_END_TIMEOUT, _ANY, _ENDED),
    (LinkEventKind.SESSION_ENDED, frozenset({S.JOINED}), _ENDED),
    (LinkEventKind.SESSION_ENDED, _ANY, Transition(joined=False)),
    (LinkEventKind.LINK_LOST, _UP,
     Transition(S.DISCONNECTED, "the radio link to the meter was lost", joined=False,
                lost="the radio link to the meter was lost")),
    (LinkEventKind.TX_LIMIT_ON, _ANY,
     Transition(S.TX_LIMITED, "radio transmission time limit reached; waiting", tx_limited=True)),
    (LinkEventKind.TX_LIMIT_OFF, frozenset({S.TX_LIMITED}),
     Transition(S.JOINED, "transmission allowed again", tx_limited=False)),
    (LinkEventKind.TX_LIMIT_OFF, _ANY, Transition(tx_limited=False)),
    (LinkEventKind.PORT_LOST, _ANY, Transition(S.DONGLE_LOST, joined=False, lost="dongle disconnected: {detail}")),
)

NOTHING = Transition()


def transition_for(event: EventKey, state: SessionState) -> Transition:
    for kind, states, effect in RULES:
        if kind is event and (states is None or state in states):
            return effect
    return NOTHING
