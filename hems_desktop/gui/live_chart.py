"""The power and current charts: ranges from 1 hour to 1 year, live readings and the meter's values.

- Live readings come from the history (decimated in SQL) or, before it exists, from this run.
- The meter's own values are drawn beside them: the 30-minute averages while they fit the
  chart's width, each meter day's average beyond (a year of half hours is 17,520 steps).
- A gap in the data is a gap in the line, never a straight line across it.
- The mouse wheel zooms the time axis only; the power axis keeps its zero baseline. A zoomed
  chart shows no range button as chosen; choosing one follows the live data again.
- Colours follow the palette (a dark palette gives a dark chart).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from hems_desktop.gui.history_source import HistorySource
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.theme import chart_colours
from hems_desktop.insights.chart_steps import boundaries_needed, meter_power_steps

RANGE_SECONDS = (3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)
ZOOMED = -1
GAP_FACTOR = 3.0  # a step three times the usual spacing between points is a gap


def _light_grid(plot: pg.PlotItem) -> None:
    """Grid lines on major ticks only: pyqtgraph's default minor-tick grid costs ~35 ms a frame."""
    for name in ("bottom", "left"):
        axis = plot.getAxis(name)
        axis.setGrid(45)
        axis.setStyle(maxTickLevel=0)


def with_gaps(xs: np.ndarray, columns: Sequence[np.ndarray], min_gap: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Insert a NaN point where consecutive x are further apart than usual (the line breaks there)."""
    if len(xs) < 2:
        return xs, list(columns)
    steps = np.diff(xs)
    usual = float(np.median(steps))
    breaks = np.nonzero(steps > max(min_gap, usual * GAP_FACTOR))[0]
    if not len(breaks):
        return xs, list(columns)
    at = breaks + 1
    new_xs = np.insert(xs, at, xs[breaks] + steps[breaks] / 2)
    return new_xs, [np.insert(column.astype(float), at, np.nan) for column in columns]


def _finite(values: np.ndarray) -> np.ndarray:
    finite: np.ndarray = values[np.isfinite(values)]
    return finite


class LiveChart(QWidget):
    range_changed = Signal(int)  # the range button's index, ZOOMED after a zoom or pan

    def __init__(self, source: HistorySource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.texts = Texts()
        self.frames_drawn = 0
        self.meter_kind = "half-hour"
        self.meter_points = 0  # finite points of the meter's line in the last frame
        self._range_index = 0
        self._drawing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.range_buttons = QButtonGroup(self)
        labels = (lambda: self.tr("1 h"), lambda: self.tr("24 h"), lambda: self.tr("7 days"),
                  lambda: self.tr("30 days"), lambda: self.tr("1 year"))
        for index, label in enumerate(labels):
            button = QPushButton()
            button.setCheckable(True)
            button.setChecked(index == 0)
            self.texts.bind(self._button_text(button, index), label)
            self.texts.bind(button.setToolTip, self._range_tip(index))
            self.range_buttons.addButton(button, index)
            buttons.addWidget(button)
        self.range_buttons.idClicked.connect(self.set_range_index)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._build_plots()
        layout.addWidget(self.plots, 1)
        self._zoom_timer = QTimer(self)
        self._zoom_timer.setSingleShot(True)
        self._zoom_timer.setInterval(200)
        self._zoom_timer.timeout.connect(self._reload_visible_range)
        self.apply_palette()

    @staticmethod
    def _button_text(button: QPushButton, index: int) -> Callable[[str], None]:
        def apply(text: str) -> None:
            button.setText(text)
            button.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))  # after the text: setText resets the shortcut

        return apply

    def _range_tip(self, index: int) -> Callable[[], str]:
        return lambda: self.tr("Show this range (Ctrl+%1)").replace("%1", str(index + 1))

    def _build_plots(self) -> None:
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from control to control, not into a chart
        self.power_plot = self.plots.addPlot(row=0, col=0, axisItems={"bottom": pg.DateAxisItem("bottom")})
        _light_grid(self.power_plot)
        self.power_plot.setDownsampling(auto=True, mode="peak")
        self.power_plot.setClipToView(True)
        self.power_legend = self.power_plot.addLegend(offset=(10, 5))
        self.power_min = self.power_plot.plot(connect="finite")
        self.power_max = self.power_plot.plot(connect="finite")
        self.power_band = pg.FillBetweenItem(self.power_min, self.power_max)
        self.power_plot.addItem(self.power_band)
        # The meter's own values as average watts: the picture is complete even for hours the
        # computer was off (backfilled from the meter's memory).
        self.meter_curve = self.power_plot.plot(connect="finite", fillLevel=0, name="meter")
        self.power_curve = self.power_plot.plot(connect="finite", name="live")
        self.current_plot = self.plots.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem("bottom")})
        self.current_plot.setXLink(self.power_plot)
        _light_grid(self.current_plot)
        self.current_legend = self.current_plot.addLegend(offset=(10, 5))
        self.current_r = self.current_plot.plot(connect="finite", name="R")
        self.current_t = self.current_plot.plot(connect="finite", name="T")
        for plot in (self.power_plot, self.current_plot):
            plot.setMouseEnabled(x=True, y=False)  # the wheel zooms time; watts keep their zero baseline
            plot.enableAutoRange(x=False, y=False)
            plot.hideButtons()
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        self.power_plot.sigXRangeChanged.connect(self._view_changed)
        texts = self.texts
        texts.call(lambda: self.power_plot.setLabel("left", self.tr("Power"), units="W"))
        texts.call(lambda: self.current_plot.setLabel("left", self.tr("Current"), units="A"))
        texts.call(self._legend_texts)

    # ---- appearance ----

    def _legend_texts(self) -> None:
        meter = (self.tr("the meter's daily average") if self.meter_kind == "day"
                 else self.tr("the meter's 30-minute average"))
        names = {self.power_curve: self.tr("live readings"), self.meter_curve: meter,
                 self.current_r: self.tr("R phase"), self.current_t: self.tr("T phase")}
        for legend in (self.power_legend, self.current_legend):
            for sample, label in legend.items:
                if sample.item in names:
                    label.setText(names[sample.item])

    def apply_palette(self) -> None:
        colours = chart_colours(self.palette())
        self.plots.setBackground(colours.background)
        for plot in (self.power_plot, self.current_plot):
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(colours.foreground)
                plot.getAxis(name).setTextPen(colours.foreground)
        for legend in (self.power_legend, self.current_legend):
            legend.setLabelTextColor(colours.foreground)
        band_pen = pg.mkPen(colours.band)
        self.power_min.setPen(band_pen)
        self.power_max.setPen(band_pen)
        self.power_band.setBrush(pg.mkBrush(colours.band))
        self.power_curve.setPen(pg.mkPen(colours.live, width=2))
        meter_fill = pg.mkColor(colours.meter)
        meter_fill.setAlpha(45)
        self.meter_curve.setPen(pg.mkPen(colours.meter, width=1.5))
        self.meter_curve.setBrush(pg.mkBrush(meter_fill))
        self.current_r.setPen(pg.mkPen(colours.current_r))
        self.current_t.setPen(pg.mkPen(colours.current_t))
        self._colours = colours
        self._legend_texts()

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply_palette()
        super().changeEvent(event)

    # ---- range ----

    @property
    def range_index(self) -> int:
        return self._range_index

    def set_range_index(self, index: int) -> None:
        self._range_index = index if 0 <= index < len(RANGE_SECONDS) else 0
        self.range_buttons.button(self._range_index).setChecked(True)
        self.range_changed.emit(self._range_index)
        self.refresh()

    def _view_changed(self) -> None:
        if self._drawing:
            return
        if self._range_index != ZOOMED:
            self._range_index = ZOOMED
            self.range_buttons.setExclusive(False)  # no button may stay lit for a view it no longer shows
            for button in self.range_buttons.buttons():
                button.setChecked(False)
            self.range_buttons.setExclusive(True)
            self.range_changed.emit(ZOOMED)
        self._zoom_timer.start()

    def _reload_visible_range(self) -> None:
        (x0, x1), _ = self.power_plot.viewRange()
        self.draw(x0, x1, set_range=False)

    def refresh(self) -> None:
        """Redraw the chosen range up to now (a zoomed view is redrawn where it is)."""
        if self._range_index == ZOOMED:
            self._reload_visible_range()
            return
        end = time.time() + 60
        self.draw(end - RANGE_SECONDS[self._range_index], end, set_range=True)

    # ---- drawing ----

    def draw(self, start: float, end: float, set_range: bool) -> None:
        width = self.power_plot.width() or 1000
        xs, mean, low, high, r, t = self._series(start, end, max(200, min(4000, int(width))))
        sparse = len(xs) < 60  # a few points: dots, so they are visible
        self._drawing = True
        try:
            colours = self._colours
            self.power_curve.setData(xs, mean, symbol="o" if sparse else None, symbolSize=6,
                                     symbolBrush=colours.live, symbolPen=None)
            self.power_min.setData(xs, low)
            self.power_max.setData(xs, high)
            dots = {"symbol": "o" if sparse else None, "symbolSize": 5, "symbolPen": None}
            self.current_r.setData(xs, r, symbolBrush=colours.current_r, **dots)
            self.current_t.setData(xs, t, symbolBrush=colours.current_t, **dots)
            meter_x, meter_y = self._meter_steps(start, end, int(width))
            if len(meter_y):
                self.meter_curve.setData(meter_x, meter_y)
            else:
                self.meter_curve.clear()
            self.meter_points = int(np.isfinite(meter_y).sum()) if len(meter_y) else 0
            if set_range:
                self.power_plot.setXRange(start, end, padding=0)
            self._fit_y(self.power_plot, [mean, low, high, meter_y], floor=100.0)
            self._fit_y(self.current_plot, [r, t], floor=5.0)
        finally:
            self._drawing = False
        self.frames_drawn += 1

    @staticmethod
    def _fit_y(plot: pg.PlotItem, series: list[np.ndarray], floor: float) -> None:
        values = np.concatenate([_finite(s) for s in series]) if series else np.zeros(0)
        low = min(0.0, float(values.min())) if len(values) else 0.0
        high = max(floor, float(values.max())) if len(values) else floor
        plot.setYRange(low * 1.08, high * 1.08, padding=0)

    def _meter_steps(self, start: float, end: float, width: int) -> tuple[np.ndarray, np.ndarray]:
        store, meter = self.source.store(), self.source.meter_id()
        if store is None or meter is None:
            return np.zeros(0), np.zeros(0)
        first, last = boundaries_needed(int(start), int(end), width)
        cumulative = store.cumulative_values(meter, first, last)[0]
        xs, ys, kind = meter_power_steps(cumulative, int(start), int(end), width)
        if kind != self.meter_kind:
            self.meter_kind = kind
            self._legend_texts()
        return np.array(xs, dtype=float), np.array(ys, dtype=float)

    def _series(self, start: float, end: float, points: int) -> tuple[np.ndarray, ...]:
        """Chart arrays from the history (decimated in SQL), or from live readings when there is none."""
        store, meter = self.source.store(), self.source.meter_id()
        if store is not None and meter is not None:
            buckets = store.series(meter, dt.datetime.fromtimestamp(start, dt.timezone.utc),
                                   dt.datetime.fromtimestamp(end, dt.timezone.utc), points)

            def col(values: list[float | None]) -> np.ndarray:
                return np.array([np.nan if v is None else v for v in values], dtype=float)

            xs = np.array([b.start for b in buckets], dtype=float)
            columns = [col([b.mean_w for b in buckets]), col([b.min_w for b in buckets]),
                       col([b.max_w for b in buckets]), col([b.mean_r_a for b in buckets]),
                       col([b.mean_t_a for b in buckets])]
            bucket_s = (end - start) / points
        else:
            live = [x for x in self.source.live if start <= x.timestamp.timestamp() < end]
            xs = np.array([x.timestamp.timestamp() for x in live], dtype=float)
            watts = np.array([np.nan if x.instant_w is None else x.instant_w for x in live], dtype=float)
            columns = [watts, watts, watts,
                       np.array([np.nan if x.current_r_a is None else x.current_r_a for x in live], dtype=float),
                       np.array([np.nan if x.current_t_a is None else x.current_t_a for x in live], dtype=float)]
            bucket_s = 0.0
        xs, gapped = with_gaps(xs, columns, min_gap=bucket_s * 1.5)
        return (xs, *gapped)
