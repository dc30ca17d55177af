"""User-visible names for core values, translatable."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hems_desktop.device.base import DongleFamily
from hems_desktop.session import SessionState


def state_text(state: SessionState) -> str:
    translate = QCoreApplication.translate
    names = {
        SessionState.STOPPED: translate("State", "Stopped"),
        SessionState.OPENING: translate("State", "Opening the dongle"),
        SessionState.CONFIGURING: translate("State", "Configuring the dongle"),
        SessionState.SCANNING: translate("State", "Looking for the meter"),
        SessionState.JOINING: translate("State", "Authenticating"),
        SessionState.JOINED: translate("State", "Connected"),
        SessionState.REAUTHENTICATING: translate("State", "Re-authenticating"),
        SessionState.TX_LIMITED: translate("State", "Waiting (radio time limit)"),
        SessionState.DISCONNECTED: translate("State", "Disconnected"),
        SessionState.DONGLE_LOST: translate("State", "Dongle unplugged"),
        SessionState.CREDENTIALS_REJECTED: translate("State", "Credentials rejected"),
    }
    return names.get(state, str(state))


def family_text(family: DongleFamily) -> str:
    translate = QCoreApplication.translate
    names = {
        DongleFamily.SINGLE_HOP: translate("Family", "SKSTACK IP single-hop"),
        DongleFamily.DUAL_STACK: translate("Family", "SKSTACK IP dual-stack"),
        DongleFamily.J11: translate("Family", "J11 binary"),
    }
    return names.get(family, family.value)
