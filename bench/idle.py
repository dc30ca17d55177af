"""The collector at rest: wake-ups per second and CPU time, measured from /proc (Linux).

The emulator runs in its own process, so only the collector is measured: between readings it
should sleep (a blocking read on the port, a timed wait for the next slot), not poll.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "BENCHPASS123"


def _counters(pid: int) -> tuple[int, float]:
    """(context switches of every thread, CPU seconds) of a process."""
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                switches += int(line.split()[1])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return switches, (int(fields[11]) + int(fields[12])) / ticks


def idle_figures(seconds: float = 30.0) -> tuple[float, float]:
    """(wake-ups per second, CPU seconds per minute) of a joined collector waiting for its next slot."""
    with tempfile.TemporaryDirectory() as folder:
        link = Path(folder) / "wisun"
        emulator = subprocess.Popen(
            [sys.executable, "-m", "hems_desktop.emulator.cli", "--link", str(link), "--speed", "50",
             "--session-lifetime", "900000"],  # no periodic re-authentication while we measure
            stdout=subprocess.PIPE, text=True)
        try:
            assert emulator.stdout is not None
            emulator.stdout.readline()  # the port: it is up
            env = {**os.environ, "B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD, "HOME": folder,
                   "XDG_CACHE_HOME": folder}
            collector = subprocess.Popen(
                [sys.executable, "-m", "hems_desktop.cli", "--port", str(link), "--mode", "interval", "-i", "3600"],
                env=env, cwd=folder, stderr=subprocess.PIPE, text=True)
            try:
                assert collector.stderr is not None
                while "reading:" not in collector.stderr.readline():  # the first reading is in: at rest now
                    if collector.poll() is not None:
                        raise RuntimeError("the collector ended before its first reading")
                time.sleep(2.0)
                switches0, cpu0 = _counters(collector.pid)
                time.sleep(seconds)
                switches1, cpu1 = _counters(collector.pid)
            finally:
                collector.terminate()
                collector.wait(10)
        finally:
            emulator.terminate()
            emulator.wait(10)
    return (switches1 - switches0) / seconds, (cpu1 - cpu0) / seconds * 60


if __name__ == "__main__":
    wakeups, cpu = idle_figures()
    print(f"at rest: {wakeups:.2f} wake-ups per second, {cpu:.4f} CPU-s per minute")
