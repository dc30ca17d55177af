"""--fields: which fields the stdout, file, Pub/Sub and MQTT records carry, in that order.

The default is the seed's five fields, byte for byte as before (the seed's own field list given
explicitly changes nothing either); extra names add E3, the ids and D0; a value the meter does
not have is null / an empty cell; an unknown name is one clear line listing the valid ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hems_desktop.reading import ALL_FIELDS, RECORD_FIELDS, Reading
from hems_desktop.settings import resolve_settings
from hems_desktop.settings.file import load_settings_file, save_settings_file
from hems_desktop.settings.parsers import parse_fields
from hems_desktop.sinks import FileSink, SinkError, StdoutSink
from hems_desktop.sinks.formats import get_format
from hems_desktop.sinks.mqtt import MqttSink

if TYPE_CHECKING:
    from mosquitto import Mosquitto, Recorder

JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2026, 5, 20, 12, 0, 3, 250000, tzinfo=JST)
MINUTE = dt.datetime(2026, 5, 20, 12, 0, tzinfo=JST)
SOLAR = Reading(T0, 12345.6, -850, -4.5, -3.5, meter_id="c0-0123456789abcdef", reading_id="rid-1",
                cumulative_reverse_kwh=2000.4, one_minute_kwh=12345.5, one_minute_reverse_kwh=2000.4,
                one_minute_time=MINUTE)
PLAIN = Reading(T0, 12345.6, 500, 5.0, None, meter_id="001C6400036E8CF5", reading_id="rid-2")  # no E3, no D0
DONE = ("timestamp", "cumulative_power", "cumulative_export", "instant_power", "current_r", "current_t",
        "one_minute_energy")


def test_the_seed_fields_given_explicitly_change_nothing() -> None:
    seed = parse_fields(",".join(RECORD_FIELDS))
    for name in ("json", "yaml", "csv"):
        default, explicit = get_format(name), get_format(name, seed)
        assert default.header == explicit.header
        for reading in (SOLAR, PLAIN):
            assert default.encode(reading) == explicit.encode(reading)
    assert get_format("csv").header == "timestamp,cumulative_power_kwh,instant_power_w,current_r_a,current_t_a\n"
    assert list(json.loads(get_format("json").encode(SOLAR))) == list(RECORD_FIELDS)  # E3 and D0 not added


def test_extra_fields_in_json_yaml_and_csv_in_the_given_order() -> None:
    fields = parse_fields("one_minute_time, timestamp,cumulative_export,one_minute_energy,meter_id,reading_id")
    record = json.loads(get_format("json", fields).encode(SOLAR))
    assert list(record) == list(fields)
    assert record == {"one_minute_time": "2026-05-20T12:00:00+09:00", "timestamp": T0.isoformat(),
                      "cumulative_export": 2000.4, "one_minute_energy": 12345.5,
                      "meter_id": "c0-0123456789abcdef", "reading_id": "rid-1"}
    documents = list(yaml.safe_load_all(get_format("yaml", fields).encode(SOLAR) + get_format("yaml", fields)
                                        .encode(PLAIN)))
    assert [list(d) for d in documents] == [list(fields)] * 2
    assert documents[1]["cumulative_export"] is None and documents[1]["one_minute_time"] is None  # null, never 0
    text = get_format("csv", fields).header + get_format("csv", fields).encode(PLAIN)  # type: ignore[operator]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["one_minute_time", "timestamp", "cumulative_export_kwh", "one_minute_energy_kwh", "meter_id",
                       "reading_id"]
    assert rows[1] == ["", T0.isoformat(), "", "", "001C6400036E8CF5", "rid-2"]  # empty cells for no value


@pytest.mark.parametrize(("text", "message"), [
    ("timestamp,power", "unknown output field 'power' (choose from " + ", ".join(ALL_FIELDS) + ")"),
    ("timestamp,,timestamp", "output field 'timestamp' given more than once"),
    (" , ", "no output field given"),
])
def test_bad_field_lists_are_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_fields(text)
    assert message in str(caught.value)


def test_the_command_line_refuses_an_unknown_field_and_creates_nothing(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hems_desktop.cli", "--demo", "--output", "file", "--fields",
                             "timestamp,watts", "--count", "1"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "'watts'" in result.stderr and "cumulative_export" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "hems_data.dat").exists()


def test_the_settings_file_keeps_the_field_list(tmp_path: Path) -> None:
    settings = resolve_settings({"fields": parse_fields("timestamp,cumulative_export")}, {})
    save_settings_file(tmp_path / "settings.json", settings)
    assert json.loads((tmp_path / "settings.json").read_text())["fields"] == ["timestamp", "cumulative_export"]
    again = resolve_settings({}, {}, load_settings_file(tmp_path / "settings.json"))
    assert again.fields == ("timestamp", "cumulative_export") and again.origin["fields"] == "settings file"
    assert resolve_settings({}, {}).fields == RECORD_FIELDS


def test_file_and_stdout_outputs_carry_the_chosen_fields(tmp_path: Path) -> None:
    fields = parse_fields(",".join(DONE))
    sink = FileSink(tmp_path / "out.csv", "csv", fields)
    sink.write(SOLAR)
    sink.write(PLAIN)
    sink.close()
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert rows[0][:3] == ["timestamp", "cumulative_power_kwh", "cumulative_export_kwh"]
    assert rows[0][-1] == "one_minute_energy_kwh" and len(rows) == 3
    assert rows[1][2] == "2000.4" and rows[2][2] == "" and rows[2][-1] == ""
    # A file written with the seed's header is not continued with another field list.
    seed_file = tmp_path / "seed.csv"
    FileSink(seed_file, "csv").write(PLAIN)
    with pytest.raises(SinkError, match="CSV header"):
        FileSink(seed_file, "csv", fields)
    stream = io.StringIO()
    StdoutSink("json", stream, fields).write(SOLAR)
    assert list(json.loads(stream.getvalue())) == list(DONE)


def test_mqtt_state_carries_the_chosen_fields_and_always_the_reading_id(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], tmp_path: Path
) -> None:
    from hems_desktop.sinks.mqtt_broker import meter_topic_id

    live = recorder_factory(broker)
    sink = MqttSink(broker.url, client_id="hems-fields", spool_path=tmp_path / "spool.sqlite3", grace_seconds=5,
                    fields=parse_fields("timestamp,instant_power,one_minute_energy"))
    key = meter_topic_id(SOLAR.meter_id)
    try:
        sink.write(SOLAR)
        topic = f"hems/{key}/state"
        assert live.wait_for(topic, 1, 10.0)
        assert live.wait_for(f"homeassistant/sensor/hems_{key}/power/config", 1, 10.0)  # discovery went out
    finally:
        sink.close()
    record: dict[str, Any] = json.loads(live.on(topic)[0].payload)
    assert record == {"timestamp": T0.isoformat(), "instant_power": -850, "one_minute_energy": 12345.5,
                      "reading_id": "rid-1"}
    configs = [m.topic for m in live.messages if m.topic.startswith("homeassistant/") and m.payload]
    assert not any("energy_export" in topic for topic in configs)  # no sensor for a field the state lacks


_numbers = st.none() | st.floats(-1e9, 1e9, allow_nan=False) | st.integers(-(2**40), 2**40)
_ids = st.text(alphabet="0123456789abcdefABCDEF-c", max_size=24)


@settings(max_examples=300)
@given(st.datetimes(timezones=st.sampled_from([JST, dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5))])),
       _numbers, _numbers, _numbers, _numbers, _numbers, _ids, _ids, st.none() | st.just(MINUTE))
def test_yaml_records_are_the_python_emitters_text(at: dt.datetime, kwh: Any, watts: Any, r_a: Any, t_a: Any,
                                                   export: Any, meter_id: str, rid: str, minute: Any) -> None:
    """libyaml writes our records exactly as PyYAML's own emitter does (the format's contract)."""
    reading = Reading(at, kwh, watts, r_a, t_a, meter_id=meter_id, reading_id=rid, cumulative_reverse_kwh=export,
                      one_minute_kwh=kwh, one_minute_time=minute)
    for fields in (RECORD_FIELDS, ALL_FIELDS):
        python = yaml.safe_dump(reading.to_record(fields), explicit_start=True, sort_keys=False,
                                allow_unicode=True, default_flow_style=False)
        assert get_format("yaml", fields).encode(reading) == python
