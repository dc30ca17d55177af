"""The B-route session, split by concern: state and the event table (state.py), discovery,
the network cache (network.py), requests matched by TID, the send gates, the meter constants."""

from hems_desktop.device.base import DongleNotResponding, PortUnavailable, Stopped
from hems_desktop.session.constants import MeterConstants
from hems_desktop.session.errors import (
    CredentialsRejected,
    DongleGone,
    JoinFailed,
    NoBeaconFound,
    RequestTimeout,
    SessionError,
    SessionLost,
)
from hems_desktop.session.network import Network
from hems_desktop.session.session import Session, SessionConfig
from hems_desktop.session.state import SessionState

__all__ = [
    "CredentialsRejected",
    "DongleGone",
    "DongleNotResponding",
    "JoinFailed",
    "MeterConstants",
    "Network",
    "NoBeaconFound",
    "PortUnavailable",
    "RequestTimeout",
    "Session",
    "SessionConfig",
    "SessionError",
    "SessionLost",
    "SessionState",
    "Stopped",
]
