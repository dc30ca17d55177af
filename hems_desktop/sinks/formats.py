"""Record serialization: the seed's json / yaml / csv, one complete record per call.

* json: one object per line, the seed's keys in the seed's order, `null` for no value.
* yaml: a stream of documents, each starting with `---`, `null` for no value.
* csv: the seed's header once, then one row per reading, an empty cell for no value.

`fields` (from `--fields`) chooses other record fields, in its order; the default is the seed's
five, byte for byte as before.

Every encoded record ends with a newline, so appending records never merges two of them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from hems_desktop.reading import RECORD_FIELDS, Reading, choose_fields, csv_header

FORMAT_NAMES = ("json", "yaml", "csv")


def _csv_line(values: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


CSV_HEADER_LINE = _csv_line(csv_header(RECORD_FIELDS))


def encode_json(reading: Reading, fields: tuple[str, ...] = RECORD_FIELDS) -> str:
    # Default separators: byte-for-byte the seed's sample line.
    try:
        return json.dumps(reading.to_record(fields), ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:
        raise ValueError("the reading holds a value JSON cannot represent (NaN or infinity)") from None


def encode_yaml(reading: Reading, fields: tuple[str, ...] = RECORD_FIELDS) -> str:
    import yaml  # deferred: only yaml output pays for it

    # libyaml's emitter when PyYAML has it (5x less CPU per record); the same text as the Python
    # emitter for our records (tests/test_output_fields.py compares them), which is the fallback.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        reading.to_record(fields), Dumper=dumper, explicit_start=True, sort_keys=False, allow_unicode=True,
        default_flow_style=False,
    )
    return text if text.endswith("\n") else text + "\n"


def encode_csv(reading: Reading, fields: tuple[str, ...] = RECORD_FIELDS) -> str:
    return _csv_line(reading.to_csv_row(fields))


@dataclass(frozen=True)
class RecordFormat:
    """`header` is written once at the start of a file or stream (csv only); `fields` are the record's."""

    name: str
    header: str | None
    fields: tuple[str, ...] = RECORD_FIELDS

    def encode(self, reading: Reading) -> str:
        """One whole record, ending with a newline."""
        if self.name == "json":
            return encode_json(reading, self.fields)
        if self.name == "yaml":
            return encode_yaml(reading, self.fields)
        return encode_csv(reading, self.fields)

    def is_header(self, first_line: str) -> bool:
        """Whether a file's first line (without line ending, BOM allowed) is our header."""
        if self.header is None:
            return True
        return first_line.lstrip("\ufeff").rstrip("\r\n") == self.header.rstrip("\n")


def get_format(name: str, fields: tuple[str, ...] = RECORD_FIELDS) -> RecordFormat:
    """The format `name` for records of `fields`. Raises ValueError for an unknown format or field."""
    if name not in FORMAT_NAMES:
        raise ValueError(f"unknown format {name!r} (choose from {', '.join(FORMAT_NAMES)})")
    fields = choose_fields(fields)
    header = CSV_HEADER_LINE if fields is RECORD_FIELDS else _csv_line(csv_header(fields))
    return RecordFormat(name, header if name == "csv" else None, fields)

