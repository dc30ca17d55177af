"""SKSTACK IP stream parser: whole messages from any chunking, and it never raises.

`SkStackStreamParser.feed(bytes)` returns whole messages. It frames CRLF lines, CR-only
lines (`OK 01\\r` of ROPT/WOPT), EPANDESC blocks, EEDSCAN results, and ERXUDP lines whose
binary payload (WOPT 00) is framed by DATALEN because it may contain CR and LF bytes.
Anything it cannot understand comes out as `Garbage`, so a noisy line never stops a session.
"""

from __future__ import annotations

import re

from hems_desktop.protocol.skstack import (
    Address,
    Echo,
    EnergyScan,
    ErxUdp,
    Event,
    Fail,
    Garbage,
    Info,
    Ok,
    PanDescriptor,
    RegisterValue,
    SkMessage,
    Unknown,
    Version,
)

MAX_LINE = 1024  # longest text line we keep; real lines are < 200 bytes except hex ERXUDP
MAX_DATALEN = 1280  # IPv6 minimum MTU: no ERXUDP payload is longer
# \Z, not $: `$` also matches before a trailing "\n", which let "AB\n" pass as hex.
_IPV6 = re.compile(r"^[0-9A-Fa-f]{4}(?::[0-9A-Fa-f]{4}){7}\Z")

_HEX = re.compile(r"^[0-9A-Fa-f]+\Z")
_ECHO_PREFIXES = ("SK", "WOPT", "ROPT", "WUART", "RUART")
_PANDESC_KEYS = {
    "Channel": "channel",
    "Channel Page": "channel_page",
    "Pan ID": "pan_id",
    "Addr": "mac",
    "LQI": "lqi",
    "Side": "side",
    "PairID": "pair_id",
}


def _is_hex(token: str, length: int | None = None) -> bool:
    return bool(_HEX.match(token)) and (length is None or len(token) == length)


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
    if len(tokens) != 6 or not is_ipv6(tokens[1]) or not _is_hex(tokens[2], 16):
        return Garbage(text.encode(), "malformed EINFO")
    last = tokens[5]
    side = int(last) if last in ("0", "1") else None
    short = int(last, 16) if side is None else None
    return Info(tokens[1].upper(), tokens[2].upper(), int(tokens[3], 16), int(tokens[4], 16), short, side)


def _parse_event(text: str, tokens: list[str]) -> SkMessage:
    if len(tokens) < 2 or not _is_hex(tokens[1]) or len(tokens[1]) > 2:
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
        if len(rest[0]) != 1 or not rest[0].isdigit() or not _is_hex(rest[1], 2):
            return Garbage(text.encode(), "malformed EVENT side/param")
        side, param = int(rest[0]), int(rest[1], 16)
    elif len(rest) == 1:
        if len(rest[0]) == 1 and rest[0].isdigit():
            side = int(rest[0])
        elif _is_hex(rest[0], 2):
            param = int(rest[0], 16)
        else:
            return Garbage(text.encode(), "malformed EVENT param")
    elif rest:
        return Garbage(text.encode(), "too many EVENT fields")
    return Event(number, address.upper(), side, param)


class _ErxHeader:
    """The fixed fields of an ERXUDP line, up to and including DATALEN."""

    __slots__ = ("dest", "lport", "mac", "rport", "rssi", "secured", "sender", "side", "size")

    def __init__(self, tokens: list[str]) -> None:
        # tokens: SENDER DEST RPORT LPORT MAC [RSSI] SECURED [SIDE] DATALEN
        if len(tokens) not in (7, 8, 9):
            raise ValueError(f"{len(tokens) + 1} header fields")
        self.sender, self.dest, rport, lport, self.mac = tokens[0:5]
        if not (is_ipv6(self.sender) and is_ipv6(self.dest)):
            raise ValueError("address is not IPv6")
        # Real MACs are 16 hex digits; a published fixture has 18, so only insist on hex.
        if not (_is_hex(rport, 4) and _is_hex(lport, 4) and _is_hex(self.mac) and len(self.mac) <= 20):
            raise ValueError("bad port or MAC field")
        self.rport, self.lport = int(rport, 16), int(lport, 16)
        size = tokens[-1]
        if not _is_hex(size, 4):
            raise ValueError("bad DATALEN")
        self.size = int(size, 16)
        if self.size > MAX_DATALEN:
            raise ValueError(f"DATALEN {self.size} too large")
        middle = tokens[5:-1]
        self.rssi: int | None = None
        self.side: int | None = None
        if len(middle) == 3:
            rssi = middle.pop(0)
            self.rssi = int(rssi, 16) if _is_hex(rssi) else int(rssi)
        if len(middle) == 2:
            if middle[1] not in ("0", "1"):
                raise ValueError("bad SIDE")
            self.side = int(middle.pop())
        if middle[0] not in ("0", "1"):
            raise ValueError("bad SECURED")
        self.secured = middle[0] == "1"

    def message(self, data: bytes, hex_payload: bool) -> ErxUdp:
        return ErxUdp(
            self.sender.upper(),
            self.dest.upper(),
            self.rport,
            self.lport,
            self.mac.upper(),
            self.secured,
            data,
            self.side,
            self.rssi,
            hex_payload,
        )


