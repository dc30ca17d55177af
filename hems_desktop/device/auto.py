"""`--dongle auto` (and the cross-check behind a forced family): which wire protocol answers.

Order, so that nothing a text dongle could misread is ever sent to one: one SKVER first (a J11
module ignores text); no answer within a second, then one J11 version request (it holds no CR
or LF, so a text dongle executes nothing, and the next CR LF clears its line); no answer to
that either, then the SKSTACK driver's full probe, whose error says what to check. In all,
a J11 module is told from a text dongle in about 2 s.

A family forced by the user is checked the same way: a J11 module behind a text dialect (or a
text dongle behind `j11`) gives one line naming what was found.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from hems_desktop.device.base import (
    Beacon,
    Dongle,
    DongleFamily,
    DongleInfo,
    DongleMessage,
    Listener,
    SendOutcome,
    Target,
    WrongDongleFamily,
)
from hems_desktop.device.j11 import J11Dongle
from hems_desktop.device.skstack import SkStackDongle
from hems_desktop.protocol import dialects

log = logging.getLogger("hems_desktop.serial")

SKVER_PROBE_S = 0.8
J11_PROBE_S = 1.0
_DIALECTS = {DongleFamily.SINGLE_HOP: dialects.SINGLE_HOP, DongleFamily.DUAL_STACK: dialects.DUAL_STACK}


class DetectingDongle:
    """A `Dongle` that finds out, in `identify`, which driver the port needs, then is that driver."""

    def __init__(self, port: str, baudrate: int = 115200, *, forced: DongleFamily | None = None,
                 secrets: Iterable[str] = (), command_timeout: float = 5.0,
                 stop: threading.Event | None = None) -> None:
        self.port_name = port
        self.stop = stop
        self.baudrate = baudrate
        self.forced = forced
        self.command_timeout = command_timeout
        self._secrets = [s for s in secrets if s]
        self._listeners: list[Listener] = []
        self.impl: Dongle = self._make(forced or DongleFamily.SINGLE_HOP)

    def _make(self, family: DongleFamily) -> Dongle:
        impl: Dongle
        if family is DongleFamily.J11:
            impl = J11Dongle(self.port_name, self.baudrate, command_timeout=self.command_timeout, stop=self.stop)
        else:
            dialect = _DIALECTS[family] if self.forced is not None else None
            impl = SkStackDongle(self.port_name, self.baudrate, dialect=dialect, secrets=self._secrets,
                                 command_timeout=self.command_timeout, stop=self.stop)
        for secret in self._secrets:
            impl.add_secret(secret)
        impl.add_listener(self._relay)
        return impl

    def _relay(self, message: DongleMessage) -> None:
        for listener in list(self._listeners):
            listener(message)

    def _switch(self, family: DongleFamily) -> None:
        self.impl.close()
        self.impl = self._make(family)
        self.impl.open()

    # ---- lifecycle ----

    @property
    def is_open(self) -> bool:
        return self.impl.is_open

    def open(self) -> None:
        self.impl.open()

    def close(self) -> None:
        self.impl.close()

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)
        self.impl.add_secret(secret)

    # ---- detection ----

    def identify(self, stop: threading.Event | None = None) -> DongleInfo:
        if self.forced is DongleFamily.J11:
            return self.impl.identify(stop)  # the J11 driver names a text dongle by itself
        text = self.impl
        assert isinstance(text, SkStackDongle)
        if text.answers(SKVER_PROBE_S):
            return text.identify(stop)
        self._switch(DongleFamily.J11)
        j11 = self.impl
        assert isinstance(j11, J11Dongle)
        if j11.probe(J11_PROBE_S):
            if self.forced is not None:
                raise WrongDongleFamily(
                    f"the dongle on {self.port_name} is a J11 (binary) module, not a SKSTACK {self.forced.value} "
                    "dongle: choose the dongle type auto or j11")
            log.info("%s: a J11 module answered", self.port_name)
            return j11.identify(stop)
        self._switch(self.forced or DongleFamily.SINGLE_HOP)  # neither answered at once: the full text probe
        return self.impl.identify(stop)

    # ---- the chosen driver ----

    def set_credentials(self, route_b_id: str, password: str) -> None:
        self.impl.set_credentials(route_b_id, password)

    def scan(self, duration: int, pairing_id: str | None, stop: threading.Event | None = None) -> list[Beacon]:
        return self.impl.scan(duration, pairing_id, stop)

    def meter_address(self, mac: str) -> str:
        return self.impl.meter_address(mac)

    def start_join(self, target: Target, stop: threading.Event | None = None) -> None:
        self.impl.start_join(target, stop)

    def start_reauthentication(self) -> None:
        self.impl.start_reauthentication()

    def send(self, ip: str, port: int, data: bytes, timeout: float) -> SendOutcome:
        return self.impl.send(ip, port, data, timeout)

    def session_lifetime(self) -> float | None:
        return self.impl.session_lifetime()

    def terminate(self, timeout: float) -> None:
        self.impl.terminate(timeout)

    def reset(self) -> None:
        self.impl.reset()
