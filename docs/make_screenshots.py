"""README screenshots: the demo app once the back-fill has filled the usage (run: QT_QPA_PLATFORM=offscreen
python docs/make_screenshots.py en|ja docs/screenshots)."""
import sys, tempfile, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from hems_desktop.gui.self_test import _MemoryStore, wait_for
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui import i18n

lang = sys.argv[1]
out = Path(sys.argv[2])
app = QApplication([])
scratch = Path(tempfile.mkdtemp())
i18n.install(lang)
hems = HemsApp(settings_path=scratch / "settings.json", demo=True, language=lang,
               credential_store=_MemoryStore(), history_path=scratch / "h.sqlite3")
hems.start(); hems.show_dashboard()
d = hems.dashboard
d.resize(1100, 700)
wait_for(app, lambda: d.usage.summary.labels["today"].text() not in ("", "–"), 60)
wait_for(app, lambda: False, 12)
d.banners.hide_banner("no-tray"); d.chart.set_range_index(1)
wait_for(app, lambda: False, 0.5)
d.grab().save(str(out / f"dashboard-{lang}.png"))
d.tabs.setCurrentIndex(2)
wait_for(app, lambda: False, 1.0)
d.insights.kind_buttons.button(1).click(); d.insights.compare_previous.setChecked(True)
wait_for(app, lambda: False, 1.0)
d.grab().save(str(out / f"insights-{lang}.png"))
hems.controller.stop(timeout_ms=5000)
