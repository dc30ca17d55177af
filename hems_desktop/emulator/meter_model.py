"""A believable household meter: deterministic load profile, energy integrated per minute.

Power is a pure function of time (base load, day/night shape, appliance spikes, optional
solar), so cumulative energy, the 30-minute history and the fixed-time values all agree
with each other exactly, whichever order they are asked in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from hems_desktop.protocol.meter import UNIT_KWH
from hems_desktop.timebase import JST, JST_OFFSET_S, SLOT_S

MINUTE_S = 60
_MASK64 = (1 << 64) - 1


def _mix(value: int) -> int:
    """splitmix64 finaliser: a cheap, good hash for deterministic pseudo-randomness."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def _unit(seed: int, key: int) -> float:
    return _mix(seed * 0x100000001B3 ^ key) / _MASK64


@dataclass
class MeterConfig:
    mac: str = "001C6400036E8CF5"
    channel: int = 0x3B
    pan_id: int = 0x8CF5
    lqi: int = 0xDD
    route_b_id: str | None = None  # None: any credentials are accepted
    password: str | None = None
    coefficient: int | None = 1  # None: the meter refuses D3 (clients must use 1)
    unit_code: int = 0x01  # E1: 0.1 kWh
    effective_digits: int = 8
    three_wire: bool = True  # single-phase three-wire (R and T); False: two-wire (T = no data)
    solar_peak_w: int = 0  # > 0: midday export makes E7 negative and E3 count up
    base_load_w: int = 220
    initial_kwh: float = 12345.6
    history_days: int = 45  # E5 accepts 0..history_days
    seed: int = 2026
    unsupported_epcs: frozenset[int] = field(default_factory=frozenset)
    no_data_slots: frozenset[int] = field(default_factory=frozenset)  # JST slot indices with 0xFFFFFFFE
    beacon_min_duration: int = 3  # SKSCAN durations below this miss the beacon (distance)
    serial_number: str = "EMU000000001"
    release: str = "F"  # ECHONET Appendix release (82); "R" adds C0, D0, EE and EF (next-generation meters)
    fault: bool = False  # 88: the meter reports a fault
    refuse_whole_get: bool = False  # one unsupported EPC in a Get: Get_SNA without any value (some meters)
    max_get_epcs: int | None = None  # answer only the first N EPCs of a Get (a meter with a small OPC limit)
    ignore_gets_over: int | None = None  # no answer at all to a Get of more than N EPCs

    @property
    def next_generation(self) -> bool:
        return self.release >= "R"


