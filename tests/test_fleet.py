"""The fleet path: every message the cloud output sends validates against the shipped Pub/Sub schema.

The schema file is compiled by protoc (grpcio-tools) and each message body the real Pub/Sub
client delivered to the loopback server (tests/pubsub_server.py) is parsed with protobuf's own
JSON parser, which applies the same protobuf JSON mapping Pub/Sub uses for a topic with JSON
encoding. Pub/Sub and BigQuery themselves cannot run here; the BigQuery table schema is checked
against the compiled message instead. fastavro shows why the schema is not Avro.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastavro
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import EncodeError
from grpc_tools import protoc
from pubsub_server import FakePublisherServer

from hems_desktop.fleet import BIGQUERY_TABLE_SCHEMA, PUBSUB_MESSAGE_NAME, PUBSUB_SCHEMA
from hems_desktop.reading import ALL_FIELDS, RECORD_FIELDS, Reading
from hems_desktop.sinks.cloud import PubSubSink

JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=JST)
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
METADATA_COLUMNS = {"subscription_name": "STRING", "message_id": "STRING", "publish_time": "TIMESTAMP",
                    "attributes": "JSON"}
BIGQUERY_TYPE = {"TYPE_STRING": "STRING", "TYPE_DOUBLE": "FLOAT", "TYPE_INT64": "INTEGER"}
EXTENDED = ("timestamp", "cumulative_power", "cumulative_export", "instant_power", "current_r", "current_t",
            "one_minute_energy", "one_minute_time", "meter_id", "reading_id")  # every field, in a --fields order


@pytest.fixture(scope="module")
def schema_class(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The message class compiled from the shipped .proto, exactly as Pub/Sub would read it."""
    out = tmp_path_factory.mktemp("proto") / "schema.pb"
    status = protoc.main(["protoc", f"-I{PUBSUB_SCHEMA.parent}", f"--descriptor_set_out={out}", PUBSUB_SCHEMA.name])
    assert status == 0, "protoc refused the shipped schema"
    files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    messages = [m for f in files.file for m in f.message_type]
    assert [m.name for m in messages] == [PUBSUB_MESSAGE_NAME]  # one top-level type, no imports: Pub/Sub's rule
    assert all(not f.dependency for f in files.file)
    pool = descriptor_pool.DescriptorPool()
    for proto in files.file:
        pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(PUBSUB_MESSAGE_NAME))


def validate(schema_class: Any, data: bytes) -> Any:
    """Parse as Pub/Sub does for a JSON-encoded topic; unknown fields are an error."""
    return json_format.Parse(data.decode("utf-8"), schema_class(), ignore_unknown_fields=False)


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[Any]]:
    """Messages the real cloud output published for a varied set of readings."""
    server = FakePublisherServer().start()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", server.host)
    sink = PubSubSink("fleet-project", "hems-data", spool_path=tmp_path / "spool.sqlite3", grace_seconds=10)
    readings = [
        Reading(T0, 12345.6, 500, 2.5, 1.5, meter_id=METER),
        Reading(T0 + dt.timedelta(minutes=5), 12345.7, 480, 2.4, None, meter_id=METER),  # two-wire: no T phase
        Reading(T0 + dt.timedelta(minutes=10), None, None, None, None, meter_id=METER),  # "no data" everywhere
        Reading(T0 + dt.timedelta(minutes=15), 12346.0, -1200, 6.0, 5.0, meter_id=METER,
                cumulative_reverse_kwh=42.5),  # exporting: negative power
        Reading(T0.replace(tzinfo=None, microsecond=0), 0.0, 0, 0.0, 0.0, meter_id=""),  # naive time, zeros
        Reading(T0 + dt.timedelta(minutes=20), 99999999.9, 2**40, 1e-3, 123.4, meter_id=METER),
    ]
    readings = [dataclasses.replace(r, reading_id=f"rid-{i}") for i, r in enumerate(readings)]
    try:
        for reading in readings:
            sink.write(reading)
        assert server.wait_for(len(readings), 10) and sink.wait_until_empty(10)
        by_id = {m.attributes["reading_id"]: m for m in server.messages}  # ordering is per meter, not global
        yield [(by_id[r.reading_id], r) for r in readings]
    finally:
        sink.close()
        server.stop()


def test_every_cloud_message_validates_against_the_shipped_schema(schema_class: Any, delivered: list[Any]) -> None:
    for message, reading in delivered:
        parsed = validate(schema_class, message.data)
        record = reading.to_record()
        for name in RECORD_FIELDS:
            if record[name] is None:
                assert not parsed.HasField(name), name  # null -> no value -> NULL in BigQuery, never 0
            else:
                assert parsed.HasField(name) and getattr(parsed, name) == record[name], name
        # The body is unchanged (seed compatibility); the deduplication key rides in the attributes.
        assert json.loads(message.data) == record
        assert message.attributes["reading_id"] and message.attributes["schema_version"] == "1"
    zeros = validate(schema_class, delivered[4][0].data)
    assert zeros.HasField("instant_power") and zeros.instant_power == 0  # a real 0 stays a 0


