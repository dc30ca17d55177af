"""--output metrics: the latest reading and the collector's health on ``/metrics`` for Prometheus.

==========================================  ===========================================================
``hems_instant_power_watts``                gauge: instantaneous power (negative while exporting)
``hems_current_amperes{phase="r"|"t"}``     gauge: phase currents
``hems_energy_kwh_total{direction=...}``    counter: the meter's cumulative energy, ``normal``/``reverse``
``hems_readings_total``                     counter: readings taken since start
``hems_reading_errors_total{kind=...}``     counter: failed readings by kind
``hems_last_reading_timestamp_seconds``     gauge: Unix time of the latest reading
``hems_session_state{state=...}``           gauge: 1 for the current session state, 0 for the others seen
``hems_link_quality``                       gauge: LQI of the last frame from the meter
``hems_meter_info{meter_id,manufacturer,serial}``  info: which meter this is
==========================================  ===========================================================

A value the meter does not have (no T phase, no export, "no data") is absent from the output,
never 0: the families are built at scrape time from the latest values (a custom collector),
not kept as always-present gauges. They live in a private `CollectorRegistry`, so nothing of the
process (or of another sink) leaks into the scrape.

prometheus_client (the ``metrics`` extra) is imported only when a `MetricsSink` is built.
"""

from __future__ import annotations

import errno
import importlib
import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from hems_desktop.reading import Reading
from hems_desktop.sinks.base import SinkError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hems-desktop[metrics]'"
DEFAULT_ADDRESS = "127.0.0.1"


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise SinkError(f"--output metrics needs prometheus_client: {INSTALL_HINT}", "metrics") from None


def describe_listen_error(exc: OSError, address: str, port: int) -> str:
    where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"metrics: port {where} is already in use: choose another with --metrics-port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"metrics: {address} is not an address of this machine (--metrics-address)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"metrics: permission denied listening on {where} (ports below 1024 need privileges)"
    if isinstance(exc, socket.gaierror):
        return f"metrics: the address {address!r} cannot be resolved (--metrics-address)"
    return f"metrics: cannot listen on {where}: {exc.strerror or exc}"


class _Latest:
    """What the scrape reports; written by the collector's thread, read by the HTTP thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reading: Reading | None = None
        self.readings = 0
        self.errors: Counter[str] = Counter()
        self.state: str | None = None
        self.states_seen: dict[str, None] = {}  # insertion-ordered set
        self.link_quality: float | None = None
        self.manufacturer: str | None = None
        self.serial: str | None = None


class _LatestCollector:
    """A prometheus_client custom collector over `_Latest`."""

    def __init__(self, latest: _Latest, core: Any) -> None:
        self._latest = latest
        self._core = core  # prometheus_client.core (the *MetricFamily classes)

    def collect(self) -> Iterator[Any]:
        core = self._core
        with self._latest.lock:
            latest = self._latest
            reading = latest.reading
            yield core.CounterMetricFamily("hems_readings", "Readings taken since the collector started",
                                           value=latest.readings)
            if latest.errors:
                errors = core.CounterMetricFamily("hems_reading_errors", "Failed readings since start, by kind",
                                                  labels=["kind"])
                for kind, count in sorted(latest.errors.items()):
                    errors.add_metric([kind], count)
                yield errors
            if latest.state is not None:
                states = core.GaugeMetricFamily("hems_session_state", "1 for the current B-route session state",
                                                labels=["state"])
                for state in latest.states_seen:
                    states.add_metric([state], 1.0 if state == latest.state else 0.0)
                yield states
            if latest.link_quality is not None:
                yield core.GaugeMetricFamily("hems_link_quality", "LQI of the last frame received from the meter",
                                             value=latest.link_quality)
            if reading is None:
                return
            yield core.GaugeMetricFamily("hems_last_reading_timestamp_seconds", "Unix time of the latest reading",
                                         value=reading.timestamp.timestamp())
            yield core.InfoMetricFamily("hems_meter", "The meter being read", value={
                "meter_id": reading.meter_id, "manufacturer": latest.manufacturer or "",
                "serial": latest.serial or ""})
            yield from self._reading_families(reading)

    def _reading_families(self, reading: Reading) -> Iterator[Any]:
        core = self._core
        if reading.instant_w is not None:
            yield core.GaugeMetricFamily("hems_instant_power_watts", "Instantaneous power (negative while exporting)",
                                         value=reading.instant_w)
        phases = [(phase, value) for phase, value in (("r", reading.current_r_a), ("t", reading.current_t_a))
                  if value is not None]
        if phases:
            currents = core.GaugeMetricFamily("hems_current_amperes", "Instantaneous current by phase",
                                              labels=["phase"])
            for phase, value in phases:
                currents.add_metric([phase], value)
            yield currents
        directions = [(direction, value) for direction, value in
                      (("normal", reading.cumulative_kwh), ("reverse", reading.cumulative_reverse_kwh))
                      if value is not None]
        if directions:
            energy = core.CounterMetricFamily("hems_energy_kwh", "The meter's cumulative energy (kWh)",
                                              labels=["direction"])
            for direction, value in directions:
                energy.add_metric([direction], value)
            yield energy


class MetricsSink:
    """Serves ``http://address:port/metrics`` from construction until `close`.

    `port` 0 picks a free port (see `port` afterwards). Raises SinkError (one line) when the port
    is in use, the address is not local, or prometheus_client is missing.
    """

    def __init__(self, port: int, address: str = DEFAULT_ADDRESS) -> None:
        self.name = "metrics"
        registry_module = _import("prometheus_client.registry")
        core = _import("prometheus_client.core")
        exposition = _import("prometheus_client.exposition")
        self._latest = _Latest()
        self.registry = registry_module.CollectorRegistry(auto_describe=False)
        self.registry.register(_LatestCollector(self._latest, core))
        try:
            self._server, self._thread = exposition.start_http_server(port, addr=address, registry=self.registry)
        except OSError as exc:
            raise SinkError(describe_listen_error(exc, address, port), self.name) from None
        self.address = address
        self.port: int = self._server.server_port
        self._closed = False
        log.info("serving Prometheus metrics on http://%s:%d/metrics", address, self.port)

    def __repr__(self) -> str:
        return f"MetricsSink({self.address!r}, {self.port})"

    @property
    def url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"http://{host}:{self.port}/metrics"

    # ---- Sink interface ----

    def write(self, reading: Reading) -> None:
        if self._closed:
            raise SinkError("the metrics output is closed", self.name)
        with self._latest.lock:
            self._latest.reading = reading
            self._latest.readings += 1

    def close(self) -> None:
        """Stop serving and free the port. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # ---- what the collector tells beyond readings ----

    def set_session_state(self, state: str, connected: bool | None = None) -> None:
        """The B-route session state; `connected` is accepted for symmetry with the MQTT output."""
        with self._latest.lock:
            self._latest.state = state
            self._latest.states_seen[state] = None

    def set_link_quality(self, value: float | None) -> None:
        with self._latest.lock:
            self._latest.link_quality = value

    def count_error(self, kind: str) -> None:
        """One more failed reading of this kind (``timeout``, ``refused``, ...)."""
        with self._latest.lock:
            self._latest.errors[kind or "other"] += 1

    def set_meter_identity(self, manufacturer: str | None, serial: str | None) -> None:
        with self._latest.lock:
            self._latest.manufacturer = manufacturer or None
            self._latest.serial = serial or None
