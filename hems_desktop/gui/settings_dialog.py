"""The settings dialog: every field validated by the core before anything is saved.

Each error appears under its field in the UI language and goes away as soon as the field is
right (after a refused Save the form is checked again on every change). What would stop the
collector later is refused now: a file in a folder that does not exist (with an offer to
create it), Pub/Sub without the client library or without a project. In interval mode the cron
field is not used, so it is not checked. The dialog is not modal: the tray menu stays usable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hems_desktop.credentials import Credentials
from hems_desktop.describe import describe_os_error
from hems_desktop.errors import HemsError
from hems_desktop.gui.field_errors import FieldErrors
from hems_desktop.gui.network_outputs_page import NetworkOutputsPage
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.settings_pages import SettingsPages
from hems_desktop.gui.tasks import BackgroundTask
from hems_desktop.gui.text import core_text
from hems_desktop.gui.theme import error_colour
from hems_desktop.insights.tariff import Tariff, TariffError, tariff_to_json
from hems_desktop.messages import as_message
from hems_desktop.reading import Reading
from hems_desktop.schedule import build_schedule
from hems_desktop.settings import ConfigError, Settings
from hems_desktop.settings.form import FormErrors, parse_form
from hems_desktop.settings.parsers import parse_cron
from hems_desktop.settings.preferences import DesktopPreferences

PREFERRED_SIZE = (640, 620)


class SettingsResult(NamedTuple):
    settings: Settings
    prefs: DesktopPreferences
    credentials: Credentials
    tariff: Tariff

    @property
    def tariff_json(self) -> dict[str, Any]:
        return tariff_to_json(self.tariff)


class SettingsDialog(SettingsPages, NetworkOutputsPage, QDialog):
    forget_network_requested = Signal()
    save_requested = Signal(object)  # SettingsResult

    def __init__(self, settings: Settings, prefs: DesktopPreferences, credentials: Credentials,
                 keyring_problem: str | None = None, parent: QWidget | None = None, *,
                 tariff: Tariff | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, lambda: self.tr("HEMS Desktop settings"))
        self._settings, self._prefs = settings, prefs
        self._result: SettingsResult | None = None
        self.close_on_save = True  # the app closes it itself once the values are stored
        self._checking = False  # after a refused Save, every change is checked again
        self._test = BackgroundTask(self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.errors = FieldErrors(self.tabs)
        layout.addWidget(self.tabs, 1)
        self._build_connection(settings, prefs, credentials, keyring_problem)
        self._build_outputs(settings, credentials)
        self._build_schedule(settings)
        self._build_household(prefs)
        self._build_tariff()
        self._build_general(settings, prefs)
        self.tariff_editor.set_tariff(tariff or Tariff(contract_amperes=prefs.contract_amperes))
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.texts.bind(self.save_button.setText, lambda: self.tr("&Save"))
        self.texts.bind(self.cancel_button.setText, lambda: self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._wire()
        self._enable_fields()
        self.update_preview()
        self._fit_to_screen()

    def _wire(self) -> None:
        self.forget_button.clicked.connect(self.forget_network_requested)
        self.test_button.clicked.connect(self.test_connection)
        self.browse_button.clicked.connect(self._browse_file)
        self.create_folder_button.clicked.connect(self._create_folder)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(150)
        self._recheck.timeout.connect(self._check_again)
        for edit in (self.id_edit, self.password_edit, self.channel_edit, self.pan_edit, self.ipv6_edit,
                     self.file_edit, self.project_edit, self.topic_edit, self.cron_edit):
            edit.textChanged.connect(lambda _: self._changed())
        for combo in (self.port_combo, self.baud_combo):
            combo.editTextChanged.connect(lambda _: self._changed())
        for combo in (self.dongle_combo, self.format_combo, self.mode_combo, self.language_combo):
            combo.currentIndexChanged.connect(lambda _: self._changed())
        for check in (self.demo_check, self.file_check, self.cloud_check):
            check.toggled.connect(lambda _: self._changed())
        for spin in (self.interval_spin, self.amperes_spin, self.alert_spin, self.keep_spin):
            spin.valueChanged.connect(lambda _: self._changed())
        self.tariff_editor.changed.connect(self._changed)
        for signal in self.network_change_signals():
            signal.connect(lambda *_: self._changed())
        # One contract amperage: the household's warning and the tariff's basic charge use the same.
        self.amperes_spin.valueChanged.connect(self.tariff_editor.amperes_spin.setValue)
        self.tariff_editor.amperes_spin.valueChanged.connect(
            lambda value: self.amperes_spin.setValue(value) if value else None)

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*PREFERRED_SIZE)
            return
        available = screen.availableGeometry()
        self.resize(min(PREFERRED_SIZE[0], int(available.width() * 0.9)),
                    min(PREFERRED_SIZE[1], int(available.height() * 0.9)))

    # ---- behaviour ----

    def _changed(self) -> None:
        self.update_preview()
        if self._checking:
            self._recheck.start()

    def _check_again(self) -> None:
        try:
            self.collect()
        except FormErrors as exc:
            self._show_errors(exc.errors, focus=False)
            return
        self._show_errors({}, focus=False)

    def _show_errors(self, errors: dict[str, str], focus: bool = True) -> None:
        self.errors.show(errors, focus)
        self.create_folder_button.setVisible("file" in errors and self._missing_folder() is not None)
        self.error_label.setText(self.errors.summary())
        self.error_label.setStyleSheet(f"color: {error_colour(self.palette())};")

    def _browse_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Output file"), self.file_edit.text())
        if path:
            self.file_edit.setText(path)

    def _missing_folder(self) -> Path | None:
        folder = Path(self.file_edit.text().strip() or "hems_data.dat").expanduser().absolute().parent
        try:
            return None if folder.exists() else folder
        except OSError:  # a name too long for the file system: _output_errors says why
            return None

    def _create_folder(self) -> None:
        folder = self._missing_folder()
        if folder is not None:
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                self.errors.show({**self.errors.raw, "file": self.tr("%1 could not be created: %2")
                                  .replace("%1", str(folder)).replace("%2", exc.strerror or str(exc))})
                return
        self._check_again()

    def update_preview(self) -> None:
        mode = str(self.mode_combo.currentData())
        try:
            cron = parse_cron(self.cron_edit.text()) if mode == "schedule" else self._settings.schedule
            schedule = build_schedule(mode, cron, self.interval_spin.value(), dt.datetime.now().astimezone())
        except (ValueError, ConfigError) as exc:
            self.preview_label.setText(self.tr("Invalid schedule: %1").replace("%1", core_text(as_message(exc)
                                                                                           or str(exc))))
            return
        times, at = [], dt.datetime.now().astimezone()
        for _ in range(3):
            at = schedule.next_after(at)
            times.append(at.strftime("%m-%d %H:%M:%S"))
        self.preview_label.setText(", ".join(times))

    def _output_errors(self) -> dict[str, str]:
        """What would stop the collector at its start: refused now, not after Save."""
        errors: dict[str, str] = {}
        if self.file_check.isChecked():
            path = Path(self.file_edit.text().strip() or "hems_data.dat").expanduser()
            try:
                folder = path.absolute().parent
                if not folder.exists():
                    errors["file"] = self.tr("The folder %1 does not exist.").replace("%1", str(folder))
                elif path.is_dir():
                    errors["file"] = self.tr("%1 is a folder: choose a file in it.").replace("%1", str(path))
                elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                    errors["file"] = self.tr("%1 cannot be written (no permission).").replace("%1", str(path))
            except OSError as exc:
                errors["file"] = describe_os_error(exc)
        if self.cloud_check.isChecked():
            if not (self.project_edit.text().strip() and self.topic_edit.text().strip()):
                errors["project"] = self.tr("Pub/Sub needs a project and a topic")
            elif importlib.util.find_spec("google.cloud") is None or importlib.util.find_spec(
                    "google.cloud.pubsub_v1") is None:
                errors["project"] = self.tr("This installation of HEMS Desktop cannot publish to Pub/Sub "
                                            "(the Google Cloud client is not included).")
        return errors

    def collect(self) -> SettingsResult:
        """The dialog's values through the options' own parsers; raises FormErrors naming each bad field."""
        route_b_id, password = self.id_edit.text().strip(), self.password_edit.text()
        demo = self.demo_check.isChecked()
        mode = str(self.mode_combo.currentData())
        outputs = [name for name, check in (("file", self.file_check), ("cloud", self.cloud_check))
                   if check.isChecked()]
        outputs += self.network_outputs()
        raw: dict[str, object] = {
            "serial_port": self.port(), "baudrate": self.baud_combo.currentText(),
            "dongle": str(self.dongle_combo.currentData()), "meter_channel": self.channel_edit.text(),
            "meter_pan_id": self.pan_edit.text(), "meter_ipv6": self.ipv6_edit.text(),
            "output": ",".join(outputs), "format": str(self.format_combo.currentData()),
            "file": self.file_edit.text().strip() or "hems_data.dat",
            "project": self.project_edit.text().strip(), "topic": self.topic_edit.text().strip(),
            "mode": mode, "interval": self.interval_spin.value(), "demo": demo,
            "keep_days": self.keep_spin.value() or "",
            **self.network_raw(),
        }
        if mode == "schedule":
            raw["schedule"] = self.cron_edit.text()
        else:  # the unused cron field never blocks Save: kept when valid, else left as it was
            with contextlib.suppress(ValueError):
                raw["schedule"] = parse_cron(self.cron_edit.text())
        if route_b_id or password or not demo:
            raw["route_b_id"], raw["route_b_password"] = route_b_id, password
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        try:
            values = parse_form(Settings, raw)
        except FormErrors as exc:
            errors.update(exc.errors)
        if not self.port() and not demo:
            errors["serial_port"] = self.tr("Choose the serial port of the Wi-SUN dongle")
        errors.update(self._output_errors())
        errors.update(self.network_errors())
        prefs_raw = {
            "contract_amperes": self.amperes_spin.value(), "alert_percent": self.alert_spin.value(),
            "price_per_kwh": self._prefs.price_per_kwh, "basic_monthly": self._prefs.basic_monthly,
            "language": str(self.language_combo.currentData()), "start_at_login": self.login_check.isChecked(),
            "demo": demo, "notifications": self.notify_check.isChecked(),
        }
        prefs = self._prefs
        try:
            prefs = DesktopPreferences(**parse_form(DesktopPreferences, prefs_raw))
        except FormErrors as exc:
            errors.update(exc.errors)
        try:
            tariff = self.tariff_editor.tariff()
        except TariffError as exc:
            errors["tariff"] = self.tariff_editor.error_text(exc)
            tariff = Tariff()
        if errors:
            raise FormErrors(errors)
        values.pop("route_b_id", None)
        values.pop("route_b_password", None)
        values["output"] = values.get("output") or None
        settings = dataclasses.replace(self._settings, **values)
        return SettingsResult(settings, prefs, Credentials(route_b_id, password, self.mqtt_password_edit.text()),
                              tariff)

    def accept(self) -> None:
        try:
            self._result = self.collect()
        except FormErrors as exc:
            self._checking = True
            self._show_errors(exc.errors)  # refused: nothing is saved
            return
        self._show_errors({}, focus=False)
        self.save_requested.emit(self._result)
        if self.close_on_save:
            super().accept()

    def saved(self) -> None:
        """The app stored the values: close."""
        super().accept()

    @property
    def result_values(self) -> SettingsResult | None:
        return self._result

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
            tariff_error = self.tariff_editor.error
            if "tariff" in self.errors.raw and tariff_error is not None:  # worded by the editor, not the core
                self.errors.raw["tariff"] = self.tariff_editor.error_text(tariff_error)
            self.errors.refresh()
            self.error_label.setText(self.errors.summary())
            self.update_preview()
            self.refresh_ports(selected=self.port())
        super().changeEvent(event)

    # ---- test connection ----

    def test_connection(self) -> None:
        if self._test.running:
            return
        try:
            settings, _, credentials, _ = self.collect()
        except FormErrors as exc:
            self._checking = True
            self._show_errors(exc.errors)
            self.test_label.setText(self.errors.summary())
            return
        from hems_desktop.app import RunSetupError, open_endpoint
        from hems_desktop.app.connection_test import run_connection_test

        settings = dataclasses.replace(settings, route_b_id=credentials.route_b_id or None,
                                       route_b_password=credentials.password or None)
        try:
            endpoint = open_endpoint(settings)  # the same path the collector takes, demo meter included
        except RunSetupError as exc:
            self.test_label.setText(core_text(exc.message))
            return
        self.test_button.setEnabled(False)
        self.test_label.setText(self.tr("Testing…"))

        def work(progress: Callable[[str], None]) -> Reading:
            try:
                return run_connection_test(endpoint.session_config, progress, self._test.stop)
            finally:
                endpoint.close()

        self._test.start(work, self._test_succeeded, self._test_failed, self._test_progress)

    def _test_progress(self, step: str) -> None:
        steps = {
            "opening": self.tr("Opening the dongle…"),
            "joining": self.tr("Looking for the meter and authenticating (this can take a minute)…"),
            "reading": self.tr("Reading the meter…"),
        }
        self.test_label.setText(steps.get(step, step))

    def _test_succeeded(self, reading: Reading) -> None:
        self.test_button.setEnabled(True)
        message = f"{reading.instant_w} W, {reading.cumulative_kwh} kWh"
        self.test_label.setText(self.tr("It works: %1").replace("%1", message))

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        message = core_text(error.message) if isinstance(error, HemsError) else self.tr(
            "unexpected error: %1").replace("%1", str(error))
        self.test_label.setText(self.tr("It did not work: %1").replace("%1", message))

    def done(self, result: int) -> None:
        self._test.cancel()  # a test still running ends with the dialog
        self.cancel_network_checks()
        super().done(result)
