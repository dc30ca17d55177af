"""The session's first Get: the property map, the constants and the first reading in one round trip.

The first Get of a session asks, in this order and at most 7 EPCs (the meter's OPC limit):
E7 E8 E0 (the reading), E1 D3 (the constants), E3 D0 when the map cached from an earlier
session lists them, then 9F and D7 if there is room. What does not fit waits for the identity
Get, which the collector makes in the spare time after the first reading:

* no cached map: E7 E8 E0 E1 D3 9F D7; when 9F then lists E3, D0 or C0, one more Get for those
  before the first reading is made (so the first reading is as complete as the later ones);
* cached map of a Release F meter: E7 E8 E0 E1 D3 E3 9F (D7 later);
* cached map of a Release R meter: E7 E8 E0 E1 D3 E3 D0 (9F and D7 later, with the identity).

Refusals: a meter that answers Get_SNA naming the EPCs it lacks (PDC 0) has those left out, as
always. A meter that refuses the whole Get without a single value (one unsupported EPC, D3 say,
spoils the frame on some meters) is asked again the slow, safe way: 9F alone, then the
constants it lists, then the reading properties it lists. So is a meter that left the combined
Get unanswered (the session's next try goes the safe way).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from hems_desktop.protocol import meter as m
from hems_desktop.protocol import meter_release_r as r
from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.session.constants import CONSTANT_EPCS
from hems_desktop.session.meter_info import (
    BASE_READING_EPCS,
    MAX_EPCS_PER_GET,
    OPTIONAL_READING_EPCS,
    MeterProfile,
    meter_id_from_number,
)

log = logging.getLogger("hems_desktop.session")

_FIRST_GET_ORDER = (*BASE_READING_EPCS, m.EPC_UNIT, m.EPC_COEFFICIENT, *OPTIONAL_READING_EPCS)


class Getter(Protocol):
    def get_properties(self, epcs: Iterable[int], *, probe_each: bool = True) -> dict[int, bytes]: ...


def plan_first_get(profile: MeterProfile) -> tuple[list[int], set[int]]:
    """(the first Get's EPCs, what is left for the identity Get)."""
    epcs = [epc for epc in _FIRST_GET_ORDER if profile.has(epc)]
    epcs.append(m.EPC_GET_MAP)
    if profile.has(m.EPC_EFFECTIVE_DIGITS):
        epcs.append(m.EPC_EFFECTIVE_DIGITS)
    return epcs[:MAX_EPCS_PER_GET], set(epcs[MAX_EPCS_PER_GET:])


def read_start(getter: Getter, profile: MeterProfile, *, slowly: bool = False) -> dict[int, bytes]:
    """The constants' and the first reading's values (and the map into `profile`): one Get when it can.

    `slowly`: straight to the safe way (after the combined Get went unanswered: a meter may ignore
    a Get it finds too large instead of refusing it)."""
    if slowly:
        return _read_start_slowly(getter, profile)
    first, left = plan_first_get(profile)
    values = getter.get_properties(first, probe_each=False)
    if not values:
        log.info("the meter refused the combined first Get; asking for its property map first")
        return _read_start_slowly(getter, profile)
    if m.EPC_GET_MAP in first:
        profile.set_map(values.get(m.EPC_GET_MAP))
    profile.deferred = left - {m.EPC_GET_MAP}  # 9F waits for the identity Get anyway while not map_read
    more = [epc for epc in profile.reading_epcs() if epc not in first]
    if profile.has(m.EPC_ROUTE_B_NUMBER) and profile.number_id is None:
        more.append(m.EPC_ROUTE_B_NUMBER)  # the meter id must be right from the first reading on
    if more:
        values.update(getter.get_properties(more))
    note_route_b_number(profile, values)
    return values


def _read_start_slowly(getter: Getter, profile: MeterProfile) -> dict[int, bytes]:
    profile.set_map(getter.get_properties([m.EPC_GET_MAP]).get(m.EPC_GET_MAP))
    profile.deferred = set()
    values = getter.get_properties([epc for epc in CONSTANT_EPCS if profile.has(epc)])
    extra = [m.EPC_ROUTE_B_NUMBER] if profile.has(m.EPC_ROUTE_B_NUMBER) and profile.number_id is None else []
    values.update(getter.get_properties([*profile.reading_epcs(), *extra]))
    note_route_b_number(profile, values)
    return values


def note_route_b_number(profile: MeterProfile, values: dict[int, bytes]) -> None:
    """C0 in a Get's values fixes the meter id."""
    edt = values.get(m.EPC_ROUTE_B_NUMBER)
    if edt is None:
        return
    try:
        profile.number_id = meter_id_from_number(r.decode_route_b_number(edt))
    except EchonetError as exc:
        log.info("ignoring a malformed C0: %s", exc)
