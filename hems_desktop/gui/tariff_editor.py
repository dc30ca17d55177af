"""The tariff editor: presets to start from, basic charge, tiers, time-of-use bands, surcharge,
monthly fuel-cost adjustments, sell price, billing day and CO₂ factor.

The widgets only collect text and numbers: `tariff()` builds the settings JSON and parses it
with the core's `tariff_from_json`, so the editor accepts exactly what the settings file does,
and a TariffError's field path (`tiers[1].up_to_kwh`) selects the cell or field that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.text import core_text
from hems_desktop.gui.theme import error_colour
from hems_desktop.insights.presets import PRESETS
from hems_desktop.insights.tariff import Tariff, TariffError, tariff_from_json, tariff_to_json


def _spin(low: float, high: float, decimals: int, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    return box


def _number(text: str) -> float | str | None:
    """A cell's number; empty is None; anything else goes to the parser as text (it names the cell)."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


class TariffEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._meta: dict[str, Any] = {}
        self.texts = Texts()
        self._error: TariffError | None = None
        self._build()
        self.set_tariff(Tariff())

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
            self._show_source()
            self._show_error(self._error)
        super().changeEvent(event)

    def _label(self, make: Callable[[], str]) -> QLabel:
        label = QLabel()
        self.texts.bind(label.setText, make)
        return label

    def _group(self, make: Callable[[], str]) -> QGroupBox:
        box = QGroupBox()
        self.texts.bind(box.setTitle, make)
        return box

    def _table(self, headers: list[Callable[[], str]]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        self.texts.call(lambda: table.setHorizontalHeaderLabels([make() for make in headers]))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # every header readable
        table.setMinimumHeight(110)
        table.itemChanged.connect(lambda _: self.changed.emit())
        return table

    def _rows_buttons(self, table: QTableWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        add, remove = QPushButton(), QPushButton()
        self.texts.bind(add.setText, lambda: self.tr("Add row"))
        self.texts.bind(remove.setText, lambda: self.tr("Remove row"))
        add.clicked.connect(lambda: table.insertRow(table.rowCount()))
        remove.clicked.connect(lambda: table.removeRow(max(table.currentRow(), table.rowCount() - 1))
                               if table.rowCount() else None)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        return row

    def _build(self) -> None:
        # Each field's caption, also named in a TariffError's text ("Tiers …, row 2: …")
        self._captions: dict[str, Callable[[], str]] = {
            "contract_amperes": lambda: self.tr("Contract amperage"),
            "basic_by_amperes": lambda: self.tr("Basic charge by amperage"),
            "basic_monthly": lambda: self.tr("Fixed monthly or minimum charge (when the table is empty)"),
            "tiers": lambda: self.tr("Tiers over the billing period (段階料金)"),
            "bands": lambda: self.tr("Time-of-use bands (energy outside them takes the tiers)"),
            "surcharge_per_kwh": lambda: self.tr("Renewable surcharge (再エネ賦課金)"),
            "fuel_adjustment_per_kwh": lambda: self.tr("Fuel-cost adjustment, other months"),
            "fuel_adjustments": lambda: self.tr("Fuel-cost adjustment by month"),
            "sell_price_per_kwh": lambda: self.tr("Sell price for exported energy"),
            "billing_day": lambda: self.tr("Meter-reading day (billing period start)"),
            "extra_holidays": lambda: self.tr("Extra holidays (MM-DD)"),
            "emission_kg_per_kwh": lambda: self.tr("CO₂ emission factor"),
        }
        caption = self._captions
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.preset_combo = QComboBox()
        for key, preset in PRESETS.items():
            self.preset_combo.addItem(preset.name, key)
        # shown while the tariff is no preset: a preset's name there would read as the tariff in use
        self.texts.bind(self.preset_combo.setPlaceholderText, lambda: self.tr("Choose a preset"))
        apply = QPushButton()
        self.texts.bind(apply.setText, lambda: self.tr("Start from this preset"))
        apply.clicked.connect(self._apply_preset)
        top.addWidget(self._label(lambda: self.tr("Preset")))
        top.addWidget(self.preset_combo, 1)
        top.addWidget(apply)
        layout.addLayout(top)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        # The same words as presets.CHECK_NOTE, as a literal so the translation tools find it.
        self.note_label = self._label(lambda: self.tr(
            "Example prices only: check them against your utility's current price list and your bill; enter the "
            "month's fuel-cost adjustment and your sell price."))
        self.note_label.setWordWrap(True)
        layout.addWidget(self.source_label)
        layout.addWidget(self.note_label)

        basic = self._group(lambda: self.tr("Basic charge"))
        basic_form = QFormLayout(basic)
        basic_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # long captions above their fields
        self.amperes_spin = QSpinBox()
        self.amperes_spin.setRange(0, 200)
        self.amperes_spin.setSuffix(" A")
        self.texts.bind(self.amperes_spin.setSpecialValueText, lambda: self.tr("none"))
        self.basic_table = self._table([lambda: self.tr("Amperes"), lambda: self.tr("¥ per month")])
        self.basic_spin = _spin(0, 100_000, 2, "")
        self.basic_spin.setPrefix("¥")  # ¥935.00, as the app writes amounts everywhere else
        basic_form.addRow(self._label(caption["contract_amperes"]), self.amperes_spin)
        basic_form.addRow(self._label(caption["basic_by_amperes"]), self.basic_table)
        basic_form.addRow(self._label(caption["basic_monthly"]), self.basic_spin)
        layout.addWidget(basic)

        energy = self._group(lambda: self.tr("Energy charge"))
        energy_layout = QVBoxLayout(energy)
        self.tiers_table = self._table([lambda: self.tr("Up to kWh (empty: no limit)"), lambda: self.tr("¥/kWh")])
        energy_layout.addWidget(self._label(caption["tiers"]))
        energy_layout.addWidget(self.tiers_table)
        energy_layout.addLayout(self._rows_buttons(self.tiers_table))
        self.bands_table = self._table([lambda: self.tr("Name"), lambda: self.tr("From"), lambda: self.tr("To"),
                                        lambda: self.tr("¥/kWh"), lambda: self.tr("Days (all, weekday, holiday)"),
                                        lambda: self.tr("Months (e.g. 7,8,9)")])
        energy_layout.addWidget(self._label(caption["bands"]))
        energy_layout.addWidget(self.bands_table)
        energy_layout.addLayout(self._rows_buttons(self.bands_table))
        layout.addWidget(energy)

        other = self._group(lambda: self.tr("Surcharge, adjustment, selling"))
        form = QFormLayout(other)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.surcharge_spin = _spin(0, 100, 2, " ¥/kWh")
        self.fuel_spin = _spin(-100, 100, 2, " ¥/kWh")
        self.fuel_table = self._table([lambda: self.tr("Month (YYYY-MM)"), lambda: self.tr("¥/kWh")])
        self.sell_spin = _spin(0, 100, 2, " ¥/kWh")
        self.billing_spin = QSpinBox()
        self.billing_spin.setRange(1, 31)
        self.holidays_edit = QLineEdit()
        self.holidays_edit.setPlaceholderText("12-30, 12-31, 01-02")
        self.co2_spin = _spin(0, 5, 3, " kg/kWh")
        form.addRow(self._label(caption["surcharge_per_kwh"]), self.surcharge_spin)
        form.addRow(self._label(caption["fuel_adjustment_per_kwh"]), self.fuel_spin)
        form.addRow(self._label(caption["fuel_adjustments"]), self.fuel_table)
        form.addRow("", self._rows_buttons(self.fuel_table))
        form.addRow(self._label(caption["sell_price_per_kwh"]), self.sell_spin)
        form.addRow(self._label(caption["billing_day"]), self.billing_spin)
        form.addRow(self._label(caption["extra_holidays"]), self.holidays_edit)
        form.addRow(self._label(caption["emission_kg_per_kwh"]), self.co2_spin)
        layout.addWidget(other)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        self._fields: dict[str, QWidget] = {
            "contract_amperes": self.amperes_spin, "basic_by_amperes": self.basic_table,
            "basic_monthly": self.basic_spin, "tiers": self.tiers_table, "bands": self.bands_table,
            "surcharge_per_kwh": self.surcharge_spin, "fuel_adjustment_per_kwh": self.fuel_spin,
            "fuel_adjustments": self.fuel_table, "sell_price_per_kwh": self.sell_spin,
            "billing_day": self.billing_spin, "extra_holidays": self.holidays_edit,
            "emission_kg_per_kwh": self.co2_spin,
        }

    # ---- model <-> widgets ----

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.blockSignals(True)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        table.blockSignals(False)

    @staticmethod
    def _cells(table: QTableWidget) -> list[list[str]]:
        rows = []
        for r in range(table.rowCount()):
            row = []
            for c in range(table.columnCount()):
                item = table.item(r, c)
                row.append("" if item is None else item.text())
            if any(cell.strip() for cell in row):
                rows.append(row)
        return rows

    def set_tariff(self, tariff: Tariff) -> None:
        self._meta = {"name": tariff.name, "source": tariff.source, "prices_as_of": tariff.prices_as_of}
        self._show_source()
        same = [i for i, preset in enumerate(PRESETS.values()) if preset == tariff]
        self.preset_combo.setCurrentIndex(same[0] if same else -1)
        self.amperes_spin.setValue(tariff.contract_amperes or 0)
        self._fill(self.basic_table, [[str(a), f"{y:g}"] for a, y in tariff.basic_by_amperes])
        self.basic_spin.setValue(tariff.basic_monthly)
        self._fill(self.tiers_table, [["" if t.up_to_kwh is None else f"{t.up_to_kwh:g}", f"{t.price_per_kwh:g}"]
                                      for t in tariff.tiers])
        self._fill(self.bands_table, [[b.name, b.start, b.end, f"{b.price_per_kwh:g}", b.days,
                                       ",".join(str(m) for m in b.months)] for b in tariff.bands])
        self.surcharge_spin.setValue(tariff.surcharge_per_kwh)
        self.fuel_spin.setValue(tariff.fuel_adjustment_per_kwh)
        self._fill(self.fuel_table, [[m, f"{v:g}"] for m, v in tariff.fuel_adjustments])
        self.sell_spin.setValue(tariff.sell_price_per_kwh)
        self.billing_spin.setValue(tariff.billing_day)
        self.holidays_edit.setText(", ".join(tariff.extra_holidays))
        self.co2_spin.setValue(tariff.emission_kg_per_kwh)
        self._show_error(None)

    def to_json(self) -> dict[str, Any]:
        """The settings file's `tariff` object as the widgets say it (not validated)."""
        months: list[list[Any]] = []
        for row in self._cells(self.bands_table):
            months.append([int(m) if m.strip().isdigit() else m for m in row[5].split(",") if m.strip()])
        return {
            **self._meta,
            "contract_amperes": self.amperes_spin.value() or None,
            "basic_by_amperes": {row[0].strip(): _number(row[1]) for row in self._cells(self.basic_table)},
            "basic_monthly": self.basic_spin.value(),
            "tiers": [{"up_to_kwh": _number(row[0]), "price_per_kwh": _number(row[1])}
                      for row in self._cells(self.tiers_table)],
            "bands": [{"name": row[0], "start": row[1].strip(), "end": row[2].strip(), "price_per_kwh": _number(row[3]),
                       "days": row[4].strip() or "all", "months": months[i]}
                      for i, row in enumerate(self._cells(self.bands_table))],
            "surcharge_per_kwh": self.surcharge_spin.value(),
            "fuel_adjustment_per_kwh": self.fuel_spin.value(),
            "fuel_adjustments": {row[0].strip(): _number(row[1]) for row in self._cells(self.fuel_table)},
            "sell_price_per_kwh": self.sell_spin.value(),
            "billing_day": self.billing_spin.value(),
            "extra_holidays": [d.strip() for d in self.holidays_edit.text().split(",") if d.strip()],
            "emission_kg_per_kwh": self.co2_spin.value(),
        }

    def tariff(self) -> Tariff:
        """The edited tariff; raises TariffError (and shows it at its field) when a value is wrong."""
        try:
            result = tariff_from_json(self.to_json())
        except TariffError as exc:
            self._show_error(exc)
            raise
        self._show_error(None)
        return result

    def settings_value(self) -> dict[str, Any]:
        """What to store under the settings file's `tariff` key."""
        return tariff_to_json(self.tariff())

    def _show_source(self) -> None:
        meta = self._meta
        name = str(meta.get("name", ""))
        if name == Tariff().name:  # the built-in default's name is ours to translate (presets have their own)
            name = self.tr("Flat rate")
        if not meta.get("source") and not meta.get("prices_as_of"):  # the user's own: no "source: –"
            self.source_label.setText(name)
            return
        self.source_label.setText(self.tr("%1 — source: %2 (prices of %3)").replace("%1", name)
                                  .replace("%2", str(meta.get("source") or "–"))
                                  .replace("%3", str(meta.get("prices_as_of") or "–")))

    def _show_error(self, error: TariffError | None) -> None:
        self._error = error
        for widget in self._fields.values():
            widget.setToolTip("")
        if error is None:
            self.error_label.setText("")
            return
        text = self.error_text(error)
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {error_colour(self.error_label.palette())};")
        key = error.field.split("[")[0].split(".")[0]
        if key not in self._fields:
            return
        widget = self._fields[key]
        widget.setToolTip(text)
        widget.setFocus()
        if isinstance(widget, QTableWidget) and "[" in error.field:
            row = int(error.field.split("[")[1].split("]")[0])
            widget.setCurrentCell(min(row, max(widget.rowCount() - 1, 0)), 0)

    @property
    def error(self) -> TariffError | None:
        """The error shown, None when the last check passed."""
        return self._error

    def error_text(self, error: TariffError) -> str:
        """Where and what, in the UI language: "Tiers over the billing period (段階料金), row 2: …"."""
        key = error.field.split("[")[0].split(".")[0]
        caption = self._captions.get(key)
        if caption is None:  # the whole object or the file: the core's own sentence
            return core_text(error.args[0])
        place = caption()
        if "[" in error.field:
            row = int(error.field.split("[")[1].split("]")[0]) + 1
            place = self.tr("%1, row %2").replace("%1", place).replace("%2", str(row))
        return self.tr("%1: %2").replace("%1", place).replace("%2", core_text(error.problem))

    def _apply_preset(self) -> None:
        key = self.preset_combo.currentData()
        if isinstance(key, str) and key in PRESETS:
            self.set_tariff(PRESETS[key])
            self.changed.emit()
