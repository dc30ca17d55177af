"""User-visible names for core values, and core messages in the UI language.

Core messages are `messages.Message` strings: the template is looked up in the "core" context
of our translations and formatted with the message's values (values that are messages
themselves, such as "contract amperage (A)", are translated too). A few core messages tell a
command-line user what to type; the app words those its own way (a GUI user is never told to
run a command-line tool).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hems_desktop.device.base import DongleFamily
from hems_desktop.device.catalog import AUTO, PRODUCTS
from hems_desktop.messages import Message, as_message
from hems_desktop.session import SessionState


def state_text(state: SessionState) -> str:
    translate = QCoreApplication.translate
    names = {
        SessionState.STOPPED: translate("State", "Stopped"),
        SessionState.OPENING: translate("State", "Opening the dongle"),
        SessionState.CONFIGURING: translate("State", "Configuring the dongle"),
        SessionState.SCANNING: translate("State", "Looking for the meter"),
        SessionState.JOINING: translate("State", "Authenticating"),
        SessionState.JOINED: translate("State", "Connected"),
        SessionState.REAUTHENTICATING: translate("State", "Re-authenticating"),
        SessionState.TX_LIMITED: translate("State", "Waiting (radio time limit)"),
        SessionState.DISCONNECTED: translate("State", "Disconnected"),
        SessionState.DONGLE_LOST: translate("State", "Dongle unplugged"),
        SessionState.CREDENTIALS_REJECTED: translate("State", "Credentials rejected"),
    }
    return names.get(state, str(state))


def family_text(family: DongleFamily) -> str:
    translate = QCoreApplication.translate
    names = {
        DongleFamily.SINGLE_HOP: translate("Family", "SKSTACK IP single-hop"),
        DongleFamily.DUAL_STACK: translate("Family", "SKSTACK IP dual-stack"),
        DongleFamily.J11: translate("Family", "J11 binary"),
    }
    return names.get(family, family.value)


def dongle_choice_text(value: str) -> str:
    """What the dialog shows for a `--dongle` value: auto, a family, or a product's own name."""
    translate = QCoreApplication.translate
    if value == AUTO:
        return translate("Family", "Detect automatically")
    for family in DongleFamily:
        if value == family.value:
            members = ", ".join(p.display for p in PRODUCTS if p.family is family)
            return f"{family_text(family)} ({members})" if members else family_text(family)
    product = next((p for p in PRODUCTS if p.name == value), None)
    return product.display if product is not None else value


def format_text(value: str) -> str:
    translate = QCoreApplication.translate
    names = {
        "json": translate("Format", "JSON (one object per line)"),
        "yaml": translate("Format", "YAML (documents separated by ---)"),
        "csv": translate("Format", "CSV (with a header line)"),
    }
    return names.get(value, value)


def _gui_wording() -> dict[str, str]:
    """Core templates (or plain core texts) the app words its own way, in the UI language."""
    translate = QCoreApplication.translate
    return {
        "serial port {port} not found: is the dongle plugged in? (list ports: hems-collector --list-ports)":
            translate("CoreText", "serial port {port} not found: is the dongle plugged in? The app keeps trying; "
                                  "you can choose another port in Settings"),
        "permission denied on serial port {port} (on Linux: sudo usermod -aG dialout $USER, then log in again)":
            translate("CoreText", "permission denied on serial port {port}: your user account must be a member of "
                                  "the dialout group (then log out and in again)"),
        "a smart meter is in range (channel {channel:02X}, PAN ID {pan_id:04X}; it could be a neighbour's) but none "
        "answered to your B-route ID: check B_ROUTE_ID (the meter pairs with its last 8 characters); if it is right, "
        "the power company may not have enabled B-route service yet":
            translate("CoreText", "a smart meter is in range (channel {channel:02X}, PAN ID {pan_id:04X}; it could "
                                  "be a neighbour's) but none answered to your B-route ID: check the B-route ID in "
                                  "Settings (the meter pairs with its last 8 characters); if it is right, the power "
                                  "company may not have enabled B-route service yet"),
        "B_ROUTE_ID and B_ROUTE_PASSWORD must be set (environment or .env file); or try --demo to run without a "
        "meter": translate("CoreText", "Enter the B-route ID and password in Settings, or turn on demo mode"),
        "the MQTT URL must not contain a password: put it in the MQTT_PASSWORD environment variable (the desktop "
        "app keeps it in the keyring)":
            translate("CoreText", "the MQTT URL must not contain a password: put it in the MQTT password field (it is "
                                  "kept in the system keyring)"),
        "the MQTT URL must not have a path or query: the topic prefix is set apart (--mqtt-prefix)":
            translate("CoreText", "the MQTT URL must not have a path or query: the topic prefix has its own field"),
    }


def core_text(text: str) -> str:
    """A core message in the UI language (a plain string that is not a Message is shown as it is)."""
    message = as_message(text)
    wording = _gui_wording()
    if message is None:
        return wording.get(text, text)
    template = wording.get(message.template)
    if template is None:
        template = QCoreApplication.translate("core", message.template)
    values = {key: core_text(value) if isinstance(value, Message) else value for key, value in message.params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation with a broken field: the English text
        return str(message)
