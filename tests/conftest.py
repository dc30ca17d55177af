"""Shared fixtures: the emulator on a real pty, driven through pyserial."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FAST = 200.0  # emulator delays 200x shorter than the hardware's
ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "SECRETPASS12"


@pytest.fixture
def make_emulator(tmp_path: object) -> Iterator[object]:
    started: list[Emulator] = []

    def make(dialect: str = "bp35a1", speed: float = FAST, **meter: object) -> Emulator:
        emulator = Emulator(EmulatorConfig(dialect=dialect, speed=speed, meter=MeterConfig(**meter)))  # type: ignore[arg-type]
        started.append(emulator.start())
        return emulator

    yield make
    for emulator in started:
        emulator.stop()
