"""Which driver speaks to the dongle on a port: forced by `--dongle`, or found out (`auto`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from hems_desktop.device.auto import DetectingDongle
from hems_desktop.device.base import Dongle
from hems_desktop.device.catalog import family_for


def make_dongle(port: str, baudrate: int, kind: str, *, secrets: Iterable[str] = (),
                command_timeout: float = 5.0, stop: threading.Event | None = None) -> Dongle:
    """A closed dongle for `kind` (auto, a family or a product name); the family is checked on identify.
    `stop` ends any wait inside the driver (the session's stop)."""
    return DetectingDongle(port, baudrate, forced=family_for(kind), secrets=secrets,
                           command_timeout=command_timeout, stop=stop)
