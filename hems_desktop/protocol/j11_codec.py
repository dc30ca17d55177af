"""ROHM J11 UART framing: frames in and out, and a stream parser that never raises.

A frame is `unique code(4) | command(2) | message length(2) = 4 + len(data) | header checksum(2) |
data checksum(2) | data`, big-endian; the header checksum is the 16-bit sum of bytes 0-7 and the
data checksum the 16-bit sum of the data (ROHM 63TR008E as quoted by broute-j11's codec; Tosainu's
bp35c0-j11 parser; ak1211's J11Stack; checked on transcript 13 and ROHM's application-note frames).
The host sends with `D0EA83FC`, the module answers and notifies with `D0F9EE5D`.

`J11FrameParser.feed()` returns whole frames and `Garbage` for everything else: noise between
frames (an SKSTACK dongle's text, line noise), frames with a bad header or data checksum, an
impossible length, or (on `flush()`) a frame cut short. It resynchronises on the next unique
code, so one bad frame never hides the good one after it. Buffers are bounded by one frame
plus one garbage chunk, and the work is linear in the input whatever the chunking: bytes are
deleted from the buffer once per `feed()`, never per frame, and `work` counts every byte the
parser looks at so tests can check that without a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

HOST_CODE = 0xD0EA83FC
MODULE_CODE = 0xD0F9EE5D
HEADER_SIZE = 12
LENGTH_OVERHEAD = 4  # the message length counts the two checksums as well as the data
MAX_FRAME = 1361  # the largest frame the module handles, header included [broute-j11 codec]
MAX_DATA = MAX_FRAME - HEADER_SIZE
MAX_MESSAGE_LENGTH = MAX_DATA + LENGTH_OVERHEAD
MAX_GARBAGE = 512  # longer runs of junk come out as several Garbage values of this size
_PREFIX_KEEP = 3  # bytes kept at the end of junk: they may be the start of a unique code

_TEXT_BYTES = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}


def checksum(data: bytes | bytearray | memoryview) -> int:
    """The J11 checksum: the sum of the bytes, modulo 0x10000."""
    return sum(data) & 0xFFFF


def encode_frame(unique_code: int, command: int, data: bytes = b"") -> bytes:
    """One frame with both checksums. Raises ValueError for a command or data the frame cannot carry."""
    if unique_code not in (HOST_CODE, MODULE_CODE):
        raise ValueError(f"unknown unique code {unique_code:08X}")
    if not 0 <= command <= 0xFFFF:
        raise ValueError(f"command code {command} out of range")
    if len(data) > MAX_DATA:
        raise ValueError(f"{len(data)} data bytes; a frame carries at most {MAX_DATA}")
    length = len(data) + LENGTH_OVERHEAD
    header = unique_code.to_bytes(4, "big") + command.to_bytes(2, "big") + length.to_bytes(2, "big")
    return header + checksum(header).to_bytes(2, "big") + checksum(data).to_bytes(2, "big") + bytes(data)


@dataclass(frozen=True, slots=True)
class RawFrame:
    """A frame whose checksums are right; what the command means is decoded elsewhere."""

    unique_code: int
    command: int
    data: bytes

    def encode(self) -> bytes:
        return encode_frame(self.unique_code, self.command, self.data)


@dataclass(frozen=True, slots=True)
class Garbage:
    """Bytes that are not a valid frame, with why."""

    raw: bytes
    reason: str

    @property
    def is_text(self) -> bool:
        """Printable ASCII with line ends: what an SKSTACK dongle (or an echo of one) would send."""
        return bool(self.raw) and all(byte in _TEXT_BYTES for byte in self.raw)


class J11FrameParser:
    """Incremental framing of one direction of the line. Pure: no I/O, no clock, never raises.

    `unique_code` selects the direction: MODULE_CODE for the host reading a module, HOST_CODE for
    a (virtual) module reading the host. Frames with the other code are garbage.
    """

    def __init__(self, unique_code: int = MODULE_CODE) -> None:
        self._code = unique_code.to_bytes(4, "big")
        self._buf = bytearray()
        self._junk = bytearray()
        self._junk_reason = ""
        self._junk_open = False  # a run of junk is open until the next candidate frame ends it
        self.work = 0  # bytes examined so far (searching, header checks, checksums)

    @property
    def pending(self) -> int:
        """Bytes held: the start of a frame waiting for its rest, and junk not yet reported."""
        return len(self._buf) + len(self._junk)

    def feed(self, data: bytes) -> list[RawFrame | Garbage]:
        self._buf += data
        out: list[RawFrame | Garbage] = []
        self._parse(out, final=False)
        return out

    def flush(self) -> list[RawFrame | Garbage]:
        """Give up on a frame that never completed (the sender went quiet): report it and reparse."""
        out: list[RawFrame | Garbage] = []
        self._parse(out, final=True)
        self._end_junk(out)
        return out

    # ---- internals ----

    def _parse(self, out: list[RawFrame | Garbage], final: bool) -> None:
        buf = self._buf
        size = len(buf)
        pos = 0
        while pos < size:
            start = buf.find(self._code, pos)
            self.work += (size if start < 0 else start + 4) - pos
            if start < 0:
                keep = 0 if final else min(_PREFIX_KEEP, size - pos)
                self._add_junk(buf, pos, size - keep, "not a J11 frame", out)
                pos = size - keep
                break
            if start > pos:
                self._add_junk(buf, pos, start, "not a J11 frame", out)
            self._end_junk(out)
            pos = start
            if size - start < HEADER_SIZE:
                if not final:
                    break
                pos = self._reject(buf, start, f"truncated header ({size - start} of {HEADER_SIZE} bytes)", out)
                continue
            self.work += HEADER_SIZE
            length = int.from_bytes(buf[start + 6 : start + 8], "big")
            command = int.from_bytes(buf[start + 4 : start + 6], "big")
            if checksum(buf[start : start + 8]) != int.from_bytes(buf[start + 8 : start + 10], "big"):
                pos = self._reject(buf, start, "bad header checksum", out)
                continue
            if not LENGTH_OVERHEAD <= length <= MAX_MESSAGE_LENGTH:
                pos = self._reject(buf, start, f"impossible message length {length}", out)
                continue
            end = start + 8 + length
            if end > size:
                if not final:
                    break
                reason = f"truncated frame {command:04X} ({size - start} of {end - start} bytes)"
                pos = self._reject(buf, start, reason, out)
                continue
            self.work += end - start - HEADER_SIZE
            data = bytes(buf[start + HEADER_SIZE : end])
            if checksum(data) != int.from_bytes(buf[start + 10 : start + 12], "big"):
                pos = self._reject(buf, start, f"bad data checksum in {command:04X}", out)
                continue
            out.append(RawFrame(int.from_bytes(self._code, "big"), command, data))
            pos = end
        del buf[:pos]

    def _reject(self, buf: bytearray, start: int, reason: str, out: list[RawFrame | Garbage]) -> int:
        """Drop the unique code of a bad candidate; the bytes up to the next candidate share its reason.

        Only the 4 code bytes go: a frame cut short is often followed by a whole one, which must
        be found inside the bytes the bad header claimed. Neither code overlaps itself, so no
        other candidate can start inside them.
        """
        self._end_junk(out)
        self._add_junk(buf, start, start + 4, reason, out)
        return start + 4

    def _add_junk(self, buf: bytearray, start: int, end: int, reason: str, out: list[RawFrame | Garbage]) -> None:
        if end <= start:
            return
        if not self._junk_open:  # the reason of a run is what began it, however it is chunked
            self._junk_reason = reason
            self._junk_open = True
        self._junk += buf[start:end]
        whole = len(self._junk) // MAX_GARBAGE * MAX_GARBAGE
        if whole:  # slice, then delete once: a megabyte of noise must not cost a megabyte per chunk
            out += [self._garbage(bytes(self._junk[i : i + MAX_GARBAGE])) for i in range(0, whole, MAX_GARBAGE)]
            del self._junk[:whole]

    def _end_junk(self, out: list[RawFrame | Garbage]) -> None:
        self._junk_open = False
        if self._junk:
            out.append(self._garbage(bytes(self._junk)))
            self._junk.clear()

    def _garbage(self, raw: bytes) -> Garbage:
        garbage = Garbage(raw, self._junk_reason)
        if self._junk_reason == "not a J11 frame" and garbage.is_text:
            return Garbage(raw, "text, not a J11 frame")
        return garbage
