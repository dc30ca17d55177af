"""User-visible names for core values, translatable."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hems_desktop.session import SessionState


def state_text(state: str) -> str:
    translate = QCoreApplication.translate
    names = {
        SessionState.STOPPED.value: translate("State", "Stopped"),
        SessionState.OPENING.value: translate("State", "Opening the dongle"),
        SessionState.CONFIGURING.value: translate("State", "Configuring the dongle"),
        SessionState.SCANNING.value: translate("State", "Looking for the meter"),
        SessionState.JOINING.value: translate("State", "Authenticating"),
        SessionState.JOINED.value: translate("State", "Connected"),
        SessionState.REAUTHENTICATING.value: translate("State", "Re-authenticating"),
        SessionState.TX_LIMITED.value: translate("State", "Waiting (radio time limit)"),
        SessionState.DISCONNECTED.value: translate("State", "Disconnected"),
        SessionState.DONGLE_LOST.value: translate("State", "Dongle unplugged"),
        SessionState.CREDENTIALS_REJECTED.value: translate("State", "Credentials rejected"),
    }
    return names.get(state, state)
