"""The J11 driver against the virtual J11 module on a real pty, through pyserial. Nothing is mocked.

Values are checked against the emulator's meter model; faults come from `emulator.faults` and
the emulator's actions (session loss, re-authentication, unplug).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import E2E_SPEED, PASSWORD, ROUTE_B_ID

from hems_desktop.device.base import (
    Beacon,
    CommandRefused,
    Datagram,
    DongleMessage,
    DongleNotResponding,
    LinkEvent,
    LinkEventKind,
    PortLost,
    SendOutcome,
    Stopped,
    Target,
    WrongDongleFamily,
)
from hems_desktop.device.j11 import J11Dongle
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.j11_module import FIRMWARE, OWN_MAC
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import CONTROLLER_EOJ, ESV, SMART_METER_EOJ, Frame, Property
from hems_desktop.protocol.j11_messages import Command
from hems_desktop.protocol.j11_requests import simple_request

pytestmark = pytest.mark.timeout(60)

METER_MAC = "001C6400036E8CF5"  # MeterConfig's default


class Inbox:
    """A listener that queues what the driver delivers, for the test thread."""

    def __init__(self) -> None:
        self.items: queue.Queue[DongleMessage] = queue.Queue()
        self.seen: list[DongleMessage] = []

    def __call__(self, message: DongleMessage) -> None:
        self.items.put(message)

    def next(self, accept: Callable[[DongleMessage], bool], timeout: float = 10.0) -> DongleMessage:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.items.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"nothing accepted arrived; seen {self.seen}") from None
            self.seen.append(message)
            if accept(message):
                return message

    def event(self, kind: LinkEventKind, timeout: float = 10.0) -> LinkEvent:
        found = self.next(lambda item: isinstance(item, LinkEvent) and item.kind == kind, timeout)
        assert isinstance(found, LinkEvent)
        return found


@pytest.fixture
def j11(make_emulator: Any) -> Callable[..., Emulator]:
    def make(speed: float = E2E_SPEED, **meter: object) -> Emulator:
        meter.setdefault("route_b_id", ROUTE_B_ID)
        meter.setdefault("password", PASSWORD)
        emulator: Emulator = make_emulator("j11", speed, **meter)
        return emulator

    return make


@pytest.fixture
def opened() -> Iterator[Callable[[Emulator], tuple[J11Dongle, Inbox]]]:
    dongles: list[J11Dongle] = []

    def make(emulator: Emulator) -> tuple[J11Dongle, Inbox]:
        dongle = J11Dongle(emulator.port)
        inbox = Inbox()
        dongle.add_listener(inbox)
        dongle.open()
        dongles.append(dongle)
        return dongle, inbox

    yield make
    for dongle in dongles:
        dongle.close()


def joined(emulator: Emulator, dongle: J11Dongle, inbox: Inbox) -> Target:
    dongle.identify()
    dongle.set_credentials(ROUTE_B_ID, PASSWORD)
    (beacon,) = dongle.scan(6, ROUTE_B_ID[-8:])
    target = Target(beacon.channel, beacon.pan_id, dongle.meter_address(beacon.mac), beacon.mac)
    dongle.start_join(target)
    inbox.event(LinkEventKind.PANA_CONNECTED)
    return target


def get_request(tid: int, *epcs: int) -> bytes:
    return echonet.encode_frame(Frame(tid, CONTROLLER_EOJ, SMART_METER_EOJ, ESV.GET, tuple(Property(e) for e in epcs)))


def answer(inbox: Inbox, tid: int) -> tuple[Datagram, Frame]:
    def is_answer(item: DongleMessage) -> bool:
        return isinstance(item, Datagram) and echonet.decode_frame(item.data).tid == tid

    datagram = inbox.next(is_answer)
    assert isinstance(datagram, Datagram)
    return datagram, echonet.decode_frame(datagram.data)


# ---------------------------------------------------------------- identify and scan


def test_identify_reports_the_module_and_sets_the_b_route_mode(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, _ = opened(emulator)
    info = dongle.identify()
    assert info.family.value == "j11"
    assert info.firmware == str(FIRMWARE) == "0400 1.3.0000158A"
    assert info.mac == OWN_MAC
    settings = emulator.dongle.settings
    assert settings is not None and (settings.mode, settings.channel) == (0x05, 4)  # dual mode, scan channel


def test_identify_resets_a_module_left_in_a_session(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    dongle.close()  # an earlier run that did not terminate
    again, _ = opened(emulator)
    again.identify()
    assert emulator.dongle.stats["resets"] == 1 and not emulator.dongle.joined


def test_scan_with_the_pairing_id_finds_our_meter_with_skstack_channel_and_rssi(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, _ = opened(emulator)
    dongle.identify()
    beacons = dongle.scan(6, ROUTE_B_ID[-8:])
    assert beacons == [Beacon(channel=0x3B, pan_id=0x8CF5, mac=METER_MAC, rssi_dbm=float(emulator.dongle.meter_rssi))]
    assert dongle.scan(6, "FFFFFFFF") == []  # a neighbour's pairing ID: our meter keeps quiet
    assert [b.mac for b in dongle.scan(6, None)] == [METER_MAC]  # no pairing ID: every meter answers
    assert dongle.scan(2, None) == []  # too short a dwell for this meter (beacon_min_duration 3)
    assert emulator.dongle.stats["scans"] == 4


def test_meter_address_is_link_local_with_the_u_l_bit_flipped(j11: Any, opened: Any) -> None:
    dongle, _ = opened(j11())
    assert dongle.meter_address(METER_MAC) == "FE80:0000:0000:0000:021C:6400:036E:8CF5"


def test_a_stop_during_a_long_scan_returns_promptly(j11: Any, opened: Any) -> None:
    emulator = j11(speed=1.0)  # real timing: duration 14 dwells 158 s on each of 14 channels
    dongle, _ = opened(emulator)
    dongle.identify()
    stop = threading.Event()
    outcome: list[BaseException] = []

    def scan() -> None:
        try:
            dongle.scan(14, ROUTE_B_ID[-8:], stop)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=scan)
    thread.start()
    time.sleep(0.2)
    stop.set()
    thread.join(timeout=5)  # the scan itself would take 37 minutes
    assert not thread.is_alive() and len(outcome) == 1 and isinstance(outcome[0], Stopped)
    dongle.terminate(1.0)  # the module is still scanning: "busy" is not an error here


# ---------------------------------------------------------------- join, datagrams, re-authentication


def test_join_then_a_get_of_e7_travels_as_datagrams_and_matches_the_meter(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    assert emulator.dongle.joined and emulator.dongle.route_b_id == ROUTE_B_ID and emulator.dongle.password == PASSWORD
    before = emulator.clock()
    assert dongle.send(target.ip, 3610, get_request(0x0101, m.EPC_INSTANT_POWER), timeout=2.0) is SendOutcome.SENT
    datagram, frame = answer(inbox, 0x0101)
    after = emulator.clock()
    assert datagram.sender == target.ip and datagram.secured and datagram.source_port == 3610
    assert datagram.rssi_dbm is not None and abs(datagram.rssi_dbm - emulator.dongle.meter_rssi) <= 1
    assert frame.esv == ESV.GET_RES
    power = m.decode_instant_power(frame.properties[0].edt)
    assert power in {emulator.meter.instant_power_w(before), emulator.meter.instant_power_w(after)}


def test_the_meter_instance_list_arrives_as_a_multicast_datagram(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    datagram = inbox.next(lambda item: isinstance(item, Datagram))
    assert isinstance(datagram, Datagram)
    assert echonet.decode_frame(datagram.data).properties[0].epc == m.EPC_INSTANCE_LIST


def test_a_send_the_radio_could_not_deliver_is_not_sent(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    emulator.faults.send_failures = 1
    assert dongle.send(target.ip, 3610, get_request(7, m.EPC_INSTANT_POWER), timeout=2.0) is SendOutcome.NOT_SENT
    assert dongle.send(target.ip, 3610, get_request(8, m.EPC_INSTANT_POWER), timeout=2.0) is SendOutcome.SENT
    answer(inbox, 8)


def test_reauthentication_on_request(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    dongle.start_reauthentication()
    assert inbox.event(LinkEventKind.PANA_CONNECTED).detail == METER_MAC
    assert dongle.send(target.ip, 3610, get_request(9, m.EPC_CUMULATIVE_NORMAL), timeout=2.0) is SendOutcome.SENT
    answer(inbox, 9)


def test_the_module_reauthenticating_by_itself_reports_pana_connected(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    emulator.expire_session(reauthenticate=True)
    inbox.event(LinkEventKind.PANA_CONNECTED)


def test_session_loss_then_reauthentication_restores_the_session(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    emulator.end_session()
    assert inbox.event(LinkEventKind.LINK_LOST).detail == "connection state 04"
    assert dongle.send(target.ip, 3610, get_request(10, m.EPC_INSTANT_POWER), timeout=2.0) is SendOutcome.NOT_SENT
    dongle.start_reauthentication()
    inbox.event(LinkEventKind.PANA_CONNECTED)
    assert dongle.send(target.ip, 3610, get_request(11, m.EPC_INSTANT_POWER), timeout=2.0) is SendOutcome.SENT
    answer(inbox, 11)


def test_a_failed_reauthentication_reports_the_session_gone(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    emulator.expire_session(reauthenticate=False)
    assert inbox.event(LinkEventKind.PANA_FAILED).detail == "no-response"
    inbox.event(LinkEventKind.LINK_LOST)


def test_wrong_password_is_reported_as_rejected(j11: Any, opened: Any) -> None:
    emulator = j11(password="OTHERPASS999")
    dongle, inbox = opened(emulator)
    dongle.identify()
    dongle.set_credentials(ROUTE_B_ID, PASSWORD)
    (beacon,) = dongle.scan(6, ROUTE_B_ID[-8:])
    dongle.start_join(Target(beacon.channel, beacon.pan_id, dongle.meter_address(beacon.mac), beacon.mac))
    assert inbox.event(LinkEventKind.PANA_REJECTED).detail == "rejected"  # the meter refused: the credentials


def test_association_is_retried_and_a_meter_out_of_reach_fails_the_join(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    dongle.terminate(2.0)
    emulator.faults.association_failures = 2  # two 0x0E, then it associates
    dongle.start_join(target)
    inbox.event(LinkEventKind.PANA_CONNECTED)
    dongle.terminate(2.0)
    wrong = Target(0x21, target.pan_id, target.ip, target.mac)  # a cached channel the meter left
    dongle.start_join(wrong)
    assert inbox.event(LinkEventKind.PANA_FAILED).detail == "association-failed"
    with pytest.raises(CommandRefused, match="no J11 equivalent"):
        dongle.start_join(Target(0x22, target.pan_id, target.ip))


def test_terminate_ends_pana_and_route_b_and_tolerates_no_session(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    dongle.terminate(2.0)
    inbox.event(LinkEventKind.SESSION_ENDED)
    assert not emulator.dongle.joined and not emulator.dongle.route_b_started
    dongle.terminate(2.0)  # nothing to end: no error


def test_reset_waits_for_startup_and_restores_settings_and_credentials(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    joined(emulator, dongle, inbox)
    dongle.reset()
    assert emulator.dongle.stats["resets"] == 1 and not emulator.dongle.joined
    assert emulator.dongle.password == PASSWORD and emulator.dongle.settings is not None
    (beacon,) = dongle.scan(6, ROUTE_B_ID[-8:])
    dongle.start_join(Target(beacon.channel, beacon.pan_id, dongle.meter_address(beacon.mac), beacon.mac))
    inbox.event(LinkEventKind.PANA_CONNECTED)


# ---------------------------------------------------------------- faults on the wire


def test_garbage_bad_checksums_and_cut_frames_before_answers_are_survived(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    emulator.faults.garbage_lines = 1
    emulator.faults.bad_checksum_frames = 1
    emulator.faults.truncated_lines = 1
    emulator.faults.stale_responses = 1
    assert dongle.send(target.ip, 3610, get_request(0x0202, m.EPC_INSTANT_CURRENT), timeout=2.0) is SendOutcome.SENT
    _, frame = answer(inbox, 0x0202)
    assert frame.properties[0].epc == m.EPC_INSTANT_CURRENT
    assert emulator.faults.fired == {"garbage_lines": 1, "bad_checksum_frames": 1, "truncated_lines": 1,
                                     "stale_responses": 1}  # fmt: skip
    tids = [echonet.decode_frame(item.data).tid for item in inbox.seen if isinstance(item, Datagram)]
    assert (0x0202 - 7) & 0xFFFF in tids  # the stale copy came through as a datagram, for the session to drop


def test_unplug_reports_port_lost_last_and_sends_fail(j11: Any, opened: Any) -> None:
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    emulator.unplug(30.0)
    inbox.event(LinkEventKind.PORT_LOST)
    assert not dongle.is_open
    with pytest.raises(PortLost):
        dongle.send(target.ip, 3610, get_request(12, m.EPC_INSTANT_POWER), timeout=1.0)
    time.sleep(0.1)
    assert inbox.items.empty()  # nothing after PORT_LOST


def test_text_commands_get_no_answer_from_the_module(j11: Any) -> None:
    import serial

    emulator = j11()
    port = serial.serial_for_url(emulator.port, 115200, timeout=0.3)
    try:
        port.write(b"SKVER\r\nSKINFO\r\n")
        assert port.read(64) == b""
        port.write(simple_request(Command.GET_VERSION))  # after the text, a frame is answered as ever
        assert port.read(len(FIRMWARE.frame())) == FIRMWARE.frame()
    finally:
        port.close()
    assert emulator.dongle.stats["ignored_input"] == 1 and emulator.dongle.stats["commands"] == 1


def test_forcing_j11_on_a_skstack_dongle_names_the_family_it_found(make_emulator: Any) -> None:
    emulator = make_emulator("bp35a1", E2E_SPEED)
    dongle = J11Dongle(emulator.port, command_timeout=0.5)
    dongle.open()
    try:
        assert not dongle.probe(0.5)
        with pytest.raises(WrongDongleFamily, match="SKSTACK"):
            dongle.identify()
    finally:
        dongle.close()


def test_probe_tells_a_j11_module(j11: Any, opened: Any) -> None:
    dongle, _ = opened(j11())
    assert dongle.probe()


def test_nothing_on_the_line_is_not_responding(tmp_path: Any) -> None:
    import os
    import tty

    master, slave = os.openpty()  # a port with nobody behind it
    tty.setraw(slave)
    try:
        dongle = J11Dongle(os.ttyname(slave), command_timeout=0.3, reset_timeout=0.3)
        dongle.open()
        try:
            with pytest.raises(DongleNotResponding):
                dongle.identify()
            assert not dongle.probe(0.3)
        finally:
            dongle.close()
    finally:
        os.close(master)
        os.close(slave)


# ---------------------------------------------------------------- secrets


def test_password_and_route_b_id_are_in_no_log_line_at_debug_level(
    j11: Any, opened: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator = j11()
    dongle, inbox = opened(emulator)
    target = joined(emulator, dongle, inbox)
    dongle.send(target.ip, 3610, get_request(13, m.EPC_INSTANT_POWER), timeout=2.0)
    answer(inbox, 13)
    emulator.meter.config.password = "OTHERPASS999"
    dongle.terminate(2.0)
    dongle.start_join(target)
    inbox.event(LinkEventKind.PANA_REJECTED)  # the meter refused the changed password
    messages = [record.getMessage() for record in caplog.records]
    assert any("0054 PANA auth" in text for text in messages)  # the credentials frame was logged...
    assert all(PASSWORD not in text and ROUTE_B_ID not in text for text in messages)  # ...masked
    assert PASSWORD.encode().hex().upper() not in caplog.text
    assert PASSWORD not in caplog.text and ROUTE_B_ID not in caplog.text


def test_malformed_credentials_are_refused_without_echoing_them(j11: Any, opened: Any) -> None:
    dongle, _ = opened(j11())
    dongle.identify()
    with pytest.raises(CommandRefused) as refused:
        dongle.set_credentials(ROUTE_B_ID, "SECRET")  # 6 characters, not 12
    assert "SECRET" not in str(refused.value) and "12" in str(refused.value)
