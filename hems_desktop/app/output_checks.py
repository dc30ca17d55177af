"""The settings dialog's Test buttons for MQTT and Prometheus metrics.

Each check does once what the output does at its start, with the output's own parts (the broker
URL parser, the TLS context, paho; the metrics server's listen-error wording), and answers in a
translatable sentence that names the dialog's fields, not command-line options. A failure raises
`OutputCheckError`; nothing here keeps a connection or a port open afterwards.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from hems_desktop.errors import ErrorKind, HemsError
from hems_desktop.messages import Message, as_message, msg
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.mqtt_broker import (
    BAD_AUTH_METHOD,
    BAD_CREDENTIALS,
    NOT_AUTHORIZED,
    UNSUPPORTED_PROTOCOL,
    BrokerAddress,
    describe_connect_error,
    describe_refusal,
    make_tls_context,
    parse_broker_url,
    release_client,
)

log = logging.getLogger(__name__)

MQTT_TIMEOUT_S = 10.0
METRICS_TIMEOUT_S = 2.0
_POLL_S = 0.05  # the stop flag is looked at this often: a closed dialog ends the check at once


class OutputCheckError(HemsError):
    kind = ErrorKind.OUTPUT


def check_mqtt(url: str, password: str | None = None, ca_file: Path | None = None,
               stop: threading.Event | None = None, timeout_s: float = MQTT_TIMEOUT_S) -> Message:
    """Connect to the broker once (MQTT 5, else 3.1.1), then disconnect. Raises OutputCheckError."""
    try:
        broker = parse_broker_url(url)
        if ca_file is not None and not broker.tls:
            raise OutputCheckError(msg("A CA certificate needs an mqtts:// URL (TLS)."))
        tls = make_tls_context(ca_file) if broker.tls else None
    except ValueError as exc:
        raise OutputCheckError(as_message(exc) or str(exc)) from None
    from hems_desktop.sinks.mqtt import import_paho

    try:
        paho = import_paho()
    except SinkError:
        raise OutputCheckError(msg("This installation of HEMS Desktop cannot publish to MQTT "
                                   "(the paho-mqtt library is not included).")) from None
    refusal = _connect_once(paho, paho.MQTTv5, broker, password, tls, stop, timeout_s)
    if refusal is not None and refusal[0] == UNSUPPORTED_PROTOCOL:  # a broker that speaks only MQTT 3.1.1
        refusal = _connect_once(paho, paho.MQTTv311, broker, password, tls, stop, timeout_s)
    if refusal is None:
        return msg("Connected to the MQTT broker {where} as {user}.", where=broker.where,
                   user=broker.username or msg("anonymous"))
    code, reason = refusal
    log.info("MQTT check: %s", describe_refusal(code, reason, broker)[1])
    if code in (BAD_CREDENTIALS, BAD_AUTH_METHOD, NOT_AUTHORIZED):
        if not broker.username:
            raise OutputCheckError(msg("The MQTT broker {where} wants a user name: put it in the URL "
                                       "(mqtt://user@host) and the password in the MQTT password field.",
                                       where=broker.where))
        raise OutputCheckError(msg("The MQTT broker {where} refused the user name {user} or its password.",
                                   where=broker.where, user=broker.username))
    raise OutputCheckError(msg("The MQTT broker {where} refused the connection ({reason}).",
                               where=broker.where, reason=reason))


def _connect_once(paho: Any, protocol: Any, broker: BrokerAddress, password: str | None, tls: Any,
                  stop: threading.Event | None, timeout_s: float) -> tuple[int, str] | None:
    """None when the broker accepted; (code, reason) when it refused. Raises OutputCheckError otherwise."""
    answered = threading.Event()
    outcome: list[tuple[int, str] | None] = []

    def connected(client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        outcome.append((int(reason.value), str(reason)) if reason.is_failure else None)
        answered.set()

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="", protocol=protocol,
                         reconnect_on_failure=False)
    client.connect_timeout = timeout_s
    client.on_connect = connected
    if broker.username is not None:
        client.username_pw_set(broker.username, password)
    if tls is not None:
        client.tls_set_context(tls)
    try:
        client.connect(broker.host, broker.port, keepalive=30)
    except Exception as exc:
        kind, line = describe_connect_error(exc, broker)
        log.info("MQTT check: %s", line)
        raise OutputCheckError(_connect_failure(kind, exc, broker)) from None
    client.loop_start()
    try:
        deadline = time.monotonic() + timeout_s
        while not answered.wait(_POLL_S):
            if (stop is not None and stop.is_set()) or time.monotonic() >= deadline:
                raise OutputCheckError(msg("The MQTT broker {where} did not answer within {seconds:g} s "
                                           "(if that port speaks TLS, the URL must start with mqtts://).",
                                           where=broker.where, seconds=timeout_s))
        return outcome[0] if outcome else None
    finally:
        release_client(client)


def _connect_failure(kind: str, exc: BaseException, broker: BrokerAddress) -> Message:
    if kind == "tls":
        return msg("The TLS connection to the MQTT broker {where} failed: give the CA certificate that signed "
                   "the broker's, use the host name its certificate names, and check that the port speaks TLS.",
                   where=broker.where)
    if isinstance(exc, socket.gaierror):
        return msg("The MQTT broker's host name {host} cannot be resolved.", host=broker.host)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return msg("The MQTT broker {where} is not reachable ({reason}): check the host and the port.",
               where=broker.where, reason=reason)


def metrics_url(address: str, port: int) -> str:
    shown = "127.0.0.1" if address in ("", "0.0.0.0") else "::1" if address == "::" else address
    host = f"[{shown}]" if ":" in shown else shown
    return f"http://{host}:{port}/metrics"


def check_metrics(address: str, port: int, timeout_s: float = METRICS_TIMEOUT_S) -> Message:
    """Is /metrics served there already (by this app), or can it be? Raises OutputCheckError."""
    url = metrics_url(address, port)
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            body = answer.read(1 << 20).decode("utf-8", "replace")
        if "hems_" in body:
            return msg("{url} answers with this app's metrics: Prometheus can scrape it.", url=url)
        raise OutputCheckError(msg("Another program answers on port {port}: choose another port.", port=port))
    except (urllib.error.URLError, OSError, ValueError):
        pass  # nothing serves it yet: can we?
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the metrics server does
            probe.bind((address, port))
            probe.listen(1)
    except OSError as exc:
        raise OutputCheckError(_listen_failure(exc, address, port)) from None
    return msg("Port {port} is free: once saved, Prometheus can scrape {url}.", port=port, url=url)


def _listen_failure(exc: OSError, address: str, port: int) -> Message:
    if exc.errno == errno.EADDRINUSE:
        return msg("Port {port} is already in use by another program: choose another port.", port=port)
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return msg("{address} is not an address of this computer.", address=address)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return msg("Listening on port {port} is not permitted (ports below 1024 need privileges).", port=port)
    return msg("Cannot listen on {address} port {port}: {reason}.", address=address, port=port,
               reason=exc.strerror or type(exc).__name__)
