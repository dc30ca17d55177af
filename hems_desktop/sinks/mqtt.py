"""The MQTT output: readings to the user's broker, with Home Assistant discovery, losing none.

Data flow::

    write(reading) --> Spool (mqtt-spool.sqlite3) --> publisher thread --> paho client --> broker
                                   ^                                          |
                                   +-------- row deleted only on PUBACK <-----+

* `write` stores the state message in the spool and wakes the publisher thread
  (``mqtt_publisher.py``): it never waits for the network. The thread owns every connection.
* Readings are published oldest first, QoS 1, retained, a window of them in flight; a row leaves
  the spool on its PUBACK. When a connection drops, the next one starts again from the oldest
  row left, so the broker receives every reading in order. (A reading whose PUBACK was lost on
  the way is sent again: it carries ``reading_id``.)
* Everything else is current state, kept in memory and republished whole on every connection:
  the collector's availability (``online``; the last will says ``offline``), the meter's
  availability, connection state, link quality, error counts, and the discovery configs (or,
  with discovery off, empty retained configs that remove them). They are also sent again when
  Home Assistant announces itself on ``<discovery prefix>/status``.
* `close` publishes what is spooled for up to `grace_seconds`, says ``offline`` and disconnects;
  the rest stays spooled for the next start.

Problems are reported once per kind until the next successful connection (logging.warning and
the optional ``on_error`` callback), one line each, never with the password.

paho-mqtt 2.x (the ``mqtt`` extra) is imported only when an `MqttSink` is built.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hems_desktop.messages import msg
from hems_desktop.reading import RECORD_FIELDS, Reading, choose_fields
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.cloud import effective_reading_id
from hems_desktop.sinks.mqtt_broker import (
    check_topic_prefix,
    install_client_id,
    make_tls_context,
    meter_topic_id,
    parse_broker_url,
)
from hems_desktop.sinks.mqtt_publisher import ConnectionSettings, MqttPublisher
from hems_desktop.sinks.mqtt_state import MqttStateBoard
from hems_desktop.sinks.spool import DEFAULT_MAX_MESSAGES, Spool, SpoolError, default_spool_path

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hems-desktop[mqtt]'"
SPOOL_FILE_NAME = "mqtt-spool.sqlite3"
DEFAULT_PREFIX = "hems"
DEFAULT_DISCOVERY_PREFIX = "homeassistant"
DEFAULT_GRACE_S = 10.0


def import_paho() -> Any:
    try:
        return importlib.import_module("paho.mqtt.client")
    except ImportError:
        raise SinkError(f"--output mqtt needs paho-mqtt 2.x: {INSTALL_HINT}", "mqtt") from None


def state_record(reading: Reading, reading_id: str, fields: tuple[str, ...] = RECORD_FIELDS) -> dict[str, Any]:
    """The state message's fields. By default the seed's record, ``cumulative_export`` when the meter
    has it, the reading's extra fields and ``reading_id``; with `--fields`, those fields in that order,
    the extra fields, and ``reading_id`` (always: consumers drop a QoS 1 repeat by it)."""
    record = reading.to_record(fields)
    if fields is RECORD_FIELDS and reading.cumulative_reverse_kwh is not None:
        record["cumulative_export"] = reading.cumulative_reverse_kwh
    record.update(reading.extra)
    record["reading_id"] = reading_id
    return record


def state_payload(reading: Reading, reading_id: str, fields: tuple[str, ...] = RECORD_FIELDS) -> bytes:
    """`state_record` as the JSON message body."""
    return encode_state(state_record(reading, reading_id, fields))


def encode_state(record: dict[str, Any]) -> bytes:
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):  # NaN, infinity, or an extra field of a type JSON does not have
        raise ValueError("the reading holds a value JSON cannot represent (NaN, infinity or a non-JSON type)") \
            from None


class MqttSink:
    """Durable, ordered MQTT output with Home Assistant discovery. See the module docstring.

    `url`: ``mqtt://[user@]host[:port]`` or ``mqtts://...``; `password`: from ``MQTT_PASSWORD`` or
    the keyring (never the settings file). `ca_file`: the CA that signed the broker's certificate
    (default: the system store). `client_id`: default the install's stable id. `spool_path`
    defaults to ``<user data dir>/hems-desktop/mqtt-spool.sqlite3``.

    Raises SinkError (one line) for a bad URL or prefix, a CA file that cannot be used, a
    missing paho-mqtt or a spool that cannot be opened.

    Beyond readings, the collector tells the sink about the meter and the link with
    `set_session_state`, `set_link_quality`, `count_error` and `set_meter_identity` (any thread).
    """

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        ca_file: Path | str | None = None,
        topic_prefix: str = DEFAULT_PREFIX,
        discovery: bool = True,
        discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX,
        client_id: str | None = None,
        spool_path: Path | str | None = None,
        max_spooled: int = DEFAULT_MAX_MESSAGES,
        grace_seconds: float = DEFAULT_GRACE_S,
        on_error: Callable[[str], None] | None = None,
        backoff_base_s: float = 1.0,
        backoff_cap_s: float = 60.0,
        keepalive_s: int = 60,
        connect_timeout_s: float = 10.0,
        fields: tuple[str, ...] = RECORD_FIELDS,
    ) -> None:
        self.name = "mqtt"
        try:
            self.fields = choose_fields(fields)
            self.broker = parse_broker_url(url)
            prefix = check_topic_prefix(topic_prefix)
            ha_prefix = check_topic_prefix(discovery_prefix, msg("Home Assistant discovery prefix"))
            if ca_file is not None and not self.broker.tls:
                raise ValueError("--mqtt-ca needs an mqtts:// URL (TLS)")
            tls = make_tls_context(ca_file) if self.broker.tls else None
        except ValueError as exc:
            raise SinkError(str(exc), self.name) from None
        paho = import_paho()
        self.client_id = client_id or install_client_id()
        self.board = MqttStateBoard(prefix, ha_prefix, self.client_id, discovery)
        self.grace_seconds = max(0.0, grace_seconds)
        self._on_error = on_error
        try:
            self.spool = Spool(spool_path if spool_path is not None else default_spool_path(SPOOL_FILE_NAME),
                               max_messages=max_spooled, on_warning=self._notify, label="MQTT")
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        self._closed = False
        self._close_lock = threading.Lock()
        waiting = len(self.spool)
        if waiting:
            log.info("%d reading(s) from an earlier run are waiting in the MQTT spool %s", waiting, self.spool.path)
        settings = ConnectionSettings(self.broker, self.client_id, password, tls, keepalive_s, connect_timeout_s,
                                      backoff_base_s, backoff_cap_s)
        self.publisher = MqttPublisher(paho, settings, self.spool, self.board, self._notify)
        self.publisher.start()

    def __repr__(self) -> str:
        return f"MqttSink({self.broker.url!r}, prefix={self.board.topics.prefix!r})"

    # ---- Sink interface ----

    def write(self, reading: Reading) -> None:
        """Spool the reading's state message (durably) and wake the publisher. Never waits for the network."""
        if self._closed:
            raise SinkError("the MQTT output is closed", self.name)
        rid = effective_reading_id(reading)
        record = state_record(reading, rid, self.fields)
        try:
            data = encode_state(record)
        except ValueError as exc:
            raise SinkError(str(exc), self.name) from None
        try:
            self.spool.put(rid, data, {"meter_id": reading.meter_id}, reading.meter_id)
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        # A sensor is announced for what the state carries (with --fields, only the chosen fields).
        self.board.note_reading(meter_topic_id(reading.meter_id), record.get("current_t") is not None,
                                record.get("cumulative_export") is not None, live=True)
        self.publisher.wake()

    def close(self) -> None:
        """Publish what is spooled for up to `grace_seconds`, say offline, disconnect. Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        waiting = len(self.spool)
        if waiting and self.grace_seconds > 0 and self.publisher.alive:
            log.info("publishing %d spooled reading(s) to MQTT before exit (up to %g s)", waiting, self.grace_seconds)
        self.publisher.finish(self.grace_seconds)
        left = len(self.spool)
        if left:
            log.warning("%d reading(s) are still waiting in the MQTT spool %s: they will be published at the next "
                        "start", left, self.spool.path)
        if self.spool.dropped:
            log.warning("%d reading(s) were dropped because the MQTT spool was full", self.spool.dropped)
        self.spool.close()

    def abandon(self) -> None:
        """Stop delivering at once (a second Ctrl-C during the exit's flush); the spool keeps the rest."""
        self.publisher.stop_now()

    # ---- what the collector tells beyond readings ----

    def set_session_state(self, state: str, connected: bool | None = None) -> None:
        """The B-route session state (``joined``, ``scanning``, ...). `connected`: is the meter link up?
        (None: up for ``joined``, ``reauthenticating`` and ``tx_limited``.) Drives the meter's availability."""
        self.board.set_session_state(state, connected)
        self.publisher.wake()

    def set_link_quality(self, value: float | None) -> None:
        """The LQI of the last frame from the meter (None: not known)."""
        self.board.set_link_quality(value)
        self.publisher.wake()

    def count_error(self, kind: str) -> None:
        """One more reading error of this kind (shown as attributes of the Connection sensor)."""
        self.board.count_error(kind)
        self.publisher.wake()

    def set_meter_identity(self, manufacturer: str | None, serial: str | None) -> None:
        """Maker (EPC 8A) and serial number (8D) of the current meter, when it has them."""
        self.board.set_meter_identity(manufacturer, serial)
        self.publisher.wake()

    # ---- helpers for callers and tests ----

    @property
    def published(self) -> int:
        """Readings the broker acknowledged in this run."""
        return self.publisher.published

    @property
    def connections(self) -> int:
        """Successful connections in this run."""
        return self.publisher.connections

    @property
    def pending(self) -> int:
        return len(self.spool)

    def wait_until_empty(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.spool):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def _notify(self, message: str) -> None:
        log.warning("output mqtt: %s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:
                log.exception("on_error callback failed")
