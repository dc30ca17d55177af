"""The emulator where there is no pseudo-terminal (Windows): loopback TCP by itself.

Windows cannot be run here, so its absence of ptys is imitated on Linux: `os.openpty` and the
`pty` and `tty` modules are made unavailable (monkeypatch on `os` and `sys.modules`) before the
emulator modules are imported afresh. The emulator is then read through the real SKSTACK
session and driver over pyserial's socket:// URL, as the demo mode does.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

import pytest
from conftest import PASSWORD, ROUTE_B_ID

from hems_desktop.session import Session, SessionConfig


@pytest.fixture
def server_without_pty(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.delattr(os, "openpty")
    monkeypatch.setitem(sys.modules, "pty", None)  # `import pty` now raises ImportError
    monkeypatch.setitem(sys.modules, "tty", None)
    for name in [name for name in sys.modules if name.startswith("hems_desktop.emulator")]:
        monkeypatch.delitem(sys.modules, name)  # restored after the test
    with pytest.raises(ImportError):
        importlib.import_module("tty")
    return importlib.import_module("hems_desktop.emulator.server")


def test_without_a_pty_the_emulator_serves_loopback_tcp_by_itself(server_without_pty: ModuleType) -> None:
    assert not server_without_pty.pty_available()
    config = server_without_pty.EmulatorConfig(dialect="bp35a1", speed=1000)
    with server_without_pty.Emulator(config) as emulator:
        assert emulator.port.startswith("socket://127.0.0.1:")
        assert not emulator.port.endswith(":0")
        session = Session(SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, request_timeout=2.0))
        try:
            session.open()
            session.connect()
            values = session.get_properties([0xE7, 0xE8, 0xE0])
        finally:
            session.terminate()
        assert set(values) == {0xE7, 0xE8, 0xE0}
        assert emulator.dongle.joins == 1


def test_an_asked_for_tcp_port_is_kept_without_a_pty_too(server_without_pty: ModuleType) -> None:
    config = server_without_pty.EmulatorConfig(dialect="dual-stack", speed=1000, tcp=("127.0.0.1", 0))
    with server_without_pty.Emulator(config) as emulator:
        assert emulator.port == f"socket://127.0.0.1:{config.tcp[1]}"


def test_with_a_pty_the_emulator_still_serves_a_pty() -> None:
    server = importlib.import_module("hems_desktop.emulator.server")
    assert server.pty_available()
    with server.Emulator(server.EmulatorConfig(speed=1000)) as emulator:
        assert emulator.port.startswith("/dev/")
