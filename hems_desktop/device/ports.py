"""Serial ports on this computer, with what pyserial knows of each (description, USB VID:PID).

Known dongles are named from their USB ID (device/catalog.py). On macOS every USB serial
device appears twice, as /dev/cu.* and /dev/tty.*; only cu.* is listed (opening tty.* waits for
a carrier signal the dongles never raise). On Windows `COM12` and `\\\\.\\COM12` are the same port.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hems_desktop.device.catalog import Product, product_for_usb

_WINDOWS_COM = re.compile(r"^(?:\\\\\.\\)?com(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class SerialPortInfo:
    device: str
    description: str = ""
    hwid: str = ""
    vid: int | None = None
    pid: int | None = None

    @property
    def usb_id(self) -> str:
        """"0403:6015", or "" for a port that is not USB."""
        return "" if self.vid is None or self.pid is None else f"{self.vid:04X}:{self.pid:04X}"

    @property
    def product(self) -> Product | None:
        """The dongle this probably is (from its USB ID), or None."""
        return product_for_usb(self.vid, self.pid)

    @property
    def label(self) -> str:
        """What a list shows: the device, the dongle it probably is, its description and USB ID."""
        parts = [self.device]
        if self.product is not None:
            parts.append(self.product.display + "?")
        if self.description and self.description != self.device:
            parts.append(self.description)
        text = " — ".join(parts)
        return f"{text} [USB {self.usb_id}]" if self.usb_id else text


def normalize_port(text: str) -> str:
    """`com3`, `COM3` and `\\\\.\\COM3` are the same Windows port: `COM3`. Anything else is kept as typed."""
    stripped = text.strip()
    match = _WINDOWS_COM.match(stripped)
    return f"COM{int(match.group(1))}" if match else stripped


def _natural_key(device: str) -> tuple[Any, ...]:
    """COM2 before COM10, ttyUSB2 before ttyUSB10."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", device))


def _order(port: SerialPortInfo) -> tuple[Any, ...]:
    return (port.product is None, not port.usb_id, _natural_key(port.device))


def ports_from(comports: Iterable[Any], platform: str | None = None) -> list[SerialPortInfo]:
    """pyserial's ListPortInfo objects as SerialPortInfo, known dongles first, cu.* only on macOS."""
    platform = sys.platform if platform is None else platform
    found: list[SerialPortInfo] = []
    for port in comports:
        description = str(port.description) if port.description and port.description != "n/a" else ""
        hwid = str(port.hwid) if port.hwid and port.hwid != "n/a" else ""
        found.append(SerialPortInfo(str(port.device), description, hwid, port.vid, port.pid))
    if platform == "darwin":
        callouts = {p.device for p in found if p.device.startswith("/dev/cu.")}
        found = [p for p in found if not (p.device.startswith("/dev/tty.")
                                          and "/dev/cu." + p.device[len("/dev/tty."):] in callouts)]
    return sorted(found, key=_order)


def serial_ports() -> list[SerialPortInfo]:
    from serial.tools import list_ports  # deferred: only --list-ports and the dialog need it

    return ports_from(list_ports.comports())


def preselected_port(ports: Sequence[SerialPortInfo], configured: str) -> str:
    """The port the dialog selects: the configured one when it is there, else the one dongle found.

    "The one dongle": the only port with a known dongle's USB ID, else the only USB serial port.
    With none or several, the configured port stays (the user chooses).
    """
    wanted = normalize_port(configured)
    if any(normalize_port(p.device) == wanted for p in ports):
        return next(p.device for p in ports if normalize_port(p.device) == wanted)
    for candidates in ([p for p in ports if p.product is not None], [p for p in ports if p.usb_id]):
        if len(candidates) == 1:
            return candidates[0].device
        if candidates:
            break
    return configured


def list_serial_ports() -> list[str]:
    """One line per port: device, the dongle it probably is, description and USB VID:PID."""
    return [port.label for port in serial_ports()]
