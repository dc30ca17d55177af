"""SKSTACK IP command builders and the two dialects (single-hop vs dual-stack).

A `Dialect` is chosen once after detection; the rest of the code calls its methods and
never branches on the dongle model.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hems_desktop.protocol.errors import ProtocolError
from hems_desktop.protocol.skstack import Info, Version

B_ROUTE_SIDE = 0
ECHONET_HANDLE = 1  # UDP handle 1 is bound to 3610 by default
ALL_CHANNELS_MASK = 0xFFFFFFFF
PASSWORD_LENGTH = 12
ROUTE_B_ID_LENGTH = 32


class ScanMode(int, Enum):
    ENERGY_DETECT = 0
    ACTIVE_WITH_IE = 2
    ACTIVE = 3


class DialectName(str, Enum):
    SINGLE_HOP = "single-hop"
    DUAL_STACK = "dual-stack"


def _line(*parts: object) -> bytes:
    return (" ".join(str(p) for p in parts) + "\r\n").encode("ascii")


def check_password(password: str) -> None:
    if len(password) != PASSWORD_LENGTH or not password.isascii() or not password.isprintable():
        # Never echo the password itself.
        raise ProtocolError(f"the B-route password must be {PASSWORD_LENGTH} printable ASCII characters")


def check_route_b_id(route_b_id: str) -> None:
    if len(route_b_id) != ROUTE_B_ID_LENGTH or not route_b_id.isalnum() or not route_b_id.isascii():
        raise ProtocolError(f"the B-route ID must be {ROUTE_B_ID_LENGTH} letters and digits")


def skver() -> bytes:
    return _line("SKVER")


def skappver() -> bytes:
    return _line("SKAPPVER")


def skinfo() -> bytes:
    return _line("SKINFO")


def skreset() -> bytes:
    return _line("SKRESET")


def sksetpwd(password: str) -> bytes:
    check_password(password)
    return _line("SKSETPWD", f"{len(password):X}", password)


def sksetrbid(route_b_id: str) -> bytes:
    check_route_b_id(route_b_id)
    return _line("SKSETRBID", route_b_id)


def sksreg(register: str, value: str | None = None) -> bytes:
    return _line("SKSREG", register) if value is None else _line("SKSREG", register, value)


def skll64(mac: str) -> bytes:
    return _line("SKLL64", mac)


def skjoin(ip: str) -> bytes:
    return _line("SKJOIN", ip)


def skrejoin() -> bytes:
    return _line("SKREJOIN")


def skterm() -> bytes:
    return _line("SKTERM")


def wopt(hex_payload: bool) -> bytes:
    """WOPT writes flash (limited cycles): only send it when ROPT shows a different value."""
    return b"WOPT 01\r" if hex_payload else b"WOPT 00\r"


def ropt() -> bytes:
    return b"ROPT\r"


def mac_to_link_local(mac: str) -> str:
    """EUI-64 to FE80::/64 link-local address (U/L bit flipped), in the dongle's 39-char form."""
    value = int(mac, 16) ^ (1 << 57)
    groups = [f"{(value >> shift) & 0xFFFF:04X}" for shift in (48, 32, 16, 0)]
    return "FE80:0000:0000:0000:" + ":".join(groups)


@dataclass(frozen=True)
class Dialect:
    name: DialectName
    side_token: bool

    def skscan(self, mode: ScanMode, duration: int, mask: int = ALL_CHANNELS_MASK) -> bytes:
        args: list[object] = [int(mode), f"{mask:08X}", duration]
        if self.side_token:
            args.append(B_ROUTE_SIDE)
        return _line("SKSCAN", *args)

    def sksendto(self, ip: str, data: bytes, port: int, secured: int = 1, handle: int = ECHONET_HANDLE) -> bytes:
        """Header and exactly len(data) raw bytes; no CRLF after the data (it would count as data)."""
        args: list[object] = [handle, ip, f"{port:04X}", secured]
        if self.side_token:
            args.append(B_ROUTE_SIDE)
        args.append(f"{len(data):04X}")
        return ("SKSENDTO " + " ".join(str(a) for a in args) + " ").encode("ascii") + data

    def __str__(self) -> str:
        return self.name.value


SINGLE_HOP = Dialect(DialectName.SINGLE_HOP, side_token=False)
DUAL_STACK = Dialect(DialectName.DUAL_STACK, side_token=True)


def detect_dialect(info: Info | None, version: Version | None = None) -> Dialect | None:
    """EINFO's last field is SIDE (0/1) on dual-stack firmware and a short address on single-hop."""
    if info is not None:
        return DUAL_STACK if info.side is not None else SINGLE_HOP
    if version is not None and version.version.startswith("1.2."):
        return SINGLE_HOP  # BP35A1 firmware line
    return None
