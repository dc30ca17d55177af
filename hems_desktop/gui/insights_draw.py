"""The insights panel's drawing: each tab's numbers and charts from the core's results.

A mixin of `InsightsView` (kept apart so each module reads in one sitting). It only formats and
draws what `hems_desktop.insights` computed; re-run after a language or palette change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

from hems_desktop.insights.bill import Forecast
from hems_desktop.insights.loads import BaseLoad, Peaks
from hems_desktop.insights.periods import ViewKind
from hems_desktop.insights.views import Heatmap, Totals, UsageView


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"¥{value:,.0f}" if unit == "¥" else f"{value:,.{digits}f} {unit}"


class InsightsDrawing:
    """Needs the view's widgets and results (declared here for the type checker)."""

    _view: UsageView | None
    _forecast: Forecast | None
    _heat: Heatmap | None
    _base: BaseLoad | None
    _peaks: Peaks | None
    yen_toggle: QPushButton
    compare_previous: QCheckBox
    compare_last_year: QCheckBox
    usage_plot: pg.PlotWidget
    summary_label: QLabel
    bill_labels: dict[str, QLabel]
    heat_image: pg.ImageItem
    heat_label: QLabel
    base_plot: pg.PlotWidget
    base_label: QLabel
    peak_labels: dict[str, QLabel]

    if TYPE_CHECKING:  # the view's own QObject.tr and QWidget.palette (a runtime method here would hide them;
        # and a `def tr` here would make pyside6-lupdate lose the class context of every string after it)
        tr: Callable[..., str]
        palette: Callable[[], QPalette]

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
        # A week's bars are dates, not 1-7; other views' numbers are hours, days of the month or months.
        week = view.kind is ViewKind.WEEK
        start = current.period.start
        plot.getAxis("bottom").setTicks([[(i + 1, f"{start + dt.timedelta(days=i):%m/%d}") for i in range(7)]]
                                        if week else None)
        # The whole period on the axis (the days to come included), not just the days known so far.
        if day:
            plot.setXRange(0, 24, padding=0.01)
        else:
            plot.setXRange(0.4, len(values) + 0.6, padding=0)
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
                               self.tr("%1 kWh, ¥%2").replace("%1", f"{bill.export_kwh:,.1f}")
                               .replace("%2", f"{bill.sold_yen or 0:,}"))
        labels["co2"].setText(f"{bill.co2_kg:,.1f} kg")

    def _draw_heatmap(self) -> None:
        heat = self._heat
        if heat is None or not heat.days:
            return
        grid = np.array([[np.nan if v is None else v for v in row] for row in heat.kwh], dtype=float)
        self.heat_image.setImage(grid, levels=(0.0, max(heat.max_kwh, 0.01)))
        self.heat_image.setRect(0.5, 0, len(heat.days), 24)  # day n centred on n, as the usage chart numbers them
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
        known = values[~np.isnan(values)]
        # From zero: a flat 200 W must not look like a swing between 199.6 and 200.5 W.
        self.base_plot.setYRange(0, float(known.max()) * 1.2 if len(known) and known.max() > 0 else 100, padding=0)
        self.base_plot.setXRange(-0.5, max(len(values), 1) - 0.5, padding=0.02)
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

