"""The wait before the next attempt after failures in a row: one rule for the collector and the outputs."""

from __future__ import annotations

import random

_MAX_DOUBLINGS = 30  # far past any cap; 2 ** n as a float overflows past n = 1023 (17 h of one-minute retries)


def backoff_s(failures: int, base_s: float, cap_s: float) -> float:
    """Doubling from `base_s` per failure up to `cap_s`, then 50-100 % of that at random, so that many
    homes that lost the same broker or cloud do not all retry in the same second."""
    delay = min(cap_s, base_s * 2.0 ** min(max(failures - 1, 0), _MAX_DOUBLINGS))
    return delay * random.uniform(0.5, 1.0)
