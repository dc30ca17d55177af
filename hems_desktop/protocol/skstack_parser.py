"""SKSTACK IP stream parser: whole messages from any chunking, and it never raises.

`SkStackStreamParser.feed(bytes)` returns whole messages. It frames CRLF lines, CR-only
lines (`OK 01\\r` of ROPT/WOPT), EPANDESC blocks, EEDSCAN results, and ERXUDP lines whose
binary payload (WOPT 00) is framed by DATALEN because it may contain CR and LF bytes.
Anything it cannot understand comes out as `Garbage`, so a noisy line never stops a session.
"""

from __future__ import annotations

import re

from hems_desktop.protocol.skstack import (
    ErxUdp,
    Garbage,
    PanDescriptor,
    SkMessage,
)
from hems_desktop.protocol.skstack_lines import (
    HEX,
    PANDESC_KEYS,
    is_hex,
    is_ipv6,
    parse_edscan,
    parse_line,
)

_LINE_END = re.compile(rb"[\r\n]")
MAX_LINE = 1024  # longest text line we keep; real lines are < 200 bytes except hex ERXUDP
MAX_DATALEN = 1280  # IPv6 minimum MTU: no ERXUDP payload is longer


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
        if not (is_hex(rport, 4) and is_hex(lport, 4) and is_hex(self.mac) and len(self.mac) <= 20):
            raise ValueError("bad port or MAC field")
        self.rport, self.lport = int(rport, 16), int(lport, 16)
        size = tokens[-1]
        if not is_hex(size, 4):
            raise ValueError("bad DATALEN")
        self.size = int(size, 16)
        if self.size > MAX_DATALEN:
            raise ValueError(f"DATALEN {self.size} too large")
        middle = tokens[5:-1]
        self.rssi: int | None = None
        self.side: int | None = None
        if len(middle) == 3:
            rssi = middle.pop(0)
            self.rssi = int(rssi, 16) if is_hex(rssi) else int(rssi)
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

    Whatever the chunking, the same bytes give the same messages (until `flush`, which gives up
    on what is incomplete), and the work is linear in the input: the buffer is read at an offset
    and compacted once per `feed`, every search is bounded, and a malformed ERXUDP header is
    resynchronised at its line end, never at the end of whatever chunk happened to arrive.
    `work` counts the bytes examined or moved (the fuzz tests check that it stays linear).
    """

    def __init__(self, binary_payload: bool | None = None) -> None:
        self.binary_payload = binary_payload
        self._buf = bytearray()
        self._pos = 0
        self._skip_lf = False
        self._pandesc: dict[str, str] | None = None
        self._edscan_pending = False
        self.work = 0

    @property
    def pending(self) -> int:
        """Bytes waiting for the rest of their line or payload."""
        return len(self._buf) - self._pos

    def feed(self, data: bytes) -> list[SkMessage]:
        self._buf += data
        self.work += len(data)
        out: list[SkMessage] = []
        while self._step(out, final=False):
            pass
        self._compact()
        return out

    def flush(self) -> list[SkMessage]:
        """Give up on an incomplete line or payload (the sender went quiet): report and reparse."""
        out: list[SkMessage] = []
        while self._step(out, final=True):
            pass
        if self.pending:
            text = bytes(self._buf[self._pos:])
            self._pos = len(self._buf)
            self._line(text, out)
        out += self._finish_pandesc()
        self._compact()
        return out

    # ---- framing ----

    def _compact(self) -> None:
        if self._pos:
            del self._buf[: self._pos]
            self.work += len(self._buf)
            self._pos = 0

    def _line_end(self, start: int, limit: int) -> int:
        """The first CR or LF in [start, limit), or -1. Bounded, so the work stays linear."""
        limit = min(limit, len(self._buf))
        match = _LINE_END.search(self._buf, start, limit)
        self.work += (match.start() + 1 if match else limit) - start
        return match.start() if match else -1

    def _consume_terminator(self, at: int) -> None:
        """Continue after the CR or LF at `at`; drop the LF of a CRLF, now or when it arrives."""
        self._pos = at + 1
        if self._buf[at] == 0x0D:
            if self._pos < len(self._buf):
                if self._buf[self._pos] == 0x0A:
                    self._pos += 1
            else:
                self._skip_lf = True

    def _step(self, out: list[SkMessage], final: bool) -> bool:
        """Take one message (or one skipped byte) from the buffer; False when more bytes are needed."""
        buf, pos = self._buf, self._pos
        if pos >= len(buf):
            return False
        if self._skip_lf:
            self._skip_lf = False
            if buf[pos] == 0x0A:
                self._pos += 1
            return True
        if buf.startswith(b"ERXUDP ", pos):
            out += self._finish_pandesc()  # a line at column 0 ends an EPANDESC block
            return self._take_erxudp(out, final)
        if len(buf) - pos < 7 and b"ERXUDP ".startswith(bytes(buf[pos:])) and not final:
            return False  # maybe the start of an ERXUDP line: wait for more
        end = self._line_end(pos, pos + MAX_LINE + 1)
        if end < 0:
            if len(buf) - pos > MAX_LINE:
                out.append(Garbage(bytes(buf[pos : pos + MAX_LINE]), "line too long"))
                self._pos = pos + MAX_LINE
                return True
            return False
        raw = bytes(buf[pos:end])
        self._consume_terminator(end)
        self._line(raw, out)
        return True

    def _take_erxudp(self, out: list[SkMessage], final: bool) -> bool:
        """Consume one ERXUDP line; False when more bytes are needed."""
        buf, start = self._buf, self._pos
        # The header is at most 11 space-separated tokens; find the space after DATALEN.
        tokens: list[str] = []
        pos = start + 7
        header_end = -1
        while len(tokens) < 9:
            space = buf.find(b" ", pos, pos + 48)
            stop = self._line_end(pos, pos + 48)
            self.work += 48
            if space < 0 or (0 <= stop < space):
                if stop >= 0 or len(buf) - pos > 48 or final:
                    return self._bad_erxudp(out, "ERXUDP header without data", final)
                return False
            token = bytes(buf[pos:space])
            if not token.isascii():
                return self._bad_erxudp(out, "non-ASCII ERXUDP header", final)
            tokens.append(token.decode())
            pos = space + 1
            # DATALEN is the first 4-character token after MAC and SECURED (the 7th or later).
            if len(tokens) >= 7 and len(tokens[-1]) == 4:
                header_end = pos
                break
        if header_end < 0:
            return self._bad_erxudp(out, "ERXUDP header has too many fields", final)
        try:
            header = _ErxHeader(tokens)
        except ValueError as exc:
            return self._bad_erxudp(out, f"malformed ERXUDP: {exc}", final)
        size = header.size
        hex_ok = self.binary_payload is not True
        bin_ok = self.binary_payload is not False
        if hex_ok:
            hex_end = header_end + 2 * size
            if len(buf) >= hex_end + 1:
                chunk = bytes(buf[header_end:hex_end])
                self.work += len(chunk)
                if (HEX.match(chunk.decode("latin-1")) or size == 0) and buf[hex_end] in (0x0D, 0x0A):
                    self._consume_terminator(hex_end)
                    out.append(header.message(bytes.fromhex(chunk.decode()), True))
                    return True
                if not bin_ok:
                    return self._bad_erxudp(out, "ERXUDP hex payload malformed", final)
            elif not bin_ok or self._could_be_hex(header_end, size):
                if final:
                    return self._bad_erxudp(out, "ERXUDP payload truncated", final)
                return False
        bin_end = header_end + size
        if len(buf) < bin_end + 1:
            if final:
                return self._bad_erxudp(out, "ERXUDP payload truncated", final)
            return False
        if buf[bin_end] not in (0x0D, 0x0A):
            return self._bad_erxudp(out, "ERXUDP payload longer than DATALEN", final)
        data = bytes(buf[header_end:bin_end])
        self.work += len(data)
        self._consume_terminator(bin_end)
        out.append(header.message(data, False))
        return True

    def _could_be_hex(self, start: int, size: int) -> bool:
        chunk = bytes(self._buf[start : start + 2 * size])
        self.work += len(chunk)
        return bool(chunk) and bool(HEX.match(chunk.decode("latin-1")))

    def _bad_erxudp(self, out: list[SkMessage], reason: str, final: bool) -> bool:
        """Report the header line as garbage and resume right after its line end, so later lines
        survive. Without a line end yet, wait for it (unless the sender went quiet)."""
        start = self._pos
        end = self._line_end(start, start + MAX_LINE + 1)
        if end < 0:
            if len(self._buf) - start <= MAX_LINE and not final:
                return False  # resynchronise where the line ends, whatever the chunking
            cut = min(len(self._buf) - start, MAX_LINE)
            out.append(Garbage(bytes(self._buf[start : start + cut]), reason))
            self._pos = start + cut
            return True
        out.append(Garbage(bytes(self._buf[start:end]), reason))
        self._consume_terminator(end)
        return True

    # ---- lines ----

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
            out.append(parse_edscan(text))
            return
        out.append(parse_line(text.rstrip()))

    def _finish_pandesc(self) -> list[SkMessage]:
        fields, self._pandesc = self._pandesc, None
        if fields is None:
            return []
        try:
            values = {PANDESC_KEYS[k]: v for k, v in fields.items() if k in PANDESC_KEYS}
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
