"""Ordering races, scripted line by line on a real pty (tests/scripted_dongle.py).

Each scenario writes the dongle's lines in one exact order that a real module can produce,
and checks that the session binds every answer and every EVENT 21 to the request it belongs to.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from conftest import PASSWORD, ROUTE_B_ID
from scripted_dongle import METER_IP, ScriptedDongle, Send

from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV, Frame, Property
from hems_desktop.session import Session, SessionConfig, SessionState

pytestmark = pytest.mark.timeout(30)

POWER = m.encode_instant_power(321)
CONSTANTS = {m.EPC_COEFFICIENT: (1).to_bytes(4, "big"), m.EPC_UNIT: b"\x01", m.EPC_EFFECTIVE_DIGITS: b"\x06"}


def answer_to(frame: Frame) -> Frame:
    values = {**CONSTANTS, m.EPC_INSTANT_POWER: POWER}
    props = tuple(Property(p.epc, values.get(p.epc, b"")) for p in frame.properties)
    return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES, props)


def is_constants(send: Send) -> bool:
    return send.frame.esv == ESV.GET and send.frame.get(m.EPC_COEFFICIENT) is not None


def ea_infc(tid: int = 0x4242) -> Frame:
    edt = m.encode_fixed_time(__import__("datetime").datetime(2026, 12, 1, 12, 30), 12345)
    return Frame(tid, echonet.SMART_METER_EOJ, echonet.CONTROLLER_EOJ, ESV.INFC,
                 (Property(m.EPC_FIXED_TIME_NORMAL, edt),))


def joined_session(dongle: ScriptedDongle, **kwargs: object) -> Session:
    config = SessionConfig(dongle.port, route_b_id=ROUTE_B_ID, password=PASSWORD, dongle="single-hop",
                           meter_channel=0x21, meter_pan_id=0x8CF5, meter_ipv6=METER_IP,
                           request_timeout=2.0, command_timeout=2.0, join_timeout=2.0)
    session = Session(config, **kwargs)  # type: ignore[arg-type]
    session.connect()
    assert session.state is SessionState.JOINED
    return session


def scenario(get_script: Callable[[ScriptedDongle, Send], None]) -> Callable[[ScriptedDongle, Send], None]:
    """Constants answered plainly (the join's read); every other SKSENDTO goes to the script."""

    def on_send(dongle: ScriptedDongle, send: Send) -> None:
        if is_constants(send):
            dongle.event(0x21, 0x00)
            dongle.line("OK")
            dongle.erxudp(answer_to(send.frame))
        else:
            get_script(dongle, send)

    return on_send


def test_event_29_between_ok_and_the_answer_still_delivers_the_answer() -> None:
    def script(dongle: ScriptedDongle, send: Send) -> None:
        dongle.event(0x21, 0x00)
        dongle.line("OK")
        dongle.event(0x29)  # the lifetime ends right after the request left the radio...
        dongle.erxudp(answer_to(send.frame))  # ...and the answer arrives anyway
        dongle.event(0x25)  # the module re-authenticated by itself

    states: list[SessionState] = []
    with ScriptedDongle(scenario(script)) as dongle:
        session = joined_session(dongle, on_state=lambda state, detail: states.append(state))
        try:
            values = session.get_properties([m.EPC_INSTANT_POWER])
            assert values == {m.EPC_INSTANT_POWER: POWER}
            deadline = time.monotonic() + 2
            while session.state is not SessionState.JOINED and time.monotonic() < deadline:
                time.sleep(0.01)
            assert SessionState.REAUTHENTICATING in states and session.state is SessionState.JOINED
            gets = [s for s in dongle.sends if s.frame.esv == ESV.GET and not is_constants(s)]
            assert len(gets) == 1  # answered once, never re-sent
        finally:
            session.terminate()


def test_an_infc_arriving_during_a_get_is_answered_and_the_get_gets_its_answer() -> None:
    frames: list[Frame] = []

    def script(dongle: ScriptedDongle, send: Send) -> None:
        if send.frame.esv == ESV.INFC_RES:
            dongle.event(0x21, 0x00)
            dongle.line("OK")
            return
        dongle.event(0x21, 0x00)
        dongle.line("OK")
        dongle.erxudp(ea_infc())  # the :30 notice arrives while the Get waits
        threading.Timer(0.3, lambda: dongle.erxudp(answer_to(send.frame))).start()

    with ScriptedDongle(scenario(script)) as dongle:
        session = joined_session(dongle, on_frame=frames.append)
        try:
            assert session.get_properties([m.EPC_INSTANT_POWER]) == {m.EPC_INSTANT_POWER: POWER}
            deadline = time.monotonic() + 2
            while not any(s.frame.esv == ESV.INFC_RES for s in dongle.sends) and time.monotonic() < deadline:
                time.sleep(0.01)
            responses = [s.frame for s in dongle.sends if s.frame.esv == ESV.INFC_RES]
            assert len(responses) == 1 and responses[0].tid == 0x4242
            assert [f.esv for f in frames] == [ESV.INFC]
        finally:
            session.terminate()


def test_a_failed_send_of_another_request_does_not_make_a_waiting_get_retry() -> None:
    def script(dongle: ScriptedDongle, send: Send) -> None:
        if send.frame.esv == ESV.INFC_RES:
            dongle.event(0x21, 0x01)  # this send never left the radio...
            dongle.line("OK")
            threading.Timer(0.3, lambda: dongle.erxudp(answer_to(pending[0].frame))).start()
            return
        pending.append(send)
        dongle.event(0x21, 0x00)
        dongle.line("OK")
        dongle.erxudp(ea_infc())  # ...it was the INFC_Res, sent while the Get waits for its answer

    pending: list[Send] = []
    with ScriptedDongle(scenario(script)) as dongle:
        session = joined_session(dongle)
        try:
            started = time.monotonic()
            assert session.get_properties([m.EPC_INSTANT_POWER]) == {m.EPC_INSTANT_POWER: POWER}
            assert time.monotonic() - started < 1.5  # not the 2 s answer timeout
            gets = [s for s in dongle.sends if s.frame.esv == ESV.GET and not is_constants(s)]
            assert len(gets) == 1  # the other send's EVENT 21 01 did not trigger a retry
        finally:
            session.terminate()
