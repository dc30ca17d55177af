"""What the session knows of its meter: the Get property map (9F), its identity and health, its id.

Read once per session, in as few Gets as the meter allows (see start.py). Only what the map
advertises is asked afterwards; a meter that refuses 9F is treated as the classic meter every
client assumed before maps were read (E7, E8, E0 and the constants). The map and the meter id
are remembered per meter in the cache folder, so the next session's first Get can already ask
for everything the reading needs (E3, D0) without waiting for 9F.

The meter id: the id the network gives (the meter's MAC address, as always) unless the meter
has a B-route identification number (C0, next-generation meters), in which case it is "c0-"
and 16 hex digits of its SHA-256. Hashed, because C0's free area may carry part of the B-route
authentication ID, which must not travel in Pub/Sub attributes, MQTT topics or metric labels.
Meters without C0 (every meter of an existing history) keep their id.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.redaction import mask_id

log = logging.getLogger("hems_desktop.session")

MAX_EPCS_PER_GET = 7  # the meter interface spec's OPC limit; some meters fail at 10 (echonetlite_homeassistant#150)
BASE_READING_EPCS = (m.EPC_INSTANT_POWER, m.EPC_INSTANT_CURRENT, m.EPC_CUMULATIVE_NORMAL)
OPTIONAL_READING_EPCS = (m.EPC_CUMULATIVE_REVERSE, m.EPC_ONE_MINUTE)  # E3 (export), D0 (Release R)
IDENTITY_EPCS = (m.EPC_FAULT_STATUS, m.EPC_MAKER_CODE, m.EPC_SERIAL_NUMBER, m.EPC_STANDARD_VERSION,
                 m.EPC_ROUTE_B_NUMBER)
# What a meter without a readable map is assumed to have: what every client asked before maps.
CLASSIC_EPCS = frozenset({*BASE_READING_EPCS, m.EPC_COEFFICIENT, m.EPC_UNIT, m.EPC_EFFECTIVE_DIGITS})
MAKER_NAMES = {0x000016: "Toshiba"}  # 8A codes seen in public captures (T08); others are shown as the code


@dataclass(frozen=True)
class MeterIdentity:
    """What the meter says of itself (read once per session where its property map lists it)."""

    manufacturer: str | None = None  # EPC 8A (a maker code, shown as the code when unknown)
    serial: str | None = None  # EPC 8D
    release: str | None = None  # EPC 82 (ECHONET Appendix release, e.g. "F", "R")
    route_b_number: str | None = None  # EPC C0 (next-generation meters), 32 hex digits: show it masked
    fault: bool | None = None  # EPC 88 (True: the meter reports a fault)

    def describe(self) -> str:
        """One line for the log; C0 masked like the B-route ID."""
        parts = [f"maker {self.manufacturer or '?'}", f"serial {self.serial or '?'}",
                 f"release {self.release or '?'}", "fault reported" if self.fault else
                 ("no fault" if self.fault is False else "fault status unknown")]
        if self.route_b_number:
            parts.append(f"B-route number {mask_id(self.route_b_number)}")
        return ", ".join(parts)


def maker_name(code: int) -> str:
    return MAKER_NAMES.get(code, f"maker code {code:06X}")


def identity_from(values: Mapping[int, bytes], previous: MeterIdentity | None = None) -> MeterIdentity:
    """The identity in a Get's values; a malformed value counts as absent (logged)."""

    def decoded(epc: int, decode: Callable[[bytes], object]) -> object:
        if epc not in values:
            return None
        try:
            return decode(values[epc])
        except EchonetError as exc:
            log.info("ignoring a malformed %02X: %s", epc, exc)
            return None

    code = decoded(m.EPC_MAKER_CODE, m.decode_maker_code)
    fault = decoded(m.EPC_FAULT_STATUS, m.decode_fault_status)
    number = decoded(m.EPC_ROUTE_B_NUMBER, r.decode_route_b_number)
    prior = previous or MeterIdentity()
    return MeterIdentity(
        manufacturer=maker_name(code) if isinstance(code, int) else prior.manufacturer,
        serial=_text(decoded(m.EPC_SERIAL_NUMBER, m.decode_serial_number)) or prior.serial,
        release=_text(decoded(m.EPC_STANDARD_VERSION, m.decode_standard_version)) or prior.release,
        route_b_number=_text(number) or prior.route_b_number,
        fault=fault if isinstance(fault, bool) else prior.fault,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def meter_id_from_number(route_b_number: str) -> str:
    """The meter id of a meter with C0 (see the module docstring)."""
    return "c0-" + hashlib.sha256(bytes.fromhex(route_b_number)).hexdigest()[:16]


@dataclass
class MeterProfile:
    """The meter of one session. `get_map` None: not read yet, or refused (the classic set)."""

    get_map: frozenset[int] | None = None
    map_read: bool = False  # 9F answered in this session (a cached map is only a first guess)
    identity: MeterIdentity | None = None
    identity_read: bool = False
    number_id: str | None = None  # meter_id_from_number(C0), when the meter has C0
    deferred: set[int] = field(default_factory=set)  # constants left for the identity Get (D7)
    key: str = ""  # the network's id of the meter (its MAC address): the cache key

    def has(self, epc: int) -> bool:
        return epc in (CLASSIC_EPCS if self.get_map is None else self.get_map)

    def reading_epcs(self) -> tuple[int, ...]:
        """One reading's Get: E7, E8, E0, and E3 and D0 where advertised (at most 5 EPCs)."""
        return tuple(epc for epc in (*BASE_READING_EPCS, *OPTIONAL_READING_EPCS) if self.has(epc))

    def identity_epcs(self) -> tuple[int, ...]:
        """The identity Get: what is advertised of 88/8A/8D/82/C0, 9F when the map was only cached,
        and the constants deferred from the first Get; never more than a Get may hold."""
        epcs = [epc for epc in IDENTITY_EPCS if self.has(epc)]
        if not self.map_read:
            epcs.append(m.EPC_GET_MAP)
        epcs += sorted(self.deferred)
        return tuple(epcs[:MAX_EPCS_PER_GET])

    def set_map(self, edt: bytes | None) -> None:
        """9F's answer (None: refused)."""
        self.map_read = True
        if edt is None:
            self.get_map = None
            return
        try:
            self.get_map = m.decode_property_map(edt)
        except EchonetError as exc:
            log.info("ignoring a malformed property map (9F): %s", exc)
            self.get_map = None
            return
        log.debug("meter property map (9F): %s", " ".join(f"{epc:02X}" for epc in sorted(self.get_map)))


class MeterCache:
    """{get map, meter id} per meter, in the cache folder (nothing secret: C0 only as its hash)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _file(self, meter_key: str) -> Path | None:
        if self.folder is None or not meter_key:
            return None
        return self.folder / f"meter-{hashlib.sha256(meter_key.encode()).hexdigest()[:16]}.json"

    def load(self, meter_key: str) -> MeterProfile:
        """A profile with the cached map (not yet confirmed by 9F in this session) and id."""
        path = self._file(meter_key)
        if path is None or not path.exists():
            return MeterProfile()
        try:
            data = json.loads(path.read_text("utf-8"))
            epcs = frozenset(int(epc) for epc in data["get_map"]) if data.get("get_map") is not None else None
            number_id = data.get("number_id")
            return MeterProfile(get_map=epcs, number_id=number_id if isinstance(number_id, str) else None)
        except (OSError, ValueError, KeyError, TypeError):
            return MeterProfile()

    def save(self, meter_key: str, profile: MeterProfile) -> None:
        path = self._file(meter_key)
        if path is None:
            return
        data = {"get_map": None if profile.get_map is None else sorted(profile.get_map),
                "number_id": profile.number_id}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.debug("could not cache the meter's property map: %s", exc)

    def forget(self, meter_key: str) -> None:
        path = self._file(meter_key)
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
