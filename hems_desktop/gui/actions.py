"""The app's actions, one set shared by the tray menu and the window's own menu.

Without a system tray the window is the only way in, so it carries every tray action (and
their shortcuts work while it has focus). Texts carry mnemonics (&) and are re-made on a
language switch.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from hems_desktop.gui.retranslate import Texts


class AppActions(QObject):
    dashboard_requested = Signal()
    toggle_requested = Signal()
    settings_requested = Signal()
    data_folder_requested = Signal()
    log_folder_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.texts = Texts()
        self.running = False
        self.dashboard = self._make(self.dashboard_requested)
        self.toggle = self._make(self.toggle_requested)
        self.settings = self._make(self.settings_requested)
        self.settings.setShortcuts([QKeySequence(QKeySequence.StandardKey.Preferences), QKeySequence("Ctrl+,")])
        self.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.data_folder = self._make(self.data_folder_requested)
        self.log_folder = self._make(self.log_folder_requested)
        self.about = self._make(self.about_requested)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.quit = self._make(self.quit_requested)
        self.quit.setShortcuts([QKeySequence(QKeySequence.StandardKey.Quit), QKeySequence("Ctrl+Q")])
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        texts = self.texts
        texts.bind(self.dashboard.setText, lambda: self.tr("&Dashboard"))
        texts.bind(self.toggle.setText, lambda: self.tr("S&top") if self.running else self.tr("&Start"))
        texts.bind(self.settings.setText, lambda: self.tr("&Settings…"))
        texts.bind(self.data_folder.setText, lambda: self.tr("Open &data folder"))
        texts.bind(self.log_folder.setText, lambda: self.tr("Open &log folder"))
        texts.bind(self.about.setText, lambda: self.tr("&About HEMS Desktop"))
        texts.bind(self.quit.setText, lambda: self.tr("&Quit"))

    def _make(self, signal: SignalInstance) -> QAction:
        action = QAction(self)
        action.triggered.connect(lambda _=False: signal.emit())
        return action

    def set_running(self, running: bool) -> None:
        self.running = running
        self.toggle.setText(self.tr("S&top") if running else self.tr("&Start"))

    def retranslate(self) -> None:
        self.texts.refresh()

    def fill(self, menu: QMenu, *, with_dashboard: bool) -> None:
        """The actions in the tray's order (the window's menu has no "Dashboard": it is the dashboard)."""
        if with_dashboard:
            menu.addAction(self.dashboard)
        menu.addAction(self.toggle)
        menu.addSeparator()
        menu.addAction(self.settings)
        menu.addAction(self.data_folder)
        menu.addAction(self.log_folder)
        menu.addAction(self.about)
        menu.addSeparator()
        menu.addAction(self.quit)
