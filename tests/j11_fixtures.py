"""Load the published J11 frames copied into tests/fixtures/j11/ (each file keeps its `# source:` line).

Lines are `LABEL name: hex bytes`; the label is the source's own (ROHM's F-numbers), the name ours.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "j11"


def frames(file_name: str) -> dict[str, bytes]:
    """name -> frame bytes, in file order."""
    out: dict[str, bytes] = {}
    for line in (FIXTURES / file_name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# source:"):
            continue
        head, _, hex_text = line.partition(":")
        out[head.split()[-1]] = bytes.fromhex(hex_text)
    return out


def rohm_frames() -> dict[str, bytes]:
    """ROHM's application note 63AN028E §5 (via broute-j11's fixtures)."""
    return frames("rohm-63an028e-frames.txt")


def tosainu_frames() -> dict[str, bytes]:
    return frames("tosainu-bp35c0-j11-parser-frames.txt")
