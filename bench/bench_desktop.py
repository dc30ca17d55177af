"""Desktop figures: chart frame time over a year of per-minute data, idle CPU between readings,
resident memory, and time from launch to the tray icon (or the window when there is no tray).

Run offscreen: `QT_QPA_PLATFORM=offscreen python bench/bench_desktop.py [--idle-seconds 60]`.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_history import MINUTES, START, readings
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from hems_desktop.gui.app import wait_for
from hems_desktop.gui.dashboard import Dashboard
from hems_desktop.history import HistoryStore
from hems_desktop.settings.preferences import DesktopPreferences


def chart_frames(app: QApplication, folder: Path) -> None:
    path = folder / "year.sqlite3"
    store = HistoryStore(path)
    data = readings(MINUTES)
    for chunk in range(0, len(data), 20_000):
        store.add_readings(data[chunk : chunk + 20_000])
    store.close()
    dashboard = Dashboard(path, DesktopPreferences())
    dashboard.resize(1200, 800)
    dashboard.show()
    dashboard.source.live.append(data[-1])
    end = (START + dt.timedelta(days=365)).timestamp()
    wait_for(app, lambda: False, 0.3)
    timings = {"full year": [], "zoom/pan": []}
    for label, windows in (
        ("full year", [(end - 365 * 86400, end)] * 10),
        ("zoom/pan", [(end - d * 86400 - k * 3 * 86400, end - k * 3 * 86400)
                      for d in (90, 30, 7, 1) for k in range(5)]),
    ):
        for start, stop in windows:
            t0 = time.perf_counter()
            dashboard.chart.draw(start, stop, set_range=True)
            dashboard.chart.plots.viewport().repaint()
            QCoreApplication.processEvents()
            timings[label].append((time.perf_counter() - t0) * 1000)
    pans = []
    for step in range(20):  # panning redraws the points already loaded; the re-query waits 200 ms
        t0 = time.perf_counter()
        dashboard.chart.power_plot.setXRange(end - 30 * 86400 - step * 3600, end - step * 3600, padding=0)
        dashboard.chart.plots.viewport().repaint()  # the view's viewport paints synchronously
        QCoreApplication.processEvents()
        pans.append((time.perf_counter() - t0) * 1000)
    timings["pan only"] = pans
    for label, values in timings.items():
        print(f"chart frame, 1 year of per-minute data, {label:<9}: median {statistics.median(values):5.1f} ms, "
              f"max {max(values):5.1f} ms (query + draw + repaint)")
    dashboard.close()


def idle_and_launch(app: QApplication, folder: Path, idle_seconds: float) -> None:
    from hems_desktop.gui.hems_app import HemsApp
    from hems_desktop.gui.self_test import _MemoryStore

    started = time.perf_counter()
    hems = HemsApp(settings_path=folder / "s.json", demo=True, credential_store=_MemoryStore(),
                   history_path=folder / "h.sqlite3")
    hems.settings = hems.settings.__class__(**{**hems.settings.__dict__, "mode": "interval", "interval": 3600})
    hems.start()
    shown = hems.tray is not None or hems.dashboard.isVisible()
    launch_ms = (time.perf_counter() - started) * 1000
    what = "tray icon" if hems.tray is not None else "window (no tray here)"
    print(f"launch to {what}: {launch_ms:.0f} ms after QApplication ({shown=})")
    wait_for(app, lambda: hems.last_reading is not None, 30)
    hems.dashboard.hide()  # as in the tray: the dashboard is closed between looks
    wait_for(app, lambda: False, 2.0)
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(idle_seconds * 1000), loop.quit)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    loop.exec()  # a real idle event loop, as in the running app
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(f"idle CPU between readings (demo meter in-process, {wall:.0f} s): {cpu / wall * 100:.2f} % of one core")
    hems.controller.stop()
    print(f"resident memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


TRAY_LAUNCH = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from hems_desktop.gui.app import wait_for
from hems_desktop.gui.hems_app import HemsApp
from hems_desktop.gui.self_test import _MemoryStore
app = QApplication(sys.argv[:1])
wait_for(app, QSystemTrayIcon.isSystemTrayAvailable, 10)
hems = HemsApp(settings_path=Path(sys.argv[1]) / "s.json", demo=True, credential_store=_MemoryStore(),
               history_path=Path(sys.argv[1]) / "h.sqlite3")
hems.start()
wait_for(app, lambda: hems.tray is not None and hems.tray.icon.isVisible(), 10)
print(f"{(time.perf_counter() - t0) * 1000:.0f}", hems.tray is not None, flush=True)
hems.controller.stop()
import os; os._exit(0)
"""


def tray_launch(folder: Path) -> None:
    """Under Xvfb with a real tray host (trayer), when both are installed."""
    import shutil
    import subprocess

    if not (shutil.which("Xvfb") and shutil.which("trayer")):
        print("launch to tray icon: skipped (needs Xvfb and trayer)")
        return
    env = dict(os.environ, DISPLAY=":87", QT_QPA_PLATFORM="xcb")
    xvfb = subprocess.Popen(["Xvfb", ":87", "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    trayer = subprocess.Popen(["trayer"], env=env, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", TRAY_LAUNCH, str(folder)], env=env, capture_output=True,
                                 text=True, timeout=60).stdout.split()
            runs.append((time.perf_counter() - start) * 1000)
        print(f"launch to tray icon under Xvfb + trayer: {min(runs):.0f} ms from process start "
              f"(in-process part {out[0] if out else '?'} ms; tray shown: {out[1] if len(out) > 1 else '?'})")
    finally:
        trayer.terminate()
        xvfb.terminate()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        idle_and_launch(app, Path(folder), args.idle_seconds)
        tray_launch(Path(folder))
        chart_frames(app, Path(folder))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown (see hems_desktop.gui.app._shutdown)


if __name__ == "__main__":
    main()
