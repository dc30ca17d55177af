"""Load the captured SKSTACK/J11 transcripts in tests/fixtures/transcripts/ for golden tests.

The transcripts are published captures with their authors' decoration (Python string
literals with backslash continuations, `<<`/`>>` log prefixes, `←` annotations, wrapped
`//` comments, `...` elisions). All of that is stripped here, in the tests, never in the
product code. The files are copies of shared/protocol/transcripts (public captures, each with
its source line), so a fresh clone runs every golden test with nothing beside it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ELISION = "..."  # an author's "(lines left out)" marker: splits a transcript into fragments
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transcripts"

_J11_LINE = re.compile(r"(->|<-)\s+((?:[0-9A-Fa-f]{2}\s*)+)$")
_LOG_DEVICE = "SkstackIpDotNet.SKDeviceBP35C0[0] <<"
_LOG_HOST = "SkstackIpDotNet.SKDeviceBP35C0[0] >>"


def transcripts_dir() -> Path:
    """The captures copied into the repository (each keeps its `# source:` line)."""
    return FIXTURES


def transcript_path(number: str) -> Path:
    """The transcript whose file name starts with `number` (e.g. "08")."""
    matches = sorted(transcripts_dir().glob(f"{number}-*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"transcript {number}-*.txt not found in {transcripts_dir()}")
    return matches[0]


def _body(number: str) -> list[str]:
    """The transcript's lines without the leading `# source:` header."""
    lines = transcript_path(number).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith("# source:")]


def _split_fragments(lines: list[str]) -> list[list[str]]:
    fragments: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == ELISION:
            fragments.append([])
        else:
            fragments[-1].append(line)
    return [fragment for fragment in fragments if fragment]


def _strip_annotation(line: str) -> str:
    """`SKSREG S2 39      ← Channel` -> `SKSREG S2 39` (the author's note, not device output)."""
    if "←" in line:
        return line.split("←", 1)[0].rstrip()
    return line


def _is_device_text(line: str) -> bool:
    # Lines made only of the author's Japanese prose are not device output.
    return bool(line.strip()) and line.isascii()


def _plain(number: str) -> list[list[str]]:
    lines = [_strip_annotation(line) for line in _body(number)]
    return _split_fragments([line for line in lines if line.strip() == ELISION or _is_device_text(line)])


def _wrapped_comments(number: str) -> list[list[str]]:
    """05: a Go `//` comment wrapping one ERXUDP line over two comment lines, then plain lines."""
    out: list[str] = []
    comment: list[str] = []
    for line in _body(number):
        if line.startswith("//"):
            comment.append(line[2:].strip())
            continue
        if comment:
            out.append(" ".join(comment))
            comment = []
        out.append(line)
    if comment:
        out.append(" ".join(comment))
    return [out]


def _netlog(number: str, marker: str = _LOG_DEVICE) -> list[list[str]]:
    """10: a .NET log; `<<` lines are the dongle's output, `<<ECHO:` is the library's own log line."""
    lines: list[str] = []
    for line in _body(number):
        if line.strip() == ELISION:
            lines.append(ELISION)
            continue
        _, found, text = line.partition(marker)
        if found and not text.startswith("ECHO:"):
            lines.append(text)
    return _split_fragments(lines)


_LOADERS = {
    "05": _wrapped_comments,
    "10": _netlog,
    "11": _plain,
    "15": _plain,
}


def device_fragments(number: str) -> list[list[str]]:
    """Device output lines (no CR/LF) of a text transcript, one list per contiguous fragment."""
    return _LOADERS[number](number)


def host_lines(number: str) -> list[str]:
    """Lines the host sent, for the logs that record them (10)."""
    return [line for fragment in _netlog(number, _LOG_HOST) for line in fragment]


def to_wire(lines: list[str]) -> bytes:
    """The bytes a dongle sends for these lines: each one CRLF-terminated."""
    return b"".join(line.encode("ascii") + b"\r\n" for line in lines)


def python_dict(number: str) -> dict[str, str]:
    """08: a Python dict literal of captured lines (backslash continuations inside the strings)."""
    body = "\n".join(_body(number)).strip().rstrip(",")
    value = ast.literal_eval("{" + body + "}")
    assert isinstance(value, dict)
    return {str(key): str(text) for key, text in value.items()}


def j11_frames(number: str) -> list[tuple[str, bytes]]:
    """13: (direction, frame bytes); direction is "->" (host to module) or "<-" (module to host)."""
    frames = []
    for line in _body(number):
        match = _J11_LINE.search(line)
        if match:
            frames.append((match.group(1), bytes.fromhex(match.group(2))))
    return frames
