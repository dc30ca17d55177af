"""The virtual meter's property values: every EDT computed from `MeterModel` at one instant.

One instant per request, so the values a Get returns agree with each other (E7 with E8, E0
with E3 and D0) and a test can recompute each of them from the model at the time the meter
answered. It also keeps what the controller chose: the E5 day, the ED and EF history settings.
Release R meters (`MeterConfig.release >= "R"`) add C0, D0, EE and EF to the property map.
"""

from __future__ import annotations

import datetime as dt

from hems_desktop.emulator.meter_model import (
    MINUTE_S,
    MeterModel,
    jst_naive,
    minute_floor,
    slot_of,
    slot_of_jst,
    slot_start_jst,
)
from hems_desktop.protocol import echonet
from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import Property
from hems_desktop.timebase import JST

BASE_EPCS = frozenset({0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D, 0x9E, 0x9F, 0xD3, 0xD7, 0xE0, 0xE1,
                       0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED})
RELEASE_R_EPCS = frozenset({m.EPC_ROUTE_B_NUMBER, m.EPC_ONE_MINUTE, m.EPC_HISTORY3, m.EPC_HISTORY3_SETTING})
MAKER_CODE = 0x000016  # the maker code of the meter in the live capture T08
HISTORY3_KEPT_MINUTES = 10  # EE serves the last 10 whole minutes; older points are "no data"
_NO_DATA = m.NoValue(m.NoValueReason.NO_DATA)


