"""The MQTT output: readings to the user's broker, with Home Assistant discovery, losing none.

Data flow::

    write(reading) --> Spool (mqtt-spool.sqlite3) --> publisher thread --> paho client --> broker
                                   ^                                          |
                                   +-------- row deleted only on PUBACK <-----+

* `write` stores the state message in the spool and wakes the publisher thread: it never waits
  for the network. The thread owns every connection: one fresh paho client per connection,
  opened with ``connect()`` so that a refused port, a TLS failure or a bad password is seen
  with its cause, then paho's network loop until the connection drops.
* Readings are published oldest first, QoS 1, retained, up to `WINDOW` in flight; a row leaves
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
import queue
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hems_desktop.reading import Reading
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.cloud import effective_reading_id
from hems_desktop.sinks.mqtt_broker import (
    UNSUPPORTED_PROTOCOL,
    check_topic_prefix,
    describe_connect_error,
    describe_refusal,
    install_client_id,
    make_tls_context,
    meter_topic_id,
    parse_broker_url,
)
from hems_desktop.sinks.mqtt_state import MqttStateBoard
from hems_desktop.sinks.spool import DEFAULT_MAX_MESSAGES, Spool, SpooledMessage, SpoolError, default_spool_path

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hems-desktop[mqtt]'"
SPOOL_FILE_NAME = "mqtt-spool.sqlite3"
DEFAULT_PREFIX = "hems"
DEFAULT_DISCOVERY_PREFIX = "homeassistant"
DEFAULT_GRACE_S = 10.0
WINDOW = 100  # readings in flight at once
_POLL_S = 0.5
_STOP_JOIN_S = 5.0
_GOODBYE_S = 2.0  # at exit: how long to wait for the broker to take "offline"


def _import_paho() -> Any:
    try:
        return importlib.import_module("paho.mqtt.client")
    except ImportError:
        raise SinkError(f"--output mqtt needs paho-mqtt 2.x: {INSTALL_HINT}", "mqtt") from None


def state_payload(reading: Reading, reading_id: str) -> bytes:
    """The state message: the seed's record, ``cumulative_export`` when the meter has it, the
    reading's extra fields, and ``reading_id`` (for consumers that must drop a QoS 1 repeat)."""
    record = reading.to_record()
    if reading.cumulative_reverse_kwh is not None:
        record["cumulative_export"] = reading.cumulative_reverse_kwh
    record.update(reading.extra)
    record["reading_id"] = reading_id
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError:
        raise ValueError("the reading holds a value JSON cannot represent (NaN or infinity)") from None