class MeterModel:
    """Energy bookkeeping for the virtual meter. Times are unix seconds (floats)."""

    def __init__(self, config: MeterConfig, anchor_unix: float) -> None:
        self.config = config
        # Cumulative energy is `initial_kwh` at the JST midnight of the anchor day; slots after it
        # are summed forward and slots before it backward, each computed once and only when asked.
        self._anchor_slot = int((anchor_unix + JST_OFFSET_S) // 86400) * 48
        # A solar house has sold energy for years; a plain one reads 0 in reverse.
        start = (config.initial_kwh * 1000.0, 2_000_000.0 if config.solar_peak_w > 0 else 0.0)
        self._forward: list[tuple[float, float]] = [start]
        self._backward: list[tuple[float, float]] = [start]

    # ---- power ----

    def load_w(self, unix: float) -> float:
        """Household consumption at a time (W): base, daily shape, appliances, a little noise."""
        cfg = self.config
        local_s = unix + JST_OFFSET_S
        minute = int(local_s // MINUTE_S)
        hour = (local_s % 86400) / 3600
        shape = 0.0
        shape += 450 * math.exp(-(((hour - 7.5) / 1.2) ** 2))  # breakfast
        shape += 250 * math.exp(-(((hour - 12.5) / 1.0) ** 2))
        shape += 800 * math.exp(-(((hour - 19.5) / 2.0) ** 2))  # dinner, TV, bath
        fridge = 60 if (minute // 20) % 2 == 0 else 0  # compressor cycling
        five = minute // 5
        spike = 0.0
        if _unit(cfg.seed, five) < (0.12 if 6 <= hour < 23 else 0.03):
            spike = 600 + 900 * _unit(cfg.seed + 1, five)  # kettle, microwave, dryer...
        noise = 40 * (_unit(cfg.seed + 2, minute) - 0.5)
        return cfg.base_load_w + shape + fridge + spike + noise

    def solar_w(self, unix: float) -> float:
        peak = self.config.solar_peak_w
        if peak <= 0:
            return 0.0
        hour = ((unix + JST_OFFSET_S) % 86400) / 3600
        if not 6 <= hour <= 18:
            return 0.0
        cloud = 0.75 + 0.25 * _unit(self.config.seed + 3, int((unix + JST_OFFSET_S) // 900))
        return peak * math.sin(math.pi * (hour - 6) / 12) * cloud

    def net_w(self, unix: float) -> float:
        """Positive: buying from the grid; negative: selling solar surplus."""
        minute_start = (unix + JST_OFFSET_S) // MINUTE_S * MINUTE_S - JST_OFFSET_S
        return self.load_w(minute_start) - self.solar_w(minute_start)

    def _instant_net_w(self, unix: float) -> float:
        """What E7 shows: the minute's power with a little 10-second ripple, as a real meter's reading wanders."""
        ripple = 0.04 * (_unit(self.config.seed + 4, int(unix // 10)) - 0.5)
        return self.net_w(unix) * (1 + ripple)

    def instant_power_w(self, unix: float) -> int:
        return round(self._instant_net_w(unix))

    def currents_deciamps(self, unix: float) -> tuple[int, int | None]:
        """R and T in 0.1 A (signed with the flow); T is None on a two-wire service."""
        net = self._instant_net_w(unix)
        if not self.config.three_wire:
            return round(net / 100 * 10), None
        # 100 V legs of a 100/200 V service; loads are not evenly split.
        return round(net * 0.56 / 100 * 10), round(net * 0.44 / 100 * 10)

    # ---- energy ----

    def _slot_energy_wh(self, slot: int) -> tuple[float, float]:
        normal = reverse = 0.0
        start = slot * SLOT_S - JST_OFFSET_S
        for m in range(30):
            net = self.net_w(start + m * MINUTE_S)
            if net >= 0:
                normal += net / 60
            else:
                reverse -= net / 60
        return normal, reverse

    def _energy_at_slot(self, slot: int) -> tuple[float, float]:
        """Cumulative (normal, reverse) Wh at the start of a JST half-hour slot."""
        index = slot - self._anchor_slot
        if index >= 0:
            while len(self._forward) <= index:
                n, r = self._forward[-1]
                dn, dr = self._slot_energy_wh(self._anchor_slot + len(self._forward) - 1)
                self._forward.append((n + dn, r + dr))
            return self._forward[index]
        while len(self._backward) <= -index:
            n, r = self._backward[-1]
            dn, dr = self._slot_energy_wh(self._anchor_slot - len(self._backward))
            self._backward.append((n - dn, r - dr))
        return self._backward[-index]

    def energy_wh(self, unix: float) -> tuple[float, float]:
        local_s = unix + JST_OFFSET_S
        slot = int(local_s // SLOT_S)
        normal, reverse = self._energy_at_slot(slot)
        slot_start = slot * SLOT_S - JST_OFFSET_S
        elapsed = unix - slot_start
        whole = int(elapsed // MINUTE_S)
        for m in range(whole + 1):
            net = self.net_w(slot_start + m * MINUTE_S)
            seconds = MINUTE_S if m < whole else elapsed - whole * MINUTE_S
            if net >= 0:
                normal += net * seconds / 3600
            else:
                reverse -= net * seconds / 3600
        return normal, reverse

    @property
    def kwh_per_count(self) -> Decimal:
        coefficient = self.config.coefficient or 1
        return UNIT_KWH[self.config.unit_code] * coefficient

    def to_count(self, wh: float) -> int:
        """What E0/E3 show: kWh / (coefficient x unit), truncated, wrapped at the effective digits."""
        count = int(Decimal(repr(wh / 1000)) / self.kwh_per_count)
        modulus: int = 10**self.config.effective_digits
        return count % modulus

    def counts_at(self, unix: float) -> tuple[int, int]:
        normal, reverse = self.energy_wh(unix)
        return self.to_count(normal), self.to_count(reverse)

    def slot_counts(self, slot: int) -> tuple[int, int] | None:
        """E2/EA/EC value at a slot boundary, None where the meter has no data."""
        if slot in self.config.no_data_slots:
            return None
        normal, reverse = self._energy_at_slot(slot)
        return self.to_count(normal), self.to_count(reverse)


def minute_floor(unix: float) -> int:
    """The whole minute at or before a time (unix seconds)."""
    return int(unix // MINUTE_S * MINUTE_S)


def jst_naive(unix: float) -> dt.datetime:
    """A time as the meter writes it: Japan wall clock, no zone."""
    return dt.datetime.fromtimestamp(unix, JST).replace(tzinfo=None)


def slot_of(unix: float) -> int:
    """Index of the JST half-hour slot containing a time."""
    return int((unix + JST_OFFSET_S) // SLOT_S)


def slot_start_jst(slot: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(slot * SLOT_S - JST_OFFSET_S, JST).replace(tzinfo=None)


def slot_of_jst(at: dt.datetime) -> int:
    """Slot index of a naive JST wall-clock time (as meters send them)."""
    return slot_of(at.replace(tzinfo=JST).timestamp())
