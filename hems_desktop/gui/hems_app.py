"""HemsApp: the desktop app; wires the collector controller, the tray, the dashboard and the settings dialog."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QSystemTrayIcon

from hems_desktop import __version__
from hems_desktop.collector.events import ErrorReported, StateChanged
from hems_desktop.credentials import Credentials, CredentialStore, CredentialStoreError
from hems_desktop.errors import ErrorKind
from hems_desktop.gui import i18n
from hems_desktop.gui.collector_controller import CollectorController
from hems_desktop.gui.dashboard import Dashboard
from hems_desktop.gui.icons import app_icon, format_watts
from hems_desktop.gui.settings_dialog import SettingsDialog
from hems_desktop.gui.text import state_text
from hems_desktop.gui.tray import Tray
from hems_desktop.reading import Reading
from hems_desktop.session import SessionState
from hems_desktop.settings import ConfigError, Settings, default_settings_path
from hems_desktop.settings.preferences import DesktopPreferences, load_desktop_settings, save_desktop_settings

log = logging.getLogger("hems_desktop.gui")

ALERT_REPEAT_S = 600
TRAY_RETRY_S = 60


class HemsApp(QObject):
    def __init__(
        self,
        *,
        settings_path: Path | None = None,
        demo: bool = False,
        language: str | None = None,
        autostart: bool = False,
        credential_store: CredentialStore | None = None,
        history_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings_path = settings_path or default_settings_path()
        self.store = credential_store or CredentialStore()
        self.settings, self.prefs = self._load_settings()
        if history_path is not None:
            self.settings = dataclasses.replace(self.settings, history=history_path)
        if demo:
            self.settings = dataclasses.replace(self.settings, demo=True)
            self.prefs = dataclasses.replace(self.prefs, demo=True)
        self.language = i18n.install(language or self.prefs.language)
        self.credentials, self.keyring_problem = self._load_credentials()
        self.session_credentials: Credentials | None = None  # "this run only" when no keyring
        self.last_reading: Reading | None = None
        self.state = SessionState.STOPPED
        self._was_joined = False
        self._last_alert: float | None = None  # monotonic time of the last breaker warning; None: never
        self._credentials_rejected = False
        self.notifications: list[tuple[str, str]] = []  # what was shown (also kept for tests)
        self.controller = CollectorController(self)
        self.dashboard = Dashboard(self.settings.history, self.prefs)
        self.dashboard.setWindowIcon(app_icon())
        self.tray: Tray | None = None
        self._tray_deadline = time.monotonic() + (TRAY_RETRY_S if autostart else 10)
        self._tray_timer = QTimer(self)
        self._tray_timer.setInterval(2000)
        self._tray_timer.timeout.connect(self._retry_tray)
        events = self.controller.events
        events.reading.connect(self._on_reading)
        events.reading.connect(self.dashboard.on_reading)
        events.state.connect(self._on_state)
        events.state.connect(self.dashboard.on_state)
        events.error.connect(self._on_error)
        events.error.connect(self.dashboard.on_error)
        events.connected.connect(self.dashboard.on_connection)
        events.recovered.connect(self.dashboard.on_recovered)
        self.controller.running_changed.connect(lambda _: self._refresh_tray())

    # ---- settings and credentials ----

    def _load_settings(self) -> tuple[Settings, DesktopPreferences]:
        try:
            return load_desktop_settings(self.settings_path)
        except ConfigError as exc:
            log.warning("%s; using defaults", exc)
            return load_desktop_settings(Path("/nonexistent/hems-desktop.json"))

    def _load_credentials(self) -> tuple[Credentials, str | None]:
        try:
            return self.store.load(), None
        except CredentialStoreError as exc:
            return Credentials(), str(exc)

    def effective_settings(self) -> Settings:
        credentials = self.session_credentials or self.credentials
        return dataclasses.replace(
            self.settings, route_b_id=credentials.route_b_id or None, route_b_password=credentials.password or None
        )

    # ---- lifecycle ----

    def start(self) -> None:
        """Show the tray (or the dashboard when there is no tray) and start collecting."""
        self._ensure_tray()
        if self.tray is None:
            self.show_dashboard()
            self._tray_timer.start()
        if self.settings.demo or (self.session_credentials or self.credentials).complete:
            self.start_collector()
        else:
            self.show_dashboard()
            QTimer.singleShot(0, self.open_settings)

    def start_collector(self) -> None:
        self._credentials_rejected = False
        self.controller.start(self.effective_settings())

    def stop_collector(self) -> None:
        self.controller.stop()

    def toggle(self) -> None:
        if self.controller.running:
            self.stop_collector()
        else:
            self.start_collector()

    def quit(self) -> None:
        """End the session cleanly (SKTERM) and leave."""
        from PySide6.QtWidgets import QApplication

        self.controller.stop(timeout_ms=3000)
        if self.tray is not None:
            self.tray.icon.hide()
        QApplication.quit()

    # ---- tray ----

    def _ensure_tray(self) -> None:
        if self.tray is not None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        tray = Tray(self)
        tray.dashboard_requested.connect(self.show_dashboard)
        tray.toggle_requested.connect(self.toggle)
        tray.settings_requested.connect(self.open_settings)
        tray.data_folder_requested.connect(self.open_data_folder)
        tray.about_requested.connect(self.about)
        tray.quit_requested.connect(self.quit)
        tray.show()
        self.tray = tray
        self._refresh_tray()

    def _retry_tray(self) -> None:
        self._ensure_tray()
        if self.tray is not None or time.monotonic() > self._tray_deadline:
            self._tray_timer.stop()

    def _refresh_tray(self) -> None:
        reading = self.last_reading
        watts = reading.instant_w if reading is not None else None
        tooltip = "HEMS Desktop — " + state_text(self.state)
        if reading is not None:
            tooltip += f"\n{format_watts(watts)} W  {reading.timestamp:%H:%M:%S}"
        if self.tray is not None:
            self.tray.update_status(self.state, watts, tooltip, self.controller.running)

    # ---- events ----

    def _on_reading(self, reading: Reading) -> None:
        self.last_reading = reading
        self._refresh_tray()
        self._check_current(reading)

    def _check_current(self, reading: Reading) -> None:
        prefs = self.prefs
        if prefs.alert_percent <= 0:
            return
        limit = prefs.contract_amperes * prefs.alert_percent / 100
        highest = max((c for c in (reading.current_r_a, reading.current_t_a) if c is not None), default=None)
        if highest is None or highest < limit:
            return
        if self._last_alert is not None and time.monotonic() - self._last_alert < ALERT_REPEAT_S:
            return  # once per 10 minutes; the first warning is never held back (boot time is irrelevant)
        self._last_alert = time.monotonic()
        self.notify(self.tr("Breaker warning"),
                    self.tr("%1 A of your %2 A contract: switch something off before the breaker trips.")
                    .replace("%1", f"{highest:.1f}").replace("%2", str(prefs.contract_amperes)), critical=True)

    def _on_state(self, change: StateChanged) -> None:
        state, detail = change.state, change.detail
        previous, self.state = self.state, state
        if state is SessionState.JOINED and previous is not state:
            if self._was_joined:
                self.notify(self.tr("Connection restored"), self.tr("Readings from the meter continue."))
            self._was_joined = True
        elif state in (SessionState.DISCONNECTED, SessionState.DONGLE_LOST) and previous is SessionState.JOINED:
            self.notify(self.tr("Connection lost"), state_text(state) + (f": {detail}" if detail else ""))
        self._refresh_tray()

    def _on_error(self, error: ErrorReported) -> None:
        message, fatal = error.message, error.fatal
        if error.kind is ErrorKind.CREDENTIALS:
            self._credentials_rejected = True
            self.notify(self.tr("Credentials rejected"),
                        self.tr("The meter rejected the B-route ID or password. Enter them again in Settings."),
                        critical=True)
            self._refresh_tray()
        elif fatal:
            self.notify(self.tr("HEMS Desktop stopped"), message, critical=True)

    def notify(self, title: str, message: str, critical: bool = False) -> None:
        self.notifications.append((title, message))
        if self.prefs.notifications and self.tray is not None:
            self.tray.notify(title, message, critical)

    # ---- actions ----

    def show_dashboard(self) -> None:
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()

    def open_data_folder(self) -> None:
        folder = self.settings.history.parent if self.settings.history else self.settings_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about(self) -> None:
        QMessageBox.about(
            self.dashboard, self.tr("About HEMS Desktop"),
            self.tr("HEMS Desktop %1\nYour smart meter over the Wi-SUN B-route.\nMIT License.")
            .replace("%1", __version__),
        )

    def make_settings_dialog(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.prefs, self.session_credentials or self.credentials,
                                self.keyring_problem, self.dashboard)
        dialog.forget_network_requested.connect(self.forget_network)
        return dialog

    def open_settings(self) -> None:
        dialog = self.make_settings_dialog()
        if dialog.exec() and dialog.result_values is not None:
            self.apply_settings(*dialog.result_values)

    def apply_settings(self, settings: Settings, prefs: DesktopPreferences, credentials: Credentials) -> bool:
        """Save (file + keyring) and restart the collector; False when the user must act first."""
        try:
            save_desktop_settings(self.settings_path, settings, prefs)
        except (ConfigError, ValueError) as exc:
            QMessageBox.warning(self.dashboard, self.tr("Settings not saved"), str(exc))
            return False
        if credentials.complete:
            try:
                self.store.save(credentials)
                self.credentials, self.session_credentials, self.keyring_problem = credentials, None, None
            except CredentialStoreError as exc:
                self.keyring_problem = str(exc)
                answer = QMessageBox.question(
                    self.dashboard, self.tr("No system keyring"),
                    self.tr("%1\n\nKeep the password for this run only? It is not written anywhere.")
                    .replace("%1", str(exc)),
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                self.session_credentials = credentials
        if prefs.start_at_login != self.prefs.start_at_login:
            from hems_desktop import autostart

            try:
                autostart.set_enabled(prefs.start_at_login)
            except OSError as exc:
                log.warning("start at login: %s", exc)
        if prefs.language != self.prefs.language:
            self.language = i18n.install(prefs.language)
        self.settings = dataclasses.replace(settings, history=self.settings.history)
        self.prefs = prefs
        self.dashboard.set_preferences(prefs)
        self.start_collector()
        return True

    def forget_network(self) -> None:
        import shutil

        from hems_desktop.settings.paths import cache_dir

        shutil.rmtree(cache_dir(), ignore_errors=True)
