"""The `Reading` value object: what one scheduled measurement produced, and the output fields.

The seed's five fields, in the seed's order, are the default record of every output (stdout,
file, Pub/Sub, MQTT state): the compatibility contract. `--fields` chooses others from
`ALL_FIELDS`, in any order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# Seed field names (JSON/YAML) and CSV header: the compatibility contract.
RECORD_FIELDS = ("timestamp", "cumulative_power", "instant_power", "current_r", "current_t")
CSV_HEADER = ("timestamp", "cumulative_power_kwh", "instant_power_w", "current_r_a", "current_t_a")
# Fields beyond the seed's, for --fields: E3 (kWh sold), the ids, D0 (the meter's 1-minute value and its time).
EXTRA_FIELDS = ("cumulative_export", "meter_id", "reading_id", "one_minute_energy", "one_minute_time")
ALL_FIELDS = RECORD_FIELDS + EXTRA_FIELDS
CSV_COLUMNS: dict[str, str] = {
    **dict(zip(RECORD_FIELDS, CSV_HEADER, strict=True)),
    "cumulative_export": "cumulative_export_kwh",
    "meter_id": "meter_id",
    "reading_id": "reading_id",
    "one_minute_energy": "one_minute_energy_kwh",
    "one_minute_time": "one_minute_time",
}


def check_fields(names: Iterable[str]) -> tuple[str, ...]:
    """The field names as given, checked: unknown or repeated names are a ValueError listing the valid ones."""
    chosen = tuple(names)
    if not chosen:
        raise ValueError(f"no output field given (choose from {', '.join(ALL_FIELDS)})")
    unknown = [name for name in chosen if name not in CSV_COLUMNS]
    if unknown:
        raise ValueError(f"unknown output field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                         f"(choose from {', '.join(ALL_FIELDS)})")
    repeated = sorted({name for name in chosen if chosen.count(name) > 1})
    if repeated:
        raise ValueError(f"output field {', '.join(map(repr, repeated))} given more than once")
    return chosen


def choose_fields(names: Iterable[str]) -> tuple[str, ...]:
    """`check_fields`, with the seed's list as `RECORD_FIELDS` itself (the records' fast path)."""
    chosen = tuple(names)
    return RECORD_FIELDS if chosen == RECORD_FIELDS else check_fields(chosen)


def csv_header(fields: tuple[str, ...] = RECORD_FIELDS) -> tuple[str, ...]:
    return tuple(CSV_COLUMNS[name] for name in fields)


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
    cumulative_reverse_kwh: float | None = None  # E3: energy sold (solar)
    one_minute_kwh: float | None = None  # D0, normal direction: the cumulative kWh latched at one_minute_time
    one_minute_reverse_kwh: float | None = None  # D0, reverse direction
    one_minute_time: dt.datetime | None = None  # D0's whole minute (meter time, JST)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_record(self, fields: tuple[str, ...] = RECORD_FIELDS) -> dict[str, Any]:
        """The record of the chosen fields, in that order; by default the seed's, exactly as the seed prints it."""
        if fields is RECORD_FIELDS:
            return {
                "timestamp": self.timestamp.isoformat(),
                "cumulative_power": self.cumulative_kwh,
                "instant_power": self.instant_w,
                "current_r": self.current_r_a,
                "current_t": self.current_t_a,
            }
        return {name: _FIELD_VALUES[name](self) for name in fields}

    def to_csv_row(self, fields: tuple[str, ...] = RECORD_FIELDS) -> list[str]:
        return ["" if value is None else str(value) for value in self.to_record(fields).values()]


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.isoformat()


_FIELD_VALUES: dict[str, Callable[[Reading], Any]] = {
    "timestamp": lambda r: r.timestamp.isoformat(),
    "cumulative_power": lambda r: r.cumulative_kwh,
    "instant_power": lambda r: r.instant_w,
    "current_r": lambda r: r.current_r_a,
    "current_t": lambda r: r.current_t_a,
    "cumulative_export": lambda r: r.cumulative_reverse_kwh,
    "meter_id": lambda r: r.meter_id or None,
    "reading_id": lambda r: r.reading_id or None,
    "one_minute_energy": lambda r: r.one_minute_kwh,
    "one_minute_time": lambda r: _iso(r.one_minute_time),
}


def local_now() -> dt.datetime:
    """Now, aware, in the computer's zone (readings carry the local UTC offset)."""
    return dt.datetime.now().astimezone()


def reading_id(meter_id: str, timestamp: dt.datetime) -> str:
    """Stable id for deduplication downstream (same meter and instant -> same id)."""
    return hashlib.sha256(f"{meter_id}|{timestamp.isoformat()}".encode()).hexdigest()[:24]
