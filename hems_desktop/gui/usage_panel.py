"""Today's and this billing period's energy and bill, and the half-hourly bars of any day.

Every number comes from the core: `insights.usage.day_bars` (the meter's cumulative values at
the half-hour boundaries), `insights.views.bill_so_far` (the tariff from the settings) and the
history's daily usage. Energy sold (the meter's reverse values) is shown when the history has it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtWidgets import QDateEdit, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hems_desktop.gui.history_source import HistorySource
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.theme import chart_colours
from hems_desktop.insights.bill import Forecast
from hems_desktop.insights.chart_steps import meter_midnight
from hems_desktop.insights.tariff import Tariff
from hems_desktop.insights.usage import day_bars, usage_between
from hems_desktop.insights.views import bill_so_far
from hems_desktop.timebase import JST


class UsageSummary(QWidget):
    """Today so far, this billing period so far and its forecast, energy sold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = Texts()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        rows = (("today", lambda: self.tr("Today so far")), ("period", lambda: self.tr("This billing period")),
                ("forecast", lambda: self.tr("Forecast at period end")), ("sold", lambda: self.tr("Sold")))
        for key, title in rows:
            caption, value = QLabel(), QLabel("–")
            self.texts.bind(caption.setText, title)
            self.labels[key] = value
            form.addRow(caption, value)
            if key == "sold":
                self._sold_caption = caption
        self.show_sold(False)

    def show_sold(self, shown: bool) -> None:
        self._sold_caption.setVisible(shown)
        self.labels["sold"].setVisible(shown)

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
        super().changeEvent(event)


class UsagePanel(QWidget):
    def __init__(self, source: HistorySource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.tariff = Tariff()
        self.texts = Texts()
        self.summary = UsageSummary()
        self.forecast: Forecast | None = None
        self.bars_shown = 0
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        caption = QLabel()
        self.texts.bind(caption.setText, lambda: self.tr("Day"))
        meter_today = dt.datetime.now(JST).date()  # meter days are Japan days, wherever this runs
        self.day_edit = QDateEdit(QDate(meter_today.year, meter_today.month, meter_today.day))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.dateChanged.connect(lambda _: self.refresh_bars())
        caption.setBuddy(self.day_edit)
        top.addWidget(caption)
        top.addWidget(self.day_edit)
        top.addStretch(1)
        layout.addLayout(top)
        self.bar_plot = pg.PlotWidget()
        self.bar_plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bar_plot.getAxis("left").enableAutoSIPrefix(False)
        self.bar_plot.setMinimumHeight(120)
        self.bar_plot.setMouseEnabled(x=False, y=False)
        self.bar_plot.hideButtons()
        self.bar_plot.setXRange(0, 24, padding=0.02)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.45)
        self.bar_plot.addItem(self.bars)
        layout.addWidget(self.bar_plot, 1)
        self.texts.call(lambda: self.bar_plot.setLabel("left", self.tr("kWh per half hour")))
        self.texts.call(lambda: self.bar_plot.setLabel("bottom", self.tr("hour")))
        self.apply_palette()

    def apply_palette(self) -> None:
        colours = chart_colours(self.palette())
        self.bar_plot.setBackground(colours.background)
        for name in ("left", "bottom"):
            self.bar_plot.getAxis(name).setPen(colours.foreground)
            self.bar_plot.getAxis(name).setTextPen(colours.foreground)
        self.bars.setOpts(brush=pg.mkBrush(colours.bars), pen=pg.mkPen(colours.bars))

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
            self.refresh_summary()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply_palette()
        super().changeEvent(event)

    def set_tariff(self, tariff: Tariff) -> None:
        self.tariff = tariff

    def refresh(self) -> None:
        self.refresh_summary()
        self.refresh_bars()

    def refresh_summary(self) -> None:
        labels = self.summary.labels
        store, meter = self.source.store(), self.source.meter_id()
        if store is None or meter is None:
            for label in labels.values():
                label.setText("–")
            self.summary.show_sold(False)
            self.forecast = None
            return
        today = dt.datetime.now(JST).date()
        [day] = store.daily_usage(meter, [today])
        labels["today"].setText("–" if day.kwh is None else f"{day.kwh:,.2f} kWh")
        self.forecast = forecast = bill_so_far(store, meter, self.tariff)
        if forecast is None:
            labels["period"].setText("–")
            labels["forecast"].setText("–")
        else:
            so_far = forecast.so_far
            labels["period"].setText(self.tr("%1 kWh, ¥%2 (from %3)").replace("%1", f"{so_far.kwh:,.1f}")
                                     .replace("%2", f"{so_far.total_yen:,}")
                                     .replace("%3", so_far.period.start.isoformat()))
            labels["forecast"].setText(self.tr("%1 kWh, ¥%2").replace("%1", f"{forecast.bill.kwh:,.0f}")
                                       .replace("%2", f"{forecast.bill.total_yen:,}"))
        sold_period = forecast.so_far.export_kwh if forecast is not None else None
        midnight = meter_midnight(dt.datetime.now(dt.timezone.utc).timestamp())
        reverse = store.cumulative_values(meter, midnight, midnight + 86400)[1]
        sold_today = usage_between(reverse.get(midnight), reverse[max(reverse)]) if reverse else None
        self.summary.show_sold(sold_period is not None or sold_today is not None)
        labels["sold"].setText(self.tr("today %1 kWh, this period %2 kWh")
                               .replace("%1", "–" if sold_today is None else f"{sold_today:,.2f}")
                               .replace("%2", "–" if sold_period is None else f"{sold_period:,.1f}"))

    def refresh_bars(self) -> None:
        store, meter = self.source.store(), self.source.meter_id()
        if store is None or meter is None:
            self.bars.setOpts(x=[], height=[])
            self.bars_shown = 0
            return
        chosen = self.day_edit.date()
        day = dt.date(chosen.year(), chosen.month(), chosen.day())
        midnight = int(dt.datetime(day.year, day.month, day.day, tzinfo=JST).timestamp())
        cumulative = store.cumulative_values(meter, midnight, midnight + 86400)[0]
        bars = day_bars(cumulative, midnight)
        xs = np.array([index / 2 + 0.25 for index, _ in bars], dtype=float)
        heights = np.array([kwh for _, kwh in bars], dtype=float)
        self.bars.setOpts(x=xs, height=heights, width=0.45)
        self.bars_shown = len(bars)
        self.bar_plot.setXRange(0, 24, padding=0.02)
