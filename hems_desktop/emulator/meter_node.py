"""The meter's ECHONET Lite node: what any virtual dongle carries over the radio.

It answers Get/SetC/SetI for the smart-meter object (values from `MeterModel`) and the node
profile, keeps the E5 day and the EC/ED history-2 setting, sends the D5 instance list after a
join and the EA (+EB) notice at every :00 and :30, and applies the meter-level faults: lost,
late and stale answers. How frames travel (ERXUDP lines, J11 0x6018 notifications) and the
faults of the wire itself are the dongle's business, behind `MeterLink`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Protocol

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel, slot_of, slot_of_jst, slot_start_jst
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV, Frame, Property
from hems_desktop.timebase import JST


class MeterLink(Protocol):
    """The dongle side of the radio, as the meter node uses it."""

    @property
    def joined(self) -> bool: ...

    def after(self, hardware_seconds: float, action: Callable[[], None]) -> None:
        """Run `action` later (hardware time, divided by the speed); cancelled by a reset."""
        ...

    def deliver(self, frame: Frame, multicast: bool) -> None:
        """Send a frame from the meter to the controller (or to all nodes)."""
        ...

    def wire_faults(self, delay: float, answer: Frame) -> None:
        """Inject the dongle's own faults (garbage, cut-off frames) before an answer due in `delay`."""
        ...


