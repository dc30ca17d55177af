"""--output metrics: scrape /metrics over real HTTP and read it with prometheus_client's own parser."""

from __future__ import annotations

import datetime as dt
import socket
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hems_desktop.reading import Reading
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.metrics import MetricsSink

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
METER = "FE80:0000:0000:0000:021C:6400:6014:21A3"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(sink: MetricsSink) -> Samples:
    """sample name + sorted labels -> value, as Prometheus would read them."""
    with urllib.request.urlopen(sink.url, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode("utf-8")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def names(samples: Samples) -> set[str]:
    return {name for name, _ in samples}


@pytest.fixture
def make_sink() -> Iterator[Callable[..., MetricsSink]]:
    made: list[MetricsSink] = []

    def make(port: int = 0, **options: Any) -> MetricsSink:
        sink = MetricsSink(port, **options)
        made.append(sink)
        return sink

    yield make
    for sink in made:
        sink.close()


def test_the_latest_reading_is_served_with_the_documented_names(make_sink: Callable[..., MetricsSink]) -> None:
    sink = make_sink()
    assert sink.address == "127.0.0.1"  # loopback unless asked otherwise
    sink.write(Reading(T0, 12000.5, 400, 3.0, 1.0, meter_id=METER))
    sink.write(Reading(T0 + dt.timedelta(minutes=5), 12345.6, -250, 2.5, 1.5, meter_id=METER,
                       cumulative_reverse_kwh=321.25))
    samples = scrape(sink)
    assert samples[("hems_instant_power_watts", ())] == -250  # exporting
    assert samples[("hems_current_amperes", (("phase", "r"),))] == 2.5
    assert samples[("hems_current_amperes", (("phase", "t"),))] == 1.5
    assert samples[("hems_energy_kwh_total", (("direction", "normal"),))] == 12345.6
    assert samples[("hems_energy_kwh_total", (("direction", "reverse"),))] == 321.25
    assert samples[("hems_readings_total", ())] == 2
    assert samples[("hems_last_reading_timestamp_seconds", ())] == (T0 + dt.timedelta(minutes=5)).timestamp()
    assert samples[("hems_meter_info", (("manufacturer", ""), ("meter_id", METER), ("serial", "")))] == 1


def test_values_the_meter_does_not_have_are_absent_not_zero(make_sink: Callable[..., MetricsSink]) -> None:
    sink = make_sink()
    before = scrape(sink)
    assert names(before) == {"hems_readings_total"} and before[("hems_readings_total", ())] == 0
    sink.write(Reading(T0, None, None, 2.0, None, meter_id=METER))  # two-wire, no export, "no data" for E0/E7
    samples = scrape(sink)
    assert ("hems_current_amperes", (("phase", "r"),)) in samples
    assert ("hems_current_amperes", (("phase", "t"),)) not in samples
    assert not names(samples) & {"hems_instant_power_watts", "hems_energy_kwh_total", "hems_link_quality",
                                 "hems_session_state", "hems_reading_errors_total"}


def test_session_state_link_quality_errors_and_identity(make_sink: Callable[..., MetricsSink]) -> None:
    sink = make_sink()
    sink.write(Reading(T0, 1.0, 2, 3.0, None, meter_id=METER))
    for state in ("scanning", "joining", "joined"):
        sink.set_session_state(state)
    sink.set_link_quality(123)
    for kind in ("timeout", "timeout", "refused"):
        sink.count_error(kind)
    sink.set_meter_identity("000016", "SN-1")
    samples = scrape(sink)
    assert {labels[0][1]: value for (name, labels), value in samples.items() if name == "hems_session_state"} == \
        {"scanning": 0, "joining": 0, "joined": 1}
    assert samples[("hems_link_quality", ())] == 123
    assert samples[("hems_reading_errors_total", (("kind", "refused"),))] == 1
    assert samples[("hems_reading_errors_total", (("kind", "timeout"),))] == 2
    assert samples[("hems_meter_info", (("manufacturer", "000016"), ("meter_id", METER), ("serial", "SN-1")))] == 1
    sink.set_link_quality(None)
    assert "hems_link_quality" not in names(scrape(sink))


def test_a_private_registry_serves_nothing_of_the_process(make_sink: Callable[..., MetricsSink]) -> None:
    from prometheus_client import REGISTRY, Counter

    other = Counter("hems_unrelated_events", "registered globally by someone else", registry=REGISTRY)
    try:
        other.inc()
        served = names(scrape(make_sink()))
        assert not any(name.startswith(("hems_unrelated", "process_", "python_")) for name in served)
    finally:
        REGISTRY.unregister(other)


def test_a_port_in_use_is_one_clear_line(make_sink: Callable[..., MetricsSink]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SinkError) as caught:
            make_sink(port)
    assert str(caught.value) == f"metrics: port 127.0.0.1:{port} is already in use: choose another with --metrics-port"


def test_an_address_not_of_this_machine_is_one_clear_line() -> None:
    with pytest.raises(SinkError, match=r"^metrics: 192\.0\.2\.1 is not an address of this machine"):
        MetricsSink(0, "192.0.2.1")  # TEST-NET-1: never assigned here; bind fails, nothing is sent


def test_close_frees_the_port(make_sink: Callable[..., MetricsSink]) -> None:
    first = make_sink()
    port = first.port
    first.close()
    first.close()  # idempotent
    with pytest.raises(SinkError, match="closed"):
        first.write(Reading(T0, 1.0, 2, 3.0, None))
    again = make_sink(port)
    assert scrape(again)[("hems_readings_total", ())] == 0


def test_a_missing_prometheus_client_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client.registry", None)  # makes the import fail
    with pytest.raises(SinkError, match=r"pip install 'hems-desktop\[metrics\]'"):
        MetricsSink(0)


def test_the_collector_feeds_the_metrics(make_sink: Callable[..., MetricsSink], make_emulator: Any,
                                         tmp_path: Path) -> None:
    from conftest import PASSWORD, ROUTE_B_ID

    from hems_desktop.collector import Collector
    from hems_desktop.schedule import IntervalSchedule
    from hems_desktop.session import Session, SessionConfig

    emulator = make_emulator()
    config = SessionConfig(emulator.port, route_b_id=ROUTE_B_ID, password=PASSWORD, cache_dir=tmp_path / "cache",
                           request_timeout=0.5)
    sink = make_sink()
    readings: list[Reading] = []
    scrapes: list[Samples] = []

    class ScrapeAfterEachReading:  # runs after the metrics output for each reading: what Prometheus would see
        name = "scraper"

        def write(self, reading: Reading) -> None:
            readings.append(reading)
            scrapes.append(scrape(sink))

        def close(self) -> None:
            pass

    collector = Collector(Session(config), IntervalSchedule(0.5, dt.datetime.now(dt.timezone.utc)),
                          [sink, ScrapeAfterEachReading()], count=3)
    assert collector.run() == 0
    assert [s[("hems_readings_total", ())] for s in scrapes] == [1, 2, 3]
    for samples, reading in zip(scrapes, readings, strict=True):
        assert samples[("hems_instant_power_watts", ())] == reading.instant_w
        assert samples[("hems_energy_kwh_total", (("direction", "normal"),))] == reading.cumulative_kwh
        assert samples[("hems_current_amperes", (("phase", "r"),))] == reading.current_r_a
        assert samples[("hems_last_reading_timestamp_seconds", ())] == reading.timestamp.timestamp()
