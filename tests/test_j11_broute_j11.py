"""Cross-check: broute-j11 (PyPI, jethac), an independent J11 client, reads our `--dialect j11` emulator.

If our virtual module only fitted our own driver, both could share a misreading of the
protocol. broute-j11 runs its own documented sequence (hardware reset, version, initial
settings, credentials, scan with the pairing ID, route-B start, UDP 3610, PANA, then Gets of
D3/D7/E1, 8A/82/8D and E7/E8/E0/E3) and must get the values of the emulator's meter model.
Nothing is mocked: broute-j11's own SerialTransport opens the pty; over TCP it gets a
`ByteTransport` of ours on pyserial's socket:// URL, because its SerialTransport opens
`serial.Serial(port)`, which takes device paths, not URLs.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
import serial
from conftest import E2E_SPEED, PASSWORD, ROUTE_B_ID

from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig

broute_j11 = pytest.importorskip("broute_j11", reason="broute-j11 needs Python 3.11+ (pip install -e '.[test]')")

pytestmark = pytest.mark.timeout(60)


class UrlTransport:
    """broute-j11's ByteTransport over any pyserial URL (here socket://)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._port: serial.SerialBase | None = None

    def open(self) -> None:
        self._port = serial.serial_for_url(self.url, 115200, timeout=0.2)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()

    def read(self, size: int = 1024) -> bytes:
        assert self._port is not None
        waiting = self._port.in_waiting
        return bytes(self._port.read(min(size, waiting) if waiting else 1))

    def write(self, data: bytes) -> None:
        assert self._port is not None
        self._port.write(data)
        self._port.flush()


async def read_meter(transport: Any, emulator: Emulator) -> tuple[Any, float, float, Any]:
    config = broute_j11.SessionConfig(auth_id=ROUTE_B_ID, password=PASSWORD, scan_duration=6)
    session = broute_j11.J11Session(transport, config)
    async with session:
        before = emulator.clock()
        reading = await session.async_read_meter()
        after = emulator.clock()
        link = session.link
    return reading, before, after, link


def check_against_the_model(emulator: Emulator, reading: Any, before: float, after: float) -> None:
    model = emulator.meter
    assert reading.instantaneous_power in {model.instant_power_w(before), model.instant_power_w(after)}
    currents = {model.currents_deciamps(before), model.currents_deciamps(after)}
    assert (int(reading.current_r_phase * 10), int(reading.current_t_phase * 10)) in currents
    per_count = model.kwh_per_count
    low, high = model.counts_at(before), model.counts_at(after)
    assert low[0] * per_count <= reading.cumulative_forward_energy <= high[0] * per_count
    assert reading.cumulative_forward_energy > Decimal(12_000)  # the model starts at 12,345.6 kWh
    assert low[1] * per_count <= reading.cumulative_reverse_energy <= high[1] * per_count


def test_broute_j11_reads_power_currents_and_energy_over_a_pty(make_emulator: Any) -> None:
    emulator = make_emulator("j11", E2E_SPEED, route_b_id=ROUTE_B_ID, password=PASSWORD, coefficient=10)
    reading, before, after, link = asyncio.run(read_meter(broute_j11.SerialTransport(emulator.port), emulator))
    check_against_the_model(emulator, reading, before, after)
    assert link.channel == 17 and link.pan_id == emulator.meter.config.pan_id
    assert link.rssi == emulator.dongle.meter_rssi
    assert emulator.dongle.stats["resets"] == 1 and emulator.dongle.joins == 1
    assert not emulator.dongle.joined  # it terminated PANA on close


def test_broute_j11_reads_the_emulator_over_a_socket_url() -> None:
    config = EmulatorConfig(dialect="j11", speed=E2E_SPEED, tcp=("127.0.0.1", 0),
                            meter=MeterConfig(route_b_id=ROUTE_B_ID, password=PASSWORD, solar_peak_w=3000))  # fmt: skip
    with Emulator(config) as emulator:
        reading, before, after, _ = asyncio.run(read_meter(UrlTransport(emulator.port), emulator))
        check_against_the_model(emulator, reading, before, after)


def test_broute_j11_is_refused_with_the_wrong_password(make_emulator: Any) -> None:
    emulator = make_emulator("j11", E2E_SPEED, route_b_id=ROUTE_B_ID, password="OTHERPASS999")
    with pytest.raises(broute_j11.AuthenticationError):
        asyncio.run(read_meter(broute_j11.SerialTransport(emulator.port), emulator))
