"""The `Reading` value object: what one scheduled measurement produced."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

# Seed field names (JSON/YAML) and CSV header: the compatibility contract.
RECORD_FIELDS = ("timestamp", "cumulative_power", "instant_power", "current_r", "current_t")
CSV_HEADER = ("timestamp", "cumulative_power_kwh", "instant_power_w", "current_r_a", "current_t_a")


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading. None means the meter had no value (no T phase, "no data"), never a guess."""

    timestamp: dt.datetime
    cumulative_kwh: float | None
    instant_w: int | None
    current_r_a: float | None
    current_t_a: float | None
    meter_id: str = ""
    reading_id: str = ""
    cumulative_reverse_kwh: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_record(self) -> dict[str, Any]:
        """The seed's record: field names exactly as the seed prints them."""
        return {
            "timestamp": self.timestamp.isoformat(),
            "cumulative_power": self.cumulative_kwh,
            "instant_power": self.instant_w,
            "current_r": self.current_r_a,
            "current_t": self.current_t_a,
        }

    def to_csv_row(self) -> list[str]:
        return ["" if value is None else str(value) for value in self.to_record().values()]


def local_now() -> dt.datetime:
    """Now, aware, in the computer's zone (readings carry the local UTC offset)."""
    return dt.datetime.now().astimezone()


def reading_id(meter_id: str, timestamp: dt.datetime) -> str:
    """Stable id for deduplication downstream (same meter and instant -> same id)."""
    return hashlib.sha256(f"{meter_id}|{timestamp.isoformat()}".encode()).hexdigest()[:24]