class SkStackStreamParser:
    """Incremental parser for the bytes a dongle sends. Pure: no I/O, no clock, never raises.

    `binary_payload` says how ERXUDP data is encoded: True (WOPT 00), False (WOPT 01, hex),
    or None to tell per line (hex text that fills exactly 2 x DATALEN up to CRLF, else binary).
    """

    def __init__(self, binary_payload: bool | None = None) -> None:
        self.binary_payload = binary_payload
        self._buf = bytearray()
        self._skip_lf = False
        self._pandesc: dict[str, str] | None = None
        self._edscan_pending = False
        self._edscan_side: int | None = None

    @property
    def pending(self) -> int:
        """Bytes waiting for the rest of their line or payload."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[SkMessage]:
        self._buf += data
        out: list[SkMessage] = []
        while self._buf:
            if self._skip_lf:
                self._skip_lf = False
                if self._buf[0] == 0x0A:
                    del self._buf[0]
                    continue
            if self._buf.startswith(b"ERXUDP "):
                out += self._finish_pandesc()  # a line at column 0 ends an EPANDESC block
                if not self._take_erxudp(out, final=False):
                    break
                continue
            if b"ERXUDP ".startswith(bytes(self._buf[:7])) and len(self._buf) < 7:
                break  # maybe the start of an ERXUDP line: wait for more
            end = self._line_end()
            if end < 0:
                if len(self._buf) > MAX_LINE:
                    out.append(Garbage(bytes(self._buf[:MAX_LINE]), "line too long"))
                    del self._buf[:MAX_LINE]
                    continue
                break
            raw = bytes(self._buf[:end])
            terminator = self._buf[end]
            del self._buf[: end + 1]
            if terminator == 0x0D:
                if self._buf[:1] == b"\n":
                    del self._buf[0]
                elif not self._buf:
                    self._skip_lf = True  # the LF may still be on its way
            self._line(raw, out)
        return out

    def flush(self) -> list[SkMessage]:
        """Give up on an incomplete line or payload (the sender went quiet): report and reparse."""
        out: list[SkMessage] = []
        while self._buf.startswith(b"ERXUDP "):  # feed() may stop at a second truncated one
            out += self._finish_pandesc()
            self._take_erxudp(out, final=True)
            out += self.feed(b"")
        if self._buf:
            text = bytes(self._buf)
            self._buf.clear()
            self._line(text, out)
        out += self._finish_pandesc()
        return out

    def _line_end(self) -> int:
        cr = self._buf.find(b"\r")
        lf = self._buf.find(b"\n")
        candidates = [i for i in (cr, lf) if i >= 0]
        return min(candidates) if candidates else -1

    def _take_erxudp(self, out: list[SkMessage], final: bool) -> bool:
        """Consume one ERXUDP line from the buffer; False when more bytes are needed."""
        buf = self._buf
        # The header is at most 11 space-separated tokens; find the space after DATALEN.
        tokens: list[str] = []
        pos = 7
        header_end = -1
        while len(tokens) < 9:
            space = buf.find(b" ", pos, pos + 48)
            stop = self._line_end_from(pos)
            if space < 0 or (0 <= stop < space):
                if stop >= 0 or len(buf) - pos > 48 or final:
                    return self._bad_erxudp(out, "ERXUDP header without data")
                return False
            token = bytes(buf[pos:space])
            if not token.isascii():
                return self._bad_erxudp(out, "non-ASCII ERXUDP header")
            tokens.append(token.decode())
            pos = space + 1
            # DATALEN is the first 4-character token after MAC and SECURED (the 7th or later).
            if len(tokens) >= 7 and len(tokens[-1]) == 4:
                header_end = pos
                break
        if header_end < 0:
            return self._bad_erxudp(out, "ERXUDP header has too many fields")
        try:
            header = _ErxHeader(tokens)
        except ValueError as exc:
            return self._bad_erxudp(out, f"malformed ERXUDP: {exc}")
        size = header.size
        hex_ok = self.binary_payload is not True
        bin_ok = self.binary_payload is not False
        if hex_ok:
            hex_end = header_end + 2 * size
            if len(buf) >= hex_end + 1:
                chunk = bytes(buf[header_end:hex_end])
                if (_HEX.match(chunk.decode("latin-1")) or size == 0) and buf[hex_end] in (0x0D, 0x0A):
                    del buf[: hex_end + 1]
                    self._after_terminator(buf)
                    out.append(header.message(bytes.fromhex(chunk.decode()), True))
                    return True
                if not bin_ok:
                    return self._bad_erxudp(out, "ERXUDP hex payload malformed")
            elif not bin_ok or self._could_be_hex(header_end, size):
                if final:
                    return self._bad_erxudp(out, "ERXUDP payload truncated")
                return False
        bin_end = header_end + size
        if len(buf) < bin_end + 1:
            if final:
                return self._bad_erxudp(out, "ERXUDP payload truncated")
            return False
        if buf[bin_end] not in (0x0D, 0x0A):
            return self._bad_erxudp(out, "ERXUDP payload longer than DATALEN")
        data = bytes(buf[header_end:bin_end])
        del buf[: bin_end + 1]
        self._after_terminator(buf)
        out.append(header.message(data, False))
        return True

    def _could_be_hex(self, start: int, size: int) -> bool:
        chunk = bytes(self._buf[start : start + 2 * size])
        return bool(chunk) and bool(_HEX.match(chunk.decode("latin-1")))

    def _line_end_from(self, pos: int) -> int:
        cr = self._buf.find(b"\r", pos)
        lf = self._buf.find(b"\n", pos)
        candidates = [i for i in (cr, lf) if i >= 0]
        return min(candidates) if candidates else -1

    def _after_terminator(self, buf: bytearray) -> None:
        # We consumed CR (or LF); drop the LF of a CRLF, or remember to drop it when it arrives.
        if buf[:1] == b"\n":
            del buf[0]
        elif not buf:
            self._skip_lf = True

    def _bad_erxudp(self, out: list[SkMessage], reason: str) -> bool:
        """Report the header line as garbage and resume right after it, so later lines survive."""
        end = self._line_end_from(0)
        cut = end if end >= 0 else min(len(self._buf), MAX_LINE)
        out.append(Garbage(bytes(self._buf[:cut]), reason))
        del self._buf[: cut + (1 if end >= 0 else 0)]
        if end >= 0:
            self._after_terminator(self._buf)
        return True

    def _line(self, raw: bytes, out: list[SkMessage]) -> None:
        if not raw.strip():
            return  # empty line: the CRLF before an echo-off SKSENDTO result, or after EEDSCAN
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            out += self._finish_pandesc()
            out.append(Garbage(raw, "non-ASCII bytes"))
            return
        if self._pandesc is not None:
            if text.startswith("  ") and ":" in text:
                key, _, value = text.strip().partition(":")
                self._pandesc[key] = value.strip()
                return
            out += self._finish_pandesc()
        if text == "EPANDESC":
            self._pandesc = {}
            return
        if text == "EEDSCAN":
            self._edscan_pending = True
            return
        if self._edscan_pending:
            self._edscan_pending = False
            out.append(_parse_edscan(text))
            return
        out.append(parse_line(text.rstrip()))

    def _finish_pandesc(self) -> list[SkMessage]:
        fields, self._pandesc = self._pandesc, None
        if fields is None:
            return []
        try:
            values = {_PANDESC_KEYS[k]: v for k, v in fields.items() if k in _PANDESC_KEYS}
            side = values.get("side")
            return [
                PanDescriptor(
                    channel=int(values["channel"], 16),
                    channel_page=int(values["channel_page"], 16),
                    pan_id=int(values["pan_id"], 16),
                    mac=values["mac"].upper(),
                    lqi=int(values["lqi"], 16),
                    side=int(side) if side is not None else None,
                    pair_id=values.get("pair_id"),
                )
            ]
        except (KeyError, ValueError) as exc:
            return [Garbage(repr(fields).encode(), f"incomplete EPANDESC: {exc}")]


def _parse_edscan(text: str) -> SkMessage:
    tokens = text.split()
    side: int | None = None
    if len(tokens) % 2 == 1 and tokens and tokens[0] in ("0", "1"):
        side = int(tokens.pop(0))
    if len(tokens) % 2 or not all(_is_hex(t, 2) for t in tokens):
        return Garbage(text.encode(), "malformed EEDSCAN")
    pairs = tuple((int(tokens[i], 16), int(tokens[i + 1], 16)) for i in range(0, len(tokens), 2))
    return EnergyScan(pairs, side)
