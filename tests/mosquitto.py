"""A real mosquitto broker for tests, on a free loopback port, and a subscriber that records.

`Mosquitto(folder, users=..., tls=...)` writes a config into `folder`, starts ``mosquitto -c``
and waits until the port accepts connections. `stop()` ends it with SIGTERM (it saves its
persistence file: retained messages and persistent sessions survive a restart on the same
port), `start()` starts it again. `users` adds a password file made with ``mosquitto_passwd``
and turns anonymous access off; `acl` is the text of an ACL file; `tls` serves TLS with the
given certificate and key instead of plain TCP.

`Recorder` is a paho client subscribed to ``#`` that records every message with its retain
flag; `persistent=True` gives it a persistent session (clean_session false, QoS 1), so the
broker queues messages for it while it is away, as it does for a real consumer.

Binds to 127.0.0.1 only. Needs the Debian package ``mosquitto`` (the tests fail without it).
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class TlsFiles:
    cafile: Path
    certfile: Path
    keyfile: Path


class Mosquitto:
    def __init__(self, folder: Path, *, users: dict[str, str] | None = None, tls: TlsFiles | None = None,
                 acl: str | None = None) -> None:
        if not Path(MOSQUITTO).exists():
            raise RuntimeError("mosquitto is not installed: apt-get install mosquitto")
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.users = users or {}
        self.tls = tls
        self.acl = acl
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / "mosquitto.log"
        self._write_config()

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://127.0.0.1:{self.port}"

    def _write_config(self) -> None:
        lines = [
            f"listener {self.port} 127.0.0.1",
            f"allow_anonymous {'false' if self.users else 'true'}",
            "persistence true",
            f"persistence_location {self.folder}/",
            f"log_dest file {self.log_path}",
            "log_type all",
            f"user {getpass.getuser()}",  # as root, mosquitto would otherwise switch to user "mosquitto"
            "max_queued_messages 10000",
        ]
        if self.users:
            password_file = self.folder / "passwords"
            password_file.unlink(missing_ok=True)
            for user, password in self.users.items():
                flags = ["-b"] if password_file.exists() else ["-c", "-b"]
                subprocess.run([MOSQUITTO_PASSWD, *flags, str(password_file), user, password], check=True,
                               capture_output=True, timeout=30)
            lines.append(f"password_file {password_file}")
        if self.acl is not None:
            acl_file = self.folder / "acl"
            acl_file.write_text(self.acl)
            lines.append(f"acl_file {acl_file}")
        if self.tls:
            lines += [f"cafile {self.tls.cafile}", f"certfile {self.tls.certfile}", f"keyfile {self.tls.keyfile}"]
        (self.folder / "mosquitto.conf").write_text("\n".join(lines) + "\n")

    def start(self) -> Mosquitto:
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.folder / "mosquitto.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"mosquitto exited: {stderr}{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"mosquitto did not listen on {self.port}: {self.log_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool
    qos: int
    at: float = field(default_factory=time.perf_counter)


class Recorder:
    """Records every message on `topic_filter`; connect/disconnect with the broker as asked."""

    def __init__(self, broker: Mosquitto, *, topic_filter: str = "#", persistent: bool = False,
                 client_id: str = "", username: str | None = None, password: str | None = None) -> None:
        self.broker = broker
        self.topic_filter = topic_filter
        self.messages: list[Received] = []
        self._cond = threading.Condition()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"rec-{os.getpid()}-{id(self)}",
                                  clean_session=not persistent, protocol=mqtt.MQTTv311)
        if username:
            self.client.username_pw_set(username, password)
        if broker.tls:
            self.client.tls_set(ca_certs=str(broker.tls.cafile))
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if not reason.is_failure and not flags.session_present:  # a kept session keeps its subscription
            client.subscribe(self.topic_filter, qos=1)
        elif not reason.is_failure:
            self._subscribed.set()

    def _on_subscribe(self, *args: Any) -> None:
        self._subscribed.set()

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        with self._cond:
            self.messages.append(Received(message.topic, bytes(message.payload), bool(message.retain), message.qos))
            self._cond.notify_all()

    def connect(self) -> Recorder:
        self._subscribed.clear()
        self.client.connect("127.0.0.1", self.broker.port)
        self.client.loop_start()
        if not self._subscribed.wait(10):
            raise RuntimeError("the recorder could not subscribe")
        return self

    def disconnect(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def on(self, topic: str) -> list[Received]:
        with self._cond:
            return [m for m in self.messages if m.topic == topic]

    def wait_for(self, topic: str, count: int = 1, timeout: float = 10.0, payload: bytes | None = None) -> bool:
        def enough() -> bool:
            matching = [m for m in self.messages if m.topic == topic and (payload is None or m.payload == payload)]
            return len(matching) >= count

        with self._cond:
            return self._cond.wait_for(enough, timeout)

    def latest(self, topic: str) -> Received | None:
        found = self.on(topic)
        return found[-1] if found else None


# ---- pytest fixtures (import them by name into a test module) ----



@pytest.fixture
def broker(tmp_path: Path) -> Any:
    """A plain, anonymous mosquitto on a free loopback port, stopped after the test."""
    server = Mosquitto(tmp_path / "broker").start()
    yield server
    server.stop()


@pytest.fixture
def recorder_factory() -> Any:
    """recorder_factory(broker, **options) -> a connected Recorder, disconnected after the test."""
    made: list[Recorder] = []

    def make(server: Mosquitto, **options: Any) -> Recorder:
        recorder = Recorder(server, **options).connect()
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        recorder.disconnect()
