"""The dashboard with real widgets (offscreen) over a real history: ranges, gaps, legend, zoom,
stale fields, dark palette, high DPI, demo isolation. Nothing is mocked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication

from hems_desktop.collector.events import ConnectionInfo, ErrorReported, MeterIdentity, StateChanged
from hems_desktop.device.base import DongleFamily, DongleInfo
from hems_desktop.emulator.meter_model import MeterConfig
from hems_desktop.errors import ErrorKind
from hems_desktop.gui.banner import BannerSpec, Kind
from hems_desktop.gui.dashboard import Dashboard
from hems_desktop.gui.history_source import HistorySource
from hems_desktop.gui.icons import status_icon, status_pixmap
from hems_desktop.gui.live_chart import RANGE_SECONDS, ZOOMED, with_gaps
from hems_desktop.gui.theme import dark_palette
from hems_desktop.history import HistoryStore
from hems_desktop.insights.chart_steps import daily_watts_steps, meter_power_steps
from hems_desktop.reading import Reading
from hems_desktop.session import SessionState
from hems_desktop.session.network import Network
from hems_desktop.settings.desktop_paths import DEMO_METER_ID
from hems_desktop.settings.preferences import DesktopPreferences
from hems_desktop.timebase import JST, SLOT_S

METER = "00112233445566AA"


def now_jst_midnight(days_ago: int) -> int:
    today = dt.datetime.now(JST).date() - dt.timedelta(days=days_ago)
    return int(dt.datetime(today.year, today.month, today.day, tzinfo=JST).timestamp())


@pytest.fixture
def backfilled(tmp_path: Path) -> Path:
    """30 days of the meter's half-hourly values (as the backfill leaves them), no live readings."""
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    start = now_jst_midnight(30)
    last = int(time.time()) // SLOT_S * SLOT_S
    store.add_half_hours(METER, [(slot, 1000 + 0.25 * (slot - start) / SLOT_S)
                                 for slot in range(start, last + 1, SLOT_S)], "E2")
    store.add_readings([Reading(dt.datetime.now(JST) - dt.timedelta(minutes=1), None, 500, 5.0, 2.0, meter_id=METER)])
    store.close()
    return path


def shown(qtbot, path: Path | None, **kwargs: object) -> Dashboard:  # type: ignore[no-untyped-def]
    dashboard = Dashboard(path, DesktopPreferences(), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dashboard)
    dashboard.resize(1000, 700)
    dashboard.show()
    qtbot.waitUntil(lambda: dashboard.frames_drawn >= 1, timeout=5000)
    return dashboard


def reading(minutes_ago: float, watts: int = 500, meter: str = METER) -> Reading:
    at = dt.datetime.now(JST) - dt.timedelta(minutes=minutes_ago)
    return Reading(at, 1234.5, watts, 5.0, 2.0, meter_id=meter)


# ---- ranges ----

