"""The tray icon: live watts and state at a glance, and the app's menu."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from hems_desktop.gui.icons import status_icon
from hems_desktop.session import SessionState


class Tray(QObject):
    dashboard_requested = Signal()
    toggle_requested = Signal()
    settings_requested = Signal()
    data_folder_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(status_icon(SessionState.STOPPED, None), self)
        self.menu = QMenu()
        self.dashboard_action = self._add(self.tr("Dashboard"), self.dashboard_requested)
        self.toggle_action = self._add(self.tr("Start"), self.toggle_requested)
        self.menu.addSeparator()
        self.settings_action = self._add(self.tr("Settings…"), self.settings_requested)
        self.folder_action = self._add(self.tr("Open data folder"), self.data_folder_requested)
        self.about_action = self._add(self.tr("About HEMS Desktop"), self.about_requested)
        self.menu.addSeparator()
        self.quit_action = self._add(self.tr("Quit"), self.quit_requested)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.setToolTip(self.tr("HEMS Desktop"))

    def _add(self, text: str, signal: SignalInstance) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(signal.emit)
        return action

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.dashboard_requested.emit()

    def show(self) -> None:
        self.icon.show()
        self.icon.setToolTip(self.icon.toolTip())  # some hosts show an empty tooltip until it is set again

    def update_status(self, state: SessionState, watts: int | None, tooltip: str, running: bool) -> None:
        self.icon.setIcon(status_icon(state, watts))
        self.icon.setToolTip(tooltip)
        self.toggle_action.setText(self.tr("Stop") if running else self.tr("Start"))

    def notify(self, title: str, message: str, critical: bool = False) -> None:
        icon = QSystemTrayIcon.MessageIcon.Critical if critical else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, message, icon, 8000)
