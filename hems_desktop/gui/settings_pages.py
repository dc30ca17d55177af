"""The settings dialog's tabs: the widgets of each option, their captions and error lines.

A mixin of `SettingsDialog` (kept apart so each module reads in one sitting). Every caption is
bound to its tr() source for the live language switch; internal values (`auto`, `single-hop`,
product ids, formats) are shown by their display names and kept as item data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from hems_desktop.credentials import Credentials
from hems_desktop.device.catalog import dongle_choices
from hems_desktop.device.ports import SerialPortInfo, normalize_port, preselected_port, serial_ports
from hems_desktop.gui.field_errors import FieldErrors
from hems_desktop.gui.retranslate import Texts
from hems_desktop.gui.tariff_editor import TariffEditor
from hems_desktop.gui.text import dongle_choice_text, format_text
from hems_desktop.settings import Settings
from hems_desktop.settings.parsers import FORMATS, format_channel, format_pan_id
from hems_desktop.settings.preferences import DesktopPreferences

BAUD_RATES = ("115200", "57600", "38400", "19200", "9600")
TAB_NAMES = ("connection", "outputs", "schedule", "household", "tariff", "general")


def _wrapping(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the dialog
    return label


def _name_items(combo: QComboBox, name: Callable[[str], str]) -> None:
    """Each item's display name from its data (the internal value)."""
    for index in range(combo.count()):
        combo.setItemText(index, name(str(combo.itemData(index))))
    _fit_popup(combo)


