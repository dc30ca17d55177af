"""The emulator's own surfaces: the command line with a stable link, and the loopback TCP transport."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hems_desktop.emulator import Emulator, EmulatorConfig
from hems_desktop.emulator.faults import parse_fault
from hems_desktop.session import Session, SessionConfig
from tests.conftest import PASSWORD, ROUTE_B_ID


def read_once(port: str) -> dict[int, bytes]:
    session = Session(SessionConfig(port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=2.0))
    try:
        session.open()
        session.connect()
        return session.get_properties([0xE7, 0xE8, 0xE0])
    finally:
        session.terminate()


def test_tcp_transport_serves_the_driver_through_a_pyserial_url() -> None:
    with Emulator(EmulatorConfig(dialect="dual-stack", speed=500, tcp=("127.0.0.1", 0))) as emulator:
        assert emulator.port.startswith("socket://127.0.0.1:")
        values = read_once(emulator.port)
        assert set(values) == {0xE7, 0xE8, 0xE0}


def test_tcp_transport_refuses_non_loopback_addresses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(EmulatorConfig(tcp=("0.0.0.0", 0))).start()


def test_command_line_prints_the_port_and_keeps_a_stable_link(tmp_path: Path) -> None:
    link = tmp_path / "wisun"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hems_desktop.emulator.cli", "--dialect", "rl7023-ips", "--link", str(link),
         "--speed", "500", "--route-b-id", ROUTE_B_ID, "--route-b-password", PASSWORD, "--two-wire",
         "--fault", "drop-response:1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == str(link)
        assert link.is_symlink() and os.path.exists(os.readlink(link))
        values = read_once(str(link))  # the dropped first answer is retried
        assert values[0xE8][2:] == b"\x7f\xfe"  # two-wire: T phase "no data"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert proc.returncode == 0
    assert not link.exists()  # the link goes away with the device


def test_command_line_rejects_unknown_faults_clearly() -> None:
    result = subprocess.run([sys.executable, "-m", "hems_desktop.emulator.cli", "--fault", "meteor-strike"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "unknown fault" in result.stderr and "Traceback" not in result.stderr
    assert parse_fault("unplug@20") == ("unplug", 20.0)
    assert parse_fault("no-beacon") == ("no_beacon_scans", 1.0)


def test_wrong_credentials_on_the_command_line_meter_fail_the_join(tmp_path: Path) -> None:
    config = EmulatorConfig(speed=1000)
    config.meter.password = "OTHERPASS123"
    with Emulator(config) as emulator:
        started = time.monotonic()
        session = Session(SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, join_timeout=5))
        try:
            session.open()
            from hems_desktop.session import JoinFailed

            with pytest.raises(JoinFailed):
                session.connect()
        finally:
            session.terminate()
        assert time.monotonic() - started < 10
