"""End-to-end: Session over the real driver (pyserial on a pty) against the emulated dongle and meter.

Nothing is mocked: every test opens the pty the emulator serves, detects the dialect, scans,
joins with PANA and exchanges ECHONET Lite frames. Values are checked against the emulator's
meter model, faults are injected through `emulator.faults` and the emulator's actions.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from conftest import E2E_SPEED, PASSWORD, ROUTE_B_ID

from hems_desktop.device.base import DongleFamily
from hems_desktop.emulator import Emulator
from hems_desktop.emulator.dongle import OWN_MAC, PROFILES
from hems_desktop.emulator.meter_model import slot_of
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV, Frame
from hems_desktop.session import (
    CredentialsRejected,
    JoinFailed,
    NoBeaconFound,
    Session,
    SessionConfig,
    SessionError,
    SessionLost,
    SessionState,
)

pytestmark = pytest.mark.timeout(30)

READING = (m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL)


# ---------------------------------------------------------------------------- helpers


class StateLog:
    """on_state listener: every state change with its monotonic time."""

    def __init__(self) -> None:
        self.entries: list[tuple[SessionState, str, float]] = []
        self.hooks: list[Callable[[SessionState], None]] = []

    def __call__(self, state: SessionState, detail: str) -> None:
        self.entries.append((state, detail, time.monotonic()))
        for hook in list(self.hooks):
            hook(state)

    @property
    def states(self) -> list[SessionState]:
        return [entry[0] for entry in self.entries]

    def first(self, state: SessionState, after: float = 0.0) -> float | None:
        return next((t for s, _, t in self.entries if s == state and t >= after), None)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def open_session(emulator: Emulator, config: SessionConfig, **kwargs: Any) -> tuple[Session, StateLog]:
    states = StateLog()
    session = Session(config, on_state=states, **kwargs)
    session.connect()
    assert session.state == SessionState.JOINED
    return session, states


def meter_gets(emulator: Emulator) -> list[Frame]:
    """The Get requests for the smart meter object that reached the meter."""
    return [f for f in emulator.dongle.received_frames if f.esv == ESV.GET and f.deoj == echonet.SMART_METER_EOJ]


Timed = tuple[dict[int, bytes], float, float]


def timed_get(session: Session, emulator: Emulator, epcs: tuple[int, ...] = READING) -> Timed:
    """get_properties, with the meter's clock just before and just after."""
    before = emulator.clock()
    values = session.get_properties(epcs)
    after = emulator.clock()
    return values, before, after


def check_reading(emulator: Emulator, values: dict[int, bytes], before: float, after: float) -> None:
    """E0/E7/E8 agree with the meter model at the time of the request."""
    model = emulator.meter
    raw = m.decode_cumulative(values[m.EPC_CUMULATIVE_NORMAL])
    assert isinstance(raw, int)
    assert model.counts_at(before)[0] <= raw <= model.counts_at(after)[0]
    power = m.decode_instant_power(values[m.EPC_INSTANT_POWER])
    assert power in {model.instant_power_w(before), model.instant_power_w(after)}
    currents = m.decode_currents(values[m.EPC_INSTANT_CURRENT])
    expected = {model.currents_deciamps(before), model.currents_deciamps(after)}
    t_raw = currents.t_deciamps
    actual = (currents.r_deciamps, None if isinstance(t_raw, m.NoValue) else t_raw)
    assert actual in expected
    if model.config.three_wire:
        assert currents.r_amps is not None and currents.t_amps is not None
    else:
        assert currents.t_amps is None  # two-wire service: T has no data, never a guess
        assert currents.r_amps is not None


# ---------------------------------------------------------------------------- connect and read


