"""Serial ports on this computer, with what pyserial knows of each (description, USB VID:PID)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SerialPortInfo:
    device: str
    description: str = ""
    hwid: str = ""
    vid: int | None = None
    pid: int | None = None

    @property
    def label(self) -> str:
        """What a list shows: the device and, when known, its description."""
        return f"{self.device} — {self.description}" if self.description else self.device


def serial_ports() -> list[SerialPortInfo]:
    from serial.tools import list_ports  # deferred: only --list-ports and the dialog need it

    found = []
    for port in sorted(list_ports.comports(), key=lambda p: str(p.device)):
        description = str(port.description) if port.description and port.description != "n/a" else ""
        hwid = str(port.hwid) if port.hwid and port.hwid != "n/a" else ""
        found.append(SerialPortInfo(str(port.device), description, hwid, port.vid, port.pid))
    return found


def list_serial_ports() -> list[str]:
    """One line per port: device, description and hardware ID (USB VID:PID helps spot dongles)."""
    lines = []
    for port in serial_ports():
        parts = [port.device]
        if port.description:
            parts.append(port.description)
        if port.hwid:
            parts.append(f"[{port.hwid}]")
        lines.append("  ".join(parts))
    return lines
