"""Value parsers shared by the command line, the environment, the settings file and the dialog.

Each takes the raw value (text from a flag, a variable or a form; a JSON value from the file)
and returns the typed value, or raises ValueError with a one-line message that never quotes a
password. The callers add where the value came from.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from pathlib import Path
from typing import Any

from hems_desktop.device.base import CHANNEL_MAX, CHANNEL_MIN
from hems_desktop.device.catalog import dongle_choices
from hems_desktop.messages import msg
from hems_desktop.protocol.dialects import PASSWORD_LENGTH, ROUTE_B_ID_LENGTH, check_password, check_route_b_id
from hems_desktop.protocol.errors import ProtocolError

OUTPUT_KINDS = ("stdout", "file", "cloud", "mqtt", "metrics")
ALL_OUTPUTS = "all"  # the seed's meaning: stdout, file and cloud
FORMATS = ("json", "yaml", "csv")
MODES = ("schedule", "interval")
DEFAULT_DONGLE = "auto"  # device.catalog.AUTO
DONGLES = dongle_choices()
# pyserial hands the rate to the OS as a C int; real dongles use 115200. Larger values overflow.
BAUDRATE_MAX = 4_000_000

_HEX_RE = re.compile(r"(?:0[xX])?([0-9A-Fa-f]+)")


def default_serial_port(platform: str | None = None) -> str:
    """The seed's /dev/ttyUSB0 on Linux and other Unixes; COM3 on Windows; on macOS the FTDI
    name /dev/cu.usbserial (real ports carry a suffix: see `hems-collector --list-ports`)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return "COM3"
    if platform == "darwin":
        return "/dev/cu.usbserial"
    return "/dev/ttyUSB0"


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(msg("must be a string"))
    return value


def parse_path(value: Any) -> Path:
    return Path(parse_text(value))


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_flag(value: Any) -> bool:
    """A JSON boolean, or (from the environment) 1/0, true/false, yes/no, on/off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (*_TRUE, *_FALSE):
        return value.strip().lower() in _TRUE
    raise ValueError(msg("expected true or false, got {value!r}", value=value))


def parse_port_number(value: Any) -> int:
    number = parse_positive_int(value)
    if number > 65535:
        raise ValueError(msg("expected a TCP port from 1 to 65535, got {value!r}", value=value))
    return number


def parse_mqtt_url(value: Any) -> str:
    """mqtt://[user@]host[:port] or mqtts://... (checked by the MQTT output's own parser)."""
    from hems_desktop.sinks.mqtt_broker import parse_broker_url

    text = parse_text(value).strip()
    parse_broker_url(text)  # ValueError with a one-line message that never echoes a password
    return text


def parse_topic_prefix(value: Any) -> str:
    from hems_desktop.sinks.mqtt_broker import check_topic_prefix

    return check_topic_prefix(parse_text(value).strip())


def parse_positive_int(text: Any) -> int:
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise ValueError(msg("expected a positive integer, got {text!r}", text=text))
    if isinstance(text, int):
        value = text
    else:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise ValueError(msg("expected a positive integer, got {text!r}", text=text)) from None
    if value <= 0:
        raise ValueError(msg("expected a positive integer, got {text!r}", text=text))
    return value


def parse_baudrate(text: Any) -> int:
    value = parse_positive_int(text)
    if value > BAUDRATE_MAX:
        raise ValueError(msg("baud rate {value} is too high (at most {limit:,}; the dongles use 115200)", value=value,
                             limit=BAUDRATE_MAX))
    return value


def _parse_hex(text: Any, what: str, digits: int | None) -> int:
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise ValueError(msg("invalid {what} {text!r}", what=what, text=text))
    if isinstance(text, int):
        return text
    match = _HEX_RE.fullmatch(text.strip())
    if match is None or (digits is not None and len(match.group(1)) != digits):
        if digits:
            raise ValueError(msg("invalid {what} {text!r}: expected {digits} hex digits", what=what, text=text,
                                 digits=digits))
        raise ValueError(msg("invalid {what} {text!r}: expected a hex number", what=what, text=text))
    return int(match.group(1), 16)


def parse_channel(text: Any) -> int:
    """Channel as the dongle prints it in EPANDESC (hex, e.g. "3B"); an int is taken as is."""
    value = _parse_hex(text, msg("meter channel"), None)
    if not CHANNEL_MIN <= value <= CHANNEL_MAX:
        raise ValueError(msg("invalid meter channel {text!r}: expected hex {low:X}..{high:X} (as in EPANDESC)",
                             text=text, low=CHANNEL_MIN, high=CHANNEL_MAX))
    return value


def parse_pan_id(text: Any) -> int:
    """PAN ID as the dongle prints it in EPANDESC: 4 hex digits (e.g. "8CF5")."""
    value = _parse_hex(text, msg("meter PAN ID"), 4)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(msg("invalid meter PAN ID {text!r}: expected 4 hex digits", text=text))
    return value