def test_scan_join_and_read_match_the_meter_model(dongle_emulator: Any, e2e_config: Any,
                                                  dongle_case: tuple[str, str, bool | None]) -> None:
    emu = dongle_emulator()
    session, states = open_session(emu, e2e_config(emu))
    try:
        network = session.network
        assert network is not None and network.source == "scan"
        cfg = emu.meter.config
        assert (network.channel, network.pan_id, network.mac) == (cfg.channel, cfg.pan_id, cfg.mac)
        assert network.ip == emu.dongle.meter_ip
        assert states.states[:2] == [SessionState.OPENING, SessionState.CONFIGURING]
        assert SessionState.SCANNING in states.states and states.states[-1] == SessionState.JOINED
        assert emu.dongle.joined and emu.dongle.route_b_id == ROUTE_B_ID and emu.dongle.password == PASSWORD
        for _ in range(3):
            values, before, after = timed_get(session, emu)
            assert set(values) == set(READING)
            check_reading(emu, values, before, after)
        # One Get carries all three EPCs: one round trip per reading.
        last = meter_gets(emu)[-1]
        assert [p.epc for p in last.properties] == list(READING)
        assert session.constants is not None
        assert session.constants.coefficient == 1 and not session.constants.coefficient_refused
        assert session.constants.effective_digits == cfg.effective_digits
    finally:
        session.terminate()
    assert not emu.dongle.joined  # SKTERM reached the dongle
    assert session.state == SessionState.STOPPED


def test_dialect_detected_from_einfo(skstack_emulator: Any, e2e_config: Any,
                                     skstack_case: tuple[str, str, bool | None]) -> None:
    _, dialect, hex_payload = skstack_case
    emu = skstack_emulator()
    session = Session(e2e_config(emu))
    session.open()
    try:
        expected = DongleFamily.DUAL_STACK if dialect == "dual-stack" else DongleFamily.SINGLE_HOP
        assert session.info is not None and session.info.family == expected
        assert session.dongle_mac == OWN_MAC
        assert session.dongle_version == PROFILES[dialect].version
        # The payload format was read (ROPT), never written: WOPT wears the flash.
        assert emu.dongle.stats.get("flash_writes", 0) == 0
        session.connect()
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
        assert emu.dongle.hex_payload == (hex_payload is True or dialect == "rl7023-ips")
    finally:
        session.terminate()


