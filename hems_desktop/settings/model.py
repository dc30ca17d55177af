"""`Settings`: every effective setting of one run, each option declared once (see spec.py).

The seed's environment variables and defaults are a compatibility contract:

====================  ======================================================
B_ROUTE_ID            B-route authentication ID (no default)
B_ROUTE_PASSWORD      B-route password (no default; never stored in a file)
SERIAL_PORT           serial port (see `default_serial_port`)
SERIAL_RATE           baud rate (115200)
GCP_PROJECT_ID        Pub/Sub project ("your-project-id")
GCP_TOPIC_NAME        Pub/Sub topic ("hems-data")
====================  ======================================================

The B-route password never appears in `repr`/`str` of `Settings`, in log lines or in error
messages. Use `Settings.redacted()` for debug logging.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hems_desktop.reading import EXTRA_FIELDS, RECORD_FIELDS
from hems_desktop.settings import parsers as p
from hems_desktop.settings.spec import CliKind, option, option_factory

# Seed defaults.
DEFAULT_BAUDRATE = 115200
DEFAULT_FORMAT = "json"
DEFAULT_FILE = "hems_data.dat"
DEFAULT_PROJECT = "your-project-id"
DEFAULT_TOPIC = "hems-data"
DEFAULT_MODE = "schedule"
DEFAULT_SCHEDULE = "*/5 * * * *"
DEFAULT_INTERVAL = 300

V = CliKind.VALUE


def _mask_id(value: str) -> str:
    """Enough of a B-route ID to tell two apart (the last 4 characters), never the whole."""
    return "*" * max(0, len(value) - 4) + value[-4:]


@dataclass(frozen=True)
class Settings:
    """Every effective setting of one run. `origin` says where each value came from."""

    # --- the seed's options (command-line order of the seed's --help)
    output: str | None = option(
        None, parse=p.parse_outputs, flags=("-o", "--output"), cli=V, metavar="OUTPUT",
        help="where readings go: stdout, file, cloud, all (= stdout,file,cloud) or a comma-separated list "
             "(default: none, readings are only logged to stderr)")
    format: str = option(DEFAULT_FORMAT, parse=p.parse_format, flags=("-f", "--format"), cli=V,
                         metavar="{json,yaml,csv}", help=f"output format (default: {DEFAULT_FORMAT})")
    file: Path = option(Path(DEFAULT_FILE), parse=p.parse_path, flags=("--file",), cli=V, metavar="PATH",
                        help=f"file path for --output file (default: {DEFAULT_FILE})")
    project: str = option(DEFAULT_PROJECT, parse=p.parse_text, env="GCP_PROJECT_ID", flags=("--project",), cli=V,
                          help=f"Google Cloud project ID (default: $GCP_PROJECT_ID or {DEFAULT_PROJECT})")
    topic: str = option(DEFAULT_TOPIC, parse=p.parse_text, env="GCP_TOPIC_NAME", flags=("--topic",), cli=V,
                        help=f"Pub/Sub topic name (default: $GCP_TOPIC_NAME or {DEFAULT_TOPIC})")
    serial_port: str = option_factory(
        p.default_serial_port, parse=p.parse_text, env="SERIAL_PORT", flags=("--port",), cli=V,
        help="serial port of the Wi-SUN dongle, or a pyserial URL (default: $SERIAL_PORT or /dev/ttyUSB0, "
             "COM3 on Windows)")
    baudrate: int = option(DEFAULT_BAUDRATE, parse=p.parse_baudrate, env="SERIAL_RATE", flags=("--baudrate",),
                           cli=V, help=f"serial baud rate (default: $SERIAL_RATE or {DEFAULT_BAUDRATE})")
    meter_channel: int | None = option(
        None, parse=p.parse_channel, flags=("--meter-channel",), cli=V, metavar="HEX", dump=p.format_channel,
        help="meter channel as EPANDESC prints it, 21..3C (default: scan)")
    meter_pan_id: int | None = option(
        None, parse=p.parse_pan_id, flags=("--meter-panid",), cli=V, metavar="HEX", dump=p.format_pan_id,
        help="meter PAN ID as EPANDESC prints it, e.g. 8CF5 (default: scan)")
    meter_ipv6: str | None = option(None, parse=p.parse_ipv6, flags=("--meter-ipv6",), cli=V, metavar="ADDRESS",
                                    help="meter IPv6 address, full or compressed (default: from the scan)")
    mode: str = option(DEFAULT_MODE, parse=p.parse_mode, flags=("--mode",), cli=V, metavar="{schedule,interval}",
                       help=f"when to read: cron schedule or fixed interval (default: {DEFAULT_MODE})")
    schedule: str = option(DEFAULT_SCHEDULE, parse=p.parse_cron, flags=("-s", "--schedule"), cli=V, metavar="CRON",
                           help=f"crontab schedule for --mode schedule (default: '{DEFAULT_SCHEDULE}')")
    interval: int = option(DEFAULT_INTERVAL, parse=p.parse_positive_int, flags=("-i", "--interval"), cli=V,
                           metavar="SECONDS",
                           help=f"seconds between readings for --mode interval (default: {DEFAULT_INTERVAL})")
    debug: bool = option(False, parse=p.parse_flag, flags=("--debug",), cli=CliKind.SWITCH, stored=False,
                         help="verbose logging (serial traffic; the password is always masked)")
    # --- additions
    fields: tuple[str, ...] = option(
        RECORD_FIELDS, parse=p.parse_fields, flags=("--fields",), cli=V, metavar="LIST", dump=list,
        help="fields of the stdout, file, Pub/Sub and MQTT records, in this order (default: the seed's "
             f"{','.join(RECORD_FIELDS)}; also: {','.join(EXTRA_FIELDS)})")
    demo: bool = option(False, parse=p.parse_flag, flags=("--demo",), cli=CliKind.SWITCH, stored=False,
                        help="read the built-in meter emulator, no dongle needed")
    count: int | None = option(None, parse=p.parse_positive_int, flags=("--count",), cli=V, metavar="N",
                               stored=False, help="exit after N readings (default: run until stopped)")
    dongle: str = option(p.DEFAULT_DONGLE, parse=p.parse_dongle, flags=("--dongle",), cli=V, metavar="KIND",
                         help=f"dongle dialect or product: {', '.join(p.DONGLES)} (default: {p.DEFAULT_DONGLE})")
    history: Path | None = option(
        None, parse=p.parse_history, flags=("--history",), cli=CliKind.OPTIONAL_VALUE, metavar="PATH",
        help="also keep readings in a local SQLite history (default path if PATH is omitted)")
    keep_days: int | None = option(
        None, parse=p.parse_positive_int, flags=("--keep-days",), cli=V, metavar="N",
        help="with --history: delete raw readings older than N days (half-hourly values stay)")
    # --- MQTT (Home Assistant) and Prometheus outputs
    mqtt_url: str | None = option(
        None, parse=p.parse_mqtt_url, env="MQTT_URL", flags=("--mqtt-url",), cli=V, metavar="URL",
        help="MQTT broker for --output mqtt: mqtt://[user@]host[:port] or mqtts://... (TLS); the password comes "
             "from $MQTT_PASSWORD")
    mqtt_password: str | None = option(None, shown=False, parse=p.parse_text, env="MQTT_PASSWORD", stored=False,
                                       secret=True)
    mqtt_ca: Path | None = option(None, parse=p.parse_path, env="MQTT_CA", flags=("--mqtt-ca",), cli=V,
                                  metavar="FILE",
                                  help="CA certificate (PEM) that signed the broker's (mqtts://; default: the "
                                       "system's)")
    mqtt_prefix: str = option("hems", parse=p.parse_topic_prefix, env="MQTT_PREFIX", flags=("--mqtt-prefix",),
                              cli=V, metavar="PREFIX", help="first level of our MQTT topics (default: hems)")
    ha_discovery: bool = option(
        True, parse=p.parse_flag, env="HA_DISCOVERY", flags=("--ha-discovery",), cli=CliKind.BOOLEAN,
        help="announce the meter to Home Assistant over MQTT; --no-ha-discovery removes what was announced "
             "(default: on)")
    ha_discovery_prefix: str = option(
        "homeassistant", parse=p.parse_topic_prefix, env="HA_DISCOVERY_PREFIX", flags=("--ha-discovery-prefix",),
        cli=V, metavar="PREFIX", help="Home Assistant's discovery prefix (default: homeassistant)")
    metrics_port: int | None = option(
        None, parse=p.parse_port_number, env="METRICS_PORT", flags=("--metrics-port",), cli=V, metavar="PORT",
        help="serve Prometheus /metrics on this port (for --output metrics)")
    metrics_address: str = option(
        "127.0.0.1", parse=p.parse_text, env="METRICS_ADDRESS", flags=("--metrics-address",), cli=V,
        metavar="ADDRESS", help="address for /metrics (default: 127.0.0.1; 0.0.0.0 serves the network, "
                                "without authentication)")
    # --- credentials: the ID may be in the file; the password only in the environment (or the keyring)
    route_b_id: str | None = option(None, parse=p.parse_route_b_id, env="B_ROUTE_ID")
    route_b_password: str | None = option(None, shown=False, parse=p.parse_password, env="B_ROUTE_PASSWORD",
                                          stored=False, secret=True)
    # --- where this run's settings came from (not an option)
    settings_path: Path | None = None
    origin: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        return repr(self)

    @property
    def has_password(self) -> bool:
        return bool(self.route_b_password)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The output kinds to build: () when none was chosen, stdout+file+cloud for "all"."""
        return p.expand_outputs(self.output)

    def redacted(self) -> dict[str, Any]:
        """Every setting for debug logging: password hidden, B-route ID masked."""
        values: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name == "origin":
                continue
            value = getattr(self, item.name)
            if item.name in ("route_b_password", "mqtt_password"):
                value = "<set>" if value else None
            elif item.name == "route_b_id" and value:
                value = _mask_id(value)
            elif isinstance(value, Path):
                value = str(value)
            values[item.name] = value
        values["origin"] = dict(self.origin)
        return values
