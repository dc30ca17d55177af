"""The insights panel and the tariff editor as real widgets (offscreen) over a real history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTableWidget

from hems_desktop.gui.insights_view import SCREENSHOT_VIEWS, InsightsView, save_screenshots
from hems_desktop.gui.tariff_editor import TariffEditor
from hems_desktop.history.store import HistoryStore
from hems_desktop.insights.periods import ViewKind
from hems_desktop.insights.presets import PRESETS
from hems_desktop.insights.tariff import Tariff, TariffError, Tier
from hems_desktop.reading import Reading
from hems_desktop.timebase import JST, SLOT_S

NOW = dt.datetime(2026, 11, 20, 12, 10, tzinfo=JST)
FLAT = Tariff(basic_monthly=0.0, tiers=(Tier(None, 30.0),))


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    store = HistoryStore(tmp_path / "h.sqlite3")
    start = int(dt.datetime(2025, 10, 1, tzinfo=JST).timestamp())
    end = int(NOW.timestamp()) // SLOT_S * SLOT_S
    store.add_half_hours("M", [(s, 1000 + 0.25 * ((s - start) // SLOT_S) + 0.05 * ((s // SLOT_S) % 5))
                               for s in range(start, end + 1, SLOT_S)], "E2")
    store.add_readings([Reading(NOW - dt.timedelta(minutes=5 * i), None, 300 + (i * 37) % 900, 3.0 + i % 7, 2.0,
                                meter_id="M") for i in range(600)])
    return store


def view_on(store: HistoryStore, qtbot) -> InsightsView:  # type: ignore[no-untyped-def]
    view = InsightsView()
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.set_now(NOW)
    view.set_tariff(FLAT)
    view.set_date(dt.date(2026, 10, 15))
    view.set_source(store, "M")
    return view


def test_month_view_shows_the_cores_numbers_and_toggles_to_yen(store: HistoryStore, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = view_on(store, qtbot)
    # The widget shows the core's figures (checked by hand in test_insights.py), in kWh and then in ¥.
    assert view._view is not None
    kwh = view._view.current.totals.kwh
    assert kwh is not None and f"{kwh:,.1f} kWh" in view.summary_label.text()
    view.yen_toggle.setChecked(True)
    yen = view._view.current.totals.yen
    assert yen is not None and f"¥{yen:,.0f}" in view.summary_label.text()
    assert view.yen_toggle.text() != "Show ¥"


def test_back_and_forward_step_by_the_period(store: HistoryStore, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = view_on(store, qtbot)
    view.back_button.click()
    assert view.date() == dt.date(2026, 9, 1)
    view.set_kind(ViewKind.WEEK)
    view.forward_button.click()
    assert view.date() == dt.date(2026, 9, 7)  # the Monday after the week of 1 September


def test_csv_of_the_shown_tab(store: HistoryStore, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = view_on(store, qtbot)
    view.save_csv(tmp_path / "month.csv")
    lines = (tmp_path / "month.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("start,end,kwh,yen,missing_half_hours") and len(lines) == 32
    view.tabs.setCurrentIndex(2)
    assert view.csv_text().splitlines()[0].startswith("date,00:00,00:30")


def test_screenshots_of_every_view_and_a_dark_palette(store: HistoryStore, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    app.setPalette(dark)
    try:
        view = view_on(store, qtbot)
        written = save_screenshots(view, tmp_path, "en")
        assert [p.name for p in written] == [f"insights-{name}-en.png" for name in SCREENSHOT_VIEWS]
        image = view.usage_plot.grab().toImage()
        corner = image.pixelColor(3, 3)
        assert corner.lightness() < 80  # the chart follows the palette: no hard-coded white
    finally:
        app.setPalette(original)


def test_tariff_editor_round_trips_a_preset(qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = TariffEditor()
    qtbot.addWidget(editor)
    for key, preset in PRESETS.items():
        editor.set_tariff(preset)
        assert editor.tariff() == preset
        assert editor.preset_combo.currentData() == key  # the preset in use is the one named
    editor.set_tariff(FLAT)
    assert editor.preset_combo.currentIndex() == -1 and editor.preset_combo.placeholderText() == "Choose a preset"
    assert editor.basic_spin.text().startswith("¥")
    assert editor.source_label.text() == "Flat rate"  # no "source: – (prices of –)" for the user's own
    editor.set_tariff(PRESETS["tepco-juryo-dento-b"])
    assert "source: " in editor.source_label.text()


def test_tariff_editor_points_an_error_at_its_cell(qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = TariffEditor()
    qtbot.addWidget(editor)
    editor.set_tariff(PRESETS["tepco-juryo-dento-b"])
    editor.tiers_table.item(1, 0).setText("100")  # below the first step's 120 kWh
    with pytest.raises(TariffError) as caught:
        editor.tariff()
    assert caught.value.field == "tiers[1].up_to_kwh"
    # the field's caption and row, not the settings file's path
    assert editor.error_label.text() == ("Tiers over the billing period (段階料金), row 2: "
                                         "must be more than the step before (120 kWh)")
    assert editor.tiers_table.currentRow() == 1 and "row 2" in editor.tiers_table.toolTip()
    editor.tiers_table.item(1, 0).setText("300")
    assert editor.tariff().tiers[1].up_to_kwh == 300 and editor.error_label.text() == ""  # cleared when fixed
    assert isinstance(editor.bands_table, QTableWidget)


def test_tariff_errors_are_in_the_ui_language_and_follow_a_switch(qtbot) -> None:  # type: ignore[no-untyped-def]
    from hems_desktop.gui import i18n

    i18n.install("ja")
    try:
        editor = TariffEditor()
        qtbot.addWidget(editor)
        editor.set_tariff(PRESETS["tepco-smart-life-s"])
        editor.bands_table.item(0, 1).setText("6:15")  # not on the half hour
        with pytest.raises(TariffError):
            editor.tariff()
        text = editor.error_label.text()
        assert text == ("時間帯別料金(対象外の電力量は段階料金)、1 行目："
                        "30 分単位の HH:MM で指定してください（00:00〜24:00）"), text
        i18n.install("en")
        QApplication.sendEvent(editor, QEvent(QEvent.Type.LanguageChange))
        assert editor.error_label.text() == ("Time-of-use bands (energy outside them takes the tiers), row 1: "
                                             "must be HH:MM on the half hour (00:00 to 24:00)")
        i18n.install("ja")
        QApplication.sendEvent(editor, QEvent(QEvent.Type.LanguageChange))
        editor.bands_table.item(0, 1).setText("06:00")
        editor.tiers_table.item(0, 0).setText("abc")
        with pytest.raises(TariffError):
            editor.tariff()
        assert "数値で指定してください（'abc' は数値ではありません）" in editor.error_label.text()
    finally:
        i18n.install("en")
