"""Serial ports on this computer, with what pyserial knows of each (description, USB VID:PID)."""

from __future__ import annotations


def list_serial_ports() -> list[str]:
    """One line per port: device, description and hardware ID (USB VID:PID helps spot dongles)."""
    from serial.tools import list_ports  # deferred: only --list-ports and the dialog need it

    lines = []
    for port in sorted(list_ports.comports(), key=lambda p: str(p.device)):
        parts = [str(port.device)]
        if port.description and port.description != "n/a":
            parts.append(str(port.description))
        if port.hwid and port.hwid != "n/a":
            parts.append(f"[{port.hwid}]")
        lines.append("  ".join(parts))
    return lines
