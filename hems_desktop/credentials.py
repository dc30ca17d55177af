"""B-route credentials (and the MQTT broker's password) in the OS keyring (Windows Credential Manager,
macOS Keychain, Secret Service).

Never falls back to plain text: when no usable keyring exists the caller is told so and may
keep the password in memory for this run only.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

from hems_desktop.describe import describe_keyring_error
from hems_desktop.messages import msg

log = logging.getLogger("hems_desktop.credentials")

SERVICE = "hems-desktop"
ID_KEY = "b-route-id"
PASSWORD_KEY = "b-route-password"
MQTT_PASSWORD_KEY = "mqtt-password"


class CredentialStoreError(Exception):
    """The keyring cannot be used; the message says why in plain words."""


class KeyringUnavailable(CredentialStoreError):
    pass


class KeyringLocked(CredentialStoreError):
    pass


@dataclass(frozen=True)
class Credentials:
    route_b_id: str = ""
    password: str = field(default="", repr=False)
    mqtt_password: str = field(default="", repr=False)  # for --output mqtt; MQTT_PASSWORD in the CLI

    @property
    def complete(self) -> bool:
        return bool(self.route_b_id and self.password)


def backend_name() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _is_usable(backend: object) -> bool:
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False  # keyrings.alt stores plain text (base64 at best): never use it
    priority = getattr(backend, "priority", 1)
    try:
        return float(priority) > 0
    except (TypeError, ValueError):
        return True


def _translate(exc: BaseException) -> CredentialStoreError:
    locked, message = describe_keyring_error(exc)
    return KeyringLocked(message) if locked else KeyringUnavailable(message)


class CredentialStore:
    """Reads and writes the B-route ID and password under one service name."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def check(self) -> None:
        """Raise KeyringUnavailable when only a fail/plain-text backend exists."""
        import keyring

        backend = keyring.get_keyring()
        if not _is_usable(backend):
            raise KeyringUnavailable(
                msg("no system keyring is available (on Linux install and unlock GNOME Keyring or KWallet)")
            )

    def load(self) -> Credentials:
        import keyring
        import keyring.errors

        self.check()
        try:
            route_b_id = keyring.get_password(self.service, ID_KEY) or ""
            password = keyring.get_password(self.service, PASSWORD_KEY) or ""
            mqtt_password = keyring.get_password(self.service, MQTT_PASSWORD_KEY) or ""
        except keyring.errors.KeyringError as exc:
            raise _translate(exc) from None
        except Exception as exc:  # D-Bus and OS errors surface as many types
            raise _translate(exc) from None
        return Credentials(route_b_id, password, mqtt_password)

    def save(self, credentials: Credentials) -> None:
        import keyring
        import keyring.errors

        self.check()
        try:
            keyring.set_password(self.service, ID_KEY, credentials.route_b_id)
            keyring.set_password(self.service, PASSWORD_KEY, credentials.password)
            if credentials.mqtt_password:
                keyring.set_password(self.service, MQTT_PASSWORD_KEY, credentials.mqtt_password)
            else:
                _delete(self.service, MQTT_PASSWORD_KEY)
        except keyring.errors.KeyringError as exc:
            raise _translate(exc) from None
        except Exception as exc:
            raise _translate(exc) from None
        log.info("B-route credentials saved in the system keyring")

    def clear(self) -> None:
        for key in (ID_KEY, PASSWORD_KEY, MQTT_PASSWORD_KEY):
            try:
                _delete(self.service, key)
            except Exception as exc:
                raise _translate(exc) from None


def _delete(service: str, key: str) -> None:
    """Remove one entry; one that is not there is fine."""
    import keyring
    import keyring.errors

    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(service, key)
