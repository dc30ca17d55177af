"""The dashboard window: live power and currents, history ranges, usage, connection panel."""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hems_desktop.collector.events import ConnectionInfo, ErrorReported, StateChanged
from hems_desktop.gui.text import family_text, state_text
from hems_desktop.history import HistoryStore, Tariff
from hems_desktop.protocol.skstack import lqi_to_dbm
from hems_desktop.reading import Reading
from hems_desktop.session.network import Network
from hems_desktop.settings.preferences import DesktopPreferences
from hems_desktop.timebase import JST, SLOT_S

RANGES: tuple[tuple[str, int], ...] = (
    ("1 h", 3600), ("24 h", 86400), ("7 days", 7 * 86400), ("30 days", 30 * 86400), ("1 year", 365 * 86400),
)
REFRESH_MS = 500  # at most two repaints a second
LIVE_POINTS = 5000


def _link_quality(network: Network | None) -> str:
    if network is None:
        return "–"
    if network.lqi is not None:
        return f"LQI {network.lqi} (≈ {lqi_to_dbm(network.lqi):.0f} dBm)"
    return "–" if network.rssi_dbm is None else f"{network.rssi_dbm:.0f} dBm"


def _light_grid(plot: pg.PlotItem) -> None:
    """Grid lines on major ticks only: pyqtgraph's default minor-tick grid costs ~35 ms a frame."""
    for name in ("bottom", "left"):
        axis = plot.getAxis(name)
        axis.setGrid(45)
        axis.setStyle(maxTickLevel=0)


