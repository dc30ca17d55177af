"""The settings dialog: every field validated by the core before anything is saved."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hems_desktop.credentials import Credentials
from hems_desktop.device.catalog import dongle_choices
from hems_desktop.device.ports import serial_ports
from hems_desktop.errors import HemsError
from hems_desktop.gui.tasks import BackgroundTask
from hems_desktop.reading import Reading
from hems_desktop.schedule import build_schedule
from hems_desktop.settings import ConfigError, Settings
from hems_desktop.settings.form import FormErrors, parse_form
from hems_desktop.settings.parsers import FORMATS, format_channel, format_pan_id, parse_cron
from hems_desktop.settings.preferences import DesktopPreferences

BAUD_RATES = ("115200", "57600", "38400", "19200", "9600")


class SettingsDialog(QDialog):
    forget_network_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        prefs: DesktopPreferences,
        credentials: Credentials,
        keyring_problem: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("HEMS Desktop settings"))
        self._settings = settings
        self._prefs = prefs
        self._result: tuple[Settings, DesktopPreferences, Credentials] | None = None
        self._test = BackgroundTask(self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self._build_connection(settings, credentials, keyring_problem)
        self._build_outputs(settings)
        self._build_schedule(settings)
        self._build_household(prefs)
        self._build_general(prefs)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 520)

    # ---- tabs ----

    def _build_connection(self, settings: Settings, credentials: Credentials, keyring_problem: str | None) -> None:
        page = QWidget()
        form = QFormLayout(page)
        ports = QHBoxLayout()
        self.port_combo = QComboBox()
        self.port_combo.setEditable(True)
        self.refresh_ports_button = QPushButton(self.tr("Refresh"))
        self.refresh_ports_button.clicked.connect(self.refresh_ports)
        ports.addWidget(self.port_combo, 1)
        ports.addWidget(self.refresh_ports_button)
        form.addRow(self.tr("Serial port"), ports)
        self.refresh_ports(selected=settings.serial_port)
        self.baud_combo = QComboBox()
        self.baud_combo.setEditable(True)
        self.baud_combo.addItems(BAUD_RATES)
        self.baud_combo.setCurrentText(str(settings.baudrate))
        form.addRow(self.tr("Baud rate"), self.baud_combo)
        self.dongle_combo = QComboBox()
        self.dongle_combo.addItems(dongle_choices())
        self.dongle_combo.setCurrentText(settings.dongle)
        form.addRow(self.tr("Dongle type"), self.dongle_combo)
        self.id_edit = QLineEdit(credentials.route_b_id)
        self.id_edit.setMaxLength(32)
        self.id_edit.setPlaceholderText(self.tr("32 letters and digits from your power company"))
        form.addRow(self.tr("B-route ID"), self.id_edit)
        self.password_edit = QLineEdit(credentials.password)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(12)
        form.addRow(self.tr("B-route password"), self.password_edit)
        self.keyring_label = QLabel(
            keyring_problem or self.tr("The ID and password are kept in the system keyring, never in a file.")
        )
        self.keyring_label.setWordWrap(True)
        if keyring_problem:
            self.keyring_label.setStyleSheet("color: #e65100;")
        form.addRow("", self.keyring_label)
        self.channel_edit = QLineEdit("" if settings.meter_channel is None else format_channel(settings.meter_channel))
        self.channel_edit.setPlaceholderText(self.tr("automatic (e.g. 3B)"))
        form.addRow(self.tr("Meter channel"), self.channel_edit)
        self.pan_edit = QLineEdit("" if settings.meter_pan_id is None else format_pan_id(settings.meter_pan_id))
        self.pan_edit.setPlaceholderText(self.tr("automatic (e.g. 8CF5)"))
        form.addRow(self.tr("Meter PAN ID"), self.pan_edit)
        self.ipv6_edit = QLineEdit(settings.meter_ipv6 or "")
        self.ipv6_edit.setPlaceholderText(self.tr("automatic"))
        form.addRow(self.tr("Meter address"), self.ipv6_edit)
        row = QHBoxLayout()
        self.forget_button = QPushButton(self.tr("Forget cached network"))
        self.forget_button.clicked.connect(self.forget_network_requested)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        row.addWidget(self.forget_button)
        row.addWidget(self.test_button)
        form.addRow("", row)
        self.test_label = QLabel("")
        self.test_label.setWordWrap(True)
        form.addRow("", self.test_label)
        self.demo_check = QCheckBox(self.tr("Demo mode (built-in virtual meter, no hardware)"))
        self.demo_check.setChecked(self._prefs.demo)
        form.addRow("", self.demo_check)
        self.tabs.addTab(page, self.tr("Connection"))

    def _build_outputs(self, settings: Settings) -> None:
        page = QWidget()
        form = QFormLayout(page)
        outputs = set(settings.outputs)
        self.file_check = QCheckBox(self.tr("Write readings to a file"))
        self.file_check.setChecked("file" in outputs)
        form.addRow(self.file_check)
        file_row = QHBoxLayout()
        self.file_edit = QLineEdit(str(settings.file))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_file)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        form.addRow(self.tr("File"), file_row)
        self.format_combo = QComboBox()
        self.format_combo.addItems(FORMATS)
        self.format_combo.setCurrentText(settings.format)
        form.addRow(self.tr("Format"), self.format_combo)
        self.cloud_check = QCheckBox(self.tr("Publish to Google Cloud Pub/Sub"))
        self.cloud_check.setChecked("cloud" in outputs)
        form.addRow(self.cloud_check)
        self.project_edit = QLineEdit(settings.project)
        form.addRow(self.tr("Project"), self.project_edit)
        self.topic_edit = QLineEdit(settings.topic)
        form.addRow(self.tr("Topic"), self.topic_edit)
        self.tabs.addTab(page, self.tr("Outputs"))

    def _build_schedule(self, settings: Settings) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.mode_combo = QComboBox()
        self.mode_combo.addItem(self.tr("On a schedule (cron)"), "schedule")
        self.mode_combo.addItem(self.tr("At a fixed interval"), "interval")
        self.mode_combo.setCurrentIndex(0 if settings.mode == "schedule" else 1)
        form.addRow(self.tr("Mode"), self.mode_combo)
        self.cron_edit = QLineEdit(settings.schedule)
        form.addRow(self.tr("Schedule (cron)"), self.cron_edit)
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(10, 86400)
        self.interval_spin.setSuffix(" s")
        self.interval_spin.setValue(max(10, settings.interval))
        form.addRow(self.tr("Interval"), self.interval_spin)
        self.preview_label = QLabel("")
        form.addRow(self.tr("Next readings"), self.preview_label)
        self.cron_edit.textChanged.connect(self.update_preview)
        self.mode_combo.currentIndexChanged.connect(self.update_preview)
        self.interval_spin.valueChanged.connect(self.update_preview)
        self.update_preview()
        self.tabs.addTab(page, self.tr("Schedule"))

    def _build_household(self, prefs: DesktopPreferences) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.amperes_spin = QSpinBox()
        self.amperes_spin.setRange(1, 200)
        self.amperes_spin.setSuffix(" A")
        self.amperes_spin.setValue(prefs.contract_amperes)
        form.addRow(self.tr("Contract amperage"), self.amperes_spin)
        self.alert_spin = QSpinBox()
        self.alert_spin.setRange(0, 100)
        self.alert_spin.setSuffix(" %")
        self.alert_spin.setValue(prefs.alert_percent)
        form.addRow(self.tr("Warn at (0 = off)"), self.alert_spin)
        self.price_spin = QDoubleSpinBox()
        self.price_spin.setRange(0, 1000)
        self.price_spin.setDecimals(2)
        self.price_spin.setSuffix(self.tr(" yen/kWh"))
        self.price_spin.setValue(prefs.price_per_kwh)
        form.addRow(self.tr("Energy price"), self.price_spin)
        self.basic_spin = QDoubleSpinBox()
        self.basic_spin.setRange(0, 100000)
        self.basic_spin.setDecimals(0)
        self.basic_spin.setSuffix(self.tr(" yen/month"))
        self.basic_spin.setValue(prefs.basic_monthly)
        form.addRow(self.tr("Basic charge"), self.basic_spin)
        self.tabs.addTab(page, self.tr("Household"))

    def _build_general(self, prefs: DesktopPreferences) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.language_combo = QComboBox()
        self.language_combo.addItem(self.tr("System language"), "system")
        self.language_combo.addItem("日本語", "ja")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(prefs.language)))
        form.addRow(self.tr("Language"), self.language_combo)
        self.login_check = QCheckBox(self.tr("Start at login"))
        self.login_check.setChecked(prefs.start_at_login)
        form.addRow(self.login_check)
        self.notify_check = QCheckBox(self.tr("Show notifications"))
        self.notify_check.setChecked(prefs.notifications)
        form.addRow(self.notify_check)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(0, 36500)
        self.keep_spin.setSpecialValueText(self.tr("forever"))
        self.keep_spin.setSuffix(self.tr(" days"))
        self.keep_spin.setValue(self._settings.keep_days or 0)
        form.addRow(self.tr("Keep raw readings"), self.keep_spin)
        self.tabs.addTab(page, self.tr("General"))

    # ---- behaviour ----

    def refresh_ports(self, selected: str | None = None) -> None:
        current = selected or self.port_combo.currentText()
        self.port_combo.clear()
        for port in serial_ports():
            self.port_combo.addItem(port.label, port.device)
        index = self.port_combo.findData(current)
        if index >= 0:
            self.port_combo.setCurrentIndex(index)
        else:
            self.port_combo.setEditText(current)

    def _port(self) -> str:
        text = self.port_combo.currentText()
        index = self.port_combo.findText(text)
        data = self.port_combo.itemData(index) if index >= 0 else None
        return str(data) if data else text.split(" — ")[0].strip()

    def _browse_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Output file"), self.file_edit.text())
        if path:
            self.file_edit.setText(path)

    def update_preview(self) -> None:
        try:
            mode = str(self.mode_combo.currentData())
            schedule = build_schedule(mode, parse_cron(self.cron_edit.text()), self.interval_spin.value(),
                                      dt.datetime.now().astimezone())
        except (ValueError, ConfigError) as exc:
            self.preview_label.setText(self.tr("Invalid schedule: %1").replace("%1", str(exc)))
            return
        times, at = [], dt.datetime.now().astimezone()
        for _ in range(3):
            at = schedule.next_after(at)
            times.append(at.strftime("%m-%d %H:%M:%S"))
        self.preview_label.setText(", ".join(times))

    def collect(self) -> tuple[Settings, DesktopPreferences, Credentials]:
        """The dialog's values through the options' own parsers; raises FormErrors naming each bad field."""
        route_b_id, password = self.id_edit.text().strip(), self.password_edit.text()
        demo = self.demo_check.isChecked()
        mode = str(self.mode_combo.currentData())
        outputs = [name for name, check in (("file", self.file_check), ("cloud", self.cloud_check))
                   if check.isChecked()]
        raw: dict[str, object] = {
            "serial_port": self._port(), "baudrate": self.baud_combo.currentText(),
            "dongle": self.dongle_combo.currentText(), "meter_channel": self.channel_edit.text(),
            "meter_pan_id": self.pan_edit.text(), "meter_ipv6": self.ipv6_edit.text(),
            "output": ",".join(outputs), "format": self.format_combo.currentText(),
            "file": self.file_edit.text().strip() or "hems_data.dat",
            "project": self.project_edit.text().strip(), "topic": self.topic_edit.text().strip(),
            "mode": mode, "interval": self.interval_spin.value(), "demo": demo,
            "keep_days": self.keep_spin.value() or "",
        }
        if mode == "schedule":
            raw["schedule"] = self.cron_edit.text()
        else:  # an unused cron field never blocks Save: kept when valid, else left as it was
            with contextlib.suppress(ValueError):
                raw["schedule"] = parse_cron(self.cron_edit.text())
        if route_b_id or password or not demo:
            raw["route_b_id"], raw["route_b_password"] = route_b_id, password
        errors: dict[str, str] = {}
        try:
            values = parse_form(Settings, raw)
        except FormErrors as exc:
            errors.update(exc.errors)
            values = {}
        if not self._port() and not demo:
            errors["serial_port"] = self.tr("Choose the serial port of the Wi-SUN dongle")
        if self.cloud_check.isChecked() and not (self.project_edit.text().strip() and self.topic_edit.text().strip()):
            errors["project"] = self.tr("Pub/Sub needs a project and a topic")
        prefs_raw = {
            "contract_amperes": self.amperes_spin.value(), "alert_percent": self.alert_spin.value(),
            "price_per_kwh": self.price_spin.value(), "basic_monthly": self.basic_spin.value(),
            "language": str(self.language_combo.currentData()), "start_at_login": self.login_check.isChecked(),
            "demo": demo, "notifications": self.notify_check.isChecked(),
        }
        try:
            prefs = DesktopPreferences(**parse_form(DesktopPreferences, prefs_raw))
        except FormErrors as exc:
            errors.update(exc.errors)
        if errors:
            raise FormErrors(errors)
        values.pop("route_b_id", None)
        values.pop("route_b_password", None)
        values["output"] = values.get("output") or None
        settings = dataclasses.replace(self._settings, **values)
        return settings, prefs, Credentials(route_b_id, password)

    def accept(self) -> None:
        try:
            self._result = self.collect()
        except ConfigError as exc:
            self.error_label.setText(str(exc))  # refused: nothing is saved
            return
        self.error_label.setText("")
        super().accept()

    @property
    def result_values(self) -> tuple[Settings, DesktopPreferences, Credentials] | None:
        return self._result

    # ---- test connection ----

    def test_connection(self) -> None:
        if self._test.running:
            return
        try:
            settings, _, credentials = self.collect()
        except ConfigError as exc:
            self.test_label.setText(str(exc))
            return
        from hems_desktop.app import RunSetupError, open_endpoint
        from hems_desktop.app.connection_test import run_connection_test

        settings = dataclasses.replace(settings, route_b_id=credentials.route_b_id or None,
                                       route_b_password=credentials.password or None)
        try:
            endpoint = open_endpoint(settings)  # the same path the collector takes, demo meter included
        except RunSetupError as exc:
            self.test_label.setText(str(exc))
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
        message = str(error) if isinstance(error, HemsError) else f"unexpected error: {error}"
        self.test_label.setText(self.tr("It did not work: %1").replace("%1", message))

    def done(self, result: int) -> None:
        self._test.cancel()  # a test still running ends with the dialog
        super().done(result)
