"""`hems-desktop --self-test OUTDIR`: the whole app on the demo meter, with screenshots and checks.

Screenshots (each behind a check; the run fails when any check fails):
- dashboard-en.png, window-no-tray.png (the window's own menu has every tray action)
- settings-<tab>-<lang>.png for every tab, insights-<view>-<lang>.png for every insights view
- dashboard-1y.png (the 1-year range draws the meter's back-filled days)
- dashboard-dark.png (a dark palette gives a dark chart)
- dashboard-ja-live.png (after switching to Japanese through Save, in the same window: no English
  string left in the window, the tray menu or the settings dialog; the meter session kept)
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from hems_desktop.credentials import Credentials, CredentialStore
from hems_desktop.gui.app import wait_for
from hems_desktop.gui.insights_view import SCREENSHOT_VIEWS, save_screenshots
from hems_desktop.gui.settings_pages import TAB_NAMES
from hems_desktop.gui.theme import dark_palette
from hems_desktop.gui.ui_texts import action_texts, visible_texts, wrong_language

log = logging.getLogger("hems_desktop.gui")

YEAR_RANGE = 4
BACKFILL_WAIT_S = 90.0


class _MemoryStore(CredentialStore):
    """The self-test must not touch the user's keyring."""

    def load(self) -> Credentials:
        return Credentials()

    def save(self, credentials: Credentials) -> None:
        return None


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, ok, detail))
        line = f"self-test: {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}"
        log.info("%s", line)  # a windowed app has no stdout: the log file has the results too
        print(line, flush=True)
        return ok

    @property
    def passed(self) -> bool:
        return all(ok for _, ok, _ in self.results)


def _save(widget: QWidget, path: Path, written: list[Path]) -> bool:
    wait_for(QApplication.instance(), lambda: False, 0.15)  # pending layouts and repaints first
    ok = widget.grab().save(str(path)) and path.stat().st_size > 1000
    if ok:
        written.append(path)
    return ok


def _settle(app: QApplication, seconds: float = 0.3) -> None:
    wait_for(app, lambda: False, seconds)


def _settings_tabs(app: QApplication, hems: object, folder: Path, language: str, written: list[Path],
                   checks: Checks) -> list[tuple[str, str]]:
    dialog = hems.make_settings_dialog()  # type: ignore[attr-defined]
    dialog.show()
    _settle(app, 0.2)
    ok = True
    for index, name in enumerate(TAB_NAMES):
        dialog.tabs.setCurrentIndex(index)
        _settle(app, 0.1)
        ok &= _save(dialog, folder / f"settings-{name}-{language}.png", written)
        ok &= dialog.frameGeometry().width() <= 900  # it never widened
    checks.check(f"every settings tab rendered ({language})", ok)
    texts = visible_texts([dialog])
    dialog.close()
    return texts


def _tray_menu_texts(hems: object) -> list[tuple[str, str]]:
    tray = getattr(hems, "tray", None)
    if tray is not None:
        return action_texts(tray.menu)
    menu = QMenu()  # no tray here: the same actions, in the tray's menu
    hems.actions.fill(menu, with_dashboard=True)  # type: ignore[attr-defined]
    return action_texts(menu)


def _dark_chart(app: QApplication, hems: object, folder: Path, written: list[Path], checks: Checks) -> None:
    dashboard = hems.dashboard  # type: ignore[attr-defined]
    light = app.palette()
    app.setPalette(dark_palette())
    _settle(app, 0.4)
    dashboard.chart.refresh()
    _settle(app, 0.2)
    background = QColor(dashboard.chart.plots.backgroundBrush().color())
    image = dashboard.chart.plots.grab().toImage()
    corner = QColor(image.pixelColor(image.width() - 6, 6))
    checks.check("a dark palette gives a dark chart", background.lightness() < 90 and corner.lightness() < 90,
                 f"background {background.name()}, drawn {corner.name()}")
    checks.check("dashboard-dark.png", _save(dashboard, folder / "dashboard-dark.png", written))
    app.setPalette(light)
    _settle(app, 0.3)


def _year_range(app: QApplication, hems: object, folder: Path, written: list[Path], checks: Checks) -> None:
    chart = hems.dashboard.chart  # type: ignore[attr-defined]
    chart.set_range_index(YEAR_RANGE)

    def drawn_days() -> bool:
        chart.refresh()
        return bool(chart.meter_kind == "day" and chart.meter_points >= 2)

    ok = wait_for(app, drawn_days, BACKFILL_WAIT_S)
    checks.check("the 1-year range draws the meter's back-filled days", ok,
                 f"{chart.meter_points // 2} day(s) drawn, as {chart.meter_kind}")
    checks.check("dashboard-1y.png", _save(hems.dashboard, folder / "dashboard-1y.png", written))  # type: ignore
    chart.set_range_index(0)


