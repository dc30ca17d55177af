"""--output mqtt when things are wrong: bad URLs, no broker, wrong password, TLS, a refusing ACL.

Each failure must be one clear line (reported once, not per reading), keep every reading in
the spool, never show the password, and leave the other outputs alone. Real mosquitto brokers
(tests/mosquitto.py) with password files, ACLs and TLS from a throwaway CA made by trustme.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import trustme

from hems_desktop.reading import Reading
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.mqtt import MqttSink

if TYPE_CHECKING:
    from mosquitto import Mosquitto, Recorder


T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
STATE = "hems/021c6400601421a3/state"
SECRET = "s3cret-Pa55word"  # must never appear in a log line, an error or a repr
ARRIVAL_S = 10.0


def reading(i: int) -> Reading:
    return Reading(T0 + dt.timedelta(minutes=5 * i), 100.0 + i, 500, 2.5, 1.5, meter_id=METER,
                   reading_id=f"rid-{i:05d}")


def wait_until(condition: Callable[[], bool], timeout: float = ARRIVAL_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def errors() -> list[str]:
    return []


@pytest.fixture
def make_sink(tmp_path: Path, errors: list[str]) -> Iterator[Callable[..., MqttSink]]:
    made: list[MqttSink] = []

    def make(url: str, **options: Any) -> MqttSink:
        options.setdefault("client_id", f"hems-err-{len(made)}")
        options.setdefault("spool_path", tmp_path / f"spool-{len(made)}.sqlite3")
        options.setdefault("on_error", errors.append)
        options.setdefault("backoff_base_s", 0.05)
        options.setdefault("backoff_cap_s", 0.1)
        options.setdefault("grace_seconds", 0)
        sink = MqttSink(url, **options)
        made.append(sink)
        return sink

    yield make
    for sink in made:
        sink.close()


def assert_one_line_kept(sink: MqttSink, errors: list[str], expected: str, count: int) -> None:
    """Several attempts failed, yet one report, with the expected words; every reading still spooled."""
    assert wait_until(lambda: sink.publisher.failures >= 3), errors
    assert len(errors) == 1, errors
    assert expected in errors[0], errors[0]
    assert "\n" not in errors[0]
    assert sink.pending == count


# --------------------------------------------------------------------------- at construction


@pytest.mark.parametrize(("url", "expected"), [
    ("http://broker:1883", "must start with mqtt:// or mqtts://, not http://"),
    ("broker:1883", "must start with mqtt:// or mqtts://"),
    ("mqtt://", "has no host name"),
    ("mqtt://broker:99999", "invalid port"),
    ("mqtt://broker:port", "invalid port"),
    ("mqtt://broker/hems", "must not have a path"),
    (f"mqtt://ha:{SECRET}@broker", "must not contain a password: put it in the MQTT_PASSWORD"),
    ("", "is empty"),
])
def test_a_bad_url_is_one_clear_line(url: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(SinkError) as caught:
        MqttSink(url, spool_path=tmp_path / "s.sqlite3", client_id="x")
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert SECRET not in message


def test_bad_prefixes_and_ca_files_are_refused(tmp_path: Path) -> None:
    spool = tmp_path / "s.sqlite3"
    with pytest.raises(SinkError, match=r"topic prefix 'a/\+' must not contain"):
        MqttSink("mqtt://broker", topic_prefix="a/+", spool_path=spool, client_id="x")
    with pytest.raises(SinkError, match="discovery prefix is empty"):
        MqttSink("mqtt://broker", discovery_prefix="/", spool_path=spool, client_id="x")
    with pytest.raises(SinkError, match=r"--mqtt-ca needs an mqtts:// URL"):
        MqttSink("mqtt://broker", ca_file=tmp_path / "ca.pem", spool_path=spool, client_id="x")
    with pytest.raises(SinkError, match=r"CA file .*missing.pem does not exist"):
        MqttSink("mqtts://broker", ca_file=tmp_path / "missing.pem", spool_path=spool, client_id="x")
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    with pytest.raises(SinkError, match="cannot be used"):
        MqttSink("mqtts://broker", ca_file=tmp_path / "junk.pem", spool_path=spool, client_id="x")


def test_a_missing_paho_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "paho.mqtt.client", None)  # makes the import fail
    with pytest.raises(SinkError, match=r"pip install 'hems-desktop\[mqtt\]'"):
        MqttSink("mqtt://broker", spool_path=tmp_path / "s.sqlite3", client_id="x")


# --------------------------------------------------------------------------- no broker


def test_an_unreachable_broker_is_one_line_and_the_readings_wait_for_it(
    tmp_path: Path, make_sink: Callable[..., MqttSink], errors: list[str], recorder_factory: Callable[..., Recorder]
) -> None:
    from mosquitto import Mosquitto

    later = Mosquitto(tmp_path / "later")  # its port is chosen, nothing listens there yet
    sink = make_sink(later.url)
    for i in range(20):
        sink.write(reading(i))
    assert_one_line_kept(sink, errors, f"MQTT broker 127.0.0.1:{later.port} is not reachable (connection refused)",
                         20)
    later.start()
    try:
        assert sink.wait_until_empty(ARRIVAL_S) and sink.published == 20
        consumer = recorder_factory(later, topic_filter=STATE)  # subscribes after delivery: gets the retained one
        assert consumer.wait_for(STATE, 1, ARRIVAL_S)
        assert json.loads(consumer.on(STATE)[-1].payload)["reading_id"] == "rid-00019"  # the latest, in order
    finally:
        later.stop()


def test_write_does_not_wait_for_a_broker_that_never_answers(make_sink: Callable[..., MqttSink]) -> None:
    with socket.socket() as silent:  # accepts TCP, then says nothing: CONNACK never comes
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        sink = make_sink(f"mqtt://127.0.0.1:{silent.getsockname()[1]}", connect_timeout_s=60)
        assert wait_until(lambda: sink.publisher.alive)
        for i in range(200):  # the publisher is stuck waiting for CONNACK meanwhile
            sink.write(reading(i))
        assert sink.pending == 200 and sink.published == 0 and sink.connections == 0


# --------------------------------------------------------------------------- credentials


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[Mosquitto]:
    from mosquitto import Mosquitto

    server = Mosquitto(tmp_path / "secured", users={"hems": SECRET}).start()
    yield server
    server.stop()


def test_wrong_credentials_are_one_line_without_the_password(
    secured: Mosquitto, make_sink: Callable[..., MqttSink], errors: list[str], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # paho's and ours: the password must not be in any of it
    url = f"mqtt://hems@127.0.0.1:{secured.port}"
    wrong = make_sink(url, password=SECRET[::-1])
    for i in range(5):
        wrong.write(reading(i))
    assert_one_line_kept(wrong, errors, "refused the user name or password (user 'hems')", 5)
    assert "MQTT_PASSWORD" in errors[0]
    wrong.close()

    errors.clear()
    anonymous = make_sink(f"mqtt://127.0.0.1:{secured.port}")
    anonymous.write(reading(0))
    assert_one_line_kept(anonymous, errors, "refused the connection without a user name", 1)
    anonymous.close()

    right = make_sink(url, password=SECRET)
    right.write(reading(0))
    assert right.wait_until_empty(ARRIVAL_S) and right.published == 1
    for text in (caplog.text, " ".join(errors), repr(right), repr(right.broker), repr(right.publisher.settings)):
        assert SECRET not in text and SECRET[::-1] not in text


# --------------------------------------------------------------------------- TLS


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[Mosquitto, Path]]:
    """A TLS-only mosquitto with a certificate for "localhost" from a throwaway CA."""
    from mosquitto import Mosquitto, TlsFiles

    ca = trustme.CA()
    certificate = ca.issue_cert("localhost")
    files = TlsFiles(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    ca.cert_pem.write_to_path(str(files.cafile))
    certificate.cert_chain_pems[0].write_to_path(str(files.certfile))
    certificate.private_key_pem.write_to_path(str(files.keyfile))
    server = Mosquitto(tmp_path / "tls", tls=files).start()
    yield server, files.cafile
    server.stop()


def test_tls_with_our_ca_delivers(tls_broker: tuple[Mosquitto, Path], make_sink: Callable[..., MqttSink]) -> None:
    server, ca_file = tls_broker
    sink = make_sink(f"mqtts://localhost:{server.port}", ca_file=ca_file)
    sink.write(reading(0))
    assert sink.wait_until_empty(ARRIVAL_S) and sink.published == 1


@pytest.mark.parametrize(("host", "with_ca", "expected"), [
    ("localhost", False, "is not accepted (self-signed certificate in certificate chain): give its CA with --mqtt-ca"),
    ("127.0.0.1", True, "is not accepted (IP address mismatch"),
])
def test_a_tls_failure_is_one_line(
    tls_broker: tuple[Mosquitto, Path], make_sink: Callable[..., MqttSink], errors: list[str],
    host: str, with_ca: bool, expected: str,
) -> None:
    server, ca_file = tls_broker
    sink = make_sink(f"mqtts://{host}:{server.port}", ca_file=ca_file if with_ca else None)
    sink.write(reading(0))
    assert_one_line_kept(sink, errors, expected, 1)
    assert errors[0].startswith("TLS: ")


def test_tls_to_a_plain_port_says_so(
    broker: Mosquitto, make_sink: Callable[..., MqttSink], errors: list[str]
) -> None:
    sink = make_sink(f"mqtts://localhost:{broker.port}")
    sink.write(reading(0))
    assert_one_line_kept(sink, errors, "TLS handshake with the MQTT broker", 1)
    assert "is it a TLS port?" in errors[0]


# --------------------------------------------------------------------------- the broker refuses messages


def test_a_broker_that_refuses_our_topics_keeps_the_readings(
    tmp_path: Path, make_sink: Callable[..., MqttSink], errors: list[str]
) -> None:
    from mosquitto import Mosquitto

    acl = "user hems\ntopic read #\n"  # may connect and read, never publish
    server = Mosquitto(tmp_path / "acl", users={"hems": SECRET}, acl=acl).start()
    try:
        sink = make_sink(f"mqtt://hems@127.0.0.1:{server.port}", password=SECRET)
        for i in range(3):
            sink.write(reading(i))
        assert_one_line_kept(sink, errors, "refused a message (Not authorized): check its access control", 3)
    finally:
        server.stop()


# --------------------------------------------------------------------------- the other outputs


def test_a_failing_mqtt_output_leaves_the_other_outputs_alone(
    make_sink: Callable[..., MqttSink], errors: list[str], make_emulator: Any, tmp_path: Path
) -> None:
    from conftest import PASSWORD, ROUTE_B_ID

    from hems_desktop.collector import Collector
    from hems_desktop.schedule import IntervalSchedule
    from hems_desktop.session import Session, SessionConfig
    from hems_desktop.sinks.file import FileSink

    with socket.socket() as closed:  # a port with nothing behind it
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    emulator = make_emulator()
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=tmp_path / "cache",
                           request_timeout=0.5)
    sink = make_sink(f"mqtt://127.0.0.1:{port}", grace_seconds=0, spool_path=tmp_path / "kept.sqlite3")
    file_sink = FileSink(tmp_path / "out.jsonl", "json")
    events: list[str] = []
    collector = Collector(Session(config), IntervalSchedule(0.5, dt.datetime.now(dt.timezone.utc)), [sink, file_sink],
                          count=3,
                          on_event=lambda event: events.append(repr(event)))
    assert collector.run() == 0
    assert sum("ReadingTaken" in e for e in events) == 3
    assert not [e for e in events if "output mqtt" in e]  # write() never failed: the spool took each reading
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 3  # the file got every reading
    assert errors == [f"MQTT broker 127.0.0.1:{port} is not reachable (connection refused): readings are kept and "
                      "sent when it is back"]
    from hems_desktop.sinks.spool import Spool

    kept = Spool(tmp_path / "kept.sqlite3")
    assert len(kept) == 3  # and the MQTT output kept its three for later
    kept.close()


def test_a_broker_without_mqtt_5_is_spoken_to_in_3_1_1(make_sink: Callable[..., MqttSink], errors: list[str]) -> None:
    """mosquitto cannot be limited to MQTT 3.1.1, so a few lines of socket play an old broker: it answers an
    MQTT 5 CONNECT with the 3.1.1 refusal "unacceptable protocol version" (as the 3.1.1 spec says) and
    accepts a 3.1.1 CONNECT."""
    levels: list[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def old_broker() -> None:
            for _ in range(2):
                connection, _ = listener.accept()
                with connection:
                    connect = connection.recv(1024)
                    levels.append(connect[8])  # fixed header, "MQTT" name, then the protocol level
                    connection.sendall(b"\x20\x02\x00" + (b"\x01" if connect[8] == 5 else b"\x00"))
                    if connect[8] != 5:
                        connected.wait(10)

        connected = threading.Event()
        thread = threading.Thread(target=old_broker, daemon=True)
        thread.start()
        sink = make_sink(f"mqtt://127.0.0.1:{listener.getsockname()[1]}")
        assert wait_until(lambda: sink.connections == 1)
        connected.set()
        thread.join(10)
    assert levels == [5, 4] and errors == []
