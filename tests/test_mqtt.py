"""--output mqtt against a real mosquitto: state messages, Home Assistant discovery, outages, the last will.

Every test starts its own broker (tests/mosquitto.py) on a free loopback port and reads what it
holds with a real paho subscriber; nothing of ours is mocked. Retained flags are checked with a
subscriber that connects after the messages were published (a broker forwards live messages
with retain cleared).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hems_desktop import __version__
from hems_desktop.reading import RECORD_FIELDS, Reading
from hems_desktop.sinks.mqtt import MqttSink
from hems_desktop.sinks.mqtt_broker import install_client_id, meter_topic_id, parse_broker_url

if TYPE_CHECKING:
    from mosquitto import Mosquitto, Recorder


JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=JST)
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
KEY = "021c6400601421a3"
STATE = f"hems/{KEY}/state"
ARRIVAL_S = 10.0  # upper bound for a message to arrive; normally milliseconds


def reading(i: int, *, t_phase: bool = True, export: float | None = None, meter: str = METER) -> Reading:
    return Reading(T0 + dt.timedelta(minutes=5 * i), 12345.6 + i / 10, 500 + i, 2.5, 1.5 if t_phase else None,
                   meter_id=meter, reading_id=f"rid-{i:05d}", cumulative_reverse_kwh=export)


def ids(numbers: range) -> list[str]:
    return [f"rid-{i:05d}" for i in numbers]


def state_ids(recorder: Recorder, topic: str = STATE) -> list[str]:
    """The readings as published (a copy the broker sends because of a new subscription has retain set)."""
    return [json.loads(m.payload)["reading_id"] for m in recorder.on(topic) if not m.retain]


def retained(server: Mosquitto, recorder_factory: Callable[..., Recorder], topic_filter: str = "#") -> dict[str, Any]:
    """What a subscriber that connects now gets: topic -> (payload, retain flag) of the retained messages."""
    late = recorder_factory(server, topic_filter=topic_filter)
    seen = -1
    while seen != len(late.messages):  # retained messages follow the SUBACK; wait until they stop coming
        seen = len(late.messages)
        time.sleep(0.3)
    return {m.topic: (m.payload, m.retain) for m in late.messages}


def wait_until(condition: Callable[[], bool], timeout: float = ARRIVAL_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def config(held: dict[str, Any], object_id: str) -> dict[str, Any]:
    payload, was_retained = held[f"homeassistant/sensor/hems_{KEY}/{object_id}/config"]
    assert was_retained
    parsed: dict[str, Any] = json.loads(payload)
    return parsed


class Errors(list[str]):
    def matching(self, text: str) -> list[str]:
        return [message for message in self if text in message]


@pytest.fixture
def errors() -> Errors:
    return Errors()


@pytest.fixture
def make_sink(tmp_path: Path, errors: Errors) -> Iterator[Callable[..., MqttSink]]:
    made: list[MqttSink] = []

    def make(url: str, **options: Any) -> MqttSink:
        options.setdefault("client_id", f"hems-test-{len(made)}")
        options.setdefault("spool_path", tmp_path / f"mqtt-spool-{len(made)}.sqlite3")
        options.setdefault("on_error", errors.append)
        options.setdefault("backoff_base_s", 0.05)
        options.setdefault("backoff_cap_s", 0.2)
        options.setdefault("grace_seconds", 5)
        sink = MqttSink(url, **options)
        made.append(sink)
        return sink

    yield make
    for sink in made:
        sink.grace_seconds = 0
        sink.close()


# --------------------------------------------------------------------------- state messages


def test_each_reading_is_a_retained_json_state_with_the_seed_fields(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink]
) -> None:
    live = recorder_factory(broker)
    sink = make_sink(broker.url)
    sent = [reading(0), reading(1, t_phase=False), reading(2, export=321.5)]
    for r in sent:
        sink.write(r)
    assert live.wait_for(STATE, 3, ARRIVAL_S)
    assert sink.wait_until_empty(ARRIVAL_S) and sink.published == 3
    for message, r in zip(live.on(STATE), sent, strict=True):
        record = json.loads(message.payload)
        assert {k: record[k] for k in RECORD_FIELDS} == r.to_record()
        assert record["reading_id"] == r.reading_id
        assert message.qos == 1
    records = [json.loads(m.payload) for m in live.on(STATE)]
    assert records[1]["current_t"] is None  # a missing value is null, never 0
    assert "cumulative_export" not in records[0] and records[2]["cumulative_export"] == 321.5
    held = retained(broker, recorder_factory, STATE)
    payload, was_retained = held[STATE]
    assert was_retained and json.loads(payload)["reading_id"] == "rid-00002"  # the broker keeps the latest


def test_a_reading_json_cannot_hold_is_refused_and_not_spooled(
    broker: Mosquitto, make_sink: Callable[..., MqttSink]
) -> None:
    from hems_desktop.sinks.base import SinkError

    sink = make_sink(broker.url)
    with pytest.raises(SinkError, match="JSON cannot represent"):
        sink.write(Reading(T0, float("nan"), 1, 1.0, None, meter_id=METER))
    with pytest.raises(SinkError, match="JSON cannot represent"):
        sink.write(Reading(T0, 1.0, 1, 1.0, None, meter_id=METER, extra={"when": T0}))
    assert sink.pending == 0 and sink.published == 0


def test_the_output_modules_import_their_libraries_only_when_built() -> None:
    code = ("import sys\nimport hems_desktop.sinks.mqtt, hems_desktop.sinks.metrics, hems_desktop.fleet\n"
            "print(sorted(m for m in sys.modules if m.startswith(('paho', 'prometheus_client'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_the_meter_id_becomes_one_topic_level() -> None:
    assert meter_topic_id(METER) == KEY  # a link-local address: its interface id
    assert meter_topic_id("fe80::21c:6400:6014:21a3") == KEY
    assert meter_topic_id("C0:12 34/AB+#") == "c0_12_34_ab"  # no '/', '+', '#' or spaces survive
    assert meter_topic_id("") == "unknown-meter"


# --------------------------------------------------------------------------- Home Assistant discovery


def test_discovery_announces_one_device_with_its_sensors(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink]
) -> None:
    live = recorder_factory(broker)
    sink = make_sink(broker.url)
    sink.set_meter_identity("000016", "SN-778899")
    sink.write(reading(0, t_phase=False))
    assert live.wait_for(STATE, 1, ARRIVAL_S)
    held = retained(broker, recorder_factory, "homeassistant/#")
    assert set(held) == {f"homeassistant/sensor/hems_{KEY}/{name}/config"
                         for name in ("power", "current_r", "energy", "link_quality", "connection")}
    power = config(held, "power")
    assert (power["device_class"], power["unit_of_measurement"], power["state_class"]) == ("power", "W", "measurement")
    assert power["state_topic"] == STATE and power["value_template"].startswith("{{ value_json.instant_power")
    assert power["unique_id"] == f"hems_{KEY}_power"
    assert power["availability"] == [{"topic": "hems/collector/hems-test-0/availability"},
                                     {"topic": f"hems/{KEY}/availability"}]
    assert power["availability_mode"] == "all" and power["qos"] == 1
    assert power["device"] == {"identifiers": [f"hems_{KEY}"], "name": "Smart meter 21A3",
                               "model": "Low-voltage smart electric meter (Wi-SUN B-route)",
                               "sw_version": __version__, "manufacturer": "000016", "serial_number": "SN-778899"}
    assert power["origin"] == {"name": "HEMS Desktop", "sw_version": __version__}
    current = config(held, "current_r")
    assert (current["device_class"], current["unit_of_measurement"]) == ("current", "A")
    energy = config(held, "energy")
    assert (energy["device_class"], energy["unit_of_measurement"], energy["state_class"]) == \
        ("energy", "kWh", "total_increasing")
    for name in ("link_quality", "connection"):
        diagnostic = config(held, name)
        assert diagnostic["entity_category"] == "diagnostic"
        assert diagnostic["availability"] == [{"topic": "hems/collector/hems-test-0/availability"}]
        assert diagnostic["device"]["identifiers"] == [f"hems_{KEY}"]  # the same device

    # A reading with a T phase and export energy adds those sensors (a two-wire meter never gets a dead one).
    sink.write(reading(1, export=10.5))
    assert live.wait_for(f"homeassistant/sensor/hems_{KEY}/energy_export/config", 1, ARRIVAL_S)
    held = retained(broker, recorder_factory, "homeassistant/#")
    export = config(held, "energy_export")
    assert export["state_class"] == "total_increasing" and "cumulative_export" in export["value_template"]
    assert config(held, "current_t")["unit_of_measurement"] == "A"


def test_diagnostics_follow_the_session_state_link_quality_and_errors(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink]
) -> None:
    live = recorder_factory(broker)
    sink = make_sink(broker.url)
    sink.write(reading(0))
    assert live.wait_for(f"hems/{KEY}/availability", 1, ARRIVAL_S, b"online")  # a reading proves the link
    sink.set_session_state("disconnected")
    assert live.wait_for(f"hems/{KEY}/availability", 1, ARRIVAL_S, b"offline")
    sink.set_session_state("joined")
    sink.set_link_quality(87)
    sink.count_error("timeout")
    sink.count_error("timeout")
    sink.count_error("refused")
    assert live.wait_for(f"hems/{KEY}/errors", 1, ARRIVAL_S, b'{"refused": 1, "timeout": 2}')
    held = retained(broker, recorder_factory, f"hems/{KEY}/#")
    assert held[f"hems/{KEY}/availability"] == (b"online", True)
    assert held[f"hems/{KEY}/connection"] == (b"joined", True)
    assert held[f"hems/{KEY}/link_quality"] == (b"87", True)
    sink.set_link_quality(None)
    assert live.wait_for(f"hems/{KEY}/link_quality", 1, ARRIVAL_S, b"None")  # unknown, not 0


def test_turning_discovery_off_removes_the_configs(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink], tmp_path: Path
) -> None:
    first = make_sink(broker.url, client_id="same-install")
    first.write(reading(0, export=1.0))
    assert first.wait_until_empty(ARRIVAL_S)
    first.close()
    assert len(retained(broker, recorder_factory, "homeassistant/#")) == 7
    live = recorder_factory(broker, topic_filter="homeassistant/#")
    second = make_sink(broker.url, client_id="same-install", discovery=False)
    second.write(reading(1))
    assert live.wait_for(f"homeassistant/sensor/hems_{KEY}/connection/config", 1, ARRIVAL_S, b"")  # the last one
    assert retained(broker, recorder_factory, "homeassistant/#") == {}  # nothing left for Home Assistant
    assert second.wait_until_empty(ARRIVAL_S)


def test_configs_are_sent_again_when_home_assistant_comes_back(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink]
) -> None:
    live = recorder_factory(broker)
    sink = make_sink(broker.url)
    sink.write(reading(0))
    power = f"homeassistant/sensor/hems_{KEY}/power/config"
    assert live.wait_for(power, 1, ARRIVAL_S)
    live.client.publish("homeassistant/status", "online", qos=1)  # Home Assistant's birth message
    assert live.wait_for(power, 2, ARRIVAL_S)


# --------------------------------------------------------------------------- outages, restarts and crashes


def test_a_broker_outage_of_30_readings_delivers_all_once_in_order(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink], errors: Errors
) -> None:
    consumer = recorder_factory(broker, topic_filter=STATE, persistent=True, client_id="consumer")
    sink = make_sink(broker.url)
    for i in range(5):
        sink.write(reading(i))
    assert consumer.wait_for(STATE, 5, ARRIVAL_S) and sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.5)  # let the consumer's own PUBACKs reach the broker (else it re-sends those to it)
    broker.stop()
    for i in range(5, 35):  # 30 readings while the broker is away
        sink.write(reading(i))
    assert wait_until(lambda: bool(errors)) and sink.publisher.failures >= 1
    assert sink.pending == 30  # kept, durably
    assert len(errors.matching("not reachable (connection refused)")) == 1  # one line for the outage
    broker.start()  # same port, same persistence file: the consumer's session survives
    for i in range(35, 40):
        sink.write(reading(i))
    assert consumer.wait_for(STATE, 40, 30) and sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.3)
    assert state_ids(consumer) == ids(range(40))  # each exactly once, in order
    assert sink.published == 40 and sink.connections == 2
    assert len(errors) == 1, errors


def open_sockets() -> int:
    folder = Path("/proc/self/fd")
    count = 0
    for fd in folder.iterdir():
        with contextlib.suppress(OSError):  # closed while listed
            count += os.readlink(fd).startswith("socket:")
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open sockets in /proc")
def test_a_connection_that_ended_leaves_no_socket_open(
    broker: Mosquitto, make_sink: Callable[..., MqttSink]
) -> None:
    # paho closes a client's wake-up socket pair only when the object is collected, and a client sits
    # in reference cycles: with the collector off (as it rarely runs in a quiet process), each ended
    # connection kept two sockets open before release_client closed them
    gc.collect()
    gc.disable()
    try:
        baseline = open_sockets()
        sink = make_sink(broker.url)
        sink.write(reading(0))
        assert sink.wait_until_empty(ARRIVAL_S)
        for drop in range(3):  # the broker goes away and comes back: a new connection each time
            broker.stop()
            assert wait_until(lambda drop=drop: sink.publisher.failures >= 1)  # type: ignore[misc]
            broker.start()
            sink.write(reading(drop + 1))
            assert sink.wait_until_empty(ARRIVAL_S)
        assert sink.connections == 4
        sink.close()
        for number in range(3):  # whole sinks made and closed, as a Save in the app does
            other = make_sink(broker.url)
            other.write(reading(10 + number))
            assert other.wait_until_empty(ARRIVAL_S)
            other.close()
        assert open_sockets() == baseline
    finally:
        gc.enable()


def test_readings_left_in_the_spool_are_delivered_by_the_next_run(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink], tmp_path: Path
) -> None:
    spool = tmp_path / "restart.sqlite3"
    broker.stop()
    first = make_sink(broker.url, spool_path=spool, grace_seconds=0)
    for i in range(12):
        first.write(reading(i))
    first.close()
    assert first.pending == 0  # closed: the spool file holds them, not this object
    broker.start()
    consumer = recorder_factory(broker, topic_filter=STATE)
    second = make_sink(broker.url, spool_path=spool)
    assert consumer.wait_for(STATE, 12, ARRIVAL_S) and second.wait_until_empty(ARRIVAL_S)
    assert state_ids(consumer) == ids(range(12))
    held = retained(broker, recorder_factory, "homeassistant/#")
    assert f"homeassistant/sensor/hems_{KEY}/current_t/config" in held  # announced from the spooled rows


def test_close_publishes_what_is_spooled_then_says_offline(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink]
) -> None:
    live = recorder_factory(broker)
    sink = make_sink(broker.url, grace_seconds=20)
    for i in range(50):
        sink.write(reading(i))
    sink.close()  # returns once everything is delivered, not after 20 s
    assert sink.pending == 0
    availability = "hems/collector/hems-test-0/availability"
    assert live.wait_for(availability, 1, ARRIVAL_S, b"offline")  # sent after the readings, so they are all here
    assert state_ids(live) == ids(range(50))
    assert retained(broker, recorder_factory, availability)[availability] == (b"offline", True)


def test_the_last_will_says_offline_when_the_process_is_killed(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], tmp_path: Path
) -> None:
    availability = "hems/collector/killed-install/availability"
    live = recorder_factory(broker, topic_filter="hems/#")
    code = (
        "import datetime as dt, sys, time\n"
        "from hems_desktop.reading import Reading\n"
        "from hems_desktop.sinks.mqtt import MqttSink\n"
        f"sink = MqttSink({broker.url!r}, client_id='killed-install', spool_path={str(tmp_path / 'k.sqlite3')!r})\n"
        "sink.write(Reading(dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc), 1.0, 2, 3.0, None, meter_id='M'))\n"
        "assert sink.wait_until_empty(20)\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        assert live.wait_for(availability, 1, ARRIVAL_S, b"online")
        os.kill(process.pid, signal.SIGKILL)  # no close(), no DISCONNECT
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    assert live.wait_for(availability, 1, ARRIVAL_S, b"offline")  # the broker published the will
    assert retained(broker, recorder_factory, availability)[availability] == (b"offline", True)


# --------------------------------------------------------------------------- install identity and URLs


def test_the_client_id_is_stable_per_install(tmp_path: Path) -> None:
    first = install_client_id(tmp_path)
    assert first.startswith("hems-desktop-") and len(first) <= 23
    assert install_client_id(tmp_path) == first
    (tmp_path / "mqtt-client-id").write_text("not a valid id!\n")
    replaced = install_client_id(tmp_path)
    assert replaced != first and install_client_id(tmp_path) == replaced


def test_broker_urls() -> None:
    plain = parse_broker_url("mqtt://192.168.1.10")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("192.168.1.10", 1883, False, None)
    secure = parse_broker_url("mqtts://ha%40home@broker.example:8884/")
    assert (secure.host, secure.port, secure.tls, secure.username) == ("broker.example", 8884, True, "ha@home")
    assert parse_broker_url("mqtt://[::1]:1884").where == "[::1]:1884"
    assert parse_broker_url("MQTTS://Broker.Example").url == "mqtts://broker.example:8883"


# --------------------------------------------------------------------------- with the real collector


def test_the_collector_publishes_its_readings_to_mqtt(
    broker: Mosquitto, recorder_factory: Callable[..., Recorder], make_sink: Callable[..., MqttSink],
    make_emulator: Any, tmp_path: Path,
) -> None:
    from conftest import PASSWORD, ROUTE_B_ID

    from hems_desktop.collector import Collector
    from hems_desktop.schedule import IntervalSchedule
    from hems_desktop.session import Session, SessionConfig
    from hems_desktop.sinks.file import FileSink

    live = recorder_factory(broker)
    emulator = make_emulator()
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=tmp_path / "cache",
                           request_timeout=0.5)
    sink = make_sink(broker.url, grace_seconds=10)
    file_sink = FileSink(tmp_path / "out.jsonl", "json")
    collector = Collector(Session(config), IntervalSchedule(0.5, dt.datetime.now(dt.timezone.utc)), [sink, file_sink],
                          count=3)
    assert collector.run() == 0
    assert sink.pending == 0  # close() delivered everything before returning
    meter_id = collector.session.network.meter_id  # type: ignore[union-attr]
    key = meter_topic_id(meter_id)
    assert live.wait_for(f"hems/{key}/state", 3, ARRIVAL_S)
    states = [json.loads(m.payload) for m in live.on(f"hems/{key}/state")]
    assert len(states) == 3 and len({s["reading_id"] for s in states}) == 3
    file_records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [{k: s[k] for k in RECORD_FIELDS} for s in states] == file_records  # the same readings as the file
    assert all(isinstance(s["instant_power"], int) for s in states)
    held = retained(broker, recorder_factory, "homeassistant/#")
    assert f"homeassistant/sensor/hems_{key}/power/config" in held
