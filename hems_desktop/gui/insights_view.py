"""The insights panel: period views with comparisons, the bill, a heatmap, base load and peaks.

Widgets only: every number comes from `hems_desktop.insights` (the widget picks which field to
show, kWh or ¥, and never computes one). Colours follow the palette, so a dark palette gives
dark charts. Fed by plain calls: `set_source(store, meter)`, `set_tariff(tariff)`, `refresh()`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hems_desktop.history.store import HistoryStore
from hems_desktop.insights import tables
from hems_desktop.insights.bill import Forecast
from hems_desktop.insights.loads import BaseLoad, Peaks, base_load, peaks
from hems_desktop.insights.periods import ViewKind, period_of, step
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.views import Heatmap, Totals, UsageView, bill_so_far, heatmap, usage_view
from hems_desktop.timebase import JST

SCREENSHOT_VIEWS = ("day", "week", "month", "year", "bill", "heatmap", "base-load", "peaks")


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"¥{value:,.0f}" if unit == "¥" else f"{value:,.{digits}f} {unit}"


class InsightsView(QWidget):
    """Day/week/month/year views, bill, heatmap, base load and peaks over the local history."""

    refreshed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: HistoryStore | None = None
        self._meter: str | None = None
        self._tariff = Tariff()
        self._contract_amperes: int | None = 30
        self._now: dt.datetime | None = None  # fixed "now" for tests and screenshots; None: the clock
        self._kind = ViewKind.MONTH
        self._view: UsageView | None = None
        self._forecast: Forecast | None = None
        self._heat: Heatmap | None = None
        self._base: BaseLoad | None = None
        self._peaks: Peaks | None = None
        self._build()

    # ---- layout ----

    def _plot(self) -> pg.PlotWidget:
        palette = self.palette()
        plot = pg.PlotWidget(background=palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for name in ("left", "bottom"):
            plot.getAxis(name).setPen(text)
            plot.getAxis(name).setTextPen(text)
        plot.getAxis("left").enableAutoSIPrefix(False)
        return plot

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.kind_buttons = QButtonGroup(self)
        names = {ViewKind.DAY: self.tr("Day"), ViewKind.WEEK: self.tr("Week"), ViewKind.MONTH: self.tr("Month"),
                 ViewKind.YEAR: self.tr("Year")}
        for index, kind in enumerate(ViewKind):
            button = QPushButton(names[kind])
            button.setCheckable(True)
            button.setChecked(kind is self._kind)
            self.kind_buttons.addButton(button, index)
            controls.addWidget(button)
        self.kind_buttons.idClicked.connect(self._kind_chosen)
        self.back_button = QPushButton("◀")
        self.back_button.setToolTip(self.tr("Previous period"))
        self.forward_button = QPushButton("▶")
        self.forward_button.setToolTip(self.tr("Next period"))
        today = dt.datetime.now(JST).date()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.back_button.clicked.connect(lambda: self._step(-1))
        self.forward_button.clicked.connect(lambda: self._step(1))
        self.date_edit.dateChanged.connect(lambda _: self.refresh())
        for widget in (self.back_button, self.date_edit, self.forward_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        self.compare_previous = QCheckBox(self.tr("Previous period"))
        self.compare_last_year = QCheckBox(self.tr("Same period last year"))
        self.yen_toggle = QPushButton(self.tr("Show ¥"))
        self.yen_toggle.setCheckable(True)
        for box in (self.compare_previous, self.compare_last_year):
            box.toggled.connect(lambda _: self._draw_usage())
        self.yen_toggle.toggled.connect(self._unit_toggled)
        for toggle in (self.compare_previous, self.compare_last_year, self.yen_toggle):
            controls.addWidget(toggle)
        layout.addLayout(controls)

        self.tabs = QTabWidget()
        usage = QWidget()
        usage_layout = QVBoxLayout(usage)
        self.summary_label = QLabel("–")
        self.summary_label.setWordWrap(True)
        self.usage_plot = self._plot()
        self.usage_plot.addLegend(offset=(10, 5))
        usage_layout.addWidget(self.summary_label)
        usage_layout.addWidget(self.usage_plot, 1)
        self.tabs.addTab(usage, self.tr("Usage"))

        bill = QWidget()
        self.bill_form = QFormLayout(bill)
        self.bill_labels: dict[str, QLabel] = {}
        for key, label in (("period", self.tr("Billing period")), ("so_far", self.tr("Bill so far")),
                           ("breakdown", self.tr("Breakdown")), ("forecast", self.tr("Forecast at period end")),
                           ("sold", self.tr("Sold")), ("co2", self.tr("CO₂"))):
            value = QLabel("–")
            value.setWordWrap(True)
            self.bill_labels[key] = value
            self.bill_form.addRow(label, value)
        self.tabs.addTab(bill, self.tr("Bill"))

        heat = QWidget()
        heat_layout = QVBoxLayout(heat)
        self.heat_label = QLabel("–")
        self.heat_plot = self._plot()
        self.heat_plot.setLabel("left", self.tr("hour"))
        self.heat_image = pg.ImageItem()
        self.heat_image.setColorMap(pg.colormap.get("viridis"))
        self.heat_plot.addItem(self.heat_image)
        heat_layout.addWidget(self.heat_label)
        heat_layout.addWidget(self.heat_plot, 1)
        self.tabs.addTab(heat, self.tr("Heatmap"))

        base = QWidget()
        base_layout = QVBoxLayout(base)
        self.base_label = QLabel("–")
        self.base_label.setWordWrap(True)
        self.base_plot = self._plot()
        self.base_plot.setLabel("left", "W")
        self.base_plot.setLabel("bottom", self.tr("week (oldest first)"))
        base_layout.addWidget(self.base_label)
        base_layout.addWidget(self.base_plot, 1)
        self.tabs.addTab(base, self.tr("Base load"))

        peak = QWidget()
        peak_form = QFormLayout(peak)
        self.peak_labels: dict[str, QLabel] = {}
        for key, label in (("half_hour", self.tr("Highest half hour")), ("reading", self.tr("Highest reading")),
                           ("current", self.tr("Highest current")), ("headroom", self.tr("Contract headroom"))):
            value = QLabel("–")
            self.peak_labels[key] = value
            peak_form.addRow(label, value)
        self.tabs.addTab(peak, self.tr("Peaks"))
        layout.addWidget(self.tabs, 1)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.png_button = QPushButton(self.tr("Save chart as PNG…"))
        self.csv_button.clicked.connect(self._ask_csv)
        self.png_button.clicked.connect(self._ask_png)
        actions.addWidget(self.csv_button)
        actions.addWidget(self.png_button)
        layout.addLayout(actions)

    # ---- data in ----

    def set_source(self, store: HistoryStore | None, meter: str | None) -> None:
        self._store, self._meter = store, meter
        self.refresh()

    def set_tariff(self, tariff: Tariff) -> None:
        self._tariff = tariff
        self._contract_amperes = tariff.contract_amperes or self._contract_amperes
        self.refresh()

    def set_contract_amperes(self, amperes: int) -> None:
        self._contract_amperes = amperes
        self.refresh()

    def set_now(self, now: dt.datetime | None) -> None:
        self._now = now
        self.refresh()

    def set_kind(self, kind: ViewKind) -> None:
        self._kind = kind
        button = self.kind_buttons.button(list(ViewKind).index(kind))
        button.setChecked(True)
        self.refresh()

    def set_date(self, day: dt.date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))  # refreshes through dateChanged

    def date(self) -> dt.date:
        chosen = self.date_edit.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())

    # ---- refresh ----

    def refresh(self) -> None:
        if self._store is None or self._meter is None:
            self.summary_label.setText(self.tr("No history yet"))
            return
        now = self._now or dt.datetime.now(dt.timezone.utc)
        store, meter, tariff = self._store, self._meter, self._tariff
        day = self.date()
        self._view = usage_view(store, meter, tariff, self._kind, day, now)
        self._forecast = bill_so_far(store, meter, tariff, now)
        short = self._kind in (ViewKind.DAY, ViewKind.WEEK)  # a heatmap of a day says little: show its month
        month = period_of(ViewKind.MONTH, day) if short else self._view.current.period
        self._heat = heatmap(store, meter, month, now)
        self._base = base_load(store, meter, tariff, now)
        self._peaks = peaks(store, meter, self._view.current.period, self._contract_amperes, now)
        self._draw_usage()
        self._draw_bill()
        self._draw_heatmap()
        self._draw_base()
        self._draw_peaks()
        self.refreshed.emit()

    def _unit(self) -> str:
        return "¥" if self.yen_toggle.isChecked() else "kWh"

    def _values(self, rows: tuple[Totals, ...]) -> np.ndarray:
        yen = self.yen_toggle.isChecked()
        return np.array([np.nan if (v := (r.yen if yen else r.kwh)) is None else v for r in rows], dtype=float)

    def _draw_usage(self) -> None:
        view = self._view
        if view is None:
            return
        plot = self.usage_plot
        plot.clear()
        unit = self._unit()
        plot.setLabel("left", unit)
        current = view.current
        day = view.kind is ViewKind.DAY  # a day's rows are half hours: x in hours; otherwise day/month numbers
        plot.setLabel("bottom", self.tr("hour") if day else "")

        def positions(count: int) -> np.ndarray:
            index = np.arange(count, dtype=float)
            return index / 2 + 0.25 if day else index + 1

        values = self._values(current.rows)
        known = ~np.isnan(values)  # no bar at all where nothing is known (the future, missing data)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        plot.addItem(pg.BarGraphItem(x=positions(len(values))[known], height=values[known],
                                     width=0.4 if day else 0.7, brush=highlight, name=self.tr("This period")))
        for box, other, colour in ((self.compare_previous, view.previous, QColor("#ef6c00")),
                                   (self.compare_last_year, view.last_year, QColor("#8e24aa"))):
            if box.isChecked():
                others = self._values(other.rows)
                plot.plot(positions(len(others)), others, pen=pg.mkPen(colour, width=2), connect="finite",
                          symbol="o", symbolSize=5, symbolBrush=colour, name=box.text())
        totals = current.totals
        yen = self.yen_toggle.isChecked()
        parts = [
            self.tr("%1 to %2").replace("%1", current.period.start.isoformat())
            .replace("%2", (current.period.end - dt.timedelta(days=1)).isoformat()),
            _fmt(totals.yen if yen else totals.kwh, unit),
            self.tr("previous %1").replace("%1", _fmt(view.previous.totals.yen if yen else view.previous.totals.kwh,
                                                     unit)),
            self.tr("last year %1").replace("%1", _fmt(view.last_year.totals.yen if yen
                                                      else view.last_year.totals.kwh, unit)),
            self.tr("%1 half hours missing").replace("%1", str(totals.missing)),
            self.tr("CO₂ %1").replace("%1", _fmt(totals.co2_kg, "kg")),
        ]
        if totals.export_kwh is not None:
            parts.append(self.tr("sold %1 (%2), net %3").replace("%1", _fmt(totals.export_kwh, "kWh"))
                         .replace("%2", _fmt(totals.sold_yen, "¥")).replace("%3", _fmt(totals.net_kwh, "kWh")))
        self.summary_label.setText(" · ".join(parts))

    def _draw_bill(self) -> None:
        f = self._forecast
        if f is None:
            for label in self.bill_labels.values():
                label.setText("–")
            return
        bill = f.so_far
        labels = self.bill_labels
        labels["period"].setText(f"{bill.period.start} – {bill.period.end - dt.timedelta(days=1)}")
        labels["so_far"].setText(self.tr("¥%1 for %2 kWh (%3 half hours missing)")
                                 .replace("%1", f"{bill.total_yen:,}").replace("%2", f"{bill.kwh:,.1f}")
                                 .replace("%3", str(bill.missing)))
        lines = [self.tr("basic ¥%1").replace("%1", f"{bill.basic_yen:,.0f}")]
        lines += [f"{line.label}: {line.kwh:,.1f} kWh × ¥{line.price_per_kwh:g} = ¥{line.yen:,.0f}"
                  for line in bill.lines]
        lines.append(self.tr("fuel-cost adjustment ¥%1").replace("%1", f"{bill.fuel_adjustment_yen:,.0f}"))
        lines.append(self.tr("renewable surcharge ¥%1").replace("%1", f"{bill.surcharge_yen:,}"))
        labels["breakdown"].setText("\n".join(lines))
        labels["forecast"].setText(self.tr("¥%1 for %2 kWh").replace("%1", f"{f.bill.total_yen:,}")
                                   .replace("%2", f"{f.bill.kwh:,.0f}"))
        labels["sold"].setText("–" if bill.export_kwh is None else
                               f"{bill.export_kwh:,.1f} kWh, ¥{bill.sold_yen or 0:,}")
        labels["co2"].setText(f"{bill.co2_kg:,.1f} kg")

    def _draw_heatmap(self) -> None:
        heat = self._heat
        if heat is None or not heat.days:
            return
        grid = np.array([[np.nan if v is None else v for v in row] for row in heat.kwh], dtype=float)
        self.heat_image.setImage(grid, levels=(0.0, max(heat.max_kwh, 0.01)))
        self.heat_image.setRect(0, 0, len(heat.days), 24)
        self.heat_label.setText(self.tr("%1 to %2, kWh per half hour; %3 half hours missing")
                                .replace("%1", heat.days[0].isoformat()).replace("%2", heat.days[-1].isoformat())
                                .replace("%3", str(heat.missing)))

    def _draw_base(self) -> None:
        base = self._base
        if base is None:
            return
        self.base_plot.clear()
        values = np.array([np.nan if w is None else w for _, w in base.trend], dtype=float)
        self.base_plot.plot(np.arange(len(values), dtype=float), values, symbol="o",
                            pen=pg.mkPen(self.palette().color(QPalette.ColorRole.Highlight), width=2))
        basis = self.tr("live readings") if base.basis == "readings" else self.tr("the meter's half hours")
        self.base_label.setText(
            self.tr("Always on: %1 (last 48 h, from %2); about %3 and %4 a year. Trend: the last 12 weeks.")
            .replace("%1", _fmt(base.watts, "W", 0)).replace("%2", basis)
            .replace("%3", _fmt(base.yearly_kwh, "kWh", 0)).replace("%4", _fmt(base.yearly_yen, "¥")))

    def _draw_peaks(self) -> None:
        p = self._peaks
        if p is None:
            return
        labels = self.peak_labels
        labels["half_hour"].setText("–" if p.half_hour_start is None else
                                    f"{p.half_hour_start:%Y-%m-%d %H:%M}  {_fmt(p.half_hour_watts, 'W', 0)}")
        labels["reading"].setText("–" if p.reading_time is None else
                                  f"{p.reading_time:%Y-%m-%d %H:%M:%S}  {p.reading_w:,} W")
        labels["current"].setText("–" if p.max_current_time is None else
                                  f"{p.max_current_time:%Y-%m-%d %H:%M}  {p.max_current_a:.1f} A")
        labels["headroom"].setText("–" if p.headroom_a is None else
                                   self.tr("%1 A below %2 A").replace("%1", f"{p.headroom_a:.1f}")
                                   .replace("%2", str(p.contract_amperes)))

    # ---- actions ----

    def _kind_chosen(self, index: int) -> None:
        self._kind = list(ViewKind)[index]
        self.refresh()

    def _step(self, count: int) -> None:
        moved = step(self._kind, period_of(self._kind, self.date()), count)
        self.set_date(moved.start)

    def _unit_toggled(self, yen: bool) -> None:
        self.yen_toggle.setText(self.tr("Show kWh") if yen else self.tr("Show ¥"))
        self._draw_usage()

    def csv_text(self) -> str:
        """The shown tab as CSV (through the core's tables)."""
        tab = self.tabs.currentIndex()
        if tab == 1 and self._forecast is not None:
            return tables.to_csv(tables.forecast_rows(self._forecast))
        if tab == 2 and self._heat is not None:
            return tables.to_csv(tables.heatmap_rows(self._heat))
        if tab == 3 and self._base is not None:
            return tables.to_csv(tables.base_load_rows(self._base))
        if tab == 4 and self._peaks is not None:
            return tables.to_csv(tables.peaks_rows(self._peaks))
        return tables.to_csv(tables.view_rows(self._view)) if self._view is not None else ""

    def save_csv(self, path: Path) -> None:
        path.write_text(self.csv_text(), encoding="utf-8")

    def save_png(self, path: Path) -> bool:
        return self.tabs.currentWidget().grab().save(str(path))

    def _ask_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"), "insights.csv", "CSV (*.csv)")
        if name:
            self.save_csv(Path(name))

    def _ask_png(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save chart as PNG"), "insights.png", "PNG (*.png)")
        if name:
            self.save_png(Path(name))


def save_screenshots(view: InsightsView, folder: Path, lang: str) -> list[Path]:
    """`insights-<view>-<lang>.png` for each view and tab (for the self-test). Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    kinds = {"day": ViewKind.DAY, "week": ViewKind.WEEK, "month": ViewKind.MONTH, "year": ViewKind.YEAR}
    tabs = {"bill": 1, "heatmap": 2, "base-load": 3, "peaks": 4}
    for name in SCREENSHOT_VIEWS:
        if name in kinds:
            view.tabs.setCurrentIndex(0)
            view.set_kind(kinds[name])
        else:
            view.set_kind(ViewKind.MONTH)
            view.tabs.setCurrentIndex(tabs[name])
        path = folder / f"insights-{name}-{lang}.png"
        if view.grab().save(str(path)):
            written.append(path)
    view.tabs.setCurrentIndex(0)
    return written
