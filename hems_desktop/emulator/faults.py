"""Fault injection for the virtual dongle: counters consumed as faults fire, and timed actions.

Tests set counters directly (`emulator.faults.drop_responses = 2`) or call the emulator's
action methods; the command line takes `--fault KIND[:N]` and `--fault ACTION@SECONDS`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

COUNTER_FAULTS = {
    "drop-response": "drop_responses",
    "delay-response": "delayed_responses",
    "stale-response": "stale_responses",
    "garbage": "garbage_lines",
    "truncated": "truncated_lines",
    "join-fail": "join_failures",
    "fail-er10": "fail_er10",
    "no-beacon": "no_beacon_scans",
    "send-fail": "send_failures",
    "bad-checksum": "bad_checksum_frames",  # J11 only
    "assoc-fail": "association_failures",  # J11 only
}
TIMED_ACTIONS = ("session-expire", "session-end", "tx-limit", "unplug", "reauth-fail")


@dataclass
class Faults:
    """Pending faults. Each counter is decremented when its fault fires."""

    drop_responses: int = 0  # the meter's next N ECHONET answers are lost on the air
    delayed_responses: int = 0  # the next N answers come `delay_seconds` late
    delay_seconds: float = 3.0
    stale_responses: int = 0  # an extra answer with an old TID arrives first
    garbage_lines: int = 0  # a line of random bytes before the next N answers
    truncated_lines: int = 0  # a cut-off ERXUDP (J11: 0x6018) before the next N answers
    join_failures: int = 0  # the next N SKJOINs end in EVENT 24 (J11: 0x6028 failed)
    fail_er10: int = 0  # the next N SKSENDTOs answer FAIL ER10
    no_beacon_scans: int = 0  # the next N active scans find nothing
    send_failures: int = 0  # the next N SKSENDTOs report EVENT 21 ... 01 (J11: 0x2008 "no ACK")
    bad_checksum_frames: int = 0  # J11: a copy of the next N answers with a wrong data checksum first
    association_failures: int = 0  # J11: the next N route-B starts answer 0x0E (association failed)
    fired: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take(self, attribute: str) -> bool:
        """Consume one pending fault of a kind; True when it fires now."""
        with self._lock:
            count: int = getattr(self, attribute)
            if count <= 0:
                return False
            setattr(self, attribute, count - 1)
            self.fired[attribute] = self.fired.get(attribute, 0) + 1
            return True


def parse_fault(spec: str) -> tuple[str, float]:
    """`drop-response:3` -> ("drop_responses", 3); `unplug@20` -> ("unplug", 20.0 seconds from start)."""
    if "@" in spec:
        action, _, when = spec.partition("@")
        if action not in TIMED_ACTIONS:
            raise ValueError(f"unknown timed fault {action!r}; choose from {', '.join(TIMED_ACTIONS)}")
        return action, float(when)
    kind, _, count = spec.partition(":")
    if kind not in COUNTER_FAULTS:
        raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(COUNTER_FAULTS)}")
    return COUNTER_FAULTS[kind], float(count or 1)
