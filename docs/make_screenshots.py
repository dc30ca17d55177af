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
settings = hems.make_settings_dialog()
settings.show()
wait_for(app, lambda: False, 0.5)
settings.grab().save(str(out / f"settings-{lang}.png"))
settings.close()

# The tray icon in each state, at 2x (a high-DPI tray), with its tooltip's state name under it.
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from hems_desktop.gui.icons import status_pixmap
from hems_desktop.gui.text import state_text
from hems_desktop.session import SessionState

states = [(SessionState.JOINED, 296), (SessionState.SCANNING, None), (SessionState.DISCONNECTED, None),
          (SessionState.STOPPED, None)]
cell, icon = 150, 64
strip = QPixmap(cell * len(states), 110)
strip.fill(QColor("#f4f4f4"))
painter = QPainter(strip)
for index, (state, watts) in enumerate(states):
    painter.drawPixmap(index * cell + (cell - icon) // 2, 10, status_pixmap(state, watts, size=icon, ratio=2.0))
    painter.setPen(QColor("#202020"))
    painter.drawText(QRectF(index * cell, 80, cell, 24), Qt.AlignmentFlag.AlignCenter, state_text(state))
painter.end()
strip.save(str(out / f"tray-{lang}.png"))