def test_two_wire_meter_reports_no_t_phase(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(three_wire=False)
    session, _ = open_session(emu, e2e_config(emu))
    try:
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
        currents = m.decode_currents(values[m.EPC_INSTANT_CURRENT])
        assert currents.t_amps is None and isinstance(currents.t_deciamps, m.NoValue)
        assert currents.r_amps is not None and currents.r_amps != 0
    finally:
        session.terminate()


def test_coefficient_refused_means_one(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(coefficient=None)
    session, _ = open_session(emu, e2e_config(emu))
    try:
        constants = session.constants
        assert constants is not None
        assert constants.coefficient == 1 and constants.coefficient_refused
        assert m.EPC_COEFFICIENT in session.refused_epcs
        # Unit and digits still came in the same Get.
        assert constants.effective_digits == emu.meter.config.effective_digits
        assert str(constants.unit_kwh) == "0.1"
    finally:
        session.terminate()


def test_refused_property_left_out_and_remembered(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(unsupported_epcs=frozenset({m.EPC_INSTANT_CURRENT}))
    session, _ = open_session(emu, e2e_config(emu))
    try:
        values, before, after = timed_get(session, emu)
        assert set(values) == {m.EPC_INSTANT_POWER, m.EPC_CUMULATIVE_NORMAL}
        assert m.EPC_INSTANT_CURRENT in session.refused_epcs
        raw = m.decode_cumulative(values[m.EPC_CUMULATIVE_NORMAL])
        assert isinstance(raw, int)
        assert emu.meter.counts_at(before)[0] <= raw <= emu.meter.counts_at(after)[0]
        asked_before = len(meter_gets(emu))
        values = session.get_properties(READING)
        assert set(values) == {m.EPC_INSTANT_POWER, m.EPC_CUMULATIVE_NORMAL}
        gets = meter_gets(emu)
        assert len(gets) == asked_before + 1  # one round trip, no per-EPC probing
        assert [p.epc for p in gets[-1].properties] == [m.EPC_INSTANT_POWER, m.EPC_CUMULATIVE_NORMAL]
        assert session.get_properties([m.EPC_INSTANT_CURRENT]) == {}
        assert len(meter_gets(emu)) == asked_before + 1  # not even asked
    finally:
        session.terminate()


# ---------------------------------------------------------------------------- injected faults


def test_dropped_answer_is_retried_with_a_new_tid(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator()
    session, _ = open_session(emu, e2e_config(emu, request_timeout=0.25))
    try:
        emu.faults.drop_responses = 1
        sent = len(meter_gets(emu))
        before = emu.clock()
        answer = session.request(echonet.get_request(0x0101, READING))
        after = emu.clock()
        assert emu.faults.fired.get("drop_responses") == 1
        gets = meter_gets(emu)[sent:]
        assert len(gets) == 2
        assert gets[0].tid == 0x0101 and gets[1].tid != 0x0101
        assert answer.tid == gets[1].tid and answer.esv == ESV.GET_RES
        check_reading(emu, {p.epc: p.edt for p in answer.properties}, before, after)
    finally:
        session.terminate()


def test_stale_answer_with_an_old_tid_is_ignored(dongle_emulator: Any, e2e_config: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    emu = dongle_emulator()
    session, _ = open_session(emu, e2e_config(emu))
    try:
        caplog.set_level(logging.DEBUG, logger="hems_desktop.session")
        emu.faults.stale_responses = 2
        for tid in (0x2000, 0x2100):
            before = emu.clock()
            answer = session.request(echonet.get_request(tid, READING))
            after = emu.clock()
            assert answer.tid == tid
            check_reading(emu, {p.epc: p.edt for p in answer.properties}, before, after)
        assert emu.faults.fired.get("stale_responses") == 2
        stale = [r.getMessage() for r in caplog.records if "stale answer" in r.getMessage()]
        assert f"ignoring a stale answer (TID {0x2000 - 7:04X})" in stale
        assert f"ignoring a stale answer (TID {0x2100 - 7:04X})" in stale
    finally:
        session.terminate()


def test_late_answer_to_a_retried_request_is_not_taken_for_the_next(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED)
    session, _ = open_session(emu, e2e_config(emu, request_timeout=0.25))
    try:
        emu.faults.delayed_responses = 1
        emu.faults.delay_seconds = 0.35 * emu.config.speed  # arrives 0.35 s late: after the retry went out
        first = session.request(echonet.get_request(0x3000, READING))
        assert first.tid != 0x3000  # answered by the retry
        second = session.request(echonet.get_request(0x3100, (m.EPC_CUMULATIVE_NORMAL,)))
        assert second.tid == 0x3100
        assert [p.epc for p in second.properties] == [m.EPC_CUMULATIVE_NORMAL]
        time.sleep(0.2)  # the late answer to 0x3000 has surely arrived by now
        third = session.request(echonet.get_request(0x3200, (m.EPC_INSTANT_POWER,)))
        assert third.tid == 0x3200 and [p.epc for p in third.properties] == [m.EPC_INSTANT_POWER]
        assert emu.faults.fired.get("delayed_responses") == 1
    finally:
        session.terminate()


@pytest.mark.parametrize("fault", ["garbage_lines", "truncated_lines"])
def test_garbage_and_truncated_lines_do_not_break_the_session(dongle_emulator: Any, e2e_config: Any,
                                                              fault: str) -> None:
    emu = dongle_emulator()
    session, _ = open_session(emu, e2e_config(emu, request_timeout=0.5, request_attempts=4))
    try:
        setattr(emu.faults, fault, 3)
        for _ in range(5):
            values, before, after = timed_get(session, emu)
            assert set(values) == set(READING)
            check_reading(emu, values, before, after)
        assert emu.faults.fired.get(fault) == 3
        assert session.state == SessionState.JOINED and session.joined
    finally:
        session.terminate()


@pytest.mark.parametrize("fault", ["fail_er10", "send_failures"])
def test_send_failure_is_retried(skstack_emulator: Any, e2e_config: Any, fault: str) -> None:
    emu = skstack_emulator()
    session, _ = open_session(emu, e2e_config(emu, request_timeout=2.0))
    try:
        setattr(emu.faults, fault, 1)
        sendto_before = emu.dongle.stats["sendto"]
        started = time.monotonic()
        values, before, after = timed_get(session, emu)
        # Nothing left the dongle (FAIL ER10 / EVENT 21 ... 01): no waiting for an answer that cannot come.
        assert time.monotonic() - started < 1.0
        check_reading(emu, values, before, after)
        assert emu.faults.fired.get(fault) == 1
        assert emu.dongle.stats["sendto"] == sendto_before + 2  # the failed send and its retry
        assert session.state == SessionState.JOINED
    finally:
        session.terminate()


def test_session_expiry_with_reauthentication_makes_the_request_wait(skstack_emulator: Any, e2e_config: Any) -> None:
    emu = skstack_emulator(speed=40.0)  # slow enough that a request surely starts during re-authentication
    session, states = open_session(emu, e2e_config(emu, join_timeout=3.0))
    try:
        result: dict[str, Any] = {}

        def read() -> None:
            result["started"] = time.monotonic()
            try:
                result["values"], result["before"], result["after"] = timed_get(session, emu)
            except Exception as exc:  # reported below
                result["error"] = exc
            result["done"] = time.monotonic()

        thread = threading.Thread(target=read)

        def start_reading(state: SessionState) -> None:
            if state == SessionState.REAUTHENTICATING and not thread.is_alive() and "started" not in result:
                thread.start()

        states.hooks.append(start_reading)
        sendto_before = emu.dongle.stats["sendto"]
        expired_at = time.monotonic()
        emu.expire_session(reauthenticate=True)
        wait_for(lambda: "done" in result, 5.0, "the reading")
        thread.join()
        assert "error" not in result, result.get("error")
        check_reading(emu, result["values"], result["before"], result["after"])
        reauth = states.first(SessionState.REAUTHENTICATING, expired_at)
        rejoined = states.first(SessionState.JOINED, expired_at)
        assert reauth is not None and rejoined is not None
        assert reauth <= result["started"] < rejoined < result["done"]
        assert emu.dongle.stats["sendto"] == sendto_before + 1  # it waited instead of sending into the void
        assert session.state == SessionState.JOINED and session.joined
        assert emu.dongle.stats["joins"] == 1  # the module re-authenticated by itself: no new SKJOIN
    finally:
        session.terminate()


def test_session_expiry_without_reauthentication_is_lost(skstack_emulator: Any, e2e_config: Any) -> None:
    emu = skstack_emulator()
    session, _ = open_session(emu, e2e_config(emu, join_timeout=0.3))
    try:
        emu.expire_session(reauthenticate=False)
        wait_for(lambda: session.state == SessionState.REAUTHENTICATING, 2.0, "EVENT 29")
        started = time.monotonic()
        with pytest.raises(SessionLost):
            session.get_properties(READING)
        assert time.monotonic() - started < 1.5  # bounded by the join timeout, not minutes
        assert not session.joined and session.state == SessionState.DISCONNECTED
        # A new connect (what the collector does) joins again and reads.
        session.connect()
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
        assert session.network is not None and session.network.source == "cache"
    finally:
        session.terminate()


def test_session_end_by_the_meter_is_lost(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator()
    session, _ = open_session(emu, e2e_config(emu))
    try:
        emu.end_session()
        wait_for(lambda: session.state == SessionState.DISCONNECTED, 2.0, "EVENT 26")
        with pytest.raises(SessionLost):
            session.get_properties(READING)
        assert not session.joined
        session.connect()
        assert session.state == SessionState.JOINED
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
    finally:
        session.terminate()


def test_tx_limit_pauses_sending_until_event_33(skstack_emulator: Any, e2e_config: Any) -> None:
    emu = skstack_emulator()
    session, states = open_session(emu, e2e_config(emu))
    try:
        limit_s = 0.3
        limited_at = time.monotonic()
        emu.set_tx_limit(limit_s * emu.config.speed)
        wait_for(lambda: session.state == SessionState.TX_LIMITED, 2.0, "EVENT 32")
        sendto_before = emu.dongle.stats["sendto"]
        result: dict[str, Any] = {}

        def read() -> None:
            result["values"], result["before"], result["after"] = timed_get(session, emu)
            result["done"] = time.monotonic()

        thread = threading.Thread(target=read)
        thread.start()
        time.sleep(limit_s / 3)
        assert thread.is_alive() and emu.dongle.stats["sendto"] == sendto_before  # nothing sent while limited
        thread.join(5)
        assert not thread.is_alive()
        check_reading(emu, result["values"], result["before"], result["after"])
        lifted = states.first(SessionState.JOINED, limited_at)
        assert lifted is not None and lifted < result["done"]
        assert lifted - limited_at >= limit_s * 0.8
        assert emu.dongle.stats["sendto"] == sendto_before + 1
        assert SessionState.TX_LIMITED in states.states
    finally:
        session.terminate()


def test_no_beacon_on_the_first_scan_then_a_longer_scan_finds_it(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator()
    emu.faults.no_beacon_scans = 1
    session, states = open_session(emu, e2e_config(emu))
    try:
        assert emu.dongle.stats["scans"] == 2
        details = [d for s, d, _ in states.entries if s == SessionState.SCANNING and d]
        assert details == ["duration 4", "duration 5"]
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
    finally:
        session.terminate()


def test_distant_meter_needs_a_longer_scan(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED, beacon_min_duration=6)
    session, states = open_session(emu, e2e_config(emu))
    try:
        details = [d for s, d, _ in states.entries if s == SessionState.SCANNING and d]
        assert details == ["duration 4", "duration 5", "duration 6"]
        assert session.network is not None and session.network.source == "scan"
    finally:
        session.terminate()


def test_failed_join_on_a_cached_network_forgets_it_and_rescans(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator()
    config = e2e_config(emu)
    first, _ = open_session(emu, config)
    first.terminate()
    cache_files = list(config.cache_dir.glob("network-*.json"))
    assert len(cache_files) == 1
    assert emu.dongle.stats["scans"] == 1

    emu.faults.join_failures = 1
    second, states = open_session(emu, config)
    try:
        assert emu.faults.fired.get("join_failures") == 1
        assert emu.dongle.stats["scans"] == 2  # the cache was tried, failed and a rescan happened
        assert emu.dongle.stats["joins"] == 3
        joining = states.states.index(SessionState.JOINING)
        assert SessionState.SCANNING not in states.states[:joining]  # the cached network came first
        assert SessionState.SCANNING in states.states[joining:]
        assert second.network is not None and second.network.source == "scan"
        assert cache_files[0].exists()  # cached again after the successful join
        values, before, after = timed_get(second, emu)
        check_reading(emu, values, before, after)
    finally:
        second.terminate()


def test_cached_network_is_used_without_scanning(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("rl7023-ips", E2E_SPEED)
    config = e2e_config(emu)
    first, _ = open_session(emu, config)
    first.terminate()
    second, states = open_session(emu, config)
    try:
        assert SessionState.SCANNING not in states.states
        assert emu.dongle.stats["scans"] == 1
        assert second.network is not None and second.network.source == "cache"
    finally:
        second.terminate()


@pytest.mark.parametrize("infc", [True, False], ids=["INFC", "INF"])
def test_fixed_time_notice_infc_is_answered(dongle_emulator: Any, e2e_config: Any, infc: bool) -> None:
    emu = dongle_emulator()
    frames: list[Frame] = []
    session, _ = open_session(emu, e2e_config(emu), on_frame=frames.append)
    try:
        emu.dongle.infc = infc
        emu.advance_clock(1800)  # past the next :00/:30
        emu.call(emu.dongle.tick)
        wait_for(lambda: any(f.get(m.EPC_FIXED_TIME_NORMAL) for f in frames), 3.0, "the EA notice")
        notice = next(f for f in frames if f.get(m.EPC_FIXED_TIME_NORMAL))
        assert notice.esv == (ESV.INFC if infc else ESV.INF)
        prop = notice.get(m.EPC_FIXED_TIME_NORMAL)
        assert prop is not None
        value = m.decode_fixed_time(prop.edt)
        counts = emu.meter.slot_counts(slot_of(emu.clock()))
        assert counts is not None and value.value == counts[0]
        if infc:
            wait_for(lambda: emu.dongle.stats.get("infc_res", 0) == 1, 3.0, "INFC_Res")
            response = [f for f in emu.dongle.received_frames if f.esv == ESV.INFC_RES]
            assert len(response) == 1
            assert response[0].tid == notice.tid
            assert [p.epc for p in response[0].properties] == [m.EPC_FIXED_TIME_NORMAL]
        else:
            time.sleep(0.1)
            assert emu.dongle.stats.get("infc_res", 0) == 0  # an INF needs no answer
        # The session still reads normally afterwards.
        values, before, after = timed_get(session, emu)
        check_reading(emu, values, before, after)
    finally:
        session.terminate()


# ---------------------------------------------------------------------------- credentials and secrets


def test_wrong_password_fails_the_join(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(password="OTHERPASS999")
    session = Session(e2e_config(emu))
    try:
        with pytest.raises(JoinFailed) as failed:
            session.connect()
        assert failed.value.rejected  # the meter answered PANA and refused: the credentials are wrong
        assert emu.dongle.joins == 1
        assert PASSWORD not in str(failed.value)
    finally:
        session.terminate()


def test_wrong_password_on_a_cached_network_is_a_rejection_and_keeps_the_cache(
    dongle_emulator: Any, e2e_config: Any
) -> None:
    emu = dongle_emulator(password=PASSWORD)
    config = e2e_config(emu)
    first, _ = open_session(emu, config)
    first.terminate()
    assert len(list(config.cache_dir.glob("network-*.json"))) == 1
    emu.meter.config.password = "CHANGEDPASS1"  # the password was renewed with the power company
    session = Session(config)
    try:
        with pytest.raises(JoinFailed) as failed:
            session.connect()
        # The meter answered PANA on the cached network and refused: that is the credentials, not
        # the network, so there is no rescan and the cache a wrong password cannot disprove stays.
        assert failed.value.rejected
        assert emu.dongle.joins == 2 and emu.dongle.stats["scans"] == 1
        assert len(list(config.cache_dir.glob("network-*.json"))) == 1
        with pytest.raises(CredentialsRejected):
            session.connect()  # the second refusal latches
        assert emu.dongle.joins == 3 and session.state == SessionState.CREDENTIALS_REJECTED
    finally:
        session.terminate()


def test_wrong_password_with_every_meter_override_still_latches(dongle_emulator: Any, e2e_config: Any) -> None:
    emu = dongle_emulator(password="OTHERPASS999")
    cfg = emu.meter.config
    from hems_desktop.protocol.dialects import mac_to_link_local

    config = e2e_config(emu, meter_channel=cfg.channel, meter_pan_id=cfg.pan_id,
                        meter_ipv6=mac_to_link_local(cfg.mac))
    session = Session(config)
    try:
        with pytest.raises(JoinFailed) as failed:
            session.connect()
        assert failed.value.rejected  # no scan happened, yet the refusal counts
        with pytest.raises(CredentialsRejected):
            session.connect()
        assert emu.dongle.joins == 2 and emu.dongle.stats.get("scans", 0) == 0
    finally:
        session.terminate()


def test_meter_out_of_range_says_so_without_blaming_the_id(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("bp35a1", E2E_SPEED, beacon_min_duration=9)  # too far for any scan we make
    session = Session(e2e_config(emu))
    try:
        with pytest.raises(NoBeaconFound) as failed:
            session.connect()
        assert "closer" in str(failed.value) and "in range" not in str(failed.value)
        assert emu.dongle.stats["scans"] == 6
    finally:
        session.terminate()


def test_wrong_route_b_id_finds_no_beacon(make_emulator: Any, e2e_config: Any) -> None:
    emu = make_emulator("dual-stack", E2E_SPEED, route_b_id="FEDCBA9876543210FEDCBA9876543210")
    session = Session(e2e_config(emu))
    try:
        with pytest.raises(NoBeaconFound) as failed:
            session.connect()
        assert "B-route ID" in str(failed.value)
        assert emu.dongle.stats["scans"] == 6  # durations 4..8, then once without the pairing code
        assert "in range" in str(failed.value)
        assert emu.dongle.joins == 0
    finally:
        session.terminate()


def test_password_never_logged_nor_in_exceptions(make_emulator: Any, e2e_config: Any,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = make_emulator("bp35a1", E2E_SPEED, hex_payload=True)
    config = e2e_config(emu, request_timeout=0.2, request_attempts=2)
    assert PASSWORD not in repr(config)
    errors: list[BaseException] = []
    session, _ = open_session(emu, config)
    try:
        emu.faults.garbage_lines = 1
        emu.faults.fail_er10 = 1
        session.get_properties(READING)
        emu.faults.drop_responses = 2
        try:
            session.get_properties(READING)
        except SessionError as exc:
            errors.append(exc)
        emu.end_session()
        wait_for(lambda: not session.joined, 2.0, "EVENT 26")
        try:
            session.get_properties(READING)
        except SessionError as exc:
            errors.append(exc)
    finally:
        session.terminate()
    emu.meter.config.password = "OTHERPASS999"
    rejected = Session(config)
    try:
        rejected.connect()
    except SessionError as exc:
        errors.append(exc)
    finally:
        rejected.terminate()
    assert emu.dongle.password == PASSWORD  # it was sent to the dongle...
    assert len(errors) == 3 and any(isinstance(e, JoinFailed) for e in errors)
    for exc in errors:
        assert PASSWORD not in "".join(traceback.format_exception(exc))
    assert any("SKSETPWD" in r.getMessage() for r in caplog.records)  # ...and its command was logged...
    assert PASSWORD not in caplog.text  # ...without the password
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
