"""Where the MQTT output connects, as who, and how its failures read: no paho import here.

* `parse_broker_url`: ``mqtt://[user@]host[:port]`` or ``mqtts://...`` into a `BrokerAddress`.
  A password in the URL is refused: the URL lives in the settings file, the password only in
  ``MQTT_PASSWORD`` or the keyring.
* `install_client_id`: one client id per install, kept in the per-user data folder, so the
  broker (and its persistent sessions, ACLs and logs) sees the same client across restarts.
* `meter_topic_id`: a meter id (a link-local IPv6 address today) as one safe topic level.
* `describe_connect_error` / `describe_refusal`: one line for each way a connection fails.
  None of them can contain the password: it is never passed in.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from hems_desktop.messages import msg

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
CLIENT_ID_FILE_NAME = "mqtt-client-id"
CLIENT_ID_PREFIX = "hems-desktop-"
UNKNOWN_METER = "unknown-meter"
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,23}$")  # what every MQTT 3.1.1 broker must accept
_TOPIC_LEVEL_UNSAFE = re.compile(r"[^a-z0-9_-]+")

# CONNACK reason codes (MQTT 5 numbering; paho maps the 3.1.1 return codes onto these).
UNSUPPORTED_PROTOCOL = 0x84
CLIENT_ID_REJECTED = 0x85
BAD_CREDENTIALS = 0x86
NOT_AUTHORIZED = 0x87
SERVER_UNAVAILABLE = 0x88
BAD_AUTH_METHOD = 0x8C


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None = None

    @property
    def where(self) -> str:
        """host:port as people write it ([::1]:1883 for IPv6)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL back, without any secret (there is none in a BrokerAddress)."""
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.where}"


def parse_broker_url(url: str) -> BrokerAddress:
    """The broker of ``mqtt://[user@]host[:port]`` / ``mqtts://...``; ValueError with one line otherwise.

    Messages never repeat the URL itself: it might hold a password typed by mistake.
    """
    text = url.strip()
    if not text:
        raise ValueError(msg("the MQTT URL is empty: use mqtt://host[:port] or mqtts://host[:port]"))
    if "://" not in text:
        raise ValueError(msg("the MQTT URL must start with mqtt:// or mqtts:// (for example mqtt://192.168.1.10:1883)"))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(msg("the MQTT URL has an invalid port: use a number from 1 to 65535")) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(msg("the MQTT URL must start with mqtt:// or mqtts://, not {scheme}://", scheme=scheme))
    if parts.password is not None:
        raise ValueError(msg("the MQTT URL must not contain a password: put it in the MQTT_PASSWORD environment "
                             "variable (the desktop app keeps it in the keyring)"))
    host = parts.hostname or ""
    if not host:
        raise ValueError(msg("the MQTT URL has no host name: use mqtt://host[:port]"))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(msg("the MQTT URL must not have a path or query: the topic prefix is set apart "
                             "(--mqtt-prefix)"))
    if port == 0:
        raise ValueError(msg("the MQTT URL has an invalid port: use a number from 1 to 65535"))
    username = unquote(parts.username) if parts.username else None
    return BrokerAddress(host=host, port=port or DEFAULT_PORTS[scheme], tls=scheme == "mqtts", username=username)


def check_topic_prefix(prefix: str, what: str = msg("MQTT topic prefix")) -> str:
    """The prefix without surrounding slashes; ValueError when it cannot start a topic."""
    cleaned = prefix.strip().strip("/")
    if not cleaned:
        raise ValueError(msg("the {what} is empty", what=what))
    if any(c in cleaned for c in "+#\0") or "//" in cleaned:
        raise ValueError(msg("the {what} {prefix!r} must not contain '+', '#' or empty levels", what=what,
                             prefix=prefix))
    return cleaned


def meter_topic_id(meter_id: str) -> str:
    """One topic level (and Home Assistant node id, [a-z0-9_-]) naming the meter.

    A link-local address (fe80::/64, what the session calls the meter today) becomes its 16-hex
    interface id, which the meter's MAC address fixes; anything else (a future C0 identification
    number) is lower-cased with unsafe characters replaced by ``_``.
    """
    text = meter_id.strip()
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        address = None
    if address is not None and address in ipaddress.IPv6Network("fe80::/64"):
        return address.packed[8:].hex()
    cleaned = _TOPIC_LEVEL_UNSAFE.sub("_", text.lower()).strip("_")
    return cleaned or UNKNOWN_METER


def default_data_folder() -> Path:
    from hems_desktop.settings.paths import data_dir

    return data_dir()


def install_client_id(folder: Path | None = None) -> str:
    """The client id of this install (``hems-desktop-`` + 8 hex), created on first use.

    Kept in ``<folder>/mqtt-client-id`` (default: the per-user data folder). When the folder is
    not writable the id still works for this run, with a warning that it will change.
    """
    path = (folder if folder is not None else default_data_folder()) / CLIENT_ID_FILE_NAME
    try:
        existing = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        existing = ""
    if _CLIENT_ID_RE.match(existing):
        return existing
    created = CLIENT_ID_PREFIX + secrets.token_hex(4)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(".tmp")
        scratch.write_text(created + "\n", encoding="ascii")
        os.replace(scratch, path)
    except OSError as exc:
        log.warning("cannot keep the MQTT client id in %s (%s): this run uses %s, the next one another",
                    path, exc.strerror or exc, created)
    return created


def make_tls_context(ca_file: Path | str | None) -> ssl.SSLContext:
    """Verifying TLS: the system CA store, or only `ca_file`. ValueError when the file is unusable."""
    if ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except FileNotFoundError:
        raise ValueError(f"the MQTT CA file {ca_file} does not exist") from None
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or type(exc).__name__
        raise ValueError(f"the MQTT CA file {ca_file} cannot be used: {reason} (a PEM certificate is expected)") \
            from None


def describe_connect_error(exc: BaseException, broker: BrokerAddress) -> tuple[str, str]:
    """(kind, one line) for an exception raised while opening the connection."""
    where = broker.where
    kept = "readings are kept and sent when it is back"
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or "certificate verify failed"
        return "tls", (f"TLS: the certificate of the MQTT broker {where} is not accepted ({detail}): give its CA "
                       "with --mqtt-ca FILE, and use the host name the certificate names")
    if isinstance(exc, ssl.CertificateError):  # the host name check done after the handshake
        return "tls", f"TLS: the certificate of the MQTT broker {where} does not name {broker.host!r}"
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or type(exc).__name__
        return "tls", (f"TLS handshake with the MQTT broker {where} failed ({reason}): is it a TLS port? "
                       "(mqtts:// is usually port 8883, mqtt:// port 1883)")
    if broker.tls and isinstance(exc, (ConnectionResetError, BrokenPipeError, EOFError)):
        return "tls", (f"TLS handshake with the MQTT broker {where} failed (the broker closed the connection): "
                       "is it a TLS port? (mqtts:// is usually port 8883, mqtt:// port 1883)")
    if isinstance(exc, ConnectionRefusedError):
        return "unreachable", f"MQTT broker {where} is not reachable (connection refused): {kept}"
    if isinstance(exc, socket.gaierror):
        return "unreachable", f"MQTT broker host {broker.host!r} cannot be resolved ({exc.strerror}): {kept}"
    if isinstance(exc, TimeoutError):
        return "unreachable", f"MQTT broker {where} is not reachable (timed out): {kept}"
    if isinstance(exc, OSError):
        return "unreachable", f"MQTT broker {where} is not reachable ({exc.strerror or type(exc).__name__}): {kept}"
    return type(exc).__name__, f"connecting to the MQTT broker {where} failed ({type(exc).__name__})"


def describe_refusal(code: int, reason: str, broker: BrokerAddress) -> tuple[str, str]:
    """(kind, one line) for a CONNACK that refused the connection."""
    where = broker.where
    if code in (BAD_CREDENTIALS, BAD_AUTH_METHOD, NOT_AUTHORIZED):  # mosquitto says "not authorized" for both
        if not broker.username:
            return "credentials", (f"the MQTT broker {where} refused the connection without a user name: put the "
                                   "user in the URL (mqtt://user@host) and the password in MQTT_PASSWORD")
        return "credentials", (f"the MQTT broker {where} refused the user name or password (user "
                               f"{broker.username!r}): check the user in --mqtt-url and the password in MQTT_PASSWORD")
    if code == CLIENT_ID_REJECTED:
        return "client-id", f"the MQTT broker {where} rejected the client id: it may allow only listed client ids"
    if code == SERVER_UNAVAILABLE:
        return "unreachable", f"the MQTT broker {where} is unavailable (it said so): readings are kept"
    return "refused", f"the MQTT broker {where} refused the connection ({reason})"


def release_client(client: Any) -> None:
    """Disconnect a paho client, stop its network thread and close every socket it holds.

    paho closes its wake-up socket pair only in `__del__` or `reinitialise()`, and a client is
    part of reference cycles, so without this each connection attempt would keep two sockets
    open until the garbage collector ran (a broker away for a night: hundreds of them).
    """
    try:
        client.disconnect()
    except Exception as exc:  # never connected, or already gone
        log.debug("MQTT disconnect: %s", exc)
    client.loop_stop()
    try:
        client.reinitialise()  # the public way to close the socket pair; the client is not used again
    except Exception as exc:
        log.debug("closing the MQTT client's sockets: %s", exc)

