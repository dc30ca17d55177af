"""The session's side of the meter: the first Get, the meter id, one reading's values, the identity Get.

A mixin of `Session` (kept apart so each module reads in one sitting). State: `meter` (the
profile of this session's meter, meter_info.py), `constants`, and the first Get's reading
values, kept for the reading the collector takes right after joining.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Iterable

from hems_desktop.protocol import meter as m
from hems_desktop.protocol.echonet import EchonetError
from hems_desktop.session.constants import MeterConstants, constants_from
from hems_desktop.session.errors import RequestTimeout
from hems_desktop.session.meter_info import MeterCache, MeterIdentity, MeterProfile, identity_from
from hems_desktop.session.meter_start import note_route_b_number, read_start
from hems_desktop.session.network import Network

log = logging.getLogger("hems_desktop.session")

PRIMED_READING_MAX_AGE_S = 2.0  # the first Get's values serve the reading taken right after joining, not a later slot
IDENTITY_ATTEMPTS = 2  # identity Gets per session that may time out before it is left for the next session


class MeterSession:
    network: Network | None
    constants: MeterConstants | None
    meter: MeterProfile
    meter_cache: MeterCache
    _primed: tuple[float, dict[int, bytes], dt.datetime] | None
    _identity_attempts: int
    _start_unanswered: int  # first Gets of this meter that went unanswered (in this run)

    def get_properties(self, epcs: Iterable[int], *, probe_each: bool = True) -> dict[int, bytes]:
        raise NotImplementedError  # Session's

    @property
    def joined(self) -> bool:
        raise NotImplementedError  # Session's

    def _start_meter(self) -> None:
        """A new session: the profile cached for this meter (a guess until 9F confirms it); the identity
        an earlier session read is shown until this session reads it again."""
        key = self.network.meter_id if self.network else ""
        previous = self.meter
        self.meter = self.meter_cache.load(key)
        if previous.key == key:
            self.meter.identity = previous.identity
        self.meter.key = key
        self._primed = None
        self._identity_attempts = 0

    def _read_start(self) -> None:
        """The first Get (meter_start.py): map, constants and the first reading's values."""
        try:
            values = read_start(self, self.meter, slowly=self._start_unanswered > 0)
        except RequestTimeout:
            self._start_unanswered += 1  # the next try asks in small Gets
            raise
        self.constants = constants_from(values)
        reading = {epc: values[epc] for epc in self.meter.reading_epcs() if epc in values}
        self._primed = (time.monotonic(), reading, dt.datetime.now().astimezone())
        self._save_meter()

    # ---- the meter ----

    @property
    def meter_id(self) -> str:
        """The meter's id for readings and the history: from C0 when it has one, else from the network."""
        if self.meter.number_id:
            return self.meter.number_id
        return self.network.meter_id if self.network else ""

    def reading_values(self) -> tuple[dict[int, bytes], dt.datetime]:
        """One reading's values and when they came: the first Get's when they are fresh, else one Get."""
        primed, self._primed = self._primed, None
        if primed is not None and time.monotonic() - primed[0] <= PRIMED_READING_MAX_AGE_S:
            return primed[1], primed[2]
        values = self.get_properties(self.meter.reading_epcs())
        return values, dt.datetime.now().astimezone()

    @property
    def needs_identity(self) -> bool:
        """The identity Get is still due in this session (the collector makes it in spare time)."""
        return (self.joined and not self.meter.identity_read and self.constants is not None
                and self._identity_attempts < IDENTITY_ATTEMPTS)

    def read_identity(self) -> MeterIdentity:
        """The identity Get (88, 8A, 8D, 82, C0 where advertised; 9F and D7 when still due). Once per session."""
        epcs = self.meter.identity_epcs()
        self._identity_attempts += 1
        values = self.get_properties(epcs)
        if m.EPC_GET_MAP in epcs:
            self.meter.set_map(values.get(m.EPC_GET_MAP))
        if m.EPC_EFFECTIVE_DIGITS in values and self.constants is not None:
            try:
                digits = m.decode_effective_digits(values[m.EPC_EFFECTIVE_DIGITS])
                self.constants = dataclasses.replace(self.constants, effective_digits=digits)
            except EchonetError as exc:
                log.info("ignoring a malformed D7: %s", exc)
        self.meter.deferred.clear()
        note_route_b_number(self.meter, values)
        identity = identity_from(values, self.meter.identity)
        self.meter.identity, self.meter.identity_read = identity, True
        self._save_meter()
        log.debug("meter identity: %s", identity.describe())
        return identity

    def _save_meter(self) -> None:
        if self.network is not None:
            self.meter_cache.save(self.network.meter_id, self.meter)

