"""Which driver speaks to the dongle on a port: forced by `--dongle`, or found out (`auto`)."""

from __future__ import annotations

from collections.abc import Iterable

from hems_desktop.device.base import Dongle, DongleFamily
from hems_desktop.device.catalog import family_for
from hems_desktop.device.skstack import SkStackDongle
from hems_desktop.protocol import dialects


def make_dongle(port: str, baudrate: int, kind: str, *, secrets: Iterable[str] = (),
                command_timeout: float = 5.0) -> Dongle:
    """A closed dongle for `kind` (auto, a family or a product name)."""
    family = family_for(kind)
    if family is DongleFamily.SINGLE_HOP:
        return SkStackDongle(port, baudrate, dialect=dialects.SINGLE_HOP, secrets=secrets,
                             command_timeout=command_timeout)
    if family is DongleFamily.DUAL_STACK:
        return SkStackDongle(port, baudrate, dialect=dialects.DUAL_STACK, secrets=secrets,
                             command_timeout=command_timeout)
    return SkStackDongle(port, baudrate, secrets=secrets, command_timeout=command_timeout)
