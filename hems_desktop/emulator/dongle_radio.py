"""The virtual dongle's radio side: the scan (beacons, energy scan) and PANA (join, re-authentication,
the session's end), and the session events a test or the soak injects.

A mixin of `VirtualDongle` (kept apart so each module reads in one sitting); timings are the
hardware's, divided by the dongle's `speed` in `_after`.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from hems_desktop.emulator.faults import Faults
from hems_desktop.emulator.meter_model import MeterModel
from hems_desktop.emulator.meter_node import MeterNode

PANA_PORT = 0x02CC
PANA_TIMEOUT_S = 38.0  # PANA retransmissions before EVENT 24 (2+4+8+8+8+8 s)

if TYPE_CHECKING:
    from hems_desktop.emulator.dongle import DongleProfile


class RadioCommands:
    """SKSCAN, SKJOIN, SKREJOIN, SKTERM and the injected session events. Needs the dongle's state
    (declared here for the type checker)."""

    profile: DongleProfile
    meter: MeterModel
    faults: Faults
    rng: random.Random
    node: MeterNode
    registers: dict[str, str]
    route_b_id: str | None
    password: str | None
    own_ip: str
    meter_ip: str
    joined: bool
    joins: int
    reauthenticating: bool
    periodic_reauth: bool
    tx_limited: bool
    _auth_generation: int

    if TYPE_CHECKING:  # VirtualDongle's own
        def _send_line(self, text: str, terminator: bytes = b"\r\n") -> None: ...
        def _event(self, number: int, address: str, param: int | None = None) -> None: ...
        def _after(self, hardware_seconds: float, action: Callable[[], None]) -> None: ...
        def _count(self, key: str) -> None: ...
        def _side(self) -> str: ...
        def _erxudp(self, sender: str, dest: str, rport: int, lport: int, data: bytes,
                    secured: bool = True) -> None: ...

    # ---- scan ----

    def _cmd_skscan(self, args: list[str]) -> str | None:
        expected = 4 if self.profile.dual_stack else 3
        if len(args) != expected:
            return "FAIL ER05"
        try:
            mode, mask, duration = int(args[0]), int(args[1], 16), int(args[2])
        except ValueError:
            return "FAIL ER06"
        if mode not in (0, 2, 3) or not 0 <= duration <= 14 or mask == 0:
            return "FAIL ER06"
        channels = [33 + bit for bit in range(32) if mask >> bit & 1 and 33 + bit <= 60]
        per_channel = 0.0096 * (2**duration + 1)
        self._send_line("OK")
        self._count("scans")
        if mode == 0:
            self._after(per_channel * len(channels), lambda: self._energy_scan_done(channels))
            return None
        found = self._beacon_visible(mode, duration, channels)
        if found:
            index = channels.index(self.meter.config.channel)
            self._after(per_channel * (index + 1), lambda: self._beacon(mode))
        self._after(per_channel * len(channels), lambda: self._event(0x22, self.own_ip))
        return None

    def _beacon_visible(self, mode: int, duration: int, channels: list[int]) -> bool:
        cfg = self.meter.config
        if self.faults.take("no_beacon_scans") or cfg.channel not in channels:
            return False
        if duration < cfg.beacon_min_duration:
            return False
        # Mode 2 carries the pairing ID (last 8 of the route-B ID); the meter ignores other IDs.
        return not (mode == 2 and cfg.route_b_id and (self.route_b_id or "")[-8:] != cfg.route_b_id[-8:])

    def _beacon(self, mode: int) -> None:
        cfg = self.meter.config
        self._event(0x20, self.own_ip)
        lines = [
            "EPANDESC",
            f"  Channel:{cfg.channel:02X}",
            "  Channel Page:09",
            f"  Pan ID:{cfg.pan_id:04X}",
            f"  Addr:{cfg.mac}",
            f"  LQI:{cfg.lqi:02X}",
        ]
        if self.profile.dual_stack:
            lines.append("  Side:0")
        if mode == 2:
            lines.append(f"  PairID:{(self.route_b_id or '0' * 32)[-8:]}")
        for line in lines:
            self._send_line(line)

    def _energy_scan_done(self, channels: list[int]) -> None:
        self._send_line(f"EVENT 1F {self.own_ip}{self._side()}")
        self._send_line("EEDSCAN")
        pairs = " ".join(f"{ch:02X} {self.rng.randrange(0x10, 0x60):02X}" for ch in channels)
        self._send_line(("0 " if self.profile.dual_stack else "") + pairs)

    # ---- PANA ----

    def _cmd_skjoin(self, args: list[str]) -> str | None:
        if len(args) != 1:
            return "FAIL ER05"
        if self.joined:
            return "FAIL ER10"
        target = args[0].upper()
        self._send_line("OK")
        self._count("joins")
        self.joins += 1
        self._pana_exchange(target)
        return None

    def _credentials_ok(self) -> bool:
        cfg = self.meter.config
        if self.password is None or self.route_b_id is None:
            return False
        if cfg.route_b_id is not None and self.route_b_id != cfg.route_b_id:
            return False
        return cfg.password is None or self.password == cfg.password

    def _network_ok(self, target: str) -> bool:
        cfg = self.meter.config
        try:
            channel, pan = int(self.registers["S02"], 16), int(self.registers["S03"], 16)
        except ValueError:
            return False
        return target == self.meter_ip and channel == cfg.channel and pan == cfg.pan_id

    def _pana_exchange(self, target: str, rejoin: bool = False) -> None:
        meter_ip = self.meter_ip
        if not self._network_ok(target):
            self._after(PANA_TIMEOUT_S, lambda: self._event(0x24, target))
            return
        if self.faults.take("join_failures"):
            # A transient failure: the meter's PANA answers are lost on the air, PANA times out.
            self._after(PANA_TIMEOUT_S, lambda: self._event(0x24, meter_ip))
            return
        fail = not self._credentials_ok()  # the meter answers PANA, then refuses
        steps: list[tuple[float, Callable[[], None]]] = []
        if not rejoin:
            steps.append((0.25, lambda: self._event(0x21, meter_ip, 0x02)))
            steps.append((0.05, lambda: self._event(0x02, meter_ip)))
        for size in (0x28, 0x68, 0x54, 0x58):
            steps.append((0.35, functools.partial(self._pana_packet, size)))
            steps.append((0.15, lambda: self._event(0x21, meter_ip, 0x00)))
            if fail and size == 0x68:
                break
        if fail:
            steps.append((PANA_TIMEOUT_S, lambda: self._event(0x24, meter_ip)))
        else:
            steps.append((0.4, self._joined))
        delay = 0.0
        for step_delay, action in steps:
            delay += step_delay
            self._after(delay, action)

    def _pana_packet(self, size: int) -> None:
        payload = bytes([0, 0]) + size.to_bytes(2, "big") + bytes(self.rng.randrange(256) for _ in range(size - 4))
        self._erxudp(self.meter_ip, self.own_ip, PANA_PORT, PANA_PORT, payload, secured=False)

    def _joined(self) -> None:
        self.joined = True
        self.reauthenticating = False
        self._event(0x25, self.meter_ip)
        self.node.joined()
        self._auth_generation += 1
        if self.periodic_reauth:
            generation = self._auth_generation
            lifetime = int(self.registers.get("S16", "384"), 16)
            self._after(0.8 * lifetime, lambda: self._reauthenticate_by_itself(generation))

    def _reauthenticate_by_itself(self, generation: int) -> None:
        if not self.joined or generation != self._auth_generation:
            return  # the session ended or was renewed meanwhile
        self._count("periodic_reauth")
        self.reauthenticating = True
        self._pana_exchange(self.meter_ip, rejoin=True)

    def _cmd_skrejoin(self, args: list[str]) -> str | None:
        if not self.joined:
            return "FAIL ER10"
        self._send_line("OK")
        self._pana_exchange(self.meter_ip, rejoin=True)
        return None

    def _cmd_skterm(self, args: list[str]) -> str | None:
        self._auth_generation += 1
        if not self.joined:
            return "FAIL ER10"
        self._send_line("OK")
        self.joined = False
        self._after(0.3, lambda: self._event(0x27, self.meter_ip))
        return None

    # ---- unsolicited session events (fault actions) ----

    def expire_session(self, reauthenticate: bool = True) -> None:
        """EVENT 29 (lifetime over); with re-authentication the module rejoins by itself."""
        if not self.joined:
            return
        self.joined = False
        self._event(0x29, self.meter_ip)
        if reauthenticate:
            self._pana_exchange(self.meter_ip, rejoin=True)

    def end_session(self) -> None:
        """The meter ends the session: EVENT 26, the module confirms with EVENT 27."""
        if not self.joined:
            return
        self.joined = False
        self._event(0x26, self.meter_ip)
        self._after(0.2, lambda: self._event(0x27, self.meter_ip))

    def set_tx_limit(self, seconds: float) -> None:
        self.tx_limited = True
        self._event(0x32, self.own_ip)

        def lift() -> None:
            self.tx_limited = False
            self._event(0x33, self.own_ip)

        self._after(seconds, lift)