def test_the_one_year_range_draws_the_back_filled_days(qtbot, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    dashboard = shown(qtbot, backfilled)
    dashboard.chart.set_range_index(RANGE_SECONDS.index(365 * 86400))
    # 17,520 half hours do not fit 1000 pixels: each day's average, from the values at its midnights.
    assert dashboard.chart.meter_kind == "day"
    assert dashboard.chart.meter_points >= 2 * 29
    ys = dashboard.chart.meter_curve.getData()[1]
    assert np.nanmax(ys) == pytest.approx(500.0)  # 0.25 kWh per half hour = 500 W average
    legend = [label.text for _, label in dashboard.chart.power_legend.items]
    assert "the meter's daily average" in legend and "live readings" in legend


def test_short_ranges_draw_the_half_hours(qtbot, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    dashboard = shown(qtbot, backfilled)
    dashboard.chart.set_range_index(RANGE_SECONDS.index(86400))
    assert dashboard.chart.meter_kind == "half-hour" and dashboard.chart.meter_points >= 2 * 46
    assert "the meter's 30-minute average" in [label.text for _, label in dashboard.chart.power_legend.items]


def test_daily_steps_break_at_a_missing_day() -> None:
    start = now_jst_midnight(5)
    cumulative = {start + d * 86400: 100.0 + 12 * d for d in range(5) if d != 2}
    _, ys = daily_watts_steps(cumulative, start, start + 4 * 86400)
    assert ys[:2] == [500.0, 500.0]  # 12 kWh a day = 500 W
    assert any(math.isnan(y) for y in ys)  # days 1 and 2 are unknown: a gap, not a line across
    assert meter_power_steps(cumulative, start, start + 3600, 1000)[2] == "half-hour"


def test_gaps_in_the_data_are_gaps_in_the_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    _, [ys] = with_gaps(np.array([0.0, 10, 20, 30, 600, 610]), [np.array([1.0, 2, 3, 4, 5, 6])], 0.0)
    assert np.isnan(ys).sum() == 1 and np.isnan(ys[4])  # one break, between 30 and 600
    dashboard = shown(qtbot, None)
    for minutes in (50, 49.9, 49.8, 49.7, 5, 4.9, 4.8):
        dashboard.on_reading(reading(minutes))
    dashboard.chart.refresh()
    power = dashboard.chart.power_curve.getData()[1]
    assert np.isnan(power).sum() == 1


def test_the_wheel_zooms_time_keeps_zero_and_the_range_button_lets_go(qtbot, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    dashboard = shown(qtbot, backfilled)
    chart = dashboard.chart
    chart.set_range_index(1)
    (_, _), (y0, _) = chart.power_plot.viewRange()
    assert y0 <= 0 and chart.range_buttons.button(1).isChecked()
    view = chart.plots.viewport()
    centre = chart.plots.mapFromScene(chart.power_plot.vb.mapViewToScene(QPointF(time.time() - 3600, 200)))
    qtbot.wait(50)
    from PySide6.QtGui import QWheelEvent

    event = QWheelEvent(QPointF(centre), QPointF(view.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    qtbot.waitUntil(lambda: chart.range_index == ZOOMED, timeout=3000)
    assert not any(button.isChecked() for button in chart.range_buttons.buttons())
    qtbot.wait(400)  # the zoomed range is read again
    (x0, x1), (y0, _) = chart.power_plot.viewRange()
    assert x1 - x0 < 86400 and y0 <= 0  # time zoomed in; the power axis still starts at zero
    chart.range_buttons.button(0).click()
    assert chart.range_index == 0 and chart.range_buttons.button(0).isChecked()


# ---- stale information ----

def test_nothing_stale_after_recovery_or_stop(qtbot) -> None:  # type: ignore[no-untyped-def]
    dashboard = shown(qtbot, None)
    dashboard.on_state(StateChanged(SessionState.JOINED))
    dongle = DongleInfo(DongleFamily.SINGLE_HOP, "001D12910000FFFF", "1.2.10")
    dashboard.on_connection(ConnectionInfo("/dev/ttyUSB0", dongle, Network(0x3B, 0x8CF5, "FE80::1", lqi=150),
                                           time.time() - 65))
    dashboard.tabs.setCurrentIndex(3)
    assert dashboard.connection_labels["age"].text().startswith("0:01:0")
    assert dashboard.connection_labels["reauth"].text() == "–"  # the period is not known yet
    dashboard.on_connection(ConnectionInfo("/dev/ttyUSB0", dongle, Network(0x3B, 0x8CF5, "FE80::1", lqi=150),
                                           time.time() - 3600 - 65, reauth_period_s=3000))
    # Joined 1:01:05 ago, renewed every 0:50:00: the first renewal was at 0:50:00, the next is at 1:40:00.
    assert dashboard.connection_labels["reauth"].text().startswith("every 0:50:00, next in about 0:38:5")
    dashboard.on_error(ErrorReported("reading for 10:00 missed: timeout", kind=ErrorKind.MISSED))
    assert "missed" in dashboard.connection_labels["error"].text()
    dashboard.on_reading(reading(0))  # the next reading shows the session's trouble is over
    assert dashboard.connection_labels["error"].text() == "–"
    dashboard.on_error(ErrorReported("cannot write to /x: the disk is full", kind=ErrorKind.OUTPUT))
    dashboard.on_reading(reading(0))
    assert "disk is full" in dashboard.connection_labels["error"].text()  # not a session error: it stays...
    dashboard.on_recovered()
    assert dashboard.connection_labels["error"].text() == "–"  # ...until the collector says it recovered
    dashboard.on_state(StateChanged(SessionState.STOPPED))
    assert dashboard.connection_labels["age"].text() == "–"  # no counting while stopped
    assert dashboard.connection_labels["reauth"].text() == "–"
    qtbot.wait(1100)
    assert dashboard.connection_labels["age"].text() == "–"
    grey = dashboard.palette().color(dashboard.palette().ColorRole.PlaceholderText).name()
    assert grey in dashboard.power_label.styleSheet()  # the last watts do not look live


def test_grey_and_red_icons_show_no_old_watts() -> None:
    joined = status_pixmap(SessionState.JOINED, 850, 32).toImage()
    for state in (SessionState.STOPPED, SessionState.DISCONNECTED):
        with_watts = status_pixmap(state, 850, 32).toImage()
        assert with_watts == status_pixmap(state, None, 32).toImage()  # the same icon, whatever the last watts
        assert with_watts != joined
    shapes = {s: status_pixmap(s, None, 32).toImage() for s in
              (SessionState.SCANNING, SessionState.DISCONNECTED, SessionState.STOPPED)}
    grey = {s: img.convertToFormat(img.Format.Format_Grayscale8) for s, img in shapes.items()}
    # Told apart without colour: the shapes differ in grey too.
    white = {s: sum(QColor(g.pixel(x, y)).lightness() > 200 for x in range(32) for y in range(32))
             for s, g in grey.items()}
    assert len(set(white.values())) == 3


def test_the_tray_icon_is_drawn_at_the_screen_pixel_ratio() -> None:
    icon = status_icon(SessionState.JOINED, 1234)
    pixmap = icon.pixmap(QSize(22, 22), 2.0)
    assert (pixmap.width(), pixmap.devicePixelRatio()) == (44, 2.0)
    # The very drawing for that ratio, not a 22-pixel icon scaled up (tests/test_desktop_integration.py
    # checks a 150 % screen under Xvfb).
    assert pixmap.toImage() == status_pixmap(SessionState.JOINED, 1234, 22, 2.0).toImage()
    # "-1.5k" is fitted inside the icon: the columns next to its edges stay the background colour.
    image = status_pixmap(SessionState.JOINED, -1500, 22, 1.0).toImage()
    background = image.pixelColor(11, 1).name()
    assert all(image.pixelColor(x, y).name() == background for x in (1, 20) for y in range(5, 17))


# ---- look ----

def test_a_dark_palette_gives_a_dark_chart(qtbot, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    light = app.palette()
    dashboard = shown(qtbot, backfilled)
    assert dashboard.chart.plots.backgroundBrush().color().lightness() > 200
    app.setPalette(dark_palette())
    try:
        qtbot.waitUntil(lambda: dashboard.chart.plots.backgroundBrush().color().lightness() < 60, timeout=3000)
        assert dashboard.usage.bar_plot.backgroundBrush().color().lightness() < 60
        banner = dashboard.banners.show_banner("note", BannerSpec(lambda: "a note", Kind.INFO))
        app.setPalette(light)
        app.setPalette(dark_palette())  # a palette change with a banner up: the banner follows too
        qtbot.waitUntil(lambda: QColor(banner.styleSheet().split("background: ")[1][:7]).lightness() < 100,
                        timeout=3000)
        axis = dashboard.chart.power_plot.getAxis("left")
        assert axis.textPen().color().lightness() > 180  # light text on the dark chart
    finally:
        app.setPalette(light)


def test_the_window_fits_the_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    dashboard = Dashboard(None, DesktopPreferences())  # the offscreen screen is 800 x 800: smaller than it likes
    qtbot.addWidget(dashboard)
    dashboard.show()
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert dashboard.frameGeometry().height() <= available.height()
    assert dashboard.frameGeometry().width() <= available.width()
    assert dashboard.minimumSizeHint().height() <= available.height()


def test_negative_power_has_its_own_colour_and_the_meter_identity_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    dashboard = shown(qtbot, None)
    dashboard.on_state(StateChanged(SessionState.JOINED))
    dashboard.on_reading(reading(0, watts=-1200))
    assert "-1,200 W" in dashboard.power_label.text() and "#00796b" in dashboard.power_label.styleSheet()
    assert dashboard.connection.labels["serial"].isHidden()  # no identity: no rows
    dashboard.on_connection(ConnectionInfo("/dev/ttyUSB0", None, None, time.time(),
                                           MeterIdentity("Toshiba", "A1234", "R", "0123456789ABCDEF" * 2, True)))
    assert not dashboard.connection.labels["serial"].isHidden()
    assert dashboard.connection.labels["serial"].text() == "A1234"
    assert dashboard.connection.labels["route_b_number"].text().endswith("CDEF")
    assert "0123456789" not in dashboard.connection.labels["route_b_number"].text()  # masked
    assert "fault" in dashboard.connection.labels["fault"].text()


# ---- demo kept apart ----

def test_real_mode_never_shows_the_demo_meter(tmp_path: Path) -> None:
    assert MeterConfig().mac == DEMO_METER_ID  # the constant is the emulator's meter
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    store.add_readings([reading(1, meter=DEMO_METER_ID)])  # an earlier version wrote the demo here
    store.close()
    real = HistorySource(path, demo=False)
    assert real.meter_id() is None
    real.live.append(reading(0, meter=DEMO_METER_ID))
    assert real.meter_id() is None
    assert HistorySource(path, demo=True).meter_id() == DEMO_METER_ID


def test_switching_mode_switches_the_history(qtbot, tmp_path: Path, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    demo_file = tmp_path / "demo-history.sqlite3"
    dashboard = shown(qtbot, demo_file, demo=True)
    dashboard.on_reading(reading(0, meter=DEMO_METER_ID))
    assert "demo" in dashboard.windowTitle()
    dashboard.set_history(backfilled, demo=False)
    assert dashboard.source.path == backfilled and not dashboard.source.live  # the demo's readings are gone
    assert dashboard.source.meter_id() == METER and "demo" not in dashboard.windowTitle()


def test_demo_readings_go_to_the_demos_own_history(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.self_test import _MemoryStore

    hems = HemsApp(settings_path=tmp_path / "s.json", demo=True, credential_store=_MemoryStore(),
                   history_path=tmp_path / "history.sqlite3")
    qtbot.addWidget(hems.dashboard)
    settings = hems.effective_settings()
    assert settings.history == tmp_path / "demo-history.sqlite3" and settings.output is None
    hems.settings = dataclasses.replace(hems.settings, output="file,cloud")
    assert hems.effective_settings().output is None  # no file, no Pub/Sub (so no spool) for the demo
    hems.start()
    try:
        qtbot.waitUntil(lambda: hems.last_reading is not None, timeout=30_000)
    finally:
        hems.controller.stop()
    assert HistoryStore(tmp_path / "demo-history.sqlite3", readonly=True).reading_count() >= 1
    assert not (tmp_path / "history.sqlite3").exists()  # the user's history never saw the demo


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        parts = [(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4) for v in (c.redF(), c.greenF(),
                                                                                          c.blueF())]
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_system_colour_scheme_is_followed_and_error_text_is_readable(qapp) -> None:  # type: ignore[no-untyped-def]
    from hems_desktop.gui.theme import error_colour, is_dark, palette_for

    light = QApplication.palette()
    assert not is_dark(light)
    assert is_dark(palette_for(Qt.ColorScheme.Dark, light, light))  # type: ignore[arg-type]
    assert palette_for(Qt.ColorScheme.Unknown, light, light) is None  # nothing said: the style's own palette
    assert palette_for(Qt.ColorScheme.Light, dark_palette(), light) is light
    for palette in (light, dark_palette()):
        window = palette.color(palette.ColorRole.Window)
        assert _contrast(QColor(error_colour(palette)), window) >= 4.5  # WCAG AA for text


def test_energy_sold_shows_beside_energy_used_when_the_history_has_it(qtbot, backfilled: Path) -> None:  # type: ignore[no-untyped-def]
    store = HistoryStore(backfilled)
    start, last = now_jst_midnight(30), int(time.time()) // SLOT_S * SLOT_S
    store.add_half_hours_reverse(METER, [(slot, 50 + 0.1 * (slot - start) / SLOT_S)
                                         for slot in range(start, last + 1, SLOT_S)], "E4")
    store.close()
    dashboard = shown(qtbot, backfilled)
    dashboard.usage.refresh_summary()
    sold = dashboard.usage.summary.labels["sold"]
    assert not sold.isHidden() and "kWh" in sold.text() and "–" not in sold.text().split(",")[0]


def test_a_fatal_error_is_always_logged(qtbot, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.self_test import _MemoryStore

    hems = HemsApp(settings_path=tmp_path / "s.json", credential_store=_MemoryStore(),
                   history_path=tmp_path / "h.sqlite3")
    qtbot.addWidget(hems.dashboard)
    previous = logging.getLogger().level
    try:
        with caplog.at_level(logging.ERROR):  # whatever the level a user chose
            hems._on_error(ErrorReported("history database: the disk is full", fatal=True, kind=ErrorKind.HISTORY))
    finally:
        logging.getLogger().setLevel(previous)
    assert [r.levelno for r in caplog.records if "disk is full" in r.getMessage()] == [logging.CRITICAL]