def parse_ipv6(text: Any) -> str:
    """Full or compressed IPv6; returned in the dongle's 39-character upper-case form."""
    try:
        address = ipaddress.IPv6Address(parse_text(text).strip())
    except (ipaddress.AddressValueError, ValueError):
        raise ValueError(msg("invalid meter IPv6 address {text!r}", text=text)) from None
    return address.exploded.upper()


def parse_cron(text: Any) -> str:
    """A crontab expression croniter accepts and that has at least one future time."""
    from croniter import croniter  # deferred: keeps `--help` fast

    expr = " ".join(parse_text(text).split())
    if not expr or not croniter.is_valid(expr):
        raise ValueError(msg("invalid cron expression {text!r}: five fields, minute hour day month weekday "
                             "(for example '*/5 * * * *' for every 5 minutes)", text=text))
    try:
        croniter(expr).get_next(float)
    except ValueError:  # CroniterBadDateError: e.g. "0 0 31 2 *"
        raise ValueError(msg("cron expression {text!r} never matches", text=text)) from None
    return expr


def parse_choice(text: Any, choices: tuple[str, ...], what: str) -> str:
    value = parse_text(text).strip().lower()
    if value not in choices:
        raise ValueError(msg("invalid choice for the {what}: {text!r} (choose from {choices})", what=what, text=text,
                             choices=", ".join(choices)))
    return value


def parse_format(text: Any) -> str:
    return parse_choice(text, FORMATS, msg("format"))


def parse_mode(text: Any) -> str:
    return parse_choice(text, MODES, msg("mode"))


def parse_dongle(text: Any) -> str:
    return parse_choice(text, DONGLES, msg("dongle"))


def parse_outputs(text: Any) -> str:
    """`stdout`, `file`, `cloud`, `all` (the seed's stdout+file+cloud), or a comma-separated list.

    Returned normalised (lower case, no spaces, no repeats, `all` kept as is)."""
    raw = parse_text(text)
    names = [part.strip().lower() for part in raw.split(",") if part.strip()]
    if not names:
        raise ValueError(msg("invalid choice: {text!r} (choose from {choices})", text=raw,
                             choices=", ".join((*OUTPUT_KINDS, ALL_OUTPUTS))))
    for name in names:
        if name not in (*OUTPUT_KINDS, ALL_OUTPUTS):
            raise ValueError(msg("invalid choice: {text!r} (choose from {choices}, or a comma-separated list)",
                                 text=name, choices=", ".join((*OUTPUT_KINDS, ALL_OUTPUTS))))
    return ",".join(dict.fromkeys(names))


def expand_outputs(output: str | None) -> tuple[str, ...]:
    """The output kinds to build, in a fixed order: () for none, stdout+file+cloud for `all`
    (the seed's meaning; `all,mqtt` adds to it)."""
    if not output:
        return ()
    names = set(output.split(","))
    if ALL_OUTPUTS in names:
        names |= {"stdout", "file", "cloud"}
    return tuple(kind for kind in OUTPUT_KINDS if kind in names)


def parse_fields(value: Any) -> tuple[str, ...]:
    """`--fields`: a comma-separated list (command line, environment) or a JSON list (settings file)
    of output field names; unknown or repeated names are refused with the valid ones listed."""
    from hems_desktop.reading import choose_fields

    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        names = [item.strip() for item in value]
    else:
        names = [part.strip() for part in parse_text(value).split(",")]
    return choose_fields(name.lower() for name in names if name)


def parse_route_b_id(value: Any) -> str:
    """32 ASCII letters and digits (from the power company); says how many were given."""
    text = parse_text(value).strip()
    try:
        check_route_b_id(text)
    except ProtocolError:
        if len(text) == ROUTE_B_ID_LENGTH:  # the length is right: say what else is wrong
            raise ValueError(msg("the B-route ID must be {length} letters and digits: it has other characters "
                                 "(spaces, hyphens or symbols)", length=ROUTE_B_ID_LENGTH)) from None
        raise ValueError(msg("the B-route ID must be {length} letters and digits ({given} given)",
                             length=ROUTE_B_ID_LENGTH, given=len(text))) from None
    return text


def parse_password(value: Any) -> str:
    """12 printable ASCII characters. The message gives the length, never the value."""
    text = parse_text(value)
    try:
        check_password(text)
    except ProtocolError:
        raise ValueError(msg("the B-route password must be {length} printable ASCII characters ({given} given)",
                             length=PASSWORD_LENGTH, given=len(text))) from None
    return text


def parse_history(value: Any) -> Path:
    """`--history` alone (True) means the default per-user database."""
    if value is True:
        from hems_desktop.settings.paths import default_history_path

        return default_history_path()
    return parse_path(value)


def format_channel(channel: int) -> str:
    return f"{channel:02X}"


def format_pan_id(pan_id: int) -> str:
    return f"{pan_id:04X}"
