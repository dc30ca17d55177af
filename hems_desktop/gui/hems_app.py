"""HemsApp: the desktop app; wires the collector controller, the tray, the window and the dialogs.

- With a system tray the app lives there; without one (GNOME without an extension) the window carries
  every tray action in its menu, and closing it quits (ending the B-route session), as a banner says.
- Demo mode reads and writes the demo's own history (never the user's) and no outputs; the
  `--demo` flag is for this run only, and a saved demo choice shows as demo in the title,
  the tooltip and a banner: a normal launch never turns into a demo silently.
- "Connection restored" follows a loss, never a restart the user asked for.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from hems_desktop.collector.events import ErrorReported, StateChanged
from hems_desktop.credentials import Credentials, CredentialStore, CredentialStoreError
from hems_desktop.errors import ErrorKind
from hems_desktop.gui import i18n
from hems_desktop.gui.about_dialog import AboutDialog
from hems_desktop.gui.actions import AppActions
from hems_desktop.gui.banner import BannerSpec, Kind
from hems_desktop.gui.breaker import BreakerWatch
from hems_desktop.gui.collector_controller import CollectorController
from hems_desktop.gui.dashboard import Dashboard
from hems_desktop.gui.focus_ring import focus_ring
from hems_desktop.gui.folders import open_folder
from hems_desktop.gui.icons import app_icon, format_watts
from hems_desktop.gui.notifier import Notifier
from hems_desktop.gui.settings_flow import SettingsFlow
from hems_desktop.gui.text import core_text, state_text
from hems_desktop.gui.tray import Tray
from hems_desktop.gui.window_state import WindowState
from hems_desktop.insights.tariff import Tariff, TariffError, load_tariff
from hems_desktop.logfile import add_secrets
from hems_desktop.messages import as_message
from hems_desktop.reading import Reading
from hems_desktop.session import SessionState
from hems_desktop.settings import ConfigError, Settings, default_settings_path
from hems_desktop.settings.desktop_paths import demo_history_path, log_file_path, window_state_path
from hems_desktop.settings.preferences import DesktopPreferences, load_desktop_settings

log = logging.getLogger("hems_desktop.gui")

TRAY_RETRY_S = 60
PORT_OPENED = {SessionState.CONFIGURING, SessionState.SCANNING, SessionState.JOINING, SessionState.JOINED}
LOSSES = {SessionState.DISCONNECTED, SessionState.DONGLE_LOST}


class HemsApp(SettingsFlow, QObject):
    def __init__(
        self,
        *,
        settings_path: Path | None = None,
        demo: bool = False,
        language: str | None = None,
        autostart: bool = False,
        credential_store: CredentialStore | None = None,
        history_path: Path | None = None,
        demo_history: Path | None = None,
        log_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings_path = settings_path or default_settings_path()
        self.store = credential_store or CredentialStore()
        self.settings, self.prefs = self._load_settings()
        if history_path is not None:
            self.settings = dataclasses.replace(self.settings, history=history_path)
        # The demo's own database: beside a history chosen for this run (tests), else the data folder's.
        self.demo_history = demo_history or (history_path.with_name("demo-" + history_path.name)
                                             if history_path is not None else demo_history_path())
        self.demo_run_only = demo and not self.prefs.demo  # --demo: this run, never saved
        self.demo = demo or self.prefs.demo
        self.tariff = self._load_tariff()
        self.log_file = log_file or log_file_path()
        self.language = i18n.install(language or self.prefs.language)
        self.credentials, self.keyring_problem = self._load_credentials()
        add_secrets([self.credentials.password, self.credentials.mqtt_password])
        self.session_credentials: Credentials | None = None  # "this run only" when no keyring
        self.last_reading: Reading | None = None
        self.state = SessionState.STOPPED
        self._lost = False  # the session was lost since it last joined: its return is "restored"
        self._joined_since_start = False  # a loss is only a loss of a session that was there
        self._stopping = False  # a stop the user asked for: its state changes are no loss
        self._quitting = False
        self.breaker = BreakerWatch()
        self._credentials_rejected = False
        self._told_tray = False
        self.controller = CollectorController(self)
        self.actions = AppActions(self)
        self.window_state_file = window_state_path(self.settings_path)
        self.window_state = WindowState.load(self.window_state_file)
        self.dashboard = Dashboard(self._history_path(), self.prefs, demo=self.demo, actions=self.actions)
        self.dashboard.setWindowIcon(app_icon())
        self.dashboard.intercept_close = True
        self.dashboard.set_tariff(self.tariff)
        self.dashboard.restore_geometry(self.window_state.geometry)
        self.dashboard.chart.set_range_index(self.window_state.range_index)
        self.dashboard.tabs.setCurrentIndex(min(max(self.window_state.tab_index, 0), self.dashboard.tabs.count() - 1))
        self.notifier = Notifier("HEMS Desktop", self._notification_banner, self)
        self.focus_ring = focus_ring(QApplication.instance())  # type: ignore[arg-type]
        self.tray: Tray | None = None
        self.about_dialog: AboutDialog | None = None
        self._tray_deadline = time.monotonic() + (TRAY_RETRY_S if autostart else 10)
        self._tray_timer = QTimer(self)
        self._tray_timer.setInterval(2000)
        self._tray_timer.timeout.connect(self._retry_tray)
        self._wire()
        self._show_mode_banners()

    def _wire(self) -> None:
        events = self.controller.events
        events.reading.connect(self._on_reading)
        events.reading.connect(self.dashboard.on_reading)
        events.state.connect(self._on_state)
        events.state.connect(self.dashboard.on_state)
        events.error.connect(self._on_error)
        events.error.connect(self.dashboard.on_error)
        events.connected.connect(self.dashboard.on_connection)
        events.recovered.connect(self.dashboard.on_recovered)
        self.controller.running_changed.connect(self._running_changed)
        actions = self.actions
        actions.dashboard_requested.connect(self.show_dashboard)
        actions.toggle_requested.connect(self.toggle)
        actions.settings_requested.connect(self.open_settings)
        actions.data_folder_requested.connect(self.open_data_folder)
        actions.log_folder_requested.connect(self.open_log_folder)
        actions.about_requested.connect(self.about)
        actions.quit_requested.connect(self.quit)
        self.dashboard.close_requested.connect(self._window_closed)
        self.dashboard.escape_requested.connect(self._escape)
        self.dashboard.chart.range_changed.connect(lambda _: self._save_window_state())

    # ---- settings and credentials ----

    def _load_settings(self) -> tuple[Settings, DesktopPreferences]:
        try:
            return load_desktop_settings(self.settings_path)
        except ConfigError as exc:
            log.warning("%s; using defaults", exc)
            return load_desktop_settings(Path("/nonexistent/hems-desktop.json"))

    def _load_tariff(self) -> Tariff:
        try:
            return load_tariff(self.settings_path)
        except TariffError as exc:
            log.warning("%s; using the default tariff", exc)
            return Tariff(contract_amperes=self.prefs.contract_amperes)

    def _load_credentials(self) -> tuple[Credentials, str | None]:
        try:
            return self.store.load(), None
        except CredentialStoreError as exc:
            return Credentials(), as_message(exc) or str(exc)  # the Message: shown in the UI language

    def _history_path(self) -> Path | None:
        return self.demo_history if self.demo else self.settings.history

    def effective_settings(self) -> Settings:
        """What the collector runs with: the demo writes only its own history, the real run the user's."""
        credentials = self.session_credentials or self.credentials
        settings = dataclasses.replace(self.settings, route_b_id=credentials.route_b_id or None,
                                       route_b_password=credentials.password or None,
                                       mqtt_password=credentials.mqtt_password or None, demo=self.demo)
        if self.demo:
            settings = dataclasses.replace(settings, history=self.demo_history, output=None)
        return settings

    # ---- lifecycle ----

    def start(self) -> None:
        """Show the tray (or the window when there is no tray) and start collecting."""
        self._ensure_tray()
        if self.tray is None:
            self.show_dashboard()
            self._tray_timer.start()
        if self.demo or (self.session_credentials or self.credentials).complete:
            self.start_collector()
        else:
            self.show_dashboard()
            QTimer.singleShot(0, self.open_settings)

    def start_collector(self) -> None:
        self._credentials_rejected = False
        self._lost = self._joined_since_start = False
        self._stopping = False
        self.controller.start(self.effective_settings())

    def stop_collector(self) -> None:
        self._stopping = True
        self.controller.stop()
        self.dashboard.banners.hide_banner("dongle")

    def toggle(self) -> None:
        if self.controller.running:
            self.user_stopped = True  # a Save must not start it again behind the user's back
            self.stop_collector()
        else:
            self.user_stopped = False
            self.start_collector()

    def quit(self) -> None:
        """End the session cleanly (SKTERM) and leave. Safe to call more than once."""
        if self._quitting:
            return
        self._quitting = True
        self._tray_timer.stop()
        self._save_window_state()
        self.stop_collector()
        if self.tray is not None:
            self.tray.icon.hide()
        self.dashboard.hide()
        QApplication.quit()

    def _running_changed(self, running: bool) -> None:
        self.actions.set_running(running)
        self._refresh_tray()

    # ---- tray and window ----

    def _ensure_tray(self) -> None:
        if self.tray is not None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        tray = Tray(self.actions, self)
        tray.dashboard_requested.connect(self.show_dashboard)
        tray.show()
        self.tray = tray
        self.notifier.set_tray(tray.notify)
        self.dashboard.banners.hide_banner("no-tray")
        self._refresh_tray()

    def _retry_tray(self) -> None:
        self._ensure_tray()
        if self.tray is not None or time.monotonic() > self._tray_deadline:
            self._tray_timer.stop()
            if self.tray is None:
                self._show_mode_banners()

    def _tooltip(self) -> str:
        title = self.tr("HEMS Desktop (demo)") if self.demo else self.tr("HEMS Desktop")
        tooltip = f"{title} — {state_text(self.state)}"
        reading = self.last_reading
        if reading is not None and self.state is SessionState.JOINED:
            tooltip += f"\n{format_watts(reading.instant_w)} W  {reading.timestamp:%H:%M:%S}"
        return tooltip

    def _refresh_tray(self) -> None:
        if self.tray is not None:
            watts = self.last_reading.instant_w if self.last_reading is not None else None
            self.tray.update_status(self.state, watts, self._tooltip())

    def retranslate(self) -> None:
        """After a language switch: what is not a widget (actions, tray) gets its texts again."""
        self.actions.retranslate()
        self._refresh_tray()
        self._show_mode_banners()

    def _window_closed(self) -> None:
        if self.tray is None:
            self.quit()  # no tray: the window is the app (the banner says so)
            return
        self._save_window_state()
        self.dashboard.hide()
        if not self._told_tray:
            self._told_tray = True
            self.notify(self.tr("HEMS Desktop is still running"),
                        self.tr("It keeps reading the meter in the tray. Quit it from the tray menu."))

    def _escape(self) -> None:
        if self.tray is not None:
            self._window_closed()
        else:
            self.dashboard.showMinimized()

    def _save_window_state(self) -> None:
        self.window_state = WindowState(self.dashboard.geometry_hex(), max(self.dashboard.chart.range_index, 0),
                                        self.dashboard.tabs.currentIndex())
        self.window_state.save(self.window_state_file)

    def _show_mode_banners(self) -> None:
        banners = self.dashboard.banners
        if self.demo:
            banners.show_banner("demo", BannerSpec(lambda: self.tr(
                "Demo mode: the readings come from the built-in virtual meter and are kept apart from yours."),
                Kind.INFO, [(lambda: self.tr("Settings…"), self.open_settings)], closable=False))
        else:
            banners.hide_banner("demo")
        if self.tray is None and not self._tray_timer.isActive():
            banners.show_banner("no-tray", BannerSpec(lambda: self.tr(
                "No system tray here: this window is the app. Closing it quits HEMS Desktop and ends the meter "
                "session; the menu above has everything the tray menu would."), Kind.INFO))

    # ---- events ----

    def _on_reading(self, reading: Reading) -> None:
        self.last_reading = reading
        self._refresh_tray()
        self._check_current(reading)

    def _check_current(self, reading: Reading) -> None:
        highest = self.breaker.check(reading, self.prefs)
        if highest is not None:
            self.notify(self.tr("Breaker warning"),
                        self.tr("%1 A of your %2 A contract: switch something off before the breaker trips.")
                        .replace("%1", f"{highest:.1f}").replace("%2", str(self.prefs.contract_amperes)),
                        critical=True)

    def _on_state(self, change: StateChanged) -> None:
        state, detail = change.state, change.detail
        previous, self.state = self.state, state
        if state is SessionState.JOINED and previous is not state:
            if self._lost:
                self.notify(self.tr("Connection restored"), self.tr("Readings from the meter continue."))
            self._lost, self._joined_since_start = False, True
        elif state in LOSSES and self._joined_since_start and not self._lost and not self._stopping:
            self._lost = True
            self.notify(self.tr("Connection lost"), state_text(state) + (f": {core_text(detail)}" if detail else ""))
        if state in PORT_OPENED:
            self.dashboard.banners.hide_banner("dongle")
        elif state is SessionState.DONGLE_LOST and not self._stopping:
            self._dongle_banner(self.tr("The dongle was unplugged. Plug it in again: the app picks it up by itself."))
        self._refresh_tray()

    def _on_error(self, error: ErrorReported) -> None:
        text = core_text(error.message)
        if error.kind is ErrorKind.CREDENTIALS:
            self._credentials_rejected = True
            self.notify(self.tr("Credentials rejected"),
                        self.tr("The meter rejected the B-route ID or password. Enter them again in Settings."),
                        critical=True)
            self._refresh_tray()
        elif error.kind is ErrorKind.PORT and not error.fatal:
            self._dongle_banner(text + "\n" + self.tr("The app keeps trying and connects as soon as the dongle "
                                                      "is there."))
        if error.fatal:
            log.critical("collector stopped: %s", error.message)  # always in the log, whatever the level
            self.notify(self.tr("HEMS Desktop stopped"), text, critical=True)
        else:
            log.warning("%s", error.message)

    def _dongle_banner(self, text: str) -> None:
        self.dashboard.banners.show_banner("dongle", BannerSpec(
            lambda: text, Kind.WARNING, [(lambda: self.tr("Settings…"), self.open_settings)]))

    def notify(self, title: str, message: str, critical: bool = False) -> None:
        if self.prefs.notifications:
            self.notifier.notify(title, message, critical)

    @property
    def notifications(self) -> list[tuple[str, str]]:
        return [(shown.title, shown.message) for shown in self.notifier.shown]

    def _notification_banner(self, title: str, message: str, critical: bool) -> None:
        self.dashboard.banners.show_banner("notification", BannerSpec(
            lambda: f"{title}: {message}", Kind.ERROR if critical else Kind.INFO))

    # ---- actions ----

    def show_dashboard(self) -> None:
        if self.dashboard.isMinimized():
            self.dashboard.showNormal()
        else:
            self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()

    def _open(self, folder: Path) -> None:
        if open_folder(folder):
            self.dashboard.banners.hide_banner("folder")
            return
        self.show_dashboard()
        clipboard = QApplication.clipboard()
        self.dashboard.banners.show_banner("folder", BannerSpec(
            lambda: self.tr("No file manager opened the folder. It is here: %1").replace("%1", str(folder)),
            Kind.WARNING, [(lambda: self.tr("Copy the path"), lambda: clipboard.setText(str(folder)))]))

    def open_data_folder(self) -> None:
        history = self._history_path()
        self._open(history.parent if history is not None else self.settings_path.parent)

    def open_log_folder(self) -> None:
        self._open(self.log_file.parent)

    def folders(self) -> dict[str, Path]:
        history = self._history_path()
        return {"settings": self.settings_path.parent,
                "data": history.parent if history is not None else self.settings_path.parent,
                "log": self.log_file.parent}

    def about(self) -> None:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.folders(), self._open, self.dashboard)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()
