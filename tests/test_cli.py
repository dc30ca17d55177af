"""The real `hems-collector` command, run as a subprocess against the built-in emulator."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROUTE_B_ID

SEED_FIELDS = ["timestamp", "cumulative_power", "instant_power", "current_r", "current_t"]


def run_cli(args: list[str], tmp_path: Path, env: dict[str, str] | None = None, timeout: float = 60):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("B_ROUTE", "SERIAL_", "GCP_"))}
    environment.update({"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                        "XDG_CONFIG_HOME": str(tmp_path / "config")})
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "hems_desktop.cli", *args],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=timeout,
    )


def test_demo_prints_seed_json_records(tmp_path: Path) -> None:
    result = run_cli(["--demo", "--output", "stdout", "--count", "2", "--mode", "interval", "-i", "1"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record) == SEED_FIELDS
        assert "+" in record["timestamp"] or "-" in record["timestamp"][19:]  # local UTC offset
        assert isinstance(record["instant_power"], int)
        assert record["cumulative_power"] > 0
    assert "Traceback" not in result.stderr


def test_demo_csv_has_seed_header_once(tmp_path: Path) -> None:
    args = ["--demo", "-o", "file", "-f", "csv", "--file", "out.csv", "--count", "2", "--mode", "interval", "-i", "1"]
    assert run_cli(args, tmp_path).returncode == 0
    assert run_cli(args, tmp_path).returncode == 0  # a restart appends without a second header
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert rows[0] == ["timestamp", "cumulative_power_kwh", "instant_power_w", "current_r_a", "current_t_a"]
    assert len(rows) == 5
    assert all(row[0] != "timestamp" for row in rows[1:])


def test_debug_shows_traffic_but_never_the_password(tmp_path: Path) -> None:
    env = {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD}
    result = run_cli(["--demo", "--debug", "-o", "stdout", "--count", "1"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "SKSETPWD C ********" in result.stderr
    assert "SKSENDTO" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout


def test_missing_credentials_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(["--port", "/dev/null"], tmp_path)
    assert result.returncode == 2
    assert "B_ROUTE_ID" in result.stderr and "Traceback" not in result.stderr


def test_dotenv_in_working_folder_supplies_credentials(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"B_ROUTE_ID={ROUTE_B_ID}\nB_ROUTE_PASSWORD={PASSWORD}\n")
    result = run_cli(["--port", str(tmp_path / "ttyUSB9")], tmp_path)
    # Credentials were accepted, so the next problem is the port.
    assert result.returncode == 1
    assert "B_ROUTE_ID" not in result.stderr


def test_missing_port_is_a_clear_error(tmp_path: Path) -> None:
    env = {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD}
    result = run_cli(["--port", str(tmp_path / "ttyUSB9")], tmp_path, env)
    assert result.returncode == 1
    assert "not found" in result.stderr and "--list-ports" in result.stderr
    assert "Traceback" not in result.stderr


def test_silent_device_is_reported_not_hung(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        env = {"B_ROUTE_ID": ROUTE_B_ID, "B_ROUTE_PASSWORD": PASSWORD}
        result = run_cli(["--port", os.ttyname(slave)], tmp_path, env, timeout=30)
    finally:
        os.close(master)
        os.close(slave)
    assert result.returncode == 1
    assert "no answer from a Wi-SUN dongle" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_ends_the_session_cleanly(tmp_path: Path) -> None:
    environment = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "hems_desktop.cli", "--demo", "-o", "stdout", "--mode", "interval", "-i", "30"],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert json.loads(first)["instant_power"] is not None
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "SKTERM" in stderr
    assert elapsed < 5


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version(tmp_path: Path, flag: str) -> None:
    result = run_cli([flag], tmp_path)
    assert result.returncode == 0
    if flag == "--help":
        for option in ("--output", "--format", "--file", "--project", "--topic", "--port", "--baudrate",
                       "--meter-channel", "--meter-panid", "--meter-ipv6", "--mode", "--schedule", "--interval",
                       "--debug", "--demo", "--count"):
            assert option in result.stdout
    else:
        from hems_desktop import __version__

        assert __version__ in result.stdout