class MeterNode:
    """Single-threaded like the dongles: called from the emulator thread only."""

    def __init__(
        self,
        meter: MeterModel,
        link: MeterLink,
        *,
        clock: Callable[[], float],
        faults: Faults,
        rng: random.Random,
        count: Callable[[str], None],
    ) -> None:
        self.meter = meter
        self.link = link
        self.clock = clock
        self.faults = faults
        self.rng = rng
        self._count = count
        self.received_frames: list[Frame] = []  # what the meter got (tests read it)
        self.infc = False  # send EA as INFC (expects INFC_Res) instead of INF
        self._meter_tid = 0
        self._last_fixed_slot = slot_of(clock())
        self.reset()

    def reset(self) -> None:
        """The dongle was reset: the controller's E5/ED choices are forgotten with the session."""
        self._day_for_history = 0
        self._history2 = (slot_start_jst(slot_of(self.clock()) - 1), 12)

    def joined(self) -> None:
        """PANA completed: the :00/:30 notices count from now; the instance list goes out to all nodes."""
        self._last_fixed_slot = slot_of(self.clock())
        instance_list = Frame(
            0, echonet.NODE_PROFILE_EOJ, echonet.NODE_PROFILE_EOJ, ESV.INF,
            (Property(m.EPC_INSTANCE_LIST, bytes([1]) + echonet.SMART_METER_EOJ.to_bytes(3, "big")),),
        )  # fmt: skip
        self.link.after(0.3, lambda: self.link.deliver(instance_list, True))

    # ---- requests ----

    def receive(self, payload: bytes) -> None:
        """A UDP payload for port 3610 reached the meter."""
        try:
            frame = echonet.decode_frame(payload)
        except echonet.EchonetError:
            self._count("bad_frames")
            return  # a real meter drops what it cannot parse
        self.received_frames.append(frame)
        if frame.esv in (ESV.INFC_RES,):
            self._count("infc_res")
            return
        response = self._answer(frame)
        if response is None:
            return
        if self.faults.take("drop_responses"):
            self._count("dropped")
            return
        delay = 0.1 + 0.6 * self.rng.random()
        if self.faults.take("delayed_responses"):
            delay += self.faults.delay_seconds
        self.link.wire_faults(delay, response)
        if self.faults.take("stale_responses"):
            stale = Frame((response.tid - 7) & 0xFFFF, response.seoj, response.deoj, response.esv, response.properties)
            self.link.after(delay * 0.8, lambda: self.link.deliver(stale, False))
        self.link.after(delay, lambda: self.link.deliver(response, False))

    def _answer(self, frame: Frame) -> Frame | None:
        if frame.deoj == echonet.NODE_PROFILE_EOJ and frame.esv == ESV.GET:
            props = tuple(
                Property(p.epc, bytes([1]) + echonet.SMART_METER_EOJ.to_bytes(3, "big"))
                if p.epc in (0xD5, 0xD6) else Property(p.epc)
                for p in frame.properties
            )  # fmt: skip
            ok = all(p.edt for p in props)
            return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES if ok else ESV.GET_SNA, props)
        if frame.deoj != echonet.SMART_METER_EOJ:
            return None
        if frame.esv == ESV.GET:
            props = tuple(Property(p.epc, self.property_value(p.epc) or b"") for p in frame.properties)
            ok = all(p.edt for p in props)
            return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES if ok else ESV.GET_SNA, props)
        if frame.esv in (ESV.SETC, ESV.SETI):
            accepted = tuple(self._set_property(p) for p in frame.properties)
            if frame.esv == ESV.SETI and all(accepted):
                return None
            props = tuple(Property(p.epc) if ok else p for p, ok in zip(frame.properties, accepted, strict=True))
            good = ESV.SET_RES if all(accepted) else (ESV.SETC_SNA if frame.esv == ESV.SETC else ESV.SETI_SNA)
            return Frame(frame.tid, frame.deoj, frame.seoj, good, props)
        return None

    def _set_property(self, prop: Property) -> bool:
        if prop.epc in self.meter.config.unsupported_epcs:
            return False
        if prop.epc == m.EPC_HISTORY1_DAY and len(prop.edt) == 1:
            if prop.edt[0] > self.meter.config.history_days:
                return False
            self._day_for_history = prop.edt[0]
            return True
        if prop.epc == m.EPC_HISTORY2_SETTING and len(prop.edt) == 7:
            try:
                setting = m.decode_history2_setting(prop.edt)
            except echonet.EchonetError:
                return False
            if setting.newest.minute not in (0, 30) or not 1 <= setting.count <= 12:
                return False
            self._history2 = (setting.newest, setting.count)
            return True
        return False

    # ---- property values ----

    def supported_epcs(self) -> frozenset[int]:
        epcs = {0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D, 0x9E, 0x9F, 0xD3, 0xD7, 0xE0, 0xE1,
                0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED}  # fmt: skip
        return frozenset(epcs - set(self.meter.config.unsupported_epcs))

    def property_value(self, epc: int) -> bytes | None:
        """EDT of a meter property now, or None when the meter does not support it."""
        cfg = self.meter.config
        if epc not in self.supported_epcs() or (epc == m.EPC_COEFFICIENT and cfg.coefficient is None):
            return None
        now = self.clock()
        local = dt.datetime.fromtimestamp(now, JST)
        if epc == m.EPC_INSTANT_POWER:
            return m.encode_instant_power(self.meter.instant_power_w(now))
        if epc == m.EPC_INSTANT_CURRENT:
            r, t = self.meter.currents_deciamps(now)
            return m.encode_currents(r, m.NoValue(m.NoValueReason.NO_DATA) if t is None else t)
        if epc in (m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE):
            normal, reverse = self.meter.counts_at(now)
            return m.encode_u32(normal if epc == m.EPC_CUMULATIVE_NORMAL else reverse)
        if epc in (m.EPC_HISTORY1_NORMAL, m.EPC_HISTORY1_REVERSE):
            return self._day_history(now, reverse=epc == m.EPC_HISTORY1_REVERSE)
        if epc in (m.EPC_FIXED_TIME_NORMAL, m.EPC_FIXED_TIME_REVERSE):
            slot = slot_of(now)
            counts = self.meter.slot_counts(slot)
            value: m.Measured = m.NoValue(m.NoValueReason.NO_DATA) if counts is None else counts[
                epc == m.EPC_FIXED_TIME_REVERSE]
            return m.encode_fixed_time(slot_start_jst(slot), value)
        if epc == m.EPC_HISTORY2:
            newest, count = self._history2
            first = slot_of_jst(newest)
            pairs = []
            for slot in range(first, first - count, -1):
                counts = self.meter.slot_counts(slot) if slot <= slot_of(now) else None
                no = m.NoValue(m.NoValueReason.NO_DATA)
                pairs.append((no, no) if counts is None else counts)
            return m.encode_history2(newest, tuple(pairs))
        fixed: dict[int, bytes] = {
            0x80: b"\x30",
            0x81: b"\x61",
            0x82: b"\x00\x00" + cfg.release.encode() + b"\x00",
            0x88: b"\x42",
            0x8A: b"\x00\x00\x16",
            0x8D: cfg.serial_number.encode().ljust(12, b"\x00")[:12],
            0x97: bytes([local.hour, local.minute]),
            0x98: local.year.to_bytes(2, "big") + bytes([local.month, local.day]),
            0x9D: m.encode_property_map(frozenset({0x80, 0x81, 0x88}) & self.supported_epcs()),
            0x9E: m.encode_property_map(frozenset({0x81, 0xE5, 0xED}) & self.supported_epcs()),
            0x9F: m.encode_property_map(self.supported_epcs()),
            0xD3: (cfg.coefficient or 1).to_bytes(4, "big"),
            0xD7: bytes([cfg.effective_digits]),
            0xE1: bytes([cfg.unit_code]),
            0xE5: bytes([self._day_for_history]),
            0xED: m.encode_history2_setting(*self._history2),
        }
        return fixed.get(epc)

    def _day_history(self, now: float, reverse: bool) -> bytes:
        today_first = slot_of(now) // 48 * 48
        first = today_first - 48 * self._day_for_history
        current = slot_of(now)
        values: list[m.Measured] = []
        for slot in range(first, first + 48):
            counts = self.meter.slot_counts(slot) if slot <= current else None
            values.append(m.NoValue(m.NoValueReason.NO_DATA) if counts is None else counts[int(reverse)])
        return m.encode_day_history(self._day_for_history, tuple(values))

    # ---- clock-driven behaviour ----

    def tick(self) -> None:
        """Called about once a second: the meter's INF of EA (and EB) at every :00 and :30."""
        slot = slot_of(self.clock())
        if slot == self._last_fixed_slot:
            return
        self._last_fixed_slot = slot
        if not self.link.joined:
            return
        epcs = [m.EPC_FIXED_TIME_NORMAL]
        if self.meter.config.solar_peak_w > 0:
            epcs.append(m.EPC_FIXED_TIME_REVERSE)
        props = tuple(Property(epc, self.property_value(epc) or b"") for epc in epcs if self.property_value(epc))
        if not props:
            return
        self._meter_tid = (self._meter_tid + 1) & 0xFFFF
        esv = ESV.INFC if self.infc else ESV.INF
        frame = Frame(self._meter_tid, echonet.SMART_METER_EOJ, echonet.CONTROLLER_EOJ, esv, props)
        self._count("fixed_time_inf")
        self.link.deliver(frame, False)
