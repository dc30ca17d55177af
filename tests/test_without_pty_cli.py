"""`hems-collector --demo` where there is no pseudo-terminal (Windows), simulated on Linux.

A sitecustomize on PYTHONPATH removes `os.openpty` and makes the `pty` and `tty` modules
unimportable before anything of ours is imported, in a real child process: the demo must pick
loopback TCP by itself and read the emulator through pyserial's socket:// URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NO_PTY = """
import os, sys
del os.openpty
sys.modules["pty"] = None
sys.modules["tty"] = None
"""


def test_the_collector_demo_runs_without_a_pty(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(NO_PTY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]), "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    check = subprocess.run([sys.executable, "-c", "import os; print(hasattr(os, 'openpty'))"], env=env,
                           capture_output=True, text=True, check=True)
    assert check.stdout.strip() == "False"  # the simulation holds in the child
    done = subprocess.run([sys.executable, "-m", "hems_desktop.cli", "--demo", "--output", "stdout", "--count", "2",
                           "--mode", "interval", "-i", "1"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 2 and all(r["instant_power"] is not None for r in records)
    assert "socket://127.0.0.1:" in done.stderr  # the demo said where its virtual dongle is