@pytest.mark.parametrize("body", [
    '{"timestamp": "2024-03-01T12:00:00+09:00", "instant_power": "lots"}',  # not a number
    '{"timestamp": "2024-03-01T12:00:00+09:00", "instant_power": 1.5}',  # W is an integer
    '{"timestamp": "2024-03-01T12:00:00+09:00", "power": 500}',  # a field the schema does not have
    '{"cumulative_power": 1.0}',  # no timestamp
])
def test_the_schema_refuses_what_is_not_our_message(schema_class: Any, body: str) -> None:
    with pytest.raises((json_format.ParseError, EncodeError)):
        message = json_format.Parse(body, schema_class(), ignore_unknown_fields=False)
        message.SerializeToString()  # a missing required field is found here


def test_avro_would_refuse_our_unchanged_message(delivered: list[Any]) -> None:
    """Why Protocol Buffers: Avro's JSON encoding (what Pub/Sub applies to an Avro topic with JSON
    encoding) needs a nullable number wrapped in its type, {"current_r": {"double": 2.5}}."""
    avro = fastavro.parse_schema({"type": "record", "name": "HemsReading", "fields": [
        {"name": "timestamp", "type": "string"},
        *({"name": name, "type": ["null", "long" if name == "instant_power" else "double"], "default": None}
          for name in RECORD_FIELDS[1:]),
    ]})
    body = delivered[0][0].data.decode("utf-8")
    with pytest.raises(Exception):  # noqa: B017  (fastavro fails with whatever the bad shape provokes)
        list(fastavro.json_reader(io.StringIO(body), avro))
    record = json.loads(body)
    wrapped = {name: value if value is None or name == "timestamp" else
               {"long" if name == "instant_power" else "double": value} for name, value in record.items()}
    assert list(fastavro.json_reader(io.StringIO(json.dumps(wrapped)), avro)) == [record]  # only this shape passes


def test_the_bigquery_table_matches_the_schema_and_keeps_the_metadata(schema_class: Any) -> None:
    columns = {c["name"]: c for c in json.loads(Path(BIGQUERY_TABLE_SCHEMA).read_text())}
    fields = schema_class.DESCRIPTOR.fields
    assert [f.name for f in fields] == list(ALL_FIELDS)  # the seed's field names first, in order; then --fields'
    assert [f.number for f in fields] == list(range(1, len(ALL_FIELDS) + 1))  # added fields never renumber old ones
    for field in fields:
        type_name = descriptor_pb2.FieldDescriptorProto.Type.Name(field.type)
        assert columns[field.name]["type"] == BIGQUERY_TYPE[type_name], field.name
        assert columns[field.name]["mode"] == "NULLABLE"  # a REQUIRED column would reject NULLs
    assert {name: columns[name]["type"] for name in METADATA_COLUMNS} == METADATA_COLUMNS
    assert set(columns) == set(ALL_FIELDS) | set(METADATA_COLUMNS)  # nothing else for the subscription to fill


def test_a_fields_list_sends_schema_version_2_and_still_validates(schema_class: Any, monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    """--fields: the body carries the chosen fields in that order; the schema's optional fields 6-10 read it."""
    server = FakePublisherServer().start()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", server.host)
    sink = PubSubSink("fleet-project", "hems-data", spool_path=tmp_path / "spool.sqlite3", grace_seconds=10,
                      fields=EXTENDED)
    minute = dt.datetime(2024, 3, 1, 12, 0, tzinfo=JST)
    readings = [
        Reading(T0, 12346.0, -1200, -6.0, -5.0, meter_id=METER, reading_id="rid-a", cumulative_reverse_kwh=42.5,
                one_minute_kwh=12345.9, one_minute_reverse_kwh=42.5, one_minute_time=minute),
        Reading(T0 + dt.timedelta(minutes=5), 12346.1, 300, 3.0, None, meter_id=METER, reading_id="rid-b"),
    ]
    try:
        for reading in readings:
            sink.write(reading)
        assert server.wait_for(len(readings), 10) and sink.wait_until_empty(10)
        by_id = {m.attributes["reading_id"]: m for m in server.messages}
    finally:
        sink.close()
        server.stop()
    for reading in readings:
        message = by_id[reading.reading_id]
        assert message.attributes["schema_version"] == "2"
        body = json.loads(message.data)
        assert list(body) == list(EXTENDED)  # the chosen fields, in the chosen order
        parsed = validate(schema_class, message.data)
        for name in EXTENDED:
            if body[name] is None:
                assert not parsed.HasField(name), name
            else:
                assert parsed.HasField(name) and getattr(parsed, name) == body[name], name
    first = json.loads(by_id["rid-a"].data)
    assert first["cumulative_export"] == 42.5 and first["one_minute_time"] == "2024-03-01T12:00:00+09:00"
    assert json.loads(by_id["rid-b"].data)["one_minute_energy"] is None  # a meter without D0: null, never 0
