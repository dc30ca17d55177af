"""The tray icon: live watts and state at a glance, and the app's menu (the shared actions)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from hems_desktop.gui.actions import AppActions
from hems_desktop.gui.icons import status_icon
from hems_desktop.session import SessionState


class Tray(QObject):
    dashboard_requested = Signal()

    def __init__(self, actions: AppActions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = actions
        self.icon = QSystemTrayIcon(status_icon(SessionState.STOPPED, None), self)
        self.menu = QMenu()
        actions.fill(self.menu, with_dashboard=True)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.setToolTip(self.tr("HEMS Desktop"))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.dashboard_requested.emit()

    def show(self) -> None:
        self.icon.show()
        self.icon.setToolTip(self.icon.toolTip())  # some hosts show an empty tooltip until it is set again

    def update_status(self, state: SessionState, watts: int | None, tooltip: str) -> None:
        self.icon.setIcon(status_icon(state, watts))
        self.icon.setToolTip(tooltip)

    def notify(self, title: str, message: str, critical: bool = False) -> None:
        icon = QSystemTrayIcon.MessageIcon.Critical if critical else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, message, icon, 8000)
