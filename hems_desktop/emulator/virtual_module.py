"""What the two virtual dongles (SKSTACK text, J11 binary) share: the meter behind them, timers that
die with a reset, counters, and the meter's side of the radio (`MeterLink`) up to delivery."""

from __future__ import annotations

import random
from collections.abc import Callable

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel
from hems_desktop.emulator.meter_node import MeterNode
from hems_desktop.protocol.dialects import mac_to_link_local
from hems_desktop.protocol.echonet import Frame

Scheduler = Callable[[float, Callable[[], None]], None]


class VirtualModule:
    def __init__(self, meter: MeterModel, own_mac: str, *, output: Callable[[bytes], None], schedule: Scheduler,
                 clock: Callable[[], float], speed: float, faults: Faults | None, seed: int) -> None:
        self.meter = meter
        self.output = output
        self._schedule = schedule
        self.clock = clock
        self.speed = speed
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.own_ip = mac_to_link_local(own_mac)
        self.meter_ip = mac_to_link_local(meter.config.mac)
        self._epoch = 0  # bumps on reset/unplug so timers of an older state do nothing
        self.stats: dict[str, int] = {}
        self.joined = False
        self.joins = 0
        self.tx_limited = False
        self.node = MeterNode(meter, self, clock=clock, faults=self.faults, rng=self.rng, count=self._count)

    # ---- the meter (an ECHONET node behind this dongle) ----

    @property
    def received_frames(self) -> list[Frame]:
        return self.node.received_frames

    @property
    def infc(self) -> bool:
        """Send EA as INFC (expects INFC_Res) instead of INF."""
        return self.node.infc

    @infc.setter
    def infc(self, value: bool) -> None:
        self.node.infc = value

    def tick(self) -> None:
        """Called about once a second: the meter's INF of EA (and EB) at every :00 and :30."""
        self.node.tick()

    def after(self, hardware_seconds: float, action: Callable[[], None]) -> None:
        self._after(hardware_seconds, action)

    def deliver(self, frame: Frame, multicast: bool) -> None:
        """The meter's datagram to the host, in this dongle's wire format."""
        raise NotImplementedError

    def wire_faults(self, delay: float, answer: Frame) -> None:
        """Noise on the wire before the meter's answer, as this dongle's format allows."""
        raise NotImplementedError

    # ---- timers and counters ----

    def _count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def _after(self, hardware_seconds: float, action: Callable[[], None]) -> None:
        """Run `action` after `hardware_seconds` of module time, unless a reset comes first."""
        epoch = self._epoch

        def run() -> None:
            if epoch == self._epoch:
                action()

        self._schedule(hardware_seconds / self.speed, run)
