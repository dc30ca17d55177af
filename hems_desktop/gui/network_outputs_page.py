"""The Outputs tab's network outputs: MQTT (with Home Assistant discovery) and Prometheus metrics.

A mixin of `SettingsDialog`, beside `SettingsPages`. Each output has its own Test button that
runs the core's check (`app.output_checks`) off the GUI thread: the broker is connected to once,
the metrics port is tried, and the answer is shown under the button in the UI language. The
MQTT password goes to the keyring with the B-route credentials, never into the settings file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from hems_desktop.credentials import Credentials
from hems_desktop.gui.retranslate import Texts
from hems_desktop.gui.tasks import BackgroundTask
from hems_desktop.gui.text import core_text
from hems_desktop.gui.theme import error_colour
from hems_desktop.settings import Settings

DEFAULT_METRICS_PORT = 9469  # the README's example; any free port works


class NetworkOutputsPage:
    """Needs the dialog's helpers from `SettingsPages` (declared here for the type checker)."""

    texts: Texts

    if TYPE_CHECKING:  # the dialog's own (runtime methods here would hide them)
        tr: Callable[..., str]  # not a `def tr`: pyside6-lupdate would lose the class context
        _row: Callable[..., QLabel]
        _check: Callable[[Callable[[], str]], QCheckBox]
        _button: Callable[[Callable[[], str]], QPushButton]

    def _build_network_outputs(self, form: QFormLayout, tab: int, settings: Settings,
                               credentials: Credentials) -> None:
        outputs = set(settings.outputs)
        self.mqtt_check = self._check(lambda: self.tr("Publish to an &MQTT broker (Home Assistant)"))
        self.mqtt_check.setChecked("mqtt" in outputs)
        form.addRow(self.mqtt_check)
        self.mqtt_url_edit = QLineEdit(settings.mqtt_url or "")
        self.mqtt_url_edit.setPlaceholderText("mqtt://user@192.168.1.10:1883")
        self._row(form, tab, "mqtt_url", lambda: self.tr("Broker &URL"), self.mqtt_url_edit)
        self.mqtt_password_edit = QLineEdit(credentials.mqtt_password)
        self.mqtt_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._bind_placeholder(self.mqtt_password_edit, lambda: self.tr("none; kept in the system keyring"))
        self._row(form, tab, "mqtt_password", lambda: self.tr("MQTT pass&word"), self.mqtt_password_edit)
        self.mqtt_ca_edit = QLineEdit("" if settings.mqtt_ca is None else str(settings.mqtt_ca))
        self._bind_placeholder(self.mqtt_ca_edit, lambda: self.tr("the system's (mqtts:// only)"))
        self._row(form, tab, "mqtt_ca", lambda: self.tr("CA certificate fi&le"), self.mqtt_ca_edit)
        self.mqtt_prefix_edit = QLineEdit(settings.mqtt_prefix)
        self._row(form, tab, "mqtt_prefix", lambda: self.tr("Topic prefi&x"), self.mqtt_prefix_edit)
        self.ha_check = self._check(lambda: self.tr("Announce the sensors to Home Assistant (disco&very)"))
        self.ha_check.setChecked(settings.ha_discovery)
        form.addRow("", self.ha_check)
        self.mqtt_test_button = self._button(lambda: self.tr("Test M&QTT"))
        self.mqtt_test_label = self._result_label()
        form.addRow("", self._with_result(self.mqtt_test_button, self.mqtt_test_label))

        self.metrics_check = self._check(lambda: self.tr("Serve Prometheus m&etrics"))
        self.metrics_check.setChecked("metrics" in outputs)
        form.addRow(self.metrics_check)
        self.metrics_port_spin = QSpinBox()
        self.metrics_port_spin.setRange(1, 65535)
        self.metrics_port_spin.setValue(settings.metrics_port or DEFAULT_METRICS_PORT)
        self._metrics_port_was_set = settings.metrics_port is not None
        self._row(form, tab, "metrics_port", lambda: self.tr("Metrics po&rt"), self.metrics_port_spin)
        self.metrics_address_edit = QLineEdit(settings.metrics_address)
        self._row(form, tab, "metrics_address", lambda: self.tr("Listen on a&ddress"), self.metrics_address_edit)
        self.metrics_test_button = self._button(lambda: self.tr("Test metr&ics"))
        self.metrics_test_label = self._result_label()
        form.addRow("", self._with_result(self.metrics_test_button, self.metrics_test_label))

        self._mqtt_task = BackgroundTask()
        self._metrics_task = BackgroundTask()
        self.mqtt_test_button.clicked.connect(self.test_mqtt)
        self.metrics_test_button.clicked.connect(self.test_metrics)
        for check in (self.mqtt_check, self.metrics_check):
            check.toggled.connect(lambda _: self._enable_network_fields())
        self._enable_network_fields()

    def _bind_placeholder(self, edit: QLineEdit, make: Callable[[], str]) -> None:
        self.texts.bind(edit.setPlaceholderText, make)

    def _result_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the dialog
        return label

    @staticmethod
    def _with_result(button: QPushButton, label: QLabel) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(button)
        row.addWidget(label, 1)
        return box

    def _enable_network_fields(self) -> None:
        mqtt: tuple[QWidget, ...] = (self.mqtt_url_edit, self.mqtt_password_edit, self.mqtt_ca_edit,
                                     self.mqtt_prefix_edit, self.ha_check, self.mqtt_test_button)
        metrics: tuple[QWidget, ...] = (self.metrics_port_spin, self.metrics_address_edit, self.metrics_test_button)
        for widget in mqtt:
            widget.setEnabled(self.mqtt_check.isChecked())
        for widget in metrics:
            widget.setEnabled(self.metrics_check.isChecked())

    def network_change_signals(self) -> list[SignalInstance]:
        """What the dialog re-checks on: every field of this part."""
        return [self.mqtt_url_edit.textChanged, self.mqtt_password_edit.textChanged, self.mqtt_ca_edit.textChanged,
                self.mqtt_prefix_edit.textChanged, self.metrics_address_edit.textChanged,
                self.metrics_port_spin.valueChanged, self.mqtt_check.toggled, self.metrics_check.toggled,
                self.ha_check.toggled]

    def network_outputs(self) -> list[str]:
        return [name for name, check in (("mqtt", self.mqtt_check), ("metrics", self.metrics_check))
                if check.isChecked()]

    def network_raw(self) -> dict[str, object]:
        """The options of this part by name, for `parse_form` (a disabled output keeps its values)."""
        return {
            "mqtt_url": self.mqtt_url_edit.text().strip(), "mqtt_ca": self.mqtt_ca_edit.text().strip(),
            "mqtt_prefix": self.mqtt_prefix_edit.text(), "ha_discovery": self.ha_check.isChecked(),
            # The spin box always shows a port; it becomes a setting only once metrics are (or were) used.
            "metrics_port": self.metrics_port_spin.value() if self.metrics_check.isChecked()
            or self._metrics_port_was_set else "",
            "metrics_address": self.metrics_address_edit.text().strip(),
        }

    def network_errors(self) -> dict[str, str]:
        """What would stop these outputs at the collector's start: refused now, not after Save."""
        errors: dict[str, str] = {}
        if self.mqtt_check.isChecked():
            if not self.mqtt_url_edit.text().strip():
                errors["mqtt_url"] = self.tr("MQTT needs the broker's URL")
            elif self.mqtt_ca_edit.text().strip() and not self.mqtt_url_edit.text().strip().lower().startswith(
                    "mqtts://"):
                errors["mqtt_ca"] = self.tr("A CA certificate is used only with an mqtts:// URL (TLS)")
        if self.metrics_check.isChecked() and not self.metrics_address_edit.text().strip():
            errors["metrics_address"] = self.tr("Give the address to listen on (127.0.0.1: this computer only)")
        return errors

    # ---- Test buttons ----

    def test_mqtt(self) -> None:
        if self._mqtt_task.running:
            return
        errors = self.network_errors()
        if "mqtt_url" in errors or "mqtt_ca" in errors:
            self._show_result(self.mqtt_test_label, errors.get("mqtt_url") or errors["mqtt_ca"], ok=False)
            return
        from hems_desktop.app.output_checks import check_mqtt

        url, password = self.mqtt_url_edit.text().strip(), self.mqtt_password_edit.text() or None
        ca_text = self.mqtt_ca_edit.text().strip()
        ca_file = Path(ca_text).expanduser() if ca_text else None
        stop = self._mqtt_task.stop
        self._run_check(self._mqtt_task, self.mqtt_test_button, self.mqtt_test_label,
                        lambda _progress: check_mqtt(url, password, ca_file, stop))

    def test_metrics(self) -> None:
        if self._metrics_task.running:
            return
        from hems_desktop.app.output_checks import check_metrics

        address, port = self.metrics_address_edit.text().strip() or "127.0.0.1", self.metrics_port_spin.value()
        self._run_check(self._metrics_task, self.metrics_test_button, self.metrics_test_label,
                        lambda _progress: check_metrics(address, port))

    def _run_check(self, task: BackgroundTask, button: QPushButton, label: QLabel,
                   work: Callable[[Callable[[str], None]], str]) -> None:
        button.setEnabled(False)
        self._show_result(label, self.tr("Testing…"), ok=True)

        def succeeded(answer: str) -> None:
            button.setEnabled(True)
            self._show_result(label, core_text(answer), ok=True)

        def failed(error: BaseException) -> None:
            from hems_desktop.errors import HemsError

            button.setEnabled(True)
            text = core_text(error.message) if isinstance(error, HemsError) else self.tr(
                "unexpected error: %1").replace("%1", str(error))
            self._show_result(label, text, ok=False)

        task.start(work, succeeded, failed)

    @staticmethod
    def _show_result(label: QLabel, text: str, ok: bool) -> None:
        label.setText(text)
        label.setStyleSheet("" if ok else f"color: {error_colour(label.palette())};")

    def cancel_network_checks(self) -> None:
        self._mqtt_task.cancel()
        self._metrics_task.cancel()
