"""The insights panel: period views with comparisons, the bill, a heatmap, base load and peaks.

Widgets only: every number comes from `hems_desktop.insights` (the widget picks which field to
show, kWh or ¥, and never computes one). Colours follow the palette, so a dark palette gives
dark charts. Fed by plain calls: `set_source(store, meter)`, `set_tariff(tariff)`, `refresh()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QPalette
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

from hems_desktop.gui.insights_draw import InsightsDrawing
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.history.store import HistoryStore
from hems_desktop.insights import tables
from hems_desktop.insights.bill import Forecast
from hems_desktop.insights.loads import BaseLoad, Peaks, base_load, peaks
from hems_desktop.insights.periods import ViewKind, period_of, step
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.views import Heatmap, UsageView, bill_so_far, heatmap, usage_view
from hems_desktop.timebase import JST

SCREENSHOT_VIEWS = ("day", "week", "month", "year", "bill", "heatmap", "base-load", "peaks")


class InsightsView(InsightsDrawing, QWidget):
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
        self.texts = Texts()
        self._plots: list[pg.PlotWidget] = []
        self._build()

    # ---- layout ----

    def _plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget()
        plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from control to control, not into a chart
        plot.getAxis("left").enableAutoSIPrefix(False)
        self._plots.append(plot)
        self._colour_plot(plot)
        return plot

    def _colour_plot(self, plot: pg.PlotWidget) -> None:
        palette = self.palette()
        plot.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for name in ("left", "bottom"):
            plot.getAxis(name).setPen(text)
            plot.getAxis(name).setTextPen(text)
        if plot.plotItem.legend is not None:
            plot.plotItem.legend.setLabelTextColor(text)  # pyqtgraph's default grey is faint on white and on black

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        """A language switch re-makes every text; a palette change recolours the charts."""
        if is_language_change(event):
            self.texts.refresh()
            self._redraw()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for plot in self._plots:
                self._colour_plot(plot)
            self._redraw()
        super().changeEvent(event)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.kind_buttons = QButtonGroup(self)
        names = {ViewKind.DAY: lambda: self.tr("Day"), ViewKind.WEEK: lambda: self.tr("Week"),
                 ViewKind.MONTH: lambda: self.tr("Month"), ViewKind.YEAR: lambda: self.tr("Year")}
        for index, kind in enumerate(ViewKind):
            button = QPushButton()
            self.texts.bind(button.setText, names[kind])
            button.setCheckable(True)
            button.setChecked(kind is self._kind)
            self.kind_buttons.addButton(button, index)
            controls.addWidget(button)
        self.kind_buttons.idClicked.connect(self._kind_chosen)
        self.back_button = QPushButton("◀")
        self.texts.bind(self.back_button.setToolTip, lambda: self.tr("Previous period"))
        self.forward_button = QPushButton("▶")
        self.texts.bind(self.forward_button.setToolTip, lambda: self.tr("Next period"))
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
        self.compare_previous = QCheckBox()
        self.texts.bind(self.compare_previous.setText, lambda: self.tr("Previous period"))
        self.compare_last_year = QCheckBox()
        self.texts.bind(self.compare_last_year.setText, lambda: self.tr("Same period last year"))
        self.yen_toggle = QPushButton()
        self.texts.bind(self.yen_toggle.setText,
                        lambda: self.tr("Show kWh") if self.yen_toggle.isChecked() else self.tr("Show ¥"))
        self.yen_toggle.setCheckable(True)
        for box in (self.compare_previous, self.compare_last_year):
            box.toggled.connect(lambda _: self._draw_usage())
        self.yen_toggle.toggled.connect(self._unit_toggled)
        # Two rows, so the panel (and the window around it) fits a small or 150 %-scaled screen.
        compare = QHBoxLayout()
        for toggle in (self.compare_previous, self.compare_last_year, self.yen_toggle):
            compare.addWidget(toggle)
        compare.addStretch(1)
        layout.addLayout(controls)
        layout.addLayout(compare)

        self.tabs = QTabWidget()
        usage = QWidget()
        usage_layout = QVBoxLayout(usage)
        self.summary_label = QLabel("–")
        self.summary_label.setWordWrap(True)
        self.usage_plot = self._plot()
        self.usage_legend = self.usage_plot.addLegend(offset=(-10, 5))  # top right: clear of the month's first bars
        self._colour_plot(self.usage_plot)
        usage_layout.addWidget(self.summary_label)
        usage_layout.addWidget(self.usage_plot, 1)
        self._add_tab(usage, lambda: self.tr("Usage"))

        bill = QWidget()
        self.bill_form = QFormLayout(bill)
        self.bill_labels: dict[str, QLabel] = {}
        for key, label in (("period", lambda: self.tr("Billing period")), ("so_far", lambda: self.tr("Bill so far")),
                           ("breakdown", lambda: self.tr("Breakdown")),
                           ("forecast", lambda: self.tr("Forecast at period end")),
                           ("sold", lambda: self.tr("Sold")), ("co2", lambda: self.tr("CO₂"))):
            value = QLabel("–")
            value.setWordWrap(True)
            self.bill_labels[key] = value
            self.bill_form.addRow(self._caption(label), value)
        self._add_tab(bill, lambda: self.tr("Bill"))

        heat = QWidget()
        heat_layout = QVBoxLayout(heat)
        self.heat_label = QLabel("–")
        self.heat_plot = self._plot()
        self.texts.call(lambda: self.heat_plot.setLabel("left", self.tr("hour")))
        self.heat_image = pg.ImageItem()
        self.heat_image.setColorMap(pg.colormap.get("viridis"))
        self.heat_plot.addItem(self.heat_image)
        heat_layout.addWidget(self.heat_label)
        heat_layout.addWidget(self.heat_plot, 1)
        self._add_tab(heat, lambda: self.tr("Heatmap"))

        base = QWidget()
        base_layout = QVBoxLayout(base)
        self.base_label = QLabel("–")
        self.base_label.setWordWrap(True)
        self.base_plot = self._plot()
        self.base_plot.setLabel("left", "W")
        self.texts.call(lambda: self.base_plot.setLabel("bottom", self.tr("week (oldest first)")))
        base_layout.addWidget(self.base_label)
        base_layout.addWidget(self.base_plot, 1)
        self._add_tab(base, lambda: self.tr("Base load"))

        peak = QWidget()
        peak_form = QFormLayout(peak)
        self.peak_labels: dict[str, QLabel] = {}
        for key, label in (("half_hour", lambda: self.tr("Highest half hour")),
                           ("reading", lambda: self.tr("Highest reading")),
                           ("current", lambda: self.tr("Highest current")),
                           ("headroom", lambda: self.tr("Contract headroom"))):
            value = QLabel("–")
            self.peak_labels[key] = value
            peak_form.addRow(self._caption(label), value)
        self._add_tab(peak, lambda: self.tr("Peaks"))
        layout.addWidget(self.tabs, 1)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.csv_button = QPushButton()
        self.texts.bind(self.csv_button.setText, lambda: self.tr("Export CSV…"))
        self.png_button = QPushButton()
        self.texts.bind(self.png_button.setText, lambda: self.tr("Save chart as PNG…"))
        self.csv_button.clicked.connect(self._ask_csv)
        self.png_button.clicked.connect(self._ask_png)
        actions.addWidget(self.csv_button)
        actions.addWidget(self.png_button)
        layout.addLayout(actions)

    def _caption(self, make: Callable[[], str]) -> QLabel:
        label = QLabel()
        self.texts.bind(label.setText, make)
        return label

    def _add_tab(self, page: QWidget, make: Callable[[], str]) -> None:
        index = self.tabs.addTab(page, "")
        self.texts.bind(lambda text: self.tabs.setTabText(index, text), make)

    def _redraw(self) -> None:
        if self._store is None or self._meter is None:
            self.summary_label.setText(self.tr("No history yet"))
            return
        self._draw_usage()
        self._draw_bill()
        self._draw_heatmap()
        self._draw_base()
        self._draw_peaks()

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

    # ---- actions ----

    def _kind_chosen(self, index: int) -> None:
        self._kind = list(ViewKind)[index]
        self.refresh()

    def _step(self, count: int) -> None:
        moved = step(self._kind, period_of(self._kind, self.date()), count)
        self.set_date(moved.start)

    def _unit_toggled(self, yen: bool) -> None:
        self.texts.refresh()  # the toggle's own text says what the next click shows
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
