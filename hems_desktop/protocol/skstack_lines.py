"""SKSTACK IP text lines as typed messages: one complete line in, one message out, never raising.

The stream parser (skstack_parser.py) frames lines, EPANDESC blocks and ERXUDP payloads, and hands
each finished text line here.
"""

from __future__ import annotations

import re

from hems_desktop.protocol.skstack import (
    Address,
    Echo,
    EnergyScan,
    Event,
    Fail,
    Garbage,
    Info,
    Ok,
    RegisterValue,
    SkMessage,
    Unknown,
    Version,
)

# \Z, not $: `$` also matches before a trailing "\n", which let "AB\n" pass as hex.
_IPV6 = re.compile(r"^[0-9A-Fa-f]{4}(?::[0-9A-Fa-f]{4}){7}\Z")

HEX = re.compile(r"^[0-9A-Fa-f]+\Z")
_ECHO_PREFIXES = ("SK", "WOPT", "ROPT", "WUART", "RUART")
PANDESC_KEYS = {
    "Channel": "channel",
    "Channel Page": "channel_page",
    "Pan ID": "pan_id",
    "Addr": "mac",
    "LQI": "lqi",
    "Side": "side",
    "PairID": "pair_id",
}


def is_hex(token: str, length: int | None = None) -> bool:
    return bool(HEX.match(token)) and (length is None or len(token) == length)


def is_ipv6(token: str) -> bool:
    return bool(_IPV6.match(token))


def parse_line(text: str) -> SkMessage:
    """Parse one complete text line (without CR/LF). Never raises."""
    if not text:
        return Unknown("")
    tokens = text.split()
    if not tokens:
        return Unknown(text)
    head = tokens[0]
    try:
        if head == "OK":
            return Ok(tokens[1] if len(tokens) > 1 else None)
        if head == "FAIL" and len(tokens) == 2 and tokens[1].startswith("ER") and tokens[1][2:].isdigit():
            return Fail(int(tokens[1][2:]))
        if head in ("EVER", "EAPPVER") and len(tokens) >= 2:
            return Version(head, " ".join(tokens[1:]))
        if head == "EINFO":
            return _parse_einfo(text, tokens)
        if head == "ESREG" and len(tokens) == 2:
            return RegisterValue(tokens[1])
        if head == "EVENT":
            return _parse_event(text, tokens)
        if len(tokens) == 1 and is_ipv6(head):
            return Address(head.upper())
        if head.startswith(_ECHO_PREFIXES):
            return Echo(text)
    except ValueError as exc:
        return Garbage(text.encode("utf-8", "replace"), f"malformed {head}: {exc}")
    return Unknown(text)


def _parse_einfo(text: str, tokens: list[str]) -> SkMessage:
    if len(tokens) != 6 or not is_ipv6(tokens[1]) or not is_hex(tokens[2], 16):
        return Garbage(text.encode(), "malformed EINFO")
    last = tokens[5]
    side = int(last) if last in ("0", "1") else None
    short = int(last, 16) if side is None else None
    return Info(tokens[1].upper(), tokens[2].upper(), int(tokens[3], 16), int(tokens[4], 16), short, side)


def _parse_event(text: str, tokens: list[str]) -> SkMessage:
    if len(tokens) < 2 or not is_hex(tokens[1]) or len(tokens[1]) > 2:
        return Garbage(text.encode(), "malformed EVENT")
    number = int(tokens[1], 16)
    if len(tokens) == 2:
        return Event(number, None)
    address = tokens[2]
    if not is_ipv6(address):
        return Garbage(text.encode(), "EVENT address is not IPv6")
    rest = tokens[3:]
    side: int | None = None
    param: int | None = None
    # Dual-stack puts SIDE (one digit) before PARAM (two hex digits); single-hop has PARAM only.
    if len(rest) == 2:
        if len(rest[0]) != 1 or not rest[0].isdigit() or not is_hex(rest[1], 2):
            return Garbage(text.encode(), "malformed EVENT side/param")
        side, param = int(rest[0]), int(rest[1], 16)
    elif len(rest) == 1:
        if len(rest[0]) == 1 and rest[0].isdigit():
            side = int(rest[0])
        elif is_hex(rest[0], 2):
            param = int(rest[0], 16)
        else:
            return Garbage(text.encode(), "malformed EVENT param")
    elif rest:
        return Garbage(text.encode(), "too many EVENT fields")
    return Event(number, address.upper(), side, param)


def parse_edscan(text: str) -> SkMessage:
    tokens = text.split()
    side: int | None = None
    if len(tokens) % 2 == 1 and tokens and tokens[0] in ("0", "1"):
        side = int(tokens.pop(0))
    if len(tokens) % 2 or not all(is_hex(t, 2) for t in tokens):
        return Garbage(text.encode(), "malformed EEDSCAN")
    pairs = tuple((int(tokens[i], 16), int(tokens[i + 1], 16)) for i in range(0, len(tokens), 2))
    return EnergyScan(pairs, side)
