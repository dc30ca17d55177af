"""The dashboard window: live power, today's and this period's usage, and four tabs
(live chart, half-hourly bars, insights, connection), with the app's own menu.

Widgets only: data comes from the collector's signals and from the history (HistorySource).
No work while hidden (the tray app idles at ~0 % CPU): the refresh timer runs only while shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QHideEvent, QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from hems_desktop.collector.events import ConnectionInfo, ErrorReported, StateChanged
from hems_desktop.gui.actions import AppActions
from hems_desktop.gui.banner import BannerArea
from hems_desktop.gui.connection_panel import ConnectionPanel
from hems_desktop.gui.history_source import HistorySource
from hems_desktop.gui.icons import status_pixmap
from hems_desktop.gui.insights_view import InsightsView
from hems_desktop.gui.live_chart import LiveChart
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.text import state_text
from hems_desktop.gui.theme import export_colour
from hems_desktop.gui.usage_panel import UsagePanel
from hems_desktop.insights.tariff import Tariff
from hems_desktop.reading import Reading
from hems_desktop.session import SessionState
from hems_desktop.settings.preferences import DesktopPreferences

REFRESH_MS = 500  # at most two repaints a second
PREFERRED_SIZE = (1040, 740)
SCREEN_SHARE = 0.9  # of the available screen, at most
TAB_LIVE, TAB_DAY, TAB_INSIGHTS, TAB_CONNECTION = range(4)


class Dashboard(QMainWindow):
    close_requested = Signal()  # the window's close button (the app decides: hide or quit)
    escape_requested = Signal()

    def __init__(self, history_path: Path | None, prefs: DesktopPreferences, parent: QWidget | None = None,
                 *, demo: bool = False, actions: AppActions | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.source = HistorySource(history_path, demo)
        self.texts = Texts()
        self.intercept_close = False
        self.readings_received = 0
        self.state = SessionState.STOPPED
        self.state_detail = ""
        self._dirty = {TAB_LIVE, TAB_DAY, TAB_INSIGHTS}
        self._insights_source: tuple[object, str | None] | None = None
        self._fitted = False
        self.texts.bind(self.setWindowTitle, self._title)
        self._build(actions)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh_if_needed)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self.escape_requested.emit)

    def _title(self) -> str:
        return self.tr("HEMS Desktop — demo") if self.source.demo else self.tr("HEMS Desktop")

    # ---- layout ----

    def _build(self, actions: AppActions | None) -> None:
        if actions is not None:
            self.app_menu = self.menuBar().addMenu("")
            self.texts.bind(self.app_menu.setTitle, lambda: self.tr("&HEMS Desktop"))
            actions.fill(self.app_menu, with_dashboard=False)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        header = QHBoxLayout()
        self.power_label = QLabel("– W")
        self.power_label.setObjectName("power")
        self.currents_label = QLabel("")
        self.updated_label = QLabel()
        self.state_icon = QLabel()
        self.state_label = QLabel()
        figures = QVBoxLayout()
        figures.addWidget(self.power_label)
        figures.addWidget(self.currents_label)
        header.addLayout(figures)
        header.addSpacing(16)
        status = QVBoxLayout()
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_icon)
        state_row.addWidget(self.state_label, 1)
        status.addLayout(state_row)
        status.addWidget(self.updated_label)
        header.addLayout(status)
        header.addStretch(1)
        self.usage = UsagePanel(self.source)
        header.addWidget(self.usage.summary)
        layout.addLayout(header)
        self.banners = BannerArea()
        layout.addWidget(self.banners)
        self.tabs = QTabWidget()
        self.chart = LiveChart(self.source)
        self.insights = InsightsView()
        self.insights.set_contract_amperes(self.prefs.contract_amperes)
        self.connection = ConnectionPanel()
        for widget in (self.chart, self.usage, self.insights, self.connection):
            self.tabs.addTab(widget, "")
        names = (lambda: self.tr("&Live power"), lambda: self.tr("&Half-hourly usage"),
                 lambda: self.tr("&Insights"), lambda: self.tr("&Connection"))
        for index, name in enumerate(names):
            self.texts.bind(self._tab_text_setter(index), name)
        self.tabs.currentChanged.connect(lambda _: self._refresh_if_needed())
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.connection_labels = self.connection.labels
        self._render_reading()
        self._render_state()

    def _tab_text_setter(self, index: int) -> Callable[[str], None]:
        return lambda text: self.tabs.setTabText(index, text)

    # ---- data in (slots) ----

    def on_reading(self, reading: Reading) -> None:
        self.source.live.append(reading)
        self.readings_received += 1
        self.connection.clear_error(session_only=True)  # a reading: the session's trouble is over
        self._render_reading()
        self._dirty |= {TAB_LIVE, TAB_DAY, TAB_INSIGHTS}

    def on_state(self, change: StateChanged) -> None:
        self.state, self.state_detail = change.state, change.detail
        if change.state is not SessionState.JOINED:
            self.connection.session_ended()
        self._render_state()
        self._render_reading()

    def on_connection(self, info: ConnectionInfo) -> None:
        self.connection.set_connection(info)

    def on_error(self, error: ErrorReported) -> None:
        self.connection.set_error(error)

    def on_recovered(self) -> None:
        self.connection.clear_error()

    def set_preferences(self, prefs: DesktopPreferences) -> None:
        self.prefs = prefs
        self.insights.set_contract_amperes(prefs.contract_amperes)
        self._dirty |= {TAB_INSIGHTS}

    def set_tariff(self, tariff: Tariff) -> None:
        self.usage.set_tariff(tariff)
        self.insights.set_tariff(tariff)
        self._dirty |= {TAB_DAY, TAB_INSIGHTS}

    def set_history(self, path: Path | None, demo: bool) -> None:
        """Read the demo's own history in demo mode, the user's otherwise (nothing of one shows in the other)."""
        if self.source.switch(path, demo):
            self._insights_source = None
            self.insights.set_source(None, None)
            self.readings_received = 0
            self.texts.refresh()
            self._render_reading()
            self._dirty |= {TAB_LIVE, TAB_DAY, TAB_INSIGHTS}

    # ---- rendering ----

    def _render_reading(self) -> None:
        reading = self.source.live[-1] if self.source.live else None
        current = self.state is SessionState.JOINED
        palette = self.palette()
        if reading is None:
            self.power_label.setText("– W")
            self.currents_label.setText("")
            self.updated_label.setText(self.tr("No reading yet"))
        else:
            watts = reading.instant_w
            self.power_label.setText("– W" if watts is None else f"{watts:,} W")
            parts = []
            if reading.current_r_a is not None:
                parts.append(self.tr("R %1 A").replace("%1", f"{reading.current_r_a:.1f}"))
            if reading.current_t_a is not None:
                parts.append(self.tr("T %1 A").replace("%1", f"{reading.current_t_a:.1f}"))
            self.currents_label.setText("  ".join(parts))
            self.updated_label.setText(self.tr("Updated %1").replace("%1", reading.timestamp.strftime("%H:%M:%S")))
        watts = reading.instant_w if reading is not None else None
        if not current:  # an old figure must not look live
            colour = palette.color(QPalette.ColorRole.PlaceholderText).name()
        elif watts is not None and watts < 0:
            colour = export_colour(palette)  # selling to the grid (solar)
        else:
            colour = palette.color(QPalette.ColorRole.WindowText).name()
        self.power_label.setStyleSheet(f"font-size: 30px; font-weight: bold; color: {colour};")
        if watts is not None and watts < 0:
            self.power_label.setToolTip(self.tr("Negative: power is flowing to the grid (sold)"))
        else:
            self.power_label.setToolTip("")

    def _render_state(self) -> None:
        text = state_text(self.state)
        self.state_label.setText(text)
        # The core's detail ("duration 3" while scanning) is English diagnostics: a tooltip, not the label.
        self.state_label.setToolTip(self.state_detail)
        self.state_icon.setPixmap(status_pixmap(self.state, None, 18, self.devicePixelRatioF(), badge=True))
        self.state_icon.setToolTip(text)

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
            self._render_reading()
            self._render_state()
            self._dirty |= {TAB_INSIGHTS}
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render_reading()
        super().changeEvent(event)

    # ---- refresh ----

    def mark_dirty(self) -> None:
        self._dirty |= {TAB_LIVE, TAB_DAY, TAB_INSIGHTS}

    def _refresh_if_needed(self) -> None:
        if not self.isVisible():
            return  # no work while hidden
        tab = self.tabs.currentIndex()
        if tab == TAB_CONNECTION or tab not in self._dirty:
            return
        self._dirty.discard(tab)
        if tab == TAB_LIVE:
            self.chart.refresh()
            self.usage.refresh_summary()
        elif tab == TAB_DAY:
            self.usage.refresh()
        elif tab == TAB_INSIGHTS:
            self._refresh_insights()

    def _refresh_insights(self) -> None:
        store, meter = self.source.store(), self.source.meter_id()
        if self._insights_source != (store, meter):
            self._insights_source = (store, meter)
            self.insights.set_source(store, meter)  # refreshes
        else:
            self.insights.refresh()

    @property
    def frames_drawn(self) -> int:
        return self.chart.frames_drawn

    # ---- window ----

    def fit_to_screen(self) -> None:
        """The preferred size, but never larger than the screen (150 % scaling on a laptop)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*PREFERRED_SIZE)
            return
        available = screen.availableGeometry()
        width = min(PREFERRED_SIZE[0], int(available.width() * SCREEN_SHARE))
        height = min(PREFERRED_SIZE[1], int(available.height() * SCREEN_SHARE))
        self.resize(width, height)
        frame = self.frameGeometry()
        frame.moveCenter(available.center())
        self.move(frame.topLeft())

    def restore_geometry(self, hex_geometry: str) -> bool:
        if not hex_geometry:
            return False
        restored = self.restoreGeometry(QByteArray.fromHex(hex_geometry.encode("ascii")))
        screen = self.screen() or QGuiApplication.primaryScreen()
        if restored and screen is not None and not screen.availableGeometry().intersects(self.frameGeometry()):
            return False  # saved on a screen that is gone
        self._fitted = restored
        return bool(restored)

    def geometry_hex(self) -> str:
        return bytes(self.saveGeometry().toHex().data()).decode("ascii")

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        if not self._fitted:
            self._fitted = True
            self.fit_to_screen()
        super().showEvent(event)
        self.mark_dirty()
        self._refresh_timer.start()
        QTimer.singleShot(0, self._refresh_if_needed)

    def hideEvent(self, event: QHideEvent) -> None:  # Qt's name
        self._refresh_timer.stop()  # hidden in the tray: no timers, the app sleeps until the next reading
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if self.intercept_close:
            event.ignore()
            self.close_requested.emit()
            return
        super().closeEvent(event)
