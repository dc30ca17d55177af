"""Shared fixtures: the emulator on a real pty, driven through pyserial."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ("mosquitto",)  # the real-broker fixtures: broker, recorder_factory

FAST = 200.0  # emulator delays 200x shorter than the hardware's
ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "SECRETPASS12"
E2E_SPEED = 1000.0  # end-to-end tests: hardware delays 1000x shorter (a scan is milliseconds)

# (id, emulator dialect, hex_payload): every wire format the session must read. Tests of something
# only SKSTACK has (EINFO, ROPT, FAIL ER10, EVENT 32) take `skstack_case` instead.
DONGLE_CASES = (
    ("bp35a1-binary", "bp35a1", False),
    ("bp35a1-hex", "bp35a1", True),
    ("dual-stack", "dual-stack", None),
    ("rl7023-ips", "rl7023-ips", None),
    ("j11", "j11", None),  # ROHM's binary protocol: found by --dongle auto like the others
)
SKSTACK_CASES = tuple(case for case in DONGLE_CASES if case[1] != "j11")


@pytest.fixture
def make_emulator(tmp_path: object) -> Iterator[object]:
    started: list[Emulator] = []

    def make(
        dialect: str = "bp35a1",
        speed: float = FAST,
        *,
        hex_payload: bool | None = None,
        link: str | None = None,
        **meter: object,
    ) -> Emulator:
        config = EmulatorConfig(dialect=dialect, speed=speed, hex_payload=hex_payload, link=link,
                                meter=MeterConfig(**meter))  # type: ignore[arg-type]
        emulator = Emulator(config)
        started.append(emulator.start())
        return emulator

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture(params=DONGLE_CASES, ids=[case[0] for case in DONGLE_CASES])
def dongle_case(request: pytest.FixtureRequest) -> tuple[str, str, bool | None]:
    """Parametrises a test over the five wire formats (bp35a1 binary/hex, dual-stack, rl7023-ips, j11)."""
    case: tuple[str, str, bool | None] = request.param
    return case


def _emulator_for(make_emulator: Any, case: tuple[str, str, bool | None]) -> Callable[..., Emulator]:
    _, dialect, hex_payload = case

    def make(speed: float = E2E_SPEED, **meter: object) -> Emulator:
        emulator: Emulator = make_emulator(dialect, speed, hex_payload=hex_payload, **meter)
        return emulator

    return make


@pytest.fixture
def dongle_emulator(make_emulator: Any, dongle_case: tuple[str, str, bool | None]) -> Callable[..., Emulator]:
    """make_emulator for the current dongle_case: `dongle_emulator(**meter_config)`."""
    return _emulator_for(make_emulator, dongle_case)


@pytest.fixture(params=SKSTACK_CASES, ids=[case[0] for case in SKSTACK_CASES])
def skstack_case(request: pytest.FixtureRequest) -> tuple[str, str, bool | None]:
    """The four SKSTACK wire formats: for what only SKSTACK has (EINFO, FAIL ER10, EVENT 29/32)."""
    case: tuple[str, str, bool | None] = request.param
    return case


@pytest.fixture
def skstack_emulator(make_emulator: Any, skstack_case: tuple[str, str, bool | None]) -> Callable[..., Emulator]:
    return _emulator_for(make_emulator, skstack_case)


@pytest.fixture
def e2e_config(tmp_path: Path) -> Callable[..., Any]:
    """A SessionConfig for an emulator with short timeouts (the emulator runs 200x faster)."""
    from hems_desktop.session import SessionConfig

    def make(emulator: Emulator, **overrides: Any) -> SessionConfig:
        values: dict[str, Any] = {
            "port": emulator.port,
            "route_b_id": ROUTE_B_ID,
            "password": PASSWORD,
            "cache_dir": tmp_path / "cache",
            "request_timeout": 0.4,
            "join_timeout": 1.0,
            "command_timeout": 1.0,
        }
        values.update(overrides)
        return SessionConfig(**values)

    return make
