"""The settings dialog's way in and out of the app: open it (one, not modal), save, apply.

- Save restarts the collector only when something it runs with changed (port, credentials,
  meter overrides, outputs, schedule, demo, ...): a new language, tariff or alert threshold
  keeps the meter session as it is.
- Demo: the dialog's box shows this run; the saved preference changes only when the user
  changes the box, so saving during a `--demo` run does not make the next launch a demo.

A mixin of `HemsApp` (kept apart so each module reads in one sitting).
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from hems_desktop.credentials import Credentials, CredentialStore, CredentialStoreError
from hems_desktop.gui import i18n
from hems_desktop.gui.settings_dialog import SettingsDialog, SettingsResult
from hems_desktop.gui.text import core_text
from hems_desktop.insights.tariff import Tariff
from hems_desktop.logfile import add_secrets
from hems_desktop.messages import as_message
from hems_desktop.settings import ConfigError, Settings
from hems_desktop.settings.preferences import DesktopPreferences, save_desktop_settings

if TYPE_CHECKING:
    from hems_desktop.gui.collector_controller import CollectorController
    from hems_desktop.gui.dashboard import Dashboard

log = logging.getLogger("hems_desktop.gui")


def needs_restart(before: Settings, after: Settings) -> bool:
    """True when the collector would run differently (its settings, credentials included, differ)."""
    return dataclasses.replace(before, settings_path=None) != dataclasses.replace(after, settings_path=None)


class SettingsFlow:
    """Needs HemsApp's state (declared here for the type checker)."""

    settings_path: Path
    settings: Settings
    prefs: DesktopPreferences
    tariff: Tariff
    demo: bool
    demo_run_only: bool
    language: str
    store: CredentialStore
    credentials: Credentials
    session_credentials: Credentials | None
    keyring_problem: str | None
    controller: CollectorController
    dashboard: Dashboard
    settings_dialog: SettingsDialog | None = None
    user_stopped: bool = False

    if TYPE_CHECKING:  # HemsApp's own (runtime methods here would hide them)
        tr: Callable[..., str]  # not a `def tr`: pyside6-lupdate would lose the class context
        effective_settings: Callable[[], Settings]
        start_collector: Callable[[], None]
        retranslate: Callable[[], None]
        _history_path: Callable[[], Path | None]
        _show_mode_banners: Callable[[], None]

    def make_settings_dialog(self) -> SettingsDialog:
        run = dataclasses.replace(self.settings, demo=self.demo)
        dialog = SettingsDialog(run, dataclasses.replace(self.prefs, demo=self.demo),
                                self.session_credentials or self.credentials, self.keyring_problem, self.dashboard,
                                tariff=self.tariff)
        dialog.forget_network_requested.connect(self.forget_network)
        return dialog

    def open_settings(self) -> None:
        """Show the dialog (or bring the open one forward); it never blocks the tray menu."""
        dialog = self.settings_dialog
        if dialog is None or not dialog.isVisible():
            dialog = self.make_settings_dialog()
            dialog.close_on_save = False
            dialog.save_requested.connect(lambda result, d=dialog: self._save_from(d, result))
            self.settings_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()  # focus to the dialog, also when opened from the tray

    def _save_from(self, dialog: SettingsDialog, result: SettingsResult) -> None:
        if self.apply_settings(result):
            dialog.saved()

    def apply_settings(self, result: SettingsResult) -> bool:
        """Save (file + keyring) and restart the collector if it must; False when the user must act first."""
        settings, prefs, credentials, tariff = result
        wants_demo = prefs.demo
        saved_demo = wants_demo if wants_demo != self.demo else self.prefs.demo
        stored = dataclasses.replace(prefs, demo=saved_demo)
        settings = dataclasses.replace(settings, history=self.settings.history, demo=False)
        try:
            save_desktop_settings(self.settings_path, settings, stored, sections={"tariff": result.tariff_json})
        except (ConfigError, ValueError) as exc:
            QMessageBox.warning(self.dashboard, self.tr("Settings not saved"), core_text(str(exc)))
            return False
        changed = credentials.complete and credentials != (self.session_credentials or self.credentials)
        if changed and not self._store_credentials(credentials):
            return False
        if stored.start_at_login != self.prefs.start_at_login:
            from hems_desktop import autostart

            try:
                autostart.set_enabled(stored.start_at_login)
            except OSError as exc:
                log.warning("start at login: %s", exc)
        before = self.effective_settings()
        language_changed = stored.language != self.prefs.language
        self.settings, self.prefs, self.tariff = settings, stored, tariff
        self.demo, self.demo_run_only = wants_demo, wants_demo and not saved_demo
        self.dashboard.set_preferences(stored)
        self.dashboard.set_tariff(tariff)
        self.dashboard.set_history(self._history_path(), self.demo)
        if language_changed:
            self.language = i18n.install(stored.language)
            self.retranslate()
        self._show_mode_banners()
        if needs_restart(before, self.effective_settings()):
            log.info("settings changed what the collector runs with: restarting it")
            self.start_collector()
        elif not self.controller.running and not self.user_stopped:
            self.start_collector()  # it could not start before (no credentials yet): now it can
        return True

    def _store_credentials(self, credentials: Credentials) -> bool:
        add_secrets([credentials.password, credentials.mqtt_password])
        try:
            self.store.save(credentials)
            self.credentials, self.session_credentials, self.keyring_problem = credentials, None, None
            return True
        except CredentialStoreError as exc:
            self.keyring_problem = as_message(exc) or str(exc)
            answer = QMessageBox.question(
                self.dashboard, self.tr("No system keyring"),
                self.tr("%1\n\nKeep the password for this run only? It is not written anywhere.")
                .replace("%1", core_text(self.keyring_problem)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self.session_credentials = credentials
            return True

    def forget_network(self) -> None:
        from hems_desktop.settings.paths import cache_dir

        shutil.rmtree(cache_dir(), ignore_errors=True)
