"""`hems-desktop --self-test OUTDIR`: demo mode end to end, screenshots in both languages."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hems_desktop.collector.events import StateChanged
from hems_desktop.credentials import Credentials, CredentialStore
from hems_desktop.gui import i18n
from hems_desktop.gui.app import wait_for


class _MemoryStore(CredentialStore):
    """The self-test must not touch the user's keyring."""

    def load(self) -> Credentials:
        return Credentials()

    def save(self, credentials: Credentials) -> None:
        return None


def run_self_test(app: QApplication, outdir: Path, timeout_s: float = 90.0) -> int:
    from hems_desktop.gui.dashboard import Dashboard
    from hems_desktop.gui.hems_app import HemsApp

    outdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hems-self-test-") as scratch:
        folder = Path(scratch)
        hems = HemsApp(settings_path=folder / "settings.json", demo=True, language="en",
                       credential_store=_MemoryStore(), history_path=folder / "history.sqlite3")
        hems.start()
        hems.show_dashboard()
        ok = wait_for(app, lambda: hems.dashboard.readings_received >= 1 and hems.dashboard.frames_drawn >= 1,
                      timeout_s)
        if not ok:
            print(f"self-test: no readings reached the dashboard within {timeout_s:.0f} s "
                  f"(state {hems.state})")
            hems.controller.stop()
            return 1
        first_reading_s = time.monotonic() - started
        written: list[Path] = []
        for language in ("en", "ja"):
            i18n.install(language)
            dashboard = Dashboard(hems.settings.history, hems.prefs)
            for reading in list(hems.dashboard._live):
                dashboard.on_reading(reading)
            dashboard.on_state(StateChanged(hems.state))
            if hems.dashboard._connection is not None:
                dashboard.on_connection(hems.dashboard._connection)
            dashboard.resize(1100, 760)
            dashboard.show()
            wait_for(app, lambda d=dashboard: d.frames_drawn >= 1, 10)
            wait_for(app, lambda: False, 0.3)
            path = outdir / f"dashboard-{language}.png"
            dashboard.grab().save(str(path))
            written.append(path)
            dashboard.close()
            dialog = hems.make_settings_dialog()
            dialog.show()
            wait_for(app, lambda: False, 0.2)
            path = outdir / f"settings-{language}.png"
            dialog.grab().save(str(path))
            written.append(path)
            dialog.close()
        stopped = hems.controller.stop(timeout_ms=5000)
        missing = [p for p in written if not p.exists() or p.stat().st_size < 1000]
        for path in written:
            print(path)
        print(f"self-test: first reading on the dashboard after {first_reading_s:.1f} s; "
              f"collector stopped cleanly: {stopped}")
        return 0 if not missing and stopped else 1