def _switch_to_japanese(app: QApplication, hems: object, checks: Checks) -> None:
    worker = hems.controller.worker  # type: ignore[attr-defined]
    dialog = hems.make_settings_dialog()  # type: ignore[attr-defined]
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ja"))
    applied = hems.apply_settings(dialog.collect())  # type: ignore[attr-defined]
    dialog.deleteLater()
    _settle(app, 0.5)
    checks.check("Save with a new language applies it", bool(applied) and hems.language == "ja")  # type: ignore
    checks.check("a new language keeps the meter session", hems.controller.worker is worker)  # type: ignore


def _wait(app: QApplication, condition: Callable[[], bool], seconds: float) -> bool:
    return wait_for(app, condition, seconds)


def run_self_test(app: QApplication, outdir: Path, log_file: Path | None = None, timeout_s: float = 90.0) -> int:
    from hems_desktop.gui.hems_app import HemsApp

    outdir.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    written: list[Path] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hems-self-test-") as scratch:
        folder = Path(scratch)
        hems = HemsApp(settings_path=folder / "settings.json", demo=True, language="en",
                       credential_store=_MemoryStore(), history_path=folder / "history.sqlite3", log_file=log_file)
        hems.start()
        hems.show_dashboard()
        dashboard = hems.dashboard
        dashboard.resize(1100, 760)
        ok = _wait(app, lambda: dashboard.readings_received >= 1 and dashboard.frames_drawn >= 1, timeout_s)
        if not checks.check("readings reach the dashboard", ok, f"state {hems.state}"):
            hems.controller.stop()
            return 1
        first_reading_s = time.monotonic() - started
        _settle(app, 0.5)
        checks.check("demo readings go to the demo's own history", hems.effective_settings().history
                     == hems.demo_history and dashboard.source.path == hems.demo_history)
        checks.check("dashboard-en.png", _save(dashboard, outdir / "dashboard-en.png", written))
        menu = [text for _, text in action_texts(dashboard.app_menu)]
        needed = [a.text().replace("&", "") for a in (hems.actions.toggle, hems.actions.settings,
                                                       hems.actions.data_folder, hems.actions.log_folder,
                                                       hems.actions.about, hems.actions.quit)]
        checks.check("the window's menu has every tray action", all(n in menu for n in needed), ", ".join(menu))
        if hems.tray is None:
            checks.check("without a tray the window says closing it quits", "no-tray" in dashboard.banners.banners)
        checks.check("window-no-tray.png", _save(dashboard, outdir / "window-no-tray.png", written))
        english = _settings_tabs(app, hems, outdir, "en", written, checks)
        dashboard.tabs.setCurrentIndex(2)
        _settle(app, 0.5)
        checks.check("insights screenshots (en)", len(save_screenshots(dashboard.insights, outdir, "en"))
                     == len(SCREENSHOT_VIEWS))
        dashboard.tabs.setCurrentIndex(0)
        _year_range(app, hems, outdir, written, checks)
        _dark_chart(app, hems, outdir, written, checks)
        checks.check("English everywhere before the switch",
                     not (w := wrong_language(visible_texts([dashboard]) + english + _tray_menu_texts(hems), "en")),
                     repr(w[:5]))
        _switch_to_japanese(app, hems, checks)
        for tab in range(dashboard.tabs.count()):  # every tab once, as a user would look
            dashboard.tabs.setCurrentIndex(tab)
            _settle(app, 0.2)
        dashboard.tabs.setCurrentIndex(0)
        _settle(app, 0.3)
        japanese = _settings_tabs(app, hems, outdir, "ja", written, checks)
        leftovers = wrong_language(visible_texts([dashboard]) + japanese + _tray_menu_texts(hems), "ja")
        checks.check("no English left after the live switch (window, tray menu, settings)", not leftovers,
                     repr(leftovers[:8]))
        checks.check("dashboard-ja-live.png", _save(dashboard, outdir / "dashboard-ja-live.png", written))
        _save(dashboard, outdir / "dashboard-ja.png", written)
        dashboard.tabs.setCurrentIndex(2)
        _settle(app, 0.5)
        checks.check("insights screenshots (ja)", len(save_screenshots(dashboard.insights, outdir, "ja"))
                     == len(SCREENSHOT_VIEWS))
        stopped = hems.controller.stop(timeout_ms=5000)
        checks.check("the collector stopped cleanly (SKTERM)", stopped)
        if log_file is not None:
            checks.check("the log file is written", log_file.exists() and log_file.stat().st_size > 0, str(log_file))
        hems.notifier.use_freedesktop = False  # nothing more to show
    for path in written:
        print(path)
    summary = (f"self-test: first reading on the dashboard after {first_reading_s:.1f} s; "
               f"{sum(ok for _, ok, _ in checks.results)}/{len(checks.results)} checks passed")
    log.info("%s", summary)
    print(summary)
    return 0 if checks.passed else 1

