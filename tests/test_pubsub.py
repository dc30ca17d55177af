"""--output cloud: the real google-cloud-pubsub client against a loopback Publisher server.

The client is pointed at `tests/pubsub_server.py` through PUBSUB_EMULATOR_HOST (set before any
client is created). Backoff delays are shortened; nothing here waits on Google.
google-cloud-pubsub is part of the `test` extra: these tests fail (not skip) without it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pubsub_server import FakePublisherServer

from hems_desktop.cli.args import build_arg_parser, cli_values
from hems_desktop.describe import CREDENTIALS_HINT
from hems_desktop.describe import describe_google_error as describe_error
from hems_desktop.reading import RECORD_FIELDS, Reading
from hems_desktop.settings import resolve_settings
from hems_desktop.sinks import SinkError, build_sinks
from hems_desktop.sinks.cloud import PubSubSink
from hems_desktop.sinks.spool import Spool

JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=JST)
PROJECT = "hems-test-project"
TOPIC = "hems-test-topic"
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"
ARRIVAL_S = 10.0  # generous upper bound for a message to arrive; normally milliseconds


def reading(i: int, *, meter: str = METER, t_phase: bool = True) -> Reading:
    return Reading(
        timestamp=T0 + dt.timedelta(minutes=5 * i),
        cumulative_kwh=12345.6 + i / 10,
        instant_w=500 + i,
        current_r_a=2.5,
        current_t_a=1.5 if t_phase else None,
        meter_id=meter,
        reading_id=f"rid-{i:05d}",
    )


def ids(numbers: range | list[int]) -> list[str]:
    return [f"rid-{i:05d}" for i in numbers]


def wait_until(condition: Callable[[], bool], timeout: float = ARRIVAL_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePublisherServer]:
    srv = FakePublisherServer().start()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", srv.host)
    yield srv
    srv.stop()


class Errors(list[str]):
    def matching(self, text: str) -> list[str]:
        return [message for message in self if text in message]


@pytest.fixture
def errors() -> Errors:
    return Errors()


@pytest.fixture
def make_sink(tmp_path: Path, errors: Errors) -> Iterator[Callable[..., PubSubSink]]:
    made: list[PubSubSink] = []

    def make(**options: Any) -> PubSubSink:
        options.setdefault("spool_path", tmp_path / "spool.sqlite3")
        options.setdefault("on_error", errors.append)
        options.setdefault("backoff_base_s", 0.05)
        options.setdefault("backoff_cap_s", 0.2)
        options.setdefault("grace_seconds", 0)
        sink = PubSubSink(PROJECT, TOPIC, **options)
        made.append(sink)
        return sink

    yield make
    for sink in made:
        sink.close()


# --------------------------------------------------------------------------- message format


def test_messages_carry_the_seed_json_the_attributes_and_the_meter_as_ordering_key(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink]
) -> None:
    sink = make_sink()
    sent = [reading(0), reading(1, t_phase=False), reading(2, meter="")]
    for r in sent:
        sink.write(r)
    assert server.wait_for(3, ARRIVAL_S)
    assert sink.wait_until_empty(ARRIVAL_S)
    got = sorted(server.messages, key=lambda m: m.attributes["reading_id"])
    for message, r in zip(got, sent, strict=True):
        assert message.topic == f"projects/{PROJECT}/topics/{TOPIC}"
        record = json.loads(message.data.decode("utf-8"))
        assert list(record) == list(RECORD_FIELDS)
        assert record == r.to_record()
        assert message.attributes == {"reading_id": r.reading_id, "meter_id": r.meter_id, "schema_version": "1",
                                      "source": "hems-desktop", "timestamp": r.timestamp.isoformat()}
    assert got[0].data == (b'{"timestamp": "2024-03-01T12:00:00+09:00", "cumulative_power": 12345.6, '
                           b'"instant_power": 500, "current_r": 2.5, "current_t": 1.5}')
    assert json.loads(got[1].data)["current_t"] is None
    assert [m.ordering_key for m in got] == [METER, METER, "unknown-meter"]  # no meter id: still ordered
    assert sink.published == 3 and sink.pending == 0


def test_a_reading_without_id_gets_the_collectors_id_and_a_repeated_id_is_sent_once(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink]
) -> None:
    from hems_desktop.reading import reading_id

    server.mode = "unavailable"  # keep both writes in the spool together
    sink = make_sink()
    plain = Reading(T0, 1.0, 2, 3.0, None, meter_id=METER)
    sink.write(plain)
    sink.write(plain)
    assert sink.pending == 1
    server.mode = "up"
    assert server.wait_for(1, ARRIVAL_S) and sink.wait_until_empty(ARRIVAL_S)
    assert server.reading_ids() == [reading_id(METER, T0)]


# --------------------------------------------------------------------------- outages and restarts


def test_an_outage_loses_nothing_and_keeps_the_order(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], errors: Errors
) -> None:
    sink = make_sink()
    for i in range(10):
        sink.write(reading(i))
    assert server.wait_for(10, ARRIVAL_S)
    server.mode = "unavailable"  # the service answers UNAVAILABLE ...
    for i in range(10, 30):
        sink.write(reading(i))
        time.sleep(0.005)
    assert wait_until(lambda: server.rejected >= 2)
    server.stop()  # ... then the port is closed altogether (connection refused)
    for i in range(30, 40):
        sink.write(reading(i))
    time.sleep(0.3)
    assert len(server.messages) == 10 and sink.pending == 30
    server.mode = "up"
    server.start()
    for i in range(40, 50):
        sink.write(reading(i))
    assert server.wait_for(50, ARRIVAL_S)
    assert sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.1)
    assert server.reading_ids() == ids(range(50))  # each exactly once, in order
    assert len(errors.matching("not reachable")) == 1  # one outage, one report
    assert sink.published == 50


def test_write_never_waits_for_the_network(server: FakePublisherServer, make_sink: Callable[..., PubSubSink]) -> None:
    server.stop()
    sink = make_sink()
    sink.write(reading(0))
    start = time.perf_counter()
    for i in range(1, 101):
        sink.write(reading(i))
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"100 writes took {elapsed:.2f} s while Pub/Sub was down"
    assert sink.pending == 101


def test_readings_left_in_the_spool_are_published_by_the_next_run(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    spool_path = tmp_path / "restart.sqlite3"
    server.stop()
    first = make_sink(spool_path=spool_path, grace_seconds=0)
    for i in range(25):
        first.write(reading(i))
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        first.close()
        assert time.monotonic() - started < 5
    assert "25 reading(s) are still waiting in the Pub/Sub spool" in caplog.text
    with pytest.raises(SinkError, match="closed"):
        first.write(reading(99))
    assert len(Spool(spool_path)) == 25  # on disk

    server.start()
    second = make_sink(spool_path=spool_path)
    second.write(reading(25))
    assert server.wait_for(26, ARRIVAL_S) and second.wait_until_empty(ARRIVAL_S)
    time.sleep(0.1)
    assert server.reading_ids() == ids(range(26))


def test_readings_survive_a_killed_process(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], tmp_path: Path
) -> None:
    spool_path = tmp_path / "crash.sqlite3"
    code = (
        "import datetime as dt, os, sys\n"
        "from hems_desktop.reading import Reading\n"
        "from hems_desktop.sinks.cloud import PubSubSink\n"
        f"sink = PubSubSink('p', 't', spool_path={str(spool_path)!r})\n"
        "t0 = dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)\n"
        "for i in range(10):\n"
        "    sink.write(Reading(t0 + dt.timedelta(minutes=i), 1.0, 2, 3.0, None, meter_id='M',\n"
        "                       reading_id=f'rid-{i:05d}'))\n"
        "os._exit(9)  # no close(): as if killed\n"
    )
    env = {**os.environ, "PUBSUB_EMULATOR_HOST": "127.0.0.1:1"}  # nothing listens there
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr
    sink = make_sink(spool_path=spool_path)
    assert server.wait_for(10, ARRIVAL_S) and sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.1)
    assert server.reading_ids() == ids(range(10))


def test_close_keeps_publishing_for_the_grace_period(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink]
) -> None:
    server.mode = "unavailable"
    sink = make_sink(grace_seconds=20)
    for i in range(5):
        sink.write(reading(i))
    assert wait_until(lambda: server.rejected >= 1)
    server.mode = "up"
    started = time.monotonic()
    sink.close()  # returns as soon as the spool is empty, not after 20 s
    assert time.monotonic() - started < 10
    assert sink.pending == 0
    assert server.reading_ids() == ids(range(5))


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("not_found", f"`gcloud pubsub topics create {TOPIC} --project {PROJECT}`"),
        ("permission_denied", "roles/pubsub.publisher"),
    ],
)
def test_topic_problems_are_reported_once_with_the_fix(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], errors: Errors, mode: str, expected: str,
) -> None:
    server.mode = mode
    sink = make_sink()
    for i in range(30):
        sink.write(reading(i))
    assert wait_until(lambda: server.rejected >= 4)  # several rounds of retries
    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert "\n" not in errors[0]
    server.mode = "up"  # the topic was created / the role granted: the kept readings go out
    assert server.wait_for(30, ARRIVAL_S) and sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.1)
    assert server.reading_ids() == ids(range(30))
    assert len(errors) == 1


def test_missing_credentials_are_reported_once(
    monkeypatch: pytest.MonkeyPatch, make_sink: Callable[..., PubSubSink], errors: Errors, tmp_path: Path
) -> None:
    monkeypatch.delenv("PUBSUB_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    sink = make_sink()
    for i in range(5):
        sink.write(reading(i))
    assert wait_until(lambda: sink._failures >= 3)
    # Reported once, and about the file the variable names (not "set the variable": it is set).
    assert len(errors) == 1 and "no-such-key.json" in errors[0] and "does not exist" in errors[0]
    assert sink.pending == 5


def test_credentials_advice_follows_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from google.auth import exceptions as auth

    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    assert describe_error(auth.DefaultCredentialsError("x"), "p", "t")[1] == CREDENTIALS_HINT
    broken = tmp_path / "key.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(broken))
    message = describe_error(auth.DefaultCredentialsError("x"), "p", "t")[1]
    assert "key.json" in message and "not a Google credentials file" in message
    assert "set GOOGLE_APPLICATION_CREDENTIALS" not in message


def test_error_messages() -> None:
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    assert describe_error(auth.DefaultCredentialsError("x"), "p", "t")[0] == "credentials"
    kind, message = describe_error(auth.RefreshError("token=SECRET"), "p", "t")
    assert kind == "credentials" and "SECRET" not in message
    assert describe_error(api.ServiceUnavailable("down"), "p", "t")[0] == "unavailable"
    assert "gcloud pubsub topics create t --project p" in describe_error(api.NotFound("x"), "p", "t")[1]
    assert "roles/pubsub.publisher" in describe_error(api.PermissionDenied("x"), "p", "t")[1]


def test_a_missing_client_library_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "google.cloud.pubsub_v1", None)  # makes the import fail
    with pytest.raises(SinkError, match=r"pip install 'hems-desktop\[cloud\]'"):
        PubSubSink(PROJECT, TOPIC, spool_path=tmp_path / "s.sqlite3")


# --------------------------------------------------------------------------- the spool bound


def test_the_spool_warns_at_80_and_100_percent_then_drops_the_oldest(tmp_path: Path) -> None:
    warnings: list[str] = []
    spool = Spool(tmp_path / "bound.sqlite3", max_messages=10, on_warning=warnings.append)
    for i in range(7):
        spool.put(f"r{i}", b"x", {}, "k")
    assert warnings == []
    spool.put("r7", b"x", {}, "k")
    assert len(warnings) == 1 and "80 % full" in warnings[0]
    spool.put("r8", b"x", {}, "k")
    spool.put("r9", b"x", {}, "k")
    assert len(warnings) == 2 and "is full (10 of 10" in warnings[1]
    for i in range(10, 13):
        spool.put(f"r{i}", b"x", {}, "k")
    assert len(spool) == 10 and spool.dropped == 3
    assert [m.reading_id for m in spool.peek(100)] == [f"r{i}" for i in range(3, 13)]  # the oldest went
    assert len(warnings) == 3 and "1 reading(s) lost so far" in warnings[2]  # the first loss is announced
    spool.close()
    reopened = Spool(tmp_path / "bound.sqlite3", max_messages=10, on_warning=warnings.append)
    assert len(reopened) == 10 and "is full" in warnings[-1]  # warns again at the next start
    reopened.close()


def test_a_full_spool_behind_the_sink_keeps_the_newest_readings(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], errors: Errors
) -> None:
    server.stop()
    sink = make_sink(max_spooled=5)
    for i in range(8):
        sink.write(reading(i))
    assert sink.pending == 5 and sink.spool.dropped == 3
    assert errors.matching("80 % full") and errors.matching("is full") and errors.matching("lost so far")
    server.start()
    assert server.wait_for(5, ARRIVAL_S) and sink.wait_until_empty(ARRIVAL_S)
    time.sleep(0.1)
    received = server.reading_ids()
    # The 5 newest arrive in order. (A message the publisher had already taken from the spool when
    # it was pushed out may still go out: then it was not lost after all. Never twice.)
    assert received[-5:] == ids(range(3, 8))
    assert len(set(received)) == len(received) and received == sorted(received)


# --------------------------------------------------------------------------- wiring


def test_build_sinks_creates_the_pubsub_sink_for_cloud_and_all(
    server: FakePublisherServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the default spool location
    for output in ("cloud", "all"):
        args = build_arg_parser().parse_args(["-o", output, "--project", PROJECT, "--topic", TOPIC,
                                              "--file", str(tmp_path / "out.dat")])
        sinks = build_sinks(resolve_settings(cli_values(args), {}))
        clouds = [s for s in sinks if isinstance(s, PubSubSink)]
        assert len(clouds) == 1
        assert clouds[0].topic_path == f"projects/{PROJECT}/topics/{TOPIC}"
        assert clouds[0].spool.path == tmp_path / "data" / "hems-desktop" / "pubsub-spool.sqlite3"
        for sink in sinks:
            if isinstance(sink, PubSubSink):
                sink.grace_seconds = 0
            sink.close()


def test_help_does_not_import_google() -> None:
    code = ("import sys\nfrom hems_desktop.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import hems_desktop.sinks\n"
            "print(sorted(m for m in sys.modules if m.startswith('google')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_collector_publishes_its_readings(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], make_emulator: Any, tmp_path: Path
) -> None:
    from conftest import PASSWORD, ROUTE_B_ID

    from hems_desktop.collector import Collector
    from hems_desktop.schedule import IntervalSchedule
    from hems_desktop.session import Session, SessionConfig

    emulator = make_emulator()
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=tmp_path / "cache",
                           request_timeout=0.5)
    sink = make_sink(grace_seconds=10)
    collector = Collector(Session(config), IntervalSchedule(0.5, dt.datetime.now(dt.timezone.utc)), [sink], count=3)
    assert collector.run() == 0
    assert sink.pending == 0  # close() published everything before returning
    assert server.wait_for(3, ARRIVAL_S)
    assert len(server.messages) == 3 and len(set(server.reading_ids())) == 3
    meter_id = collector.session.network.meter_id  # type: ignore[union-attr]
    assert meter_id and {m.ordering_key for m in server.messages} == {meter_id}
    assert all(list(json.loads(m.data)) == list(RECORD_FIELDS) for m in server.messages)


@pytest.mark.parametrize("damage", ["invalid-utf8-attributes", "invalid-json"])
def test_a_damaged_spool_row_is_set_aside_and_the_rest_is_published(
    server: FakePublisherServer, make_sink: Callable[..., PubSubSink], errors: Errors, tmp_path: Path, damage: str
) -> None:
    import sqlite3

    from hems_desktop.sinks.spool import Spool

    spool = Spool(tmp_path / "spool.sqlite3")
    for i in range(27):
        spool.put(f"rid-{i:05d}", b"{}", {"reading_id": f"rid-{i:05d}"}, METER)
    spool.close()
    db = sqlite3.connect(tmp_path / "spool.sqlite3")
    bad = "CAST(x'7b22ff223a2278227d' AS TEXT)" if damage == "invalid-utf8-attributes" else "'{not json'"
    db.execute(f"UPDATE pending SET attributes = {bad} WHERE reading_id = 'rid-00003'")  # one bad row early on
    db.commit()
    db.close()
    sink = make_sink()  # picks up the 27 rows an earlier run left
    assert wait_until(lambda: sink.pending == 0)
    assert sink.spool.quarantined == 1
    assert sorted(server.reading_ids()) == ids([i for i in range(27) if i != 3])  # 26 sent, none stuck behind it
    assert len(errors.matching("set aside")) == 1
    kept = sqlite3.connect(tmp_path / "spool.sqlite3").execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
    assert kept == 1  # the damaged row is kept aside, not destroyed
