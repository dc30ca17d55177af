"""Record formats, the stdout sink and the crash-safe file sink."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from hems_desktop.cli.args import build_arg_parser, cli_values
from hems_desktop.reading import CSV_HEADER, RECORD_FIELDS, Reading
from hems_desktop.settings import resolve_settings
from hems_desktop.sinks import FileSink, Sink, SinkError, StdoutSink, build_sinks
from hems_desktop.sinks.formats import encode_csv, encode_json, encode_yaml, get_format

JST = dt.timezone(dt.timedelta(hours=9))


def reading(minute: int = 0, *, t_phase: bool = True, kwh: float | None = 12345.6) -> Reading:
    return Reading(
        timestamp=dt.datetime(2023, 10, 27, 10, minute, 0, 123456, tzinfo=JST),
        cumulative_kwh=kwh,
        instant_w=500 + minute,
        current_r_a=2.5,
        current_t_a=2.5 if t_phase else None,
    )


READINGS = [reading(0), reading(5, t_phase=False), reading(10, kwh=None)]


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --------------------------------------------------------------------------- formats


def test_json_is_one_object_per_line_with_the_seed_keys_in_order() -> None:
    text = "".join(encode_json(r) for r in READINGS)
    assert text.count("\n") == 3
    records = json_lines(text)
    assert [list(r) for r in records] == [list(RECORD_FIELDS)] * 3
    assert records[0] == {"timestamp": "2023-10-27T10:00:00.123456+09:00", "cumulative_power": 12345.6,
                          "instant_power": 500, "current_r": 2.5, "current_t": 2.5}
    assert records[1]["current_t"] is None and records[2]["cumulative_power"] is None


def test_json_matches_the_seed_sample_line_byte_for_byte() -> None:
    naive = Reading(dt.datetime(2023, 10, 27, 10, 0, 0, 123456), 12345.6, 500, 2.5, 2.5)
    assert encode_json(naive) == (
        '{"timestamp": "2023-10-27T10:00:00.123456", "cumulative_power": 12345.6, '
        '"instant_power": 500, "current_r": 2.5, "current_t": 2.5}\n'
    )


def test_json_refuses_nan_instead_of_writing_invalid_json() -> None:
    with pytest.raises(ValueError, match="NaN"):
        encode_json(reading(kwh=float("nan")))


def test_yaml_stream_parses_back_with_safe_load_all() -> None:
    text = "".join(encode_yaml(r) for r in READINGS)
    assert text.startswith("---") and text.count("\n---") == 2
    docs = list(yaml.safe_load_all(text))
    assert docs == [r.to_record() for r in READINGS]
    assert list(docs[0]) == list(RECORD_FIELDS)
    assert isinstance(docs[0]["timestamp"], str)  # stays a string, as in JSON
    assert docs[1]["current_t"] is None


def test_csv_rows_parse_back_with_empty_cells_for_missing_values() -> None:
    fmt = get_format("csv")
    assert fmt.header == "timestamp,cumulative_power_kwh,instant_power_w,current_r_a,current_t_a\n"
    rows = csv_rows((fmt.header or "") + "".join(encode_csv(r) for r in READINGS))
    assert rows[0] == list(CSV_HEADER)
    assert rows[1] == ["2023-10-27T10:00:00.123456+09:00", "12345.6", "500", "2.5", "2.5"]
    assert rows[2][4] == "" and rows[3][1] == ""
    assert len(rows) == 4


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xml"):
        get_format("xml")


# --------------------------------------------------------------------------- stdout


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_stdout_sink_writes_whole_records_and_flushes(fmt: str) -> None:
    class Stream(io.StringIO):
        flushed_at: list[int]

        def flush(self) -> None:
            self.flushed_at.append(len(self.getvalue()))

    stream = Stream()
    stream.flushed_at = []
    sink = StdoutSink(fmt, stream)
    assert isinstance(sink, Sink) and sink.name == "stdout"
    for r in READINGS:
        sink.write(r)
    sink.close()
    text = stream.getvalue()
    assert len(stream.flushed_at) == 3 and stream.flushed_at[-1] == len(text)
    if fmt == "json":
        assert json_lines(text) == [r.to_record() for r in READINGS]
    elif fmt == "yaml":
        assert list(yaml.safe_load_all(text)) == [r.to_record() for r in READINGS]
    else:
        rows = csv_rows(text)
        assert rows[0] == list(CSV_HEADER) and len(rows) == 4
        assert sum(row == list(CSV_HEADER) for row in rows) == 1


def test_stdout_csv_header_once_per_process_and_stream() -> None:
    stream = io.StringIO()
    StdoutSink("csv", stream).write(READINGS[0])
    StdoutSink("csv", stream).write(READINGS[1])  # e.g. the collector rebuilt its sinks
    assert stream.getvalue().count("timestamp,") == 1


def test_stdout_closed_stream_is_a_sink_error() -> None:
    stream = io.StringIO()
    stream.close()
    with pytest.raises(SinkError, match="stdout"):
        StdoutSink("json", stream).write(READINGS[0])


# --------------------------------------------------------------------------- file


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_file_sink_appends_and_parses_back(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "hems_data.dat"
    sink = FileSink(path, fmt)
    for r in READINGS:
        sink.write(r)
    sink.close()
    text = path.read_text(encoding="utf-8")
    expected = [r.to_record() for r in READINGS]
    if fmt == "json":
        assert json_lines(text) == expected
    elif fmt == "yaml":
        assert list(yaml.safe_load_all(text)) == expected
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [row["instant_power_w"] for row in rows] == ["500", "505", "510"]
        assert rows[1]["current_t_a"] == "" and rows[2]["cumulative_power_kwh"] == ""


def test_csv_header_written_once_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "power.csv"
    first = FileSink(path, "csv")
    first.write(READINGS[0])
    first.close()
    second = FileSink(path, "csv")  # the collector restarted
    second.write(READINGS[1])
    second.write(READINGS[2])
    second.close()
    rows = csv_rows(path.read_text(encoding="utf-8"))
    assert rows[0] == list(CSV_HEADER)
    assert sum(row == list(CSV_HEADER) for row in rows) == 1
    assert len(rows) == 4


def test_csv_header_is_rewritten_when_the_file_was_removed(tmp_path: Path) -> None:
    path = tmp_path / "power.csv"
    sink = FileSink(path, "csv")
    sink.write(READINGS[0])
    path.unlink()  # rotated away while running
    sink.write(READINGS[1])
    rows = csv_rows(path.read_text(encoding="utf-8"))
    assert rows[0] == list(CSV_HEADER) and len(rows) == 2


def test_file_written_by_the_seed_with_crlf_and_bom_is_continued(tmp_path: Path) -> None:
    path = tmp_path / "power.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ",".join(CSV_HEADER).encode() + b"\r\n2023-10-27T10:00:00,1.0,5,1.0,1.0\r\n")
    FileSink(path, "csv").write(READINGS[0])
    rows = csv_rows(path.read_text(encoding="utf-8-sig"))
    assert rows[0] == list(CSV_HEADER) and len(rows) == 3 and rows[2][2] == "500"


def test_csv_refuses_to_append_under_a_foreign_first_line(tmp_path: Path) -> None:
    path = tmp_path / "hems_data.dat"
    path.write_text('{"timestamp": "x"}\n', encoding="utf-8")
    with pytest.raises(SinkError, match="CSV header"):
        FileSink(path, "csv")
    assert path.read_text(encoding="utf-8") == '{"timestamp": "x"}\n'  # untouched


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_partial_record_from_a_crash_keeps_later_records_parseable(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "hems_data.dat"
    sink = FileSink(path, fmt)
    sink.write(READINGS[0])
    # Simulate a crash in the middle of the next record: half a line, no newline.
    partial = get_format(fmt).encode(READINGS[1])[:25]
    with open(path, "ab") as handle:
        handle.write(partial.encode())
    restarted = FileSink(path, fmt)
    restarted.write(READINGS[2])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert partial in lines  # the fragment stays on a line of its own
    complete = [line for line in lines if line != partial]
    if fmt == "json":
        assert [json.loads(line) for line in complete] == [READINGS[0].to_record(), READINGS[2].to_record()]
    else:
        rows = csv_rows("\n".join(complete))
        assert rows[0] == list(CSV_HEADER)
        assert [row[2] for row in rows[1:]] == ["500", "510"]
        assert all(len(row) == len(CSV_HEADER) for row in rows)


def test_partial_yaml_document_leaves_the_other_documents_parseable(tmp_path: Path) -> None:
    path = tmp_path / "hems_data.yaml"
    FileSink(path, "yaml").write(READINGS[0])
    partial = encode_yaml(READINGS[1])[:30]  # cut inside the quoted timestamp
    with open(path, "ab") as handle:
        handle.write(partial.encode())
    FileSink(path, "yaml").write(READINGS[2])
    text = path.read_text(encoding="utf-8")
    chunks = [c for c in text.split("---\n") if c]
    assert chunks[-1].startswith("timestamp:")  # the new document starts on a line of its own
    parsed = []
    for chunk in chunks:
        try:
            parsed.append(yaml.safe_load(chunk))
        except yaml.YAMLError:
            parsed.append("broken")
    assert parsed == [READINGS[0].to_record(), "broken", READINGS[2].to_record()]


def test_each_record_is_a_single_write(tmp_path: Path) -> None:
    # A reader tailing the file never sees half a record: between writes the file always
    # ends with a newline and holds whole records only.
    path = tmp_path / "hems_data.dat"
    sink = FileSink(path, "json")
    sizes = []
    for r in READINGS:
        sink.write(r)
        data = path.read_bytes()
        assert data.endswith(b"\n")
        sizes.append(len(data))
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_missing_folder_is_a_clear_sink_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "hems_data.dat"
    with pytest.raises(SinkError) as info:
        FileSink(path, "json")
    message = str(info.value)
    assert str(path) in message and "folder does not exist" in message and "\n" not in message


def test_path_through_a_file_is_a_clear_sink_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(SinkError, match="not a folder"):
        FileSink(blocker / "hems_data.dat", "json")


def test_path_that_is_a_folder_is_a_clear_sink_error(tmp_path: Path) -> None:
    with pytest.raises(SinkError) as info:
        FileSink(tmp_path, "json")
    assert str(tmp_path) in str(info.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_read_only_folder_is_a_permission_sink_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(SinkError, match="permission denied"):
            FileSink(folder / "hems_data.dat", "json")
    finally:
        folder.chmod(stat.S_IRWXU)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_file_made_read_only_while_running_is_a_sink_error(tmp_path: Path) -> None:
    path = tmp_path / "hems_data.dat"
    sink = FileSink(path, "json")
    path.chmod(stat.S_IRUSR)
    with pytest.raises(SinkError, match="permission denied"):
        sink.write(READINGS[0])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_disk_full_is_a_clear_sink_error_and_the_sink_can_retry() -> None:
    sink = FileSink("/dev/full", "json")
    with pytest.raises(SinkError) as info:
        sink.write(READINGS[0])
    assert str(info.value) == "cannot write to /dev/full: the disk is full"
    assert info.value.sink == "file"
    with pytest.raises(SinkError, match="disk is full"):  # still reports, never crashes
        sink.write(READINGS[1])


def test_closed_file_sink_refuses_writes(tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "x.dat", "json")
    sink.close()
    sink.close()  # idempotent
    with pytest.raises(SinkError, match="closed"):
        sink.write(READINGS[0])


# --------------------------------------------------------------------------- build_sinks


def test_build_sinks_per_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Pub/Sub sink itself is tested in tests/test_pubsub.py (it needs a server and a spool).
    monkeypatch.setattr("hems_desktop.sinks.cloud_sinks", lambda settings: [])

    def build(*argv: str) -> list[Sink]:
        args = build_arg_parser().parse_args([*argv, "--file", str(tmp_path / "out.dat")])
        return build_sinks(resolve_settings(cli_values(args), {}))

    assert build() == []
    assert [type(s) for s in build("-o", "stdout")] == [StdoutSink]
    file_sinks = build("-o", "file", "-f", "csv")
    assert [type(s) for s in file_sinks] == [FileSink]
    assert isinstance(file_sinks[0], FileSink) and file_sinks[0].format.name == "csv"
    assert build("-o", "cloud") == []
    assert [type(s) for s in build("-o", "all")] == [StdoutSink, FileSink]


def test_build_sinks_reports_an_unwritable_file_at_startup(tmp_path: Path) -> None:
    args = build_arg_parser().parse_args(["-o", "all", "--file", str(tmp_path / "missing" / "x.dat")])
    with pytest.raises(SinkError, match="folder does not exist"):
        build_sinks(resolve_settings(cli_values(args), {}))
