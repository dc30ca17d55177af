"""The meter's ECHONET Lite node: what any virtual dongle carries over the radio.

It answers Get/SetC/SetI for the smart-meter object (values and the E5/ED/EF settings in
`MeterProperties`, from `MeterModel`) and the node profile, sends the D5 instance list after a
join and the EA (+EB) notice at every :00 and :30, and applies the meter-level faults: lost,
late and stale answers. How frames travel (ERXUDP lines, J11 0x6018 notifications) and the
faults of the wire itself are the dongle's business, behind `MeterLink`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel, slot_of
from hems_desktop.emulator.meter_properties import MeterProperties
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import ESV, Frame, Property


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
        # (meter clock, request, answer) for every Get the meter answered: tests recompute the values
        # from the model at exactly that instant.
        self.answered_gets: list[tuple[float, Frame, Frame]] = []
        self.properties = MeterProperties(meter, clock())
        self.infc = False  # send EA as INFC (expects INFC_Res) instead of INF
        self._meter_tid = 0
        self._last_fixed_slot = slot_of(clock())
        self.reset()

    def reset(self) -> None:
        """The dongle was reset: the controller's E5/ED/EF choices are forgotten with the session."""
        self.properties.reset(self.clock())

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
        now = self.clock()
        if frame.esv == ESV.GET:
            limit = self.meter.config.ignore_gets_over
            if limit is not None and len(frame.properties) > limit:
                self._count("ignored_gets")
                return None
            answer = self._get(frame, now)
            self.answered_gets.append((now, frame, answer))
            return answer
        if frame.esv in (ESV.SETC, ESV.SETI):
            accepted = tuple(self.properties.set(p, now) for p in frame.properties)
            if frame.esv == ESV.SETI and all(accepted):
                return None
            props = tuple(Property(p.epc) if ok else p for p, ok in zip(frame.properties, accepted, strict=True))
            good = ESV.SET_RES if all(accepted) else (ESV.SETC_SNA if frame.esv == ESV.SETC else ESV.SETI_SNA)
            return Frame(frame.tid, frame.deoj, frame.seoj, good, props)
        return None

    def _get(self, frame: Frame, now: float) -> Frame:
        """Get_Res, or Get_SNA with PDC 0 for what the meter lacks; the meter's quirks from its config."""
        cfg = self.meter.config
        asked = frame.properties
        if cfg.max_get_epcs is not None:
            asked = asked[: cfg.max_get_epcs]  # a meter that silently answers only the first N
        props = tuple(Property(p.epc, self.property_value(p.epc, now) or b"") for p in asked)
        ok = all(p.edt for p in props)
        if not ok and cfg.refuse_whole_get:
            props = tuple(Property(p.epc) for p in asked)  # one unknown EPC and nothing is answered
        return Frame(frame.tid, frame.deoj, frame.seoj, ESV.GET_RES if ok else ESV.GET_SNA, props)

    # ---- property values ----

    def supported_epcs(self) -> frozenset[int]:
        return self.properties.supported_epcs()

    def property_value(self, epc: int, now: float | None = None) -> bytes | None:
        """EDT of a meter property now, or None when the meter does not support it."""
        return self.properties.value(epc, self.clock() if now is None else now)

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