class MeterProperties:
    def __init__(self, meter: MeterModel, now: float) -> None:
        self.meter = meter
        self.reset(now)

    def reset(self, now: float) -> None:
        """The controller's E5/ED/EF choices are forgotten with the session."""
        self.day_for_history = 0
        self.history2 = (slot_start_jst(slot_of(now) - 1), 12)
        self.history3: tuple[dt.datetime | None, int] = (None, HISTORY3_KEPT_MINUTES)

    def supported_epcs(self) -> frozenset[int]:
        cfg = self.meter.config
        epcs = BASE_EPCS | (RELEASE_R_EPCS if cfg.next_generation else frozenset())
        if cfg.coefficient is None:
            epcs -= {m.EPC_COEFFICIENT}  # a meter without D3 does not list it either
        return frozenset(epcs - set(cfg.unsupported_epcs))

    # ---- Set ----

    def set(self, prop: Property, now: float) -> bool:
        """SetC/SetI of one property; False when the meter refuses it."""
        if prop.epc not in self.supported_epcs():
            return False
        if prop.epc == m.EPC_HISTORY1_DAY and len(prop.edt) == 1:
            if prop.edt[0] > self.meter.config.history_days:
                return False
            self.day_for_history = prop.edt[0]
            return True
        if prop.epc == m.EPC_HISTORY2_SETTING and len(prop.edt) == 7:
            try:
                setting = m.decode_history2_setting(prop.edt)
            except echonet.EchonetError:
                return False
            if setting.newest.minute not in (0, 30) or not 1 <= setting.count <= 12:
                return False
            self.history2 = (setting.newest, setting.count)
            return True
        if prop.epc == m.EPC_HISTORY3_SETTING and len(prop.edt) == 7:
            try:
                minutes = r.decode_history3_setting(prop.edt)
            except echonet.EchonetError:
                return False
            if not 1 <= minutes.count <= r.HISTORY3_MAX_POINTS:
                return False
            if minutes.newest is not None and minutes.newest > jst_naive(minute_floor(now)):
                return False  # a minute the meter has not reached yet
            self.history3 = (minutes.newest, minutes.count)
            return True
        return False

    # ---- Get ----

    def value(self, epc: int, now: float) -> bytes | None:
        """EDT of a property at `now` (the meter's clock), or None when the meter does not support it."""
        if epc not in self.supported_epcs():
            return None
        model = self.meter
        if epc == m.EPC_INSTANT_POWER:
            return m.encode_instant_power(model.instant_power_w(now))
        if epc == m.EPC_INSTANT_CURRENT:
            r_da, t_da = model.currents_deciamps(now)
            return m.encode_currents(r_da, _NO_DATA if t_da is None else t_da)
        if epc in (m.EPC_CUMULATIVE_NORMAL, m.EPC_CUMULATIVE_REVERSE):
            normal, reverse = model.counts_at(now)
            return m.encode_u32(normal if epc == m.EPC_CUMULATIVE_NORMAL else reverse)
        if epc in (m.EPC_HISTORY1_NORMAL, m.EPC_HISTORY1_REVERSE):
            return self._day_history(now, reverse=epc == m.EPC_HISTORY1_REVERSE)
        if epc in (m.EPC_FIXED_TIME_NORMAL, m.EPC_FIXED_TIME_REVERSE):
            slot = slot_of(now)
            counts = model.slot_counts(slot)
            value: m.Measured = _NO_DATA if counts is None else counts[epc == m.EPC_FIXED_TIME_REVERSE]
            return m.encode_fixed_time(slot_start_jst(slot), value)
        if epc == m.EPC_HISTORY2:
            return self._history2(now)
        if epc == m.EPC_ONE_MINUTE:
            minute = minute_floor(now)
            normal, reverse = model.counts_at(minute)
            return r.encode_one_minute(jst_naive(minute), normal, reverse)
        if epc == m.EPC_HISTORY3:
            return self._history3(now)
        return self._fixed(epc, now)

    def _fixed(self, epc: int, now: float) -> bytes | None:
        cfg = self.meter.config
        local = dt.datetime.fromtimestamp(now, JST)
        supported = self.supported_epcs()
        newest3, count3 = self.history3
        fixed: dict[int, bytes] = {
            0x80: b"\x30",
            0x81: b"\x61",
            0x82: b"\x00\x00" + cfg.release.encode() + b"\x00",
            0x88: b"\x41" if cfg.fault else b"\x42",
            0x8A: MAKER_CODE.to_bytes(3, "big"),
            0x8D: cfg.serial_number.encode().ljust(12, b"\x00")[:12],
            0x97: bytes([local.hour, local.minute]),
            0x98: local.year.to_bytes(2, "big") + bytes([local.month, local.day]),
            0x9D: m.encode_property_map(frozenset({0x80, 0x81, 0x88}) & supported),
            0x9E: m.encode_property_map(frozenset({0x81, 0xE5, 0xED, m.EPC_HISTORY3_SETTING}) & supported),
            0x9F: m.encode_property_map(supported),
            m.EPC_ROUTE_B_NUMBER: r.encode_route_b_number(MAKER_CODE, cfg.serial_number.encode()),
            0xD3: (cfg.coefficient or 1).to_bytes(4, "big"),
            0xD7: bytes([cfg.effective_digits]),
            0xE1: bytes([cfg.unit_code]),
            0xE5: bytes([self.day_for_history]),
            0xED: m.encode_history2_setting(*self.history2),
            m.EPC_HISTORY3_SETTING: r.encode_history3_setting(newest3, count3),
        }
        return fixed.get(epc)

    def _day_history(self, now: float, reverse: bool) -> bytes:
        today_first = slot_of(now) // 48 * 48
        first = today_first - 48 * self.day_for_history
        current = slot_of(now)
        values: list[m.Measured] = []
        for slot in range(first, first + 48):
            counts = self.meter.slot_counts(slot) if slot <= current else None
            values.append(_NO_DATA if counts is None else counts[int(reverse)])
        return m.encode_day_history(self.day_for_history, tuple(values))

    def _history2(self, now: float) -> bytes:
        newest, count = self.history2
        first = slot_of_jst(newest)
        pairs: list[tuple[m.Measured, m.Measured]] = []
        for slot in range(first, first - count, -1):
            counts = self.meter.slot_counts(slot) if slot <= slot_of(now) else None
            pairs.append((_NO_DATA, _NO_DATA) if counts is None else counts)
        return m.encode_history2(newest, tuple(pairs))

    def _history3(self, now: float) -> bytes:
        """EE: from EF's minute (the latest whole minute when not set) back, newest first."""
        latest = minute_floor(now)
        newest, count = self.history3
        start = latest if newest is None else int(newest.replace(tzinfo=JST).timestamp())
        oldest_kept = latest - (HISTORY3_KEPT_MINUTES - 1) * MINUTE_S
        pairs: list[tuple[m.Measured, m.Measured]] = []
        for minute in range(start, start - count * MINUTE_S, -MINUTE_S):
            pairs.append(self.meter.counts_at(minute) if oldest_kept <= minute <= latest else (_NO_DATA, _NO_DATA))
        return r.encode_history3(jst_naive(start), tuple(pairs))
