"""The settings dialog: every field validated by the core before anything is saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
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
from hems_desktop.emulator import Emulator
from hems_desktop.protocol.dialects import PRODUCTS, check_password, check_route_b_id
from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.reading import Reading
from hems_desktop.schedule import build_schedule
from hems_desktop.session import SessionConfig, SessionError
from hems_desktop.settings import ConfigError, Settings
from hems_desktop.settings.parsers import (
    FORMATS,
    format_channel,
    format_pan_id,
    parse_channel,
    parse_cron,
    parse_ipv6,
    parse_pan_id,
)
from hems_desktop.settings.preferences import DesktopPreferences

BAUD_RATES = ("115200", "57600", "38400", "19200", "9600")
DONGLES = ("auto", "single-hop", "dual-stack", *PRODUCTS)


class _TestWorker(QObject):
    progress = Signal(str)
    done = Signal(bool, str)

    def __init__(self, config: SessionConfig) -> None:
        super().__init__()
        self.config = config

    @Slot()
    def run(self) -> None:
        from hems_desktop.connection_test import run_connection_test

        try:
            reading: Reading = run_connection_test(self.config, self.progress.emit)
        except (SessionError, ProtocolError) as exc:
            self.done.emit(False, str(exc))
            return
        except Exception as exc:
            self.done.emit(False, f"unexpected error: {exc}")
            return
        self.done.emit(True, f"{reading.instant_w} W, {reading.cumulative_kwh} kWh")


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
        self._test_thread: QThread | None = None
        self._test_worker: _TestWorker | None = None
        self._demo: Emulator | None = None
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
        self.dongle_combo.addItems(DONGLES)
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
        from serial.tools import list_ports

        current = selected or self.port_combo.currentText()
        self.port_combo.clear()
        for port in sorted(list_ports.comports(), key=lambda p: str(p.device)):
            label = str(port.device)
            if port.description and port.description != "n/a":
                label += f" — {port.description}"
            self.port_combo.addItem(label, str(port.device))
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
        """The dialog's values, validated by the core; raises ConfigError with a clear message."""
        route_b_id, password = self.id_edit.text().strip(), self.password_edit.text()
        demo = self.demo_check.isChecked()
        if route_b_id or password or not demo:
            try:
                check_route_b_id(route_b_id)
                check_password(password)
            except ProtocolError as exc:
                raise ConfigError(str(exc)) from None
        def optional(text: str, parser):  # type: ignore[no-untyped-def]
            text = text.strip()
            if not text:
                return None
            try:
                return parser(text)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        channel = optional(self.channel_edit.text(), parse_channel)
        pan_id = optional(self.pan_edit.text(), parse_pan_id)
        ipv6 = optional(self.ipv6_edit.text(), parse_ipv6)
        port = self._port()
        if not port and not demo:
            raise ConfigError(self.tr("Choose the serial port of the Wi-SUN dongle"))
        try:
            baudrate = int(self.baud_combo.currentText())
            if baudrate <= 0:
                raise ValueError
        except ValueError:
            raise ConfigError(self.tr("The baud rate must be a positive number")) from None
        try:
            cron = parse_cron(self.cron_edit.text())
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        checks = (("file", self.file_check), ("cloud", self.cloud_check))
        outputs = [name for name, check in checks if check.isChecked()]
        output = None if not outputs else outputs[0] if len(outputs) == 1 else "all"
        if self.file_check.isChecked() and not self.file_edit.text().strip():
            raise ConfigError(self.tr("Choose a file for the file output"))
        if self.cloud_check.isChecked() and not (self.project_edit.text().strip() and self.topic_edit.text().strip()):
            raise ConfigError(self.tr("Pub/Sub needs a project and a topic"))
        settings = dataclasses.replace(
            self._settings, serial_port=port, baudrate=baudrate, dongle=self.dongle_combo.currentText(),
            meter_channel=channel, meter_pan_id=pan_id, meter_ipv6=ipv6, output=output,
            format=self.format_combo.currentText(), file=Path(self.file_edit.text().strip() or "hems_data.dat"),
            project=self.project_edit.text().strip(), topic=self.topic_edit.text().strip(),
            mode=str(self.mode_combo.currentData()), schedule=cron, interval=self.interval_spin.value(),
            demo=demo, keep_days=self.keep_spin.value() or None,
        )
        prefs = DesktopPreferences(
            contract_amperes=self.amperes_spin.value(), alert_percent=self.alert_spin.value(),
            price_per_kwh=self.price_spin.value(), basic_monthly=self.basic_spin.value(),
            language=str(self.language_combo.currentData()), start_at_login=self.login_check.isChecked(),
            demo=demo, notifications=self.notify_check.isChecked(),
        ).validated()
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
        if self._test_thread is not None:
            return
        try:
            settings, _, credentials = self.collect()
        except ConfigError as exc:
            self.test_label.setText(str(exc))
            return
        from hems_desktop.runner import RunSetupError, open_endpoint

        settings = dataclasses.replace(settings, route_b_id=credentials.route_b_id or None,
                                       route_b_password=credentials.password or None)
        try:
            endpoint = open_endpoint(settings)  # the same path the collector takes, demo meter included
        except RunSetupError as exc:
            self.test_label.setText(str(exc))
            return
        self._demo = endpoint.emulator
        config = endpoint.session_config
        self.test_button.setEnabled(False)
        self.test_label.setText(self.tr("Testing…"))
        thread = QThread(self)
        worker = _TestWorker(config)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._test_progress)
        # Direct: quit the thread's loop from the worker at once, so _test_done can wait for it.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.done.connect(self._test_done)
        self._test_thread, self._test_worker = thread, worker
        thread.start()

    def _test_progress(self, step: str) -> None:
        steps = {
            "opening": self.tr("Opening the dongle…"),
            "joining": self.tr("Looking for the meter and authenticating (this can take a minute)…"),
            "reading": self.tr("Reading the meter…"),
        }
        self.test_label.setText(steps.get(step, step))

    def _test_done(self, ok: bool, message: str) -> None:
        if self._test_thread is not None:
            self._test_thread.wait(3000)
        self._test_thread = self._test_worker = None
        demo = self._demo
        if demo is not None:
            demo.stop()
            self._demo = None
        self.test_button.setEnabled(True)
        if ok:
            self.test_label.setText(self.tr("It works: %1").replace("%1", message))
        else:
            self.test_label.setText(self.tr("It did not work: %1").replace("%1", message))
