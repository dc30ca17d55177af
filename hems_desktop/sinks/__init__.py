"""Outputs of readings: stdout, file, Pub/Sub, MQTT (Home Assistant), Prometheus, history. See `base.Sink`.

`build_sinks` checks every chosen output before it creates anything (a missing library or a
missing URL leaves no empty file behind), builds the network outputs first and the file last.
An output that cannot start for a reason of the moment (a metrics port in use) is reported in
one line and left out; the others run.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from hems_desktop.sinks.base import Sink, SinkError
from hems_desktop.sinks.file import FileSink
from hems_desktop.sinks.stdout import StdoutSink

if TYPE_CHECKING:
    from hems_desktop.settings import Settings

__all__ = ["FileSink", "Sink", "SinkError", "StdoutSink", "build_sinks", "check_outputs", "cloud_sinks"]

log = logging.getLogger(__name__)

# output -> (module it needs, the extra that installs it)
_LIBRARIES = {"cloud": ("google.cloud.pubsub_v1", "cloud"), "mqtt": ("paho.mqtt", "mqtt"),
              "metrics": ("prometheus_client", "metrics")}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def check_outputs(settings: Settings) -> None:
    """Everything an output needs that the user must provide. Raises SinkError (one line)."""
    for output in settings.outputs:
        if output in _LIBRARIES:
            module, extra = _LIBRARIES[output]
            if not _installed(module):
                raise SinkError(f"--output {output} needs the {extra} extra: pip install 'hems-desktop[{extra}]'",
                                output)
    if "mqtt" in settings.outputs and not settings.mqtt_url:
        raise SinkError("--output mqtt needs the broker: --mqtt-url mqtt://host[:port] (or MQTT_URL)", "mqtt")
    if "metrics" in settings.outputs and settings.metrics_port is None:
        raise SinkError("--output metrics needs a port: --metrics-port PORT (or METRICS_PORT)", "metrics")


def cloud_sinks(settings: Settings) -> list[Sink]:
    """The Google Cloud Pub/Sub output: one `PubSubSink` for `settings.project` / `settings.topic`.

    google-cloud-pubsub (the `cloud` extra) is imported only here, so start-up and `--help`
    do not pay for it. Raises SinkError (with the install command) when it is missing.
    """
    from hems_desktop.settings.model import DEFAULT_PROJECT
    from hems_desktop.sinks.cloud import PubSubSink

    if settings.project == DEFAULT_PROJECT:
        log.warning("--output cloud: the Google Cloud project is the placeholder %r; set GCP_PROJECT_ID or "
                    "--project", DEFAULT_PROJECT)
    return [PubSubSink(project=settings.project, topic=settings.topic, fields=settings.fields)]


def _network_sink(settings: Settings, output: str) -> Sink:
    if output == "mqtt":
        from hems_desktop.sinks.mqtt import MqttSink

        assert settings.mqtt_url is not None  # check_outputs
        return MqttSink(settings.mqtt_url, password=settings.mqtt_password, ca_file=settings.mqtt_ca,
                        topic_prefix=settings.mqtt_prefix, discovery=settings.ha_discovery,
                        discovery_prefix=settings.ha_discovery_prefix, fields=settings.fields)
    from hems_desktop.sinks.metrics import MetricsSink

    assert settings.metrics_port is not None  # check_outputs
    return MetricsSink(settings.metrics_port, settings.metrics_address)


def build_sinks(settings: Settings, report: Callable[[str], None] | None = None) -> list[Sink]:
    """The sinks for settings.output, in a fixed order. Raises SinkError for what the user must fix
    (a missing extra or URL, an unwritable file); `report` hears of an output left out for now."""
    check_outputs(settings)
    sinks: list[Sink] = []
    try:
        for output in settings.outputs:
            if output == "cloud":
                sinks.extend(cloud_sinks(settings))
            elif output in ("mqtt", "metrics"):
                try:
                    sinks.append(_network_sink(settings, output))
                except SinkError as exc:
                    if report is None:
                        raise
                    report(f"output {output} is not running: {exc}")
        if "stdout" in settings.outputs:
            sinks.append(StdoutSink(settings.format, fields=settings.fields))
        if "file" in settings.outputs:
            sinks.append(FileSink(settings.file, settings.format, settings.fields))  # last: it creates the file
    except SinkError:
        for sink in sinks:
            sink.close()
        raise
    return sinks
