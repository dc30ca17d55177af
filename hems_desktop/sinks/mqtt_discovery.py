"""The MQTT output's topics and Home Assistant discovery messages: pure data, no network.

Topics, with ``<key>`` = `meter_topic_id` of the meter and ``<prefix>`` = the topic prefix:

====================================  ============================================================
``<prefix>/<key>/state``              one retained JSON object per reading (seed fields + extras)
``<prefix>/<key>/availability``       ``online`` while the B-route session is up, else ``offline``
``<prefix>/<key>/connection``         the session state (``joined``, ``scanning``, ...)
``<prefix>/<key>/link_quality``       the LQI of the last frame, or ``None``
``<prefix>/<key>/errors``             JSON object: reading errors counted by kind in this run
``<prefix>/collector/<client id>/availability``  ``online``; ``offline`` on exit and as the last will
====================================  ============================================================

Discovery uses one config topic per entity (``<discovery prefix>/sensor/hems_<key>/<object>/config``,
retained): every Home Assistant release with MQTT discovery reads it, and removal is an empty
retained payload on the same topic. Measurement sensors need both availability topics
(``availability_mode: all``): the collector must be running *and* the meter link up, otherwise
Home Assistant shows them unavailable instead of a stale value. The two diagnostic sensors
(connection state, link quality) follow only the collector, so they can say why.

Home Assistant turns a template result of ``None`` (a JSON null) into "unknown": a missing
value is never shown as 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from hems_desktop import __version__

ONLINE = "online"
OFFLINE = "offline"
ORIGIN_NAME = "HEMS Desktop"
MODEL = "Low-voltage smart electric meter (Wi-SUN B-route)"


@dataclass(frozen=True, slots=True)
class SensorSpec:
    object_id: str
    name: str
    topic: str  # the level after <prefix>/<key>/
    template: str | None
    device_class: str | None = None
    unit: str | None = None
    state_class: str | None = None
    diagnostic: bool = False
    needs: str | None = None  # "t_phase" / "export": only for meters that have it
    precision: int | None = None


def _field(name: str) -> str:
    # `is defined`: a state written before the meter gained the field renders None, not an error.
    return f"{{{{ value_json.{name} if value_json.{name} is defined else None }}}}"


SENSORS: tuple[SensorSpec, ...] = (
    SensorSpec("power", "Power", "state", _field("instant_power"), "power", "W", "measurement", precision=0),
    SensorSpec("current_r", "Current R", "state", _field("current_r"), "current", "A", "measurement", precision=1),
    SensorSpec("current_t", "Current T", "state", _field("current_t"), "current", "A", "measurement",
               needs="t_phase", precision=1),
    SensorSpec("energy", "Energy", "state", _field("cumulative_power"), "energy", "kWh", "total_increasing",
               precision=1),
    SensorSpec("energy_export", "Energy exported", "state", _field("cumulative_export"), "energy", "kWh",
               "total_increasing", needs="export", precision=1),
    SensorSpec("link_quality", "Link quality", "link_quality", None, state_class="measurement", diagnostic=True),
    SensorSpec("connection", "Connection", "connection", None, diagnostic=True),
)


@dataclass(frozen=True, slots=True)
class MeterFacts:
    """What discovery needs to know about one meter."""

    key: str
    has_t_phase: bool = False
    has_export: bool = False
    manufacturer: str | None = None
    serial: str | None = None

    def has(self, need: str | None) -> bool:
        return need is None or (need == "t_phase" and self.has_t_phase) or (need == "export" and self.has_export)


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str
    discovery_prefix: str
    client_id: str

    @property
    def collector_availability(self) -> str:
        return f"{self.prefix}/collector/{self.client_id}/availability"

    @property
    def ha_status(self) -> str:
        """Home Assistant's birth/last-will topic: ``online`` there means "send your configs again"."""
        return f"{self.discovery_prefix}/status"

    def meter(self, key: str, level: str) -> str:
        return f"{self.prefix}/{key}/{level}"

    def config(self, key: str, spec: SensorSpec) -> str:
        return f"{self.discovery_prefix}/sensor/hems_{key}/{spec.object_id}/config"


def device_block(meter: MeterFacts) -> dict[str, object]:
    device: dict[str, object] = {
        "identifiers": [f"hems_{meter.key}"],
        "name": f"Smart meter {meter.key[-4:].upper()}",
        "model": MODEL,
        "sw_version": __version__,
    }
    if meter.manufacturer:
        device["manufacturer"] = meter.manufacturer
    if meter.serial:
        device["serial_number"] = meter.serial
    return device


def sensor_config(topics: Topics, meter: MeterFacts, spec: SensorSpec) -> dict[str, object]:
    """The discovery payload of one sensor (full key names; abbreviations are optional)."""
    availability = [{"topic": topics.collector_availability}]
    if not spec.diagnostic:
        availability.append({"topic": topics.meter(meter.key, "availability")})
    config: dict[str, object] = {
        "name": spec.name,
        "unique_id": f"hems_{meter.key}_{spec.object_id}",
        "state_topic": topics.meter(meter.key, spec.topic),
        "availability": availability,
        "availability_mode": "all",
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "qos": 1,
        "device": device_block(meter),
        "origin": {"name": ORIGIN_NAME, "sw_version": __version__},
    }
    optional = {"value_template": spec.template, "device_class": spec.device_class,
                "unit_of_measurement": spec.unit, "state_class": spec.state_class,
                "suggested_display_precision": spec.precision}
    config.update({key: value for key, value in optional.items() if value is not None})
    if spec.diagnostic:
        config["entity_category"] = "diagnostic"
    if spec.object_id == "connection":
        config["json_attributes_topic"] = topics.meter(meter.key, "errors")
    return config


def discovery_messages(topics: Topics, meter: MeterFacts) -> Iterator[tuple[str, bytes]]:
    """(config topic, retained payload) for every sensor this meter has."""
    for spec in SENSORS:
        if meter.has(spec.needs):
            yield topics.config(meter.key, spec), json.dumps(sensor_config(topics, meter, spec)).encode()


def removal_messages(topics: Topics, key: str) -> Iterator[tuple[str, bytes]]:
    """(config topic, empty payload) for every sensor we may ever have announced for this meter."""
    for spec in SENSORS:
        yield topics.config(key, spec), b""