class Dashboard(QMainWindow):
    """Widgets only; numbers come from signals (live) and from the history store (ranges)."""

    closed = Signal()

    def __init__(self, history_path: Path | None, prefs: DesktopPreferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history_path = history_path
        self.prefs = prefs
        self._store: HistoryStore | None = None
        self._live: deque[Reading] = deque(maxlen=LIVE_POINTS)
        self._dirty = True
        self._range_s = RANGES[0][1]
        self._follow_live = True
        self._connection: ConnectionInfo | None = None
        self._last_error = ""
        self.frames_drawn = 0
        self.readings_received = 0
        self.setWindowTitle(self.tr("HEMS Desktop"))
        self.resize(1000, 720)
        self._build()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh_if_needed)
        self._zoom_timer = QTimer(self)
        self._zoom_timer.setSingleShot(True)
        self._zoom_timer.setInterval(200)
        self._zoom_timer.timeout.connect(self._reload_visible_range)
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self._update_session_age)

    # ---- layout ----

    def _build(self) -> None:
        pg.setConfigOptions(antialias=False, background="w", foreground="#333")
        central = QWidget(self)
        layout = QVBoxLayout(central)

        header = QHBoxLayout()
        self.power_label = QLabel("– W")
        self.power_label.setObjectName("power")
        self.power_label.setStyleSheet("font-size: 32px; font-weight: bold;")
        self.currents_label = QLabel("")
        self.updated_label = QLabel(self.tr("No reading yet"))
        self.state_label = QLabel(self.tr("Stopped"))
        header.addWidget(self.power_label)
        header.addSpacing(16)
        header.addWidget(self.currents_label)
        header.addStretch(1)
        header.addWidget(self.updated_label)
        header.addSpacing(16)
        header.addWidget(self.state_label)
        layout.addLayout(header)

        ranges = QHBoxLayout()
        self.range_buttons = QButtonGroup(self)
        labels = {
            "1 h": self.tr("1 h"), "24 h": self.tr("24 h"), "7 days": self.tr("7 days"),
            "30 days": self.tr("30 days"), "1 year": self.tr("1 year"),
        }
        for index, (name, seconds) in enumerate(RANGES):
            button = QPushButton(labels[name])
            button.setCheckable(True)
            button.setChecked(index == 0)
            button.setProperty("seconds", seconds)
            self.range_buttons.addButton(button, index)
            ranges.addWidget(button)
        self.range_buttons.idClicked.connect(self._range_chosen)
        ranges.addStretch(1)
        layout.addLayout(ranges)

        self.plots = pg.GraphicsLayoutWidget()
        axis = pg.DateAxisItem(orientation="bottom")
        self.power_plot = self.plots.addPlot(row=0, col=0, axisItems={"bottom": axis})
        self.power_plot.setLabel("left", self.tr("Power"), units="W")
        _light_grid(self.power_plot)
        self.power_plot.setDownsampling(auto=True, mode="peak")
        self.power_plot.setClipToView(True)
        self.power_plot.enableAutoRange(x=False, y=True)  # x follows the chosen range, not the data
        self.power_min = self.power_plot.plot(pen=pg.mkPen("#90caf9"))
        self.power_max = self.power_plot.plot(pen=pg.mkPen("#90caf9"))
        self.power_band = pg.FillBetweenItem(self.power_min, self.power_max, brush=pg.mkBrush(144, 202, 249, 80))
        self.power_plot.addItem(self.power_band)
        # The meter's own 30-minute values as average watts: the picture is complete even for
        # hours the computer was off (backfilled from the meter's memory).
        self.halfhour_curve = self.power_plot.plot(pen=pg.mkPen("#66bb6a", width=1.5), connect="finite",
                                                   fillLevel=0, brush=pg.mkBrush(102, 187, 106, 40))
        self.power_curve = self.power_plot.plot(pen=pg.mkPen("#1565c0", width=2))
        self.current_plot = self.plots.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem("bottom")})
        self.current_plot.setLabel("left", self.tr("Current"), units="A")
        self.current_plot.setXLink(self.power_plot)
        _light_grid(self.current_plot)
        self.current_plot.addLegend(offset=(10, 5))
        self.current_r = self.current_plot.plot(pen=pg.mkPen("#c62828"), name=self.tr("R phase"))
        self.current_t = self.current_plot.plot(pen=pg.mkPen("#6a1b9a"), name=self.tr("T phase"))
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        self.power_plot.sigXRangeChanged.connect(self._view_changed)
        layout.addWidget(self.plots, 5)

        lower = QGridLayout()
        usage = QGroupBox(self.tr("Usage"))
        usage_form = QFormLayout(usage)
        self.today_label = QLabel("–")
        self.month_label = QLabel("–")
        self.cost_label = QLabel("–")
        usage_form.addRow(self.tr("Today so far"), self.today_label)
        usage_form.addRow(self.tr("This month"), self.month_label)
        usage_form.addRow(self.tr("Estimated cost this month"), self.cost_label)
        lower.addWidget(usage, 0, 0)

        bars = QGroupBox(self.tr("Half-hourly usage"))
        bars_layout = QVBoxLayout(bars)
        meter_today = dt.datetime.now(JST).date()  # meter days are Japan days, wherever this runs
        self.day_edit = QDateEdit(QDate(meter_today.year, meter_today.month, meter_today.day))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.dateChanged.connect(lambda _: self._update_bars())
        bars_layout.addWidget(self.day_edit)
        self.bar_plot = pg.PlotWidget()
        self.bar_plot.setLabel("left", "kWh")
        self.bar_plot.getAxis("left").enableAutoSIPrefix(False)
        self.bar_plot.setLabel("bottom", self.tr("hour"))
        self.bar_plot.setMinimumHeight(120)
        self.bar_plot.setXRange(0, 24, padding=0.02)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.45, brush="#43a047")
        self.bar_plot.addItem(self.bars)
        bars_layout.addWidget(self.bar_plot)
        lower.addWidget(bars, 0, 1)

        connection = QGroupBox(self.tr("Connection"))
        form = QFormLayout(connection)
        self.connection_labels: dict[str, QLabel] = {}
        for key, label in (
            ("port", self.tr("Serial port")), ("dongle", self.tr("Dongle")), ("dialect", self.tr("Dialect")),
            ("channel", self.tr("Channel")), ("pan_id", self.tr("PAN ID")), ("ip", self.tr("Meter address")),
            ("lqi", self.tr("Link quality")), ("age", self.tr("Session age")), ("error", self.tr("Last error")),
        ):
            value = QLabel("–")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.connection_labels[key] = value
            form.addRow(label, value)
        lower.addWidget(connection, 0, 2)
        lower.setColumnStretch(1, 2)
        layout.addLayout(lower, 2)
        for box in (usage, bars, connection):
            box.setMaximumHeight(260)
        self.setCentralWidget(central)

    # ---- data in (slots) ----

    def on_reading(self, reading: Reading) -> None:
        self._live.append(reading)
        self.readings_received += 1
        self.power_label.setText("– W" if reading.instant_w is None else f"{reading.instant_w:,} W")
        parts = []
        if reading.current_r_a is not None:
            parts.append(self.tr("R %1 A").replace("%1", f"{reading.current_r_a:.1f}"))
        if reading.current_t_a is not None:
            parts.append(self.tr("T %1 A").replace("%1", f"{reading.current_t_a:.1f}"))
        self.currents_label.setText("  ".join(parts))
        self.updated_label.setText(self.tr("Updated %1").replace("%1", reading.timestamp.strftime("%H:%M:%S")))
        self._dirty = True

    def on_state(self, change: StateChanged) -> None:
        self.state_label.setText(state_text(change.state))
        self.state_label.setToolTip(change.detail)

    def on_connection(self, info: ConnectionInfo) -> None:
        self._connection = info
        labels = self.connection_labels
        labels["port"].setText(info.port)
        dongle, network = info.dongle, info.network
        if dongle is not None:
            suffix = " (" + self.tr("firmware %1").replace("%1", dongle.firmware) + ")" if dongle.firmware else ""
            labels["dongle"].setText(f"{dongle.mac or '–'}{suffix}")
            labels["dialect"].setText(family_text(dongle.family))
        labels["channel"].setText("–" if network is None else f"{network.channel:02X}")
        labels["pan_id"].setText("–" if network is None else f"{network.pan_id:04X}")
        labels["ip"].setText(network.ip if network is not None else "–")
        labels["lqi"].setText(_link_quality(network))
        self._update_session_age()

    def on_error(self, error: ErrorReported) -> None:
        self._last_error = error.message
        self.connection_labels["error"].setText(error.message)

    def on_recovered(self) -> None:
        self._last_error = ""
        self.connection_labels["error"].setText("–")

    def set_preferences(self, prefs: DesktopPreferences) -> None:
        self.prefs = prefs
        self._dirty = True

    # ---- refresh ----

    def _history(self) -> HistoryStore | None:
        if self._store is None and self.history_path is not None and self.history_path.exists():
            try:
                self._store = HistoryStore(self.history_path, readonly=True)
            except Exception:
                return None
        return self._store

    def _meter_id(self) -> str | None:
        if self._live and self._live[-1].meter_id:
            return self._live[-1].meter_id
        store = self._history()
        meters = store.meters() if store is not None else []
        return meters[0] if meters else None

    def _range_chosen(self, index: int) -> None:
        self._range_s = RANGES[index][1]
        self._follow_live = True
        self._dirty = True
        self._refresh_if_needed()

    def _refresh_if_needed(self) -> None:
        if not self._dirty or not self.isVisible():
            return  # no work while hidden: the tray app idles at ~0 % CPU
        self._dirty = False
        if self._follow_live:
            end = time.time() + 60
            self._draw(end - self._range_s, end, set_range=True)
        self._update_usage()
        self._update_bars()

    def _view_changed(self) -> None:
        if self._drawing:
            return
        self._follow_live = False
        self._zoom_timer.start()

    _drawing = False

    def _reload_visible_range(self) -> None:
        (x0, x1), _ = self.power_plot.viewRange()
        self._draw(x0, x1, set_range=False)

    def _draw(self, start: float, end: float, set_range: bool) -> None:
        xs, mean, low, high, r, t = self._series(start, end)
        self._drawing = True
        try:
            sparse = len(xs) < 60  # a few points: draw them as dots so they are visible
            self.power_curve.setData(xs, mean, symbol="o" if sparse else None, symbolSize=6,
                                     symbolBrush="#1565c0", symbolPen=None)
            self.power_min.setData(xs, low)
            self.power_max.setData(xs, high)
            dots = {"symbol": "o" if sparse else None, "symbolSize": 5, "symbolPen": None}
            self.current_r.setData(xs, r, symbolBrush="#c62828", **dots)
            self.current_t.setData(xs, t, symbolBrush="#6a1b9a", **dots)
            edges, watts = self._half_hour_watts(start, end)
            if len(watts):
                self.halfhour_curve.setData(edges, watts)
            else:
                self.halfhour_curve.clear()
            if set_range:
                self.power_plot.setXRange(start, end, padding=0)
        finally:
            self._drawing = False
        self.frames_drawn += 1

    def _half_hour_watts(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """Average power per half hour from consecutive cumulative values, as a step line (x, y)."""
        store, meter = self._history(), self._meter_id()
        empty = (np.zeros(0), np.zeros(0))
        if store is None or meter is None or end - start > 40 * 86400:
            return empty  # beyond ~a month the rollup of readings already tells the story
        values = store.half_hours(meter, dt.datetime.fromtimestamp(start - SLOT_S, dt.timezone.utc),
                                  dt.datetime.fromtimestamp(end + SLOT_S, dt.timezone.utc))
        xs: list[float] = []
        ys: list[float] = []
        for slot in sorted(values):
            following = values.get(slot + SLOT_S)
            if following is None:
                xs.append(slot + SLOT_S)
                ys.append(np.nan)  # a gap: the line breaks here
                continue
            watts = (following[0] - values[slot][0]) * 2000  # kWh per 30 min -> average W
            xs += [slot, slot + SLOT_S]
            ys += [watts, watts]
        return np.array(xs, dtype=float), np.array(ys, dtype=float)

    def _series(self, start: float, end: float) -> tuple[np.ndarray, ...]:
        """Chart arrays from the history (decimated in SQL), or from live readings when there is none."""
        points = max(200, min(4000, self.power_plot.width() or 1000))
        store, meter = self._history(), self._meter_id()
        if store is not None and meter is not None:
            buckets = store.series(meter, dt.datetime.fromtimestamp(start, dt.timezone.utc),
                                   dt.datetime.fromtimestamp(end, dt.timezone.utc), points)
            def col(values: list[float | None]) -> np.ndarray:
                return np.array([np.nan if v is None else v for v in values], dtype=float)
            return (
                np.array([b.start for b in buckets], dtype=float),
                col([b.mean_w for b in buckets]), col([b.min_w for b in buckets]), col([b.max_w for b in buckets]),
                col([b.mean_r_a for b in buckets]), col([b.mean_t_a for b in buckets]),
            )
        live = [x for x in self._live if start <= x.timestamp.timestamp() < end]
        xs = np.array([x.timestamp.timestamp() for x in live], dtype=float)
        watts = np.array([np.nan if x.instant_w is None else x.instant_w for x in live], dtype=float)
        r = np.array([np.nan if x.current_r_a is None else x.current_r_a for x in live], dtype=float)
        t = np.array([np.nan if x.current_t_a is None else x.current_t_a for x in live], dtype=float)
        return xs, watts, watts, watts, r, t

    def _update_usage(self) -> None:
        store, meter = self._history(), self._meter_id()
        if store is None or meter is None:
            return
        tariff = Tariff(self.prefs.price_per_kwh, self.prefs.basic_monthly)
        today = dt.datetime.now(JST).date()
        [day] = store.daily_usage(meter, [today], tariff)
        month = store.monthly_usage(meter, today.year, today.month, tariff)
        self.today_label.setText("–" if day.kwh is None else f"{day.kwh:.2f} kWh")
        self.month_label.setText("–" if month.kwh is None else f"{month.kwh:.1f} kWh")
        self.cost_label.setText("–" if month.cost_yen is None else f"¥{month.cost_yen:,.0f}")

    def _update_bars(self) -> None:
        store, meter = self._history(), self._meter_id()
        if store is None or meter is None:
            return
        chosen = self.day_edit.date()
        day = dt.date(chosen.year(), chosen.month(), chosen.day())
        start = dt.datetime(day.year, day.month, day.day, tzinfo=JST)
        values = store.half_hours(meter, start, start + dt.timedelta(days=1, seconds=1))
        xs, heights = [], []
        midnight = int(start.timestamp())
        for index in range(48):
            slot = midnight + index * SLOT_S
            if slot in values and slot + SLOT_S in values:
                xs.append(index / 2 + 0.25)
                heights.append(values[slot + SLOT_S][0] - values[slot][0])
        self.bars.setOpts(x=xs, height=heights, width=0.45)
        self.bar_plot.setXRange(0, 24, padding=0.02)

    def _update_session_age(self) -> None:
        joined = self._connection.joined_at if self._connection is not None else None
        if joined is None:
            self.connection_labels["age"].setText("–")
            return
        seconds = int(time.time() - joined)
        self.connection_labels["age"].setText(f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self._dirty = True
        self._refresh_timer.start()
        self._age_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # Qt's name
        # Hidden in the tray: no timers at all, so the app sleeps until the next reading.
        self._refresh_timer.stop()
        self._age_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
