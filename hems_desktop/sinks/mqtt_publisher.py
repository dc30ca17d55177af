"""The MQTT output's publisher thread: connections, the in-flight window, acknowledgements, backoff.

`MqttSink` (``mqtt.py``) owns the spool and the state board and hands both to one
`MqttPublisher`, whose thread does all the network work:

* one fresh paho client per connection, opened with ``connect()`` in this thread so a refused
  port, a TLS failure or a bad password is seen with its cause (paho's own reconnect loop would
  swallow it), then paho's network thread (``loop_start``) until the connection drops;
* the state board's dirty messages first (discovery configs before the states they describe),
  then spooled readings oldest first, QoS 1, retained, up to `WINDOW` in flight; a row is
  deleted on its PUBACK, and each new connection starts again from the oldest row left;
* a failure is reported once per kind until a success, then retried with capped, jittered
  exponential backoff; MQTT 5 falls back to 3.1.1 for a broker that does not speak it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hems_desktop.backoff import backoff_s
from hems_desktop.sinks.mqtt_broker import (
    UNSUPPORTED_PROTOCOL,
    BrokerAddress,
    describe_connect_error,
    describe_refusal,
    meter_topic_id,
    release_client,
)
from hems_desktop.sinks.mqtt_state import MqttStateBoard
from hems_desktop.sinks.spool import Spool, SpooledMessage

log = logging.getLogger(__name__)

WINDOW = 100  # readings in flight at once
_POLL_S = 0.5
_STOP_JOIN_S = 5.0
_GOODBYE_S = 2.0  # at exit: how long to wait for the broker to take "offline"


@dataclass(frozen=True)
class ConnectionSettings:
    broker: BrokerAddress
    client_id: str
    password: str | None = field(default=None, repr=False)
    tls: Any = None  # ssl.SSLContext for mqtts://
    keepalive_s: int = 60
    connect_timeout_s: float = 10.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0


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


class MqttPublisher:
    """The one thread that talks to the broker for an `MqttSink` (see the module docstring)."""

    def __init__(self, paho: Any, settings: ConnectionSettings, spool: Spool, board: MqttStateBoard,
                 notify: Callable[[str], None]) -> None:
        self._paho = paho
        self.settings = settings
        self.broker = settings.broker
        self.spool = spool
        self.board = board
        self._notify = notify
        self._protocol = paho.MQTTv5
        self.published = 0  # readings acknowledged by the broker in this run
        self.connections = 0  # successful connections in this run
        self.failures = 0  # failed attempts since the last success (drives the backoff)
        self._refusing = False  # the broker refused a message since the last acknowledged one
        self._reported: set[str] = set()
        self._wake = threading.Event()  # new rows or state, an ack, a connection event, close
        self._interrupt = threading.Event()  # cut a backoff short
        self._closing = threading.Event()  # no new rows: deliver what is spooled, then say goodbye
        self._stop_now = threading.Event()  # grace period over
        self._thread = threading.Thread(target=self._run, name="hems-mqtt-publisher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    def stop_now(self) -> None:
        """End the delivery at once; what is spooled stays for the next start."""
        self._stop_now.set()
        self._interrupt.set()
        self._wake.set()

    def finish(self, grace_seconds: float) -> None:
        """Deliver what is spooled for up to `grace_seconds`, say offline, disconnect, stop."""
        self._closing.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(grace_seconds)
        self._stop_now.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(_STOP_JOIN_S)

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
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=self.settings.client_id,
                             protocol=self._protocol, reconnect_on_failure=False)
        client.connect_timeout = self.settings.connect_timeout_s
        if self.broker.username is not None:
            client.username_pw_set(self.broker.username, self.settings.password)
        if self.settings.tls is not None:
            client.tls_set_context(self.settings.tls)
        client.will_set(self.board.topics.collector_availability, "offline", qos=1, retain=True)
        client.max_inflight_messages_set(WINDOW + 50)  # room for the state messages beside the readings
        return client

    def _connect(self) -> _Connection | None:
        """A connected client, or None after reporting why not and backing off."""
        connection = _Connection(self._new_client(), self._wake, self._ha_online)
        try:
            connection.client.connect(self.broker.host, self.broker.port, keepalive=self.settings.keepalive_s)
        except Exception as exc:
            self._failed(*describe_connect_error(exc, self.broker))
            return None
        connection.client.loop_start()
        deadline = time.monotonic() + self.settings.connect_timeout_s
        while not (connection.connected.is_set() or connection.gone.is_set()):
            if self._stop_now.is_set() or time.monotonic() >= deadline:
                break
            self._wake.wait(0.05)
            self._wake.clear()
        if connection.connected.is_set():
            self.connections += 1
            if not self._refusing:  # after refused messages, only an acknowledged one proves recovery
                if self.failures:
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
                                        f"within {self.settings.connect_timeout_s:g} s{hint}: readings are kept")
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
                self._interrupt.wait(self.settings.backoff_base_s)
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
        self.failures = 0
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
        release_client(connection.client)

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
        self.failures += 1
        if self._interrupt.wait(backoff_s(self.failures, self.settings.backoff_base_s, self.settings.backoff_cap_s)):
            self._interrupt.clear()
