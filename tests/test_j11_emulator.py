"""The virtual J11 module's own behaviour, frame by frame, through pyserial on a pty or TCP.

The order of frames is what real modules do [shared/protocol/J11.md]: scan results before the
0x2051 response, 0x2056 before the 0x6028 outcome, a hardware reset answered only by 0x6019.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial
from conftest import E2E_SPEED, PASSWORD, ROUTE_B_ID

from hems_desktop.device.base import LinkEvent, LinkEventKind, Target
from hems_desktop.device.j11 import J11Dongle
from hems_desktop.emulator import Emulator, EmulatorConfig, MeterConfig
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.j11 import J11Parser
from hems_desktop.protocol.j11_codec import Garbage
from hems_desktop.protocol.j11_messages import (
    Command,
    J11Message,
    ModuleError,
    PanaResult,
    Response,
    RouteBStarted,
    ScanResult,
    Startup,
    TransmitResult,
    UdpReceived,
)
from hems_desktop.protocol.j11_requests import (
    InitialSettings,
    PanaAuth,
    ScanRequest,
    TransmitRequest,
    open_udp_port_request,
    simple_request,
)

pytestmark = pytest.mark.timeout(60)

GET_E7 = bytes.fromhex("1081000105FF010288016201E700")


class Wire:
    """Raw frames to and from the emulator."""

    def __init__(self, url: str) -> None:
        self.port = serial.serial_for_url(url, 115200, timeout=0.05)
        self.parser = J11Parser()

    def send(self, frame: bytes, until: type, timeout: float = 5.0) -> list[J11Message]:
        """Write, then collect messages until one of type `until` arrives."""
        self.port.write(frame)
        got: list[J11Message] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got += [m for m in self.parser.feed(self.port.read(4096)) if not isinstance(m, Garbage)]
            if any(isinstance(m, until) for m in got):
                return got
        raise AssertionError(f"no {until.__name__}; got {got}")

    def joined(self, channel: int = 17) -> None:
        self.send(InitialSettings(channel).frame(), Response)
        self.send(PanaAuth(ROUTE_B_ID, PASSWORD).frame(), Response)
        self.send(simple_request(Command.START_ROUTE_B), RouteBStarted)
        self.send(open_udp_port_request(), Response)
        self.send(simple_request(Command.START_PANA), PanaResult)


@pytest.fixture
def wire(make_emulator: Any) -> Iterator[tuple[Emulator, Wire]]:
    emulator = make_emulator("j11", E2E_SPEED, route_b_id=ROUTE_B_ID, password=PASSWORD)
    line = Wire(emulator.port)
    yield emulator, line
    line.port.close()


def test_hardware_reset_is_answered_only_by_startup(wire: Any) -> None:
    _, line = wire
    assert line.send(simple_request(Command.HARDWARE_RESET), Startup) == [Startup()]


def test_scan_sends_one_result_per_channel_then_the_response(wire: Any) -> None:
    emulator, line = wire
    got = line.send(ScanRequest(6, ROUTE_B_ID[-8:]).frame(), Response)
    assert [m.channel for m in got if isinstance(m, ScanResult)] == list(range(4, 18))
    assert got[-1] == Response(Command.ACTIVE_SCAN, 0x01) and len(got) == 15
    (found,) = [m for m in got if isinstance(m, ScanResult) and m.beacons]
    assert found.channel == 17 and found.beacons[0].mac == emulator.meter.config.mac


def test_pana_start_is_answered_at_once_and_the_outcome_follows(wire: Any) -> None:
    _, line = wire
    line.send(InitialSettings(17).frame(), Response)
    line.send(PanaAuth(ROUTE_B_ID, PASSWORD).frame(), Response)
    started = line.send(simple_request(Command.START_ROUTE_B), RouteBStarted)
    assert started == [RouteBStarted(17, 0x8CF5, "001C6400036E8CF5", started[0].rssi)]  # type: ignore[union-attr]
    line.send(open_udp_port_request(), Response)
    got = line.send(simple_request(Command.START_PANA), PanaResult)
    assert got[0] == Response(Command.START_PANA, 0x01) and got[1] == PanaResult(0x01, "001C6400036E8CF5")


def test_transmit_result_repeats_the_payload_head_and_the_answer_follows(wire: Any) -> None:
    emulator, line = wire
    line.joined()
    got = line.send(TransmitRequest(mac_to_link_local(emulator.meter.config.mac), GET_E7).frame(), UdpReceived)
    results = [m for m in got if isinstance(m, TransmitResult)]
    assert results == [TransmitResult(0, 0, GET_E7[:5])]
    assert got.index(results[0]) < max(i for i, m in enumerate(got) if isinstance(m, UdpReceived))


def test_route_b_start_on_the_wrong_channel_fails_association(wire: Any) -> None:
    _, line = wire
    line.send(InitialSettings(4).frame(), Response)
    line.send(PanaAuth(ROUTE_B_ID, PASSWORD).frame(), Response)
    assert line.send(simple_request(Command.START_ROUTE_B), Response) == [Response(Command.START_ROUTE_B, 0x0E)]


def test_unknown_commands_and_bad_parameters_are_answered_as_the_module_does(wire: Any) -> None:
    _, line = wire
    from hems_desktop.protocol.j11_codec import HOST_CODE, encode_frame

    assert line.send(encode_frame(HOST_CODE, 0x0777), ModuleError) == [ModuleError(0xFFFF)]
    assert line.send(InitialSettings(3).frame(), Response) == [Response(Command.INITIAL_SETTINGS, 0x04)]
    assert line.send(simple_request(Command.START_PANA), Response) == [Response(Command.START_PANA, 0x10)]


def test_a_j11_meter_needs_an_odd_channel() -> None:
    with pytest.raises(ValueError, match="odd channel"):
        Emulator(EmulatorConfig(dialect="j11", meter=MeterConfig(channel=0x22)))


# ---------------------------------------------------------------- the driver over TCP, unplug, the command line


def test_the_driver_reads_a_tcp_emulator_and_closes_promptly() -> None:
    config = EmulatorConfig(dialect="j11", speed=E2E_SPEED, tcp=("127.0.0.1", 0),
                            meter=MeterConfig(route_b_id=ROUTE_B_ID, password=PASSWORD))  # fmt: skip
    with Emulator(config) as emulator:
        dongle = J11Dongle(emulator.port)
        dongle.open()
        try:
            assert dongle.identify().firmware == "0400 1.3.0000158A"
            assert len(dongle.scan(6, ROUTE_B_ID[-8:])) == 1
        finally:
            dongle.close()  # the reader blocks in read() without a timeout: closing the socket wakes it
        assert not dongle.is_open and not dongle._link.line.reader_alive


def test_unplug_and_return_the_driver_reopens_the_same_link(make_emulator: Any, tmp_path: Path) -> None:
    link = str(tmp_path / "wisun")
    emulator = make_emulator("j11", E2E_SPEED, link=link, route_b_id=ROUTE_B_ID, password=PASSWORD)
    events: list[object] = []
    dongle = J11Dongle(link)
    dongle.add_listener(events.append)
    dongle.open()
    dongle.identify()
    emulator.unplug(0.3)
    deadline = time.monotonic() + 5
    while not any(isinstance(e, LinkEvent) and e.kind == LinkEventKind.PORT_LOST for e in events):
        assert time.monotonic() < deadline, events
        time.sleep(0.01)
    dongle.close()
    while not os.path.exists(link):  # the link goes with the device and comes back with it
        assert time.monotonic() < deadline
        time.sleep(0.01)
    again = J11Dongle(link)
    again.open()
    try:
        info = again.identify()  # the module came back reset: no session, scan channel set again
        assert info.family.value == "j11" and not emulator.dongle.joined
    finally:
        again.close()


def test_command_line_j11_with_faults(tmp_path: Path) -> None:
    link = tmp_path / "j11"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hems_desktop.emulator.cli", "--dialect", "j11", "--link", str(link), "--speed", "500",
         "--route-b-id", ROUTE_B_ID, "--route-b-password", PASSWORD, "--fault", "no-beacon:1",
         "--fault", "assoc-fail:1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == str(link)
        events: list[object] = []
        dongle = J11Dongle(str(link))
        dongle.add_listener(events.append)
        dongle.open()
        try:
            dongle.identify()
            dongle.set_credentials(ROUTE_B_ID, PASSWORD)
            assert dongle.scan(6, ROUTE_B_ID[-8:]) == []  # no-beacon:1
            (beacon,) = dongle.scan(6, ROUTE_B_ID[-8:])
            dongle.start_join(Target(beacon.channel, beacon.pan_id, dongle.meter_address(beacon.mac), beacon.mac))
            deadline = time.monotonic() + 10
            while LinkEvent(LinkEventKind.PANA_CONNECTED, beacon.mac) not in events:  # after one 0x0E retry
                assert time.monotonic() < deadline, events
                time.sleep(0.01)
        finally:
            dongle.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert proc.returncode == 0