class _Connection:
    """One paho client and one connection; thrown away when it drops."""

    def __init__(self, client: Any, wake: threading.Event, on_ha_online: Callable[[], None]) -> None:
        self.client = client
        self.connected = threading.Event()
        self.gone = threading.Event()
        self.refusal: tuple[int, str] | None = None
        self.acks: queue.SimpleQueue[tuple[int, bool, str]] = queue.SimpleQueue()
        self._wake = wake
        self._on_ha_online = on_ha_online
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_publish = self._published
        client.on_message = self._message

    # paho calls these from its network thread: record and wake, nothing more.
    def _connected(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            self.refusal = (int(reason.value), str(reason))
            self.gone.set()
        else:
            self.connected.set()
        self._wake.set()

    def _disconnected(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.gone.set()
        self._wake.set()

    def _published(self, client: Any, userdata: Any, mid: int, reason: Any, properties: Any) -> None:
        self.acks.put((mid, bool(reason.is_failure), str(reason)))
        self._wake.set()

    def _message(self, client: Any, userdata: Any, message: Any) -> None:
        if message.payload == b"online":
            self._on_ha_online()


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
    ) -> None:
        self.name = "mqtt"
        try:
            self.broker = parse_broker_url(url)
            prefix = check_topic_prefix(topic_prefix)
            ha_prefix = check_topic_prefix(discovery_prefix, "Home Assistant discovery prefix")
            if ca_file is not None and not self.broker.tls:
                raise ValueError("--mqtt-ca needs an mqtts:// URL (TLS)")
            self._tls = make_tls_context(ca_file) if self.broker.tls else None
        except ValueError as exc:
            raise SinkError(str(exc), self.name) from None
        self._paho = _import_paho()
        self.client_id = client_id or install_client_id()
        self.board = MqttStateBoard(prefix, ha_prefix, self.client_id, discovery)
        self.grace_seconds = max(0.0, grace_seconds)
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.keepalive_s = keepalive_s
        self.connect_timeout_s = connect_timeout_s
        self.published = 0  # readings acknowledged by the broker in this run
        self.connections = 0  # successful connections in this run
        self._password = password
        self._on_error = on_error
        self._protocol = self._paho.MQTTv5
        try:
            self.spool = Spool(spool_path if spool_path is not None else default_spool_path(SPOOL_FILE_NAME),
                               max_messages=max_spooled, on_warning=self._notify, label="MQTT")
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        self._reported: set[str] = set()
        self._failures = 0
        self._refusing = False  # the broker refused a message since the last acknowledged one
        self._closed = False
        self._close_lock = threading.Lock()
        self._wake = threading.Event()
        self._interrupt = threading.Event()
        self._closing = threading.Event()
        self._stop_now = threading.Event()
        waiting = len(self.spool)
        if waiting:
            log.info("%d reading(s) from an earlier run are waiting in the MQTT spool %s", waiting, self.spool.path)
        self._thread = threading.Thread(target=self._run, name="hems-mqtt-publisher", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"MqttSink({self.broker.url!r}, prefix={self.board.topics.prefix!r})"

    # ---- Sink interface ----

    def write(self, reading: Reading) -> None:
        """Spool the reading's state message (durably) and wake the publisher. Never waits for the network."""
        if self._closed:
            raise SinkError("the MQTT output is closed", self.name)
        rid = effective_reading_id(reading)
        try:
            data = state_payload(reading, rid)
        except ValueError as exc:
            raise SinkError(str(exc), self.name) from None
        try:
            self.spool.put(rid, data, {"meter_id": reading.meter_id}, reading.meter_id)
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        self.board.note_reading(meter_topic_id(reading.meter_id), reading.current_t_a is not None,
                                reading.cumulative_reverse_kwh is not None, live=True)
        self._wake.set()

    def close(self) -> None:
        """Publish what is spooled for up to `grace_seconds`, say offline, disconnect. Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        waiting = len(self.spool)
        if waiting and self.grace_seconds > 0 and self._thread.is_alive():
            log.info("publishing %d spooled reading(s) to MQTT before exit (up to %g s)", waiting, self.grace_seconds)
        self._closing.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(self.grace_seconds)
        self._stop_now.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(_STOP_JOIN_S)
        left = len(self.spool)
        if left:
            log.warning("%d reading(s) are still waiting in the MQTT spool %s: they will be published at the next "
                        "start", left, self.spool.path)
        if self.spool.dropped:
            log.warning("%d reading(s) were dropped because the MQTT spool was full", self.spool.dropped)
        self.spool.close()

    # ---- what the collector tells beyond readings ----

    def set_session_state(self, state: str, connected: bool | None = None) -> None:
        """The B-route session state (``joined``, ``scanning``, ...). `connected`: is the meter link up?
        (None: up for ``joined``, ``reauthenticating`` and ``tx_limited``.) Drives the meter's availability."""
        self.board.set_session_state(state, connected)
        self._wake.set()

    def set_link_quality(self, value: float | None) -> None:
        """The LQI of the last frame from the meter (None: not known)."""
        self.board.set_link_quality(value)
        self._wake.set()

    def count_error(self, kind: str) -> None:
        """One more reading error of this kind (shown as attributes of the Connection sensor)."""
        self.board.count_error(kind)
        self._wake.set()

    def set_meter_identity(self, manufacturer: str | None, serial: str | None) -> None:
        """Maker (EPC 8A) and serial number (8D) of the current meter, when it has them."""
        self.board.set_meter_identity(manufacturer, serial)
        self._wake.set()

    # ---- helpers for callers and tests ----

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

    # ---- the publisher thread ----

    def _run(self) -> None:
        try:
            while not self._stop_now.is_set():
                if self._closing.is_set() and not len(self.spool):
                    return  # nothing left to deliver; never connected, or the last connection said goodbye
                connection = self._connect()
                if connection is None:
                    continue
                try:
                    if self._serve(connection):
                        return
                finally:
                    self._hang_up(connection)
        except Exception as exc:  # a bug: say so once, the rows stay spooled
            log.exception("the MQTT publisher stopped")
            self._notify(f"the MQTT publisher stopped ({type(exc).__name__}); spooled readings will be sent at "
                         "the next start")

    def _new_client(self) -> Any:
        paho = self._paho
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=self._protocol,
                             reconnect_on_failure=False)
        client.connect_timeout = self.connect_timeout_s
        if self.broker.username is not None:
            client.username_pw_set(self.broker.username, self._password)
        if self._tls is not None:
            client.tls_set_context(self._tls)
        client.will_set(self.board.topics.collector_availability, "offline", qos=1, retain=True)
        client.max_inflight_messages_set(WINDOW + 50)  # room for the state messages beside the readings
        return client

    def _connect(self) -> _Connection | None:
        """A connected client, or None after reporting why not and backing off."""
        connection = _Connection(self._new_client(), self._wake, self._ha_online)
        try:
            connection.client.connect(self.broker.host, self.broker.port, keepalive=self.keepalive_s)
        except Exception as exc:
            self._failed(*describe_connect_error(exc, self.broker))
            return None
        connection.client.loop_start()
        deadline = time.monotonic() + self.connect_timeout_s
        while not (connection.connected.is_set() or connection.gone.is_set()):
            if self._stop_now.is_set() or time.monotonic() >= deadline:
                break
            self._wake.wait(0.05)
            self._wake.clear()
        if connection.connected.is_set():
            self.connections += 1
            if not self._refusing:  # after refused messages, only an acknowledged one proves recovery
                if self._failures:
                    log.info("MQTT broker %s connected again", self.broker.where)
                self._recovered()
            return connection
        self._hang_up(connection)
        if connection.refusal is not None:
            code, reason = connection.refusal
            if code == UNSUPPORTED_PROTOCOL and self._protocol == self._paho.MQTTv5:
                log.info("the MQTT broker %s does not speak MQTT 5: using MQTT 3.1.1", self.broker.where)
                self._protocol = self._paho.MQTTv311
                return None
            self._failed(*describe_refusal(code, reason, self.broker))
        elif not self._stop_now.is_set():
            hint = "" if self.broker.tls else " (if that port speaks TLS, the URL must start with mqtts://)"
            self._failed("unreachable", f"MQTT broker {self.broker.where} did not answer the connection "
                                        f"within {self.connect_timeout_s:g} s{hint}: readings are kept")
        return None

    def _serve(self, connection: _Connection) -> bool:
        """Publish until the connection drops (False) or the sink is done (True)."""
        client = connection.client
        if self.board.discovery:
            client.subscribe(self.board.topics.ha_status, qos=1)
        self.board.mark_all_dirty()  # retained state may be gone (a broker without persistence)
        in_flight: dict[int, SpooledMessage] = {}
        last_sent = 0
        while True:
            self._wake.clear()
            if connection.gone.is_set():
                # Not reported yet: if reconnecting fails, that failure says why, in one line.
                log.info("lost the connection to the MQTT broker %s: reconnecting", self.broker.where)
                self._interrupt.wait(self.backoff_base_s)
                return False
            if self._stop_now.is_set():
                self._goodbye(client)
                return True
            refused = self._take_acks(connection, in_flight)
            if refused:
                self._failed("publish-refused", f"the MQTT broker {self.broker.where} refused a message ({refused}): "
                                                "check its access control for the topic prefix; readings are kept")
                return False
            for topic, payload in self.board.take_dirty():
                client.publish(topic, payload, qos=1, retain=True)
            if len(in_flight) < WINDOW:
                for row in self.spool.peek(WINDOW - len(in_flight), after_id=last_sent):
                    key = meter_topic_id(row.ordering_key)
                    self.board.note_row(key, row.data)  # a meter from an earlier run, or a new sensor
                    for topic, payload in self.board.take_dirty():  # configs before the state they describe
                        client.publish(topic, payload, qos=1, retain=True)
                    info = client.publish(self.board.topics.meter(key, "state"), row.data, qos=1, retain=True)
                    if info.rc != self._paho.MQTT_ERR_SUCCESS:
                        break  # the connection went; noticed at the top
                    in_flight[info.mid] = row
                    last_sent = row.id
            if self._closing.is_set() and not in_flight and not len(self.spool):
                self._goodbye(client)
                return True
            self._wake.wait(_POLL_S)

    def _take_acks(self, connection: _Connection, in_flight: dict[int, SpooledMessage]) -> str:
        """Delete acknowledged rows; the reason of the first refused one ("" when none)."""
        acked: list[int] = []
        refused = ""
        while True:
            try:
                mid, failed, reason = connection.acks.get_nowait()
            except queue.Empty:
                break
            row = in_flight.pop(mid, None)
            if row is None:
                continue  # a state message
            if failed:
                refused = refused or reason
            else:
                acked.append(row.id)
        if acked:
            self.spool.delete(acked)
            self.published += len(acked)
            if self._refusing:
                log.info("the MQTT broker %s accepts our messages again", self.broker.where)
                self._recovered()
        self._refusing = self._refusing or bool(refused)
        return refused

    def _recovered(self) -> None:
        self._failures = 0
        self._refusing = False
        self._reported.clear()

    def _goodbye(self, client: Any) -> None:
        """Say offline ourselves: a clean DISCONNECT does not fire the last will."""
        try:
            info = client.publish(self.board.topics.collector_availability, "offline", qos=1, retain=True)
            info.wait_for_publish(_GOODBYE_S)
        except (RuntimeError, ValueError) as exc:  # not connected any more
            log.debug("publishing offline at exit: %s", exc)

    def _hang_up(self, connection: _Connection) -> None:
        try:
            connection.client.disconnect()
        except Exception as exc:
            log.debug("MQTT disconnect: %s", exc)
        connection.client.loop_stop()

    def _ha_online(self) -> None:
        """Home Assistant (re)started: send the discovery configs and states again."""
        self.board.mark_all_dirty()
        self._wake.set()

    def _failed(self, kind: str, message: str) -> None:
        """Report once per kind until the next successful connection, then back off."""
        if kind not in self._reported:
            self._reported.add(kind)
            self._notify(message)
        else:
            log.debug("%s", message)
        self._failures += 1
        delay = min(self.backoff_cap_s, self.backoff_base_s * 2 ** min(self._failures - 1, 30))
        if self._interrupt.wait(delay * random.uniform(0.5, 1.0)):
            self._interrupt.clear()

    def _notify(self, message: str) -> None:
        log.warning("output mqtt: %s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:
                log.exception("on_error callback failed")