def _narrow(combo: QComboBox, characters: int = 24) -> QComboBox:
    """Long item texts (port descriptions, dongle families) never widen the dialog; the list shows them whole."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def _fit_popup(combo: QComboBox) -> None:
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


class SettingsPages:
    """Needs the dialog's `tabs`, `texts`, `errors` (declared here for the type checker)."""

    tabs: QTabWidget
    texts: Texts
    errors: FieldErrors
    ports: list[SerialPortInfo]

    if TYPE_CHECKING:  # the dialog's own QObject.tr (a runtime method here would hide it)
        tr: Callable[..., str]  # not a `def tr`: pyside6-lupdate would lose the class context
        _build_network_outputs: Callable[[QFormLayout, int, Settings, Credentials], None]  # NetworkOutputsPage

    # ---- helpers ----

    def _page(self, name: Callable[[], str]) -> tuple[int, QFormLayout]:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()  # a small or 150 %-scaled screen scrolls the tab instead of cutting it
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        index = self.tabs.addTab(scroll, "")
        self.texts.bind(lambda text: self.tabs.setTabText(index, text), name)
        return index, form

    def _row(self, form: QFormLayout, tab: int, option: str, caption: Callable[[], str], widget: QWidget,
             extra: QWidget | None = None) -> QLabel:
        label = QLabel()
        self.texts.bind(label.setText, caption)
        label.setBuddy(widget)
        form.addRow(label, self.errors.wrap(option, widget, caption, tab, extra))
        return label

    def _check(self, make: Callable[[], str]) -> QCheckBox:
        box = QCheckBox()
        self.texts.bind(box.setText, make)
        return box

    def _button(self, make: Callable[[], str]) -> QPushButton:
        button = QPushButton()
        self.texts.bind(button.setText, make)
        return button

    # ---- tabs ----

    def _build_connection(self, settings: Settings, prefs: DesktopPreferences, credentials: Credentials,
                          keyring_problem: str | None) -> None:
        tab, form = self._page(lambda: self.tr("&Connection"))
        ports = QWidget()
        row = QHBoxLayout(ports)
        row.setContentsMargins(0, 0, 0, 0)
        self.port_combo = _narrow(QComboBox())
        self.port_combo.setEditable(True)
        self.refresh_ports_button = self._button(lambda: self.tr("&Refresh"))
        self.refresh_ports_button.clicked.connect(lambda: self.refresh_ports())
        row.addWidget(self.port_combo, 1)
        row.addWidget(self.refresh_ports_button)
        self.port_hint = _wrapping(QLabel())
        self._row(form, tab, "serial_port", lambda: self.tr("Serial &port"), ports, self.port_hint)
        self._saved_port = settings.serial_port
        self.refresh_ports(selected=settings.serial_port)
        self.baud_combo = QComboBox()
        self.baud_combo.setEditable(True)
        self.baud_combo.addItems(BAUD_RATES)
        self.baud_combo.setCurrentText(str(settings.baudrate))
        self._row(form, tab, "baudrate", lambda: self.tr("&Baud rate"), self.baud_combo)
        self.dongle_combo = _narrow(QComboBox())
        for value in dongle_choices():
            self.dongle_combo.addItem(value, value)
        self.texts.call(lambda: _name_items(self.dongle_combo, dongle_choice_text))
        self.dongle_combo.setCurrentIndex(max(0, self.dongle_combo.findData(settings.dongle)))
        self._row(form, tab, "dongle", lambda: self.tr("&Dongle type"), self.dongle_combo)
        self.id_edit = QLineEdit(credentials.route_b_id)
        self.id_edit.setMaxLength(32)
        self.texts.bind(self.id_edit.setPlaceholderText,
                        lambda: self.tr("32 letters and digits from your power company"))
        self._row(form, tab, "route_b_id", lambda: self.tr("B-route &ID"), self.id_edit)
        self.password_edit = QLineEdit(credentials.password)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(12)
        self._row(form, tab, "route_b_password", lambda: self.tr("B-route pass&word"), self.password_edit)
        self.keyring_label = _wrapping(QLabel())
        self._keyring_problem = keyring_problem
        self.texts.call(self._show_keyring_note)
        form.addRow("", self.keyring_label)
        self.channel_edit = QLineEdit("" if settings.meter_channel is None else format_channel(settings.meter_channel))
        self.texts.bind(self.channel_edit.setPlaceholderText, lambda: self.tr("automatic (e.g. 3B)"))
        self._row(form, tab, "meter_channel", lambda: self.tr("Meter c&hannel"), self.channel_edit)
        self.pan_edit = QLineEdit("" if settings.meter_pan_id is None else format_pan_id(settings.meter_pan_id))
        self.texts.bind(self.pan_edit.setPlaceholderText, lambda: self.tr("automatic (e.g. 8CF5)"))
        self._row(form, tab, "meter_pan_id", lambda: self.tr("Meter PAN I&D"), self.pan_edit)
        self.ipv6_edit = QLineEdit(settings.meter_ipv6 or "")
        self.texts.bind(self.ipv6_edit.setPlaceholderText, lambda: self.tr("automatic"))
        self._row(form, tab, "meter_ipv6", lambda: self.tr("Meter &address"), self.ipv6_edit)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        self.forget_button = self._button(lambda: self.tr("&Forget cached network"))
        self.test_button = self._button(lambda: self.tr("&Test connection"))
        row.addWidget(self.forget_button)
        row.addWidget(self.test_button)
        row.addStretch(1)
        form.addRow("", buttons)
        self.test_label = _wrapping(QLabel())
        self.test_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.test_label)
        self.demo_check = self._check(lambda: self.tr("Demo &mode (built-in virtual meter, no hardware)"))
        self.demo_check.setChecked(settings.demo)
        self._row(form, tab, "demo", lambda: self.tr("Demo"), self.demo_check)
        demo_note = _wrapping(QLabel())
        self.texts.bind(demo_note.setText, lambda: self.tr(
            "The demo keeps its readings in its own history; no other output (file, Pub/Sub, MQTT, metrics) is "
            "used while it runs."))
        form.addRow("", demo_note)

    def _show_keyring_note(self) -> None:
        from hems_desktop.gui.text import core_text
        from hems_desktop.gui.theme import warning_colour

        problem = self._keyring_problem
        self.keyring_label.setText(core_text(problem) if problem else
                                   self.tr("The ID and password are kept in the system keyring, never in a file."))
        self.keyring_label.setStyleSheet(f"color: {warning_colour(self.keyring_label.palette())};" if problem else "")

    def _build_outputs(self, settings: Settings, credentials: Credentials) -> None:
        tab, form = self._page(lambda: self.tr("&Outputs"))
        outputs = set(settings.outputs)
        self.file_check = self._check(lambda: self.tr("Write readings to a &file"))
        self.file_check.setChecked("file" in outputs)
        form.addRow(self.file_check)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.file_edit = QLineEdit(str(settings.file))
        self.browse_button = self._button(lambda: self.tr("&Browse…"))
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        self.create_folder_button = self._button(lambda: self.tr("&Create the folder"))
        self.create_folder_button.hide()
        self._row(form, tab, "file", lambda: self.tr("File"), file_row, self.create_folder_button)
        self.format_combo = _narrow(QComboBox())
        for value in FORMATS:
            self.format_combo.addItem(value, value)
        self.texts.call(lambda: _name_items(self.format_combo, format_text))
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(settings.format)))
        self._row(form, tab, "format", lambda: self.tr("F&ormat"), self.format_combo)
        self.cloud_check = self._check(lambda: self.tr("Publish to Google Cloud &Pub/Sub"))
        self.cloud_check.setChecked("cloud" in outputs)
        form.addRow(self.cloud_check)
        self.project_edit = QLineEdit(settings.project)
        self._row(form, tab, "project", lambda: self.tr("Pro&ject"), self.project_edit)
        self.topic_edit = QLineEdit(settings.topic)
        self._row(form, tab, "topic", lambda: self.tr("&Topic"), self.topic_edit)
        for check in (self.file_check, self.cloud_check):
            check.toggled.connect(lambda _: self._enable_fields())
        self._build_network_outputs(form, tab, settings, credentials)

    def _build_schedule(self, settings: Settings) -> None:
        tab, form = self._page(lambda: self.tr("&Schedule"))
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("", "schedule")
        self.mode_combo.addItem("", "interval")
        self.texts.bind(lambda text: self.mode_combo.setItemText(0, text), lambda: self.tr("On a schedule (cron)"))
        self.texts.bind(lambda text: self.mode_combo.setItemText(1, text), lambda: self.tr("At a fixed interval"))
        self.mode_combo.setCurrentIndex(0 if settings.mode == "schedule" else 1)
        self._row(form, tab, "mode", lambda: self.tr("&Mode"), self.mode_combo)
        self.cron_edit = QLineEdit(settings.schedule)
        self._row(form, tab, "schedule", lambda: self.tr("Schedule (&cron)"), self.cron_edit)
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, 86400)  # what the option accepts: a settings file's 5 s stays 5 s
        self.texts.bind(self.interval_spin.setSuffix, lambda: self.tr(" s"))
        self.interval_spin.setValue(settings.interval)
        self._row(form, tab, "interval", lambda: self.tr("&Interval"), self.interval_spin)
        self.preview_label = _wrapping(QLabel())
        self._row(form, tab, "preview", lambda: self.tr("Next readings"), self.preview_label)
        self.mode_combo.currentIndexChanged.connect(lambda _: self._enable_fields())

    def _build_household(self, prefs: DesktopPreferences) -> None:
        tab, form = self._page(lambda: self.tr("&Household"))
        self.amperes_spin = QSpinBox()
        self.amperes_spin.setRange(1, 200)
        self.amperes_spin.setSuffix(" A")
        self.amperes_spin.setValue(prefs.contract_amperes)
        self._row(form, tab, "contract_amperes", lambda: self.tr("Contract &amperage"), self.amperes_spin)
        self.alert_spin = QSpinBox()
        self.alert_spin.setRange(0, 100)
        self.alert_spin.setSuffix(" %")
        self.alert_spin.setValue(prefs.alert_percent)
        self._row(form, tab, "alert_percent", lambda: self.tr("&Warn at (0 = off)"), self.alert_spin)
        note = _wrapping(QLabel())
        self.texts.bind(note.setText, lambda: self.tr(
            "A notification warns when a phase current reaches this share of the contract amperage."))
        form.addRow("", note)

    def _build_tariff(self) -> None:
        tab, form = self._page(lambda: self.tr("T&ariff"))
        self.tariff_editor = TariffEditor()
        self.tariff_tab = tab
        form.addRow(self.errors.wrap("tariff", self.tariff_editor, lambda: self.tr("Tariff"), tab, inline=False))

    def _build_general(self, settings: Settings, prefs: DesktopPreferences) -> None:
        tab, form = self._page(lambda: self.tr("&General"))
        self.language_combo = QComboBox()
        self.language_combo.addItem("", "system")
        self.language_combo.addItem("日本語", "ja")
        self.language_combo.addItem("English", "en")
        self.texts.call(lambda: self.language_combo.setItemText(0, self.tr("System language")))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(prefs.language)))
        self._row(form, tab, "language", lambda: self.tr("&Language"), self.language_combo)
        self.login_check = self._check(lambda: self.tr("Start at &login"))
        self.login_check.setChecked(prefs.start_at_login)
        form.addRow(self.login_check)
        self.notify_check = self._check(lambda: self.tr("Show &notifications"))
        self.notify_check.setChecked(prefs.notifications)
        form.addRow(self.notify_check)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(0, 36500)
        self.texts.bind(self.keep_spin.setSpecialValueText, lambda: self.tr("forever"))
        self.texts.bind(self.keep_spin.setSuffix, lambda: self.tr(" days"))
        self.keep_spin.setValue(settings.keep_days or 0)
        self._row(form, tab, "keep_days", lambda: self.tr("&Keep raw readings"), self.keep_spin)

    # ---- ports ----

    def port_label(self, port: SerialPortInfo) -> str:
        parts = [port.device]
        if port.product is not None:
            parts.append(self.tr("probably %1").replace("%1", port.product.display))
        if port.description and port.description != port.device:
            parts.append(port.description)
        text = " — ".join(parts)
        return f"{text} [USB {port.usb_id}]" if port.usb_id else text

    def refresh_ports(self, selected: str | None = None, ports: list[SerialPortInfo] | None = None) -> None:
        """List the ports; select the saved one, or the one dongle found when the saved one is not there."""
        current = selected or self.port()
        self.ports = serial_ports() if ports is None else ports
        self.port_combo.clear()
        for port in self.ports:
            self.port_combo.addItem(self.port_label(port), port.device)
        _fit_popup(self.port_combo)
        chosen = preselected_port(self.ports, current)
        index = self.port_combo.findData(chosen)
        if index >= 0:
            self.port_combo.setCurrentIndex(index)
        else:
            self.port_combo.setEditText(current)
        self._port_hint(current, chosen)

    def _port_hint(self, wanted: str, chosen: str) -> None:
        listed = {normalize_port(p.device) for p in self.ports}
        present = (normalize_port(wanted) in listed or "://" in wanted  # a pyserial URL (socket://, rfc2217://)
                   or (wanted.startswith("/") and os.path.exists(wanted)))  # a link such as /dev/serial/by-id/...
        if normalize_port(chosen) != normalize_port(wanted):
            hint = self.tr("%1 is not connected; %2 looks like the dongle and is selected.").replace(
                "%1", wanted).replace("%2", chosen)
        elif not self.ports and not present:
            hint = self.tr("No serial port found: plug the dongle in, then press Refresh.")
        elif not present:
            hint = self.tr("%1 is not connected: plug the dongle in and press Refresh, or choose its port.").replace(
                "%1", wanted)
        else:
            hint = ""
        self.port_hint.setText(hint)
        self.port_hint.setVisible(bool(hint))

    def port(self) -> str:
        """The chosen device: a listed port's device, or what was typed (COM3 and \\\\.\\COM3 alike)."""
        text = self.port_combo.currentText()
        index = self.port_combo.findText(text)
        data = self.port_combo.itemData(index) if index >= 0 else None
        return str(data) if data else normalize_port(text.split(" — ")[0])

    def _enable_fields(self) -> None:
        interval = self.mode_combo.currentData() == "interval"
        self.cron_edit.setEnabled(not interval)  # the unused field is neither validated nor editable
        self.interval_spin.setEnabled(interval)
        for widget in (self.file_edit, self.browse_button, self.format_combo):
            widget.setEnabled(self.file_check.isChecked())
        for widget in (self.project_edit, self.topic_edit):
            widget.setEnabled(self.cloud_check.isChecked())
