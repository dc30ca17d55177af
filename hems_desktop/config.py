"""Effective settings of a run: CLI > environment (+ `.env`) > settings file > defaults.

The seed's environment variables and defaults are a compatibility contract:

====================  ======================================================
B_ROUTE_ID            B-route authentication ID (no default)
B_ROUTE_PASSWORD      B-route password (no default; never stored in a file)
SERIAL_PORT           serial port (see `default_serial_port`)
SERIAL_RATE           baud rate (115200)
GCP_PROJECT_ID        Pub/Sub project ("your-project-id")
GCP_TOPIC_NAME        Pub/Sub topic ("hems-data")
====================  ======================================================

An empty environment variable counts as unset. A `.env` file in the working folder fills in
variables that are not set in the real environment; it never overrides them.

The settings file is JSON written by the desktop app (``{"version": 1, ...}``). It never holds
the password: a file that does is still loaded, the password is ignored and a warning logged.

The B-route password never appears in `repr`/`str` of `Settings`, in log lines or in error
messages of this module. Use `Settings.redacted()` for debug logging.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import ipaddress
import json
import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hems_desktop.protocol.dialects import PRODUCTS, DialectName

log = logging.getLogger(__name__)

APP_NAME = "hems-desktop"
SETTINGS_VERSION = 1
SETTINGS_FILE_NAME = "settings.json"
HISTORY_FILE_NAME = "history.sqlite3"
DOTENV_NAME = ".env"

# Seed defaults.
DEFAULT_BAUDRATE = 115200
DEFAULT_FORMAT = "json"
DEFAULT_FILE = "hems_data.dat"
DEFAULT_PROJECT = "your-project-id"
DEFAULT_TOPIC = "hems-data"
DEFAULT_MODE = "schedule"
DEFAULT_SCHEDULE = "*/5 * * * *"
DEFAULT_INTERVAL = 300
DEFAULT_DONGLE = "auto"

OUTPUTS = ("stdout", "file", "cloud", "all")
FORMATS = ("json", "yaml", "csv")
MODES = ("schedule", "interval")
DONGLES = (DEFAULT_DONGLE, *(d.value for d in DialectName), *PRODUCTS)

# The seed's environment variables.
ENV_ROUTE_B_ID = "B_ROUTE_ID"
ENV_ROUTE_B_PASSWORD = "B_ROUTE_PASSWORD"
ENV_SERIAL_PORT = "SERIAL_PORT"
ENV_SERIAL_RATE = "SERIAL_RATE"
ENV_PROJECT = "GCP_PROJECT_ID"
ENV_TOPIC = "GCP_TOPIC_NAME"

# Wi-SUN channels 33..60 (0x21..0x3C), as EPANDESC prints them.
CHANNEL_MIN = 0x21
CHANNEL_MAX = 0x3C

_HEX_RE = re.compile(r"(?:0[xX])?([0-9A-Fa-f]+)")
_ENV_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(Exception):
    """A bad setting. The message is one line and never contains the B-route password."""


# --------------------------------------------------------------------------- value parsers
# Each raises ValueError with a one-line message (args.py turns it into an argparse error,
# the environment and settings-file readers into a ConfigError naming the source).


def default_serial_port(platform: str | None = None) -> str:
    """The seed's /dev/ttyUSB0 on Linux and other Unixes; COM3 on Windows; on macOS the FTDI
    name /dev/cu.usbserial (real ports carry a suffix: see `hems-collector --list-ports`)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return "COM3"
    if platform == "darwin":
        return "/dev/cu.usbserial"
    return "/dev/ttyUSB0"


def parse_positive_int(text: str | int) -> int:
    if isinstance(text, bool):
        raise ValueError(f"expected a positive integer, got {text!r}")
    if isinstance(text, int):
        value = text
    elif not isinstance(text, str):
        raise ValueError(f"expected a positive integer, got {text!r}")
    else:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise ValueError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"expected a positive integer, got {text!r}")
    return value


def _parse_hex(text: str | int, what: str, digits: int | None) -> int:
    if isinstance(text, bool):
        raise ValueError(f"invalid {what} {text!r}")
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        raise ValueError(f"invalid {what} {text!r}")
    match = _HEX_RE.fullmatch(text.strip())
    if match is None or (digits is not None and len(match.group(1)) != digits):
        shape = f"{digits} hex digits" if digits else "a hex number"
        raise ValueError(f"invalid {what} {text!r}: expected {shape}")
    return int(match.group(1), 16)


def parse_channel(text: str | int) -> int:
    """Channel as the dongle prints it in EPANDESC (hex, e.g. "3B"); an int is taken as is."""
    value = _parse_hex(text, "meter channel", None)
    if not CHANNEL_MIN <= value <= CHANNEL_MAX:
        raise ValueError(
            f"invalid meter channel {text!r}: expected hex {CHANNEL_MIN:X}..{CHANNEL_MAX:X} (as in EPANDESC)"
        )
    return value


def parse_pan_id(text: str | int) -> int:
    """PAN ID as the dongle prints it in EPANDESC: 4 hex digits (e.g. "8CF5")."""
    value = _parse_hex(text, "meter PAN ID", 4)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"invalid meter PAN ID {text!r}: expected 4 hex digits")
    return value


def parse_ipv6(text: str) -> str:
    """Full or compressed IPv6; returned in the dongle's 39-character upper-case form."""
    try:
        address = ipaddress.IPv6Address(text.strip())
    except (ipaddress.AddressValueError, AttributeError):
        raise ValueError(f"invalid meter IPv6 address {text!r}") from None
    return address.exploded.upper()


def parse_cron(text: str) -> str:
    """A crontab expression croniter accepts and that has at least one future time."""
    from croniter import croniter  # deferred: keeps `--help` fast

    expr = " ".join(text.split())
    if not expr or not croniter.is_valid(expr):
        raise ValueError(f"invalid cron expression {text!r}")
    try:
        croniter(expr).get_next(float)
    except ValueError:  # CroniterBadDateError: e.g. "0 0 31 2 *"
        raise ValueError(f"cron expression {text!r} never matches") from None
    return expr


def parse_choice(text: str, choices: tuple[str, ...], what: str) -> str:
    value = text.strip().lower()
    if value not in choices:
        raise ValueError(f"invalid {what} {text!r} (choose from {', '.join(choices)})")
    return value


def parse_dongle(text: str) -> str:
    return parse_choice(text, DONGLES, "dongle")


def format_channel(channel: int) -> str:
    return f"{channel:02X}"


def format_pan_id(pan_id: int) -> str:
    return f"{pan_id:04X}"


# --------------------------------------------------------------------------- paths


def default_settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE_NAME


def default_history_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / HISTORY_FILE_NAME


# --------------------------------------------------------------------------- Settings


@dataclass(frozen=True)
class Settings:
    """Every effective setting of one run. `origin` says where each value came from."""

    route_b_id: str | None = None
    route_b_password: str | None = field(default=None, repr=False)
    serial_port: str = field(default_factory=default_serial_port)
    baudrate: int = DEFAULT_BAUDRATE
    dongle: str = DEFAULT_DONGLE
    meter_channel: int | None = None
    meter_pan_id: int | None = None
    meter_ipv6: str | None = None
    output: str | None = None
    format: str = DEFAULT_FORMAT
    file: Path = Path(DEFAULT_FILE)
    project: str = DEFAULT_PROJECT
    topic: str = DEFAULT_TOPIC
    mode: str = DEFAULT_MODE
    schedule: str = DEFAULT_SCHEDULE
    interval: int = DEFAULT_INTERVAL
    count: int | None = None
    demo: bool = False
    debug: bool = False
    history: Path | None = None
    keep_days: int | None = None  # thin raw readings in the history older than this; None: keep all
    settings_path: Path | None = None
    origin: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        return repr(self)

    @property
    def has_password(self) -> bool:
        return bool(self.route_b_password)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The outputs to build: () when none was chosen, stdout+file+cloud for "all"."""
        if self.output is None:
            return ()
        if self.output == "all":
            return ("stdout", "file", "cloud")
        return (self.output,)

    def redacted(self) -> dict[str, Any]:
        """Every setting for debug logging: password hidden, B-route ID shortened."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "origin":
                continue
            value = getattr(self, f.name)
            if f.name == "route_b_password":
                value = "<set>" if value else None
            elif f.name == "route_b_id" and value:
                value = "*" * max(0, len(value) - 4) + value[-4:]
            elif isinstance(value, Path):
                value = str(value)
            values[f.name] = value
        values["origin"] = dict(self.origin)
        return values


# --------------------------------------------------------------------------- .env


def load_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines (optional `export `, quotes, `#` comments). Missing file: {}.

    Bad lines are skipped with a warning naming only the line number (a line may hold a password).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {_reason(exc)}") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[len("export") :].lstrip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        if not sep or not _ENV_KEY_RE.fullmatch(key):
            log.warning("%s line %d: not KEY=VALUE, ignored", path, number)
            continue
        value = _dotenv_value(rest.strip())
        if value is None:
            log.warning("%s line %d: unterminated quote, ignored", path, number)
            continue
        values[key] = value
    return values


def _dotenv_value(text: str) -> str | None:
    if text[:1] in ("'", '"'):
        quote = text[0]
        out: list[str] = []
        i = 1
        while i < len(text):
            char = text[i]
            if quote == '"' and char == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                i += 2
                continue
            if char == quote:
                tail = text[i + 1 :].strip()
                if tail and not tail.startswith("#"):
                    return None
                return "".join(out)
            out.append(char)
            i += 1
        return None
    # Unquoted: a `#` preceded by whitespace starts a comment; "ab#cd" stays as is.
    match = re.search(r"\s#", text)
    return (text[: match.start()] if match else text).strip()


def environ_with_dotenv(environ: Mapping[str, str], dotenv_path: Path) -> dict[str, str]:
    """`environ` plus the `.env` variables it does not already have (non-empty)."""
    merged = dict(load_dotenv(dotenv_path))
    merged.update({k: v for k, v in environ.items() if v != "" or k not in merged})
    return merged


# --------------------------------------------------------------------------- settings file

# Settings-file key -> parser. The password is deliberately absent.
_FILE_KEYS: dict[str, Any] = {
    "route_b_id": str,
    "serial_port": str,
    "baudrate": parse_positive_int,
    "dongle": parse_dongle,
    "meter_channel": parse_channel,
    "meter_pan_id": parse_pan_id,
    "meter_ipv6": parse_ipv6,
    "output": lambda v: parse_choice(v, OUTPUTS, "output"),
    "format": lambda v: parse_choice(v, FORMATS, "format"),
    "file": Path,
    "project": str,
    "topic": str,
    "mode": lambda v: parse_choice(v, MODES, "mode"),
    "schedule": parse_cron,
    "interval": parse_positive_int,
    "history": Path,
    "keep_days": parse_positive_int,
    "desktop": dict,  # the desktop app's own preferences (see hems_desktop.preferences)
}
_STRING_KEYS = {"route_b_id", "serial_port", "file", "project", "topic", "history", "meter_ipv6",
                "dongle", "output", "format", "mode", "schedule"}


def load_settings_file(path: Path) -> dict[str, Any]:
    """Parse and validate a settings file. Unknown keys are ignored (newer app), null = unset."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {_reason(exc)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"settings file {path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid JSON (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"settings file {path} must hold a JSON object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ConfigError(f"settings file {path} has no valid \"version\"")
    if version > SETTINGS_VERSION:
        raise ConfigError(
            f"settings file {path} is version {version}, written by a newer HEMS Desktop "
            f"(this one reads version {SETTINGS_VERSION})"
        )
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "version":
            continue
        if "password" in key.lower():
            log.warning("settings file %s contains %r: ignored, the password is never read from files",
                        path, key)
            continue
        parser = _FILE_KEYS.get(key)
        if parser is None:
            log.warning("settings file %s: unknown key %r ignored", path, key)
            continue
        if raw is None:
            continue
        if key in _STRING_KEYS and not isinstance(raw, str):
            raise ConfigError(f"settings file {path}: {key!r} must be a string")
        try:
            values[key] = parser(raw)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"settings file {path}: {key!r}: {exc}") from None
    return values


def settings_file_data(settings: Settings) -> dict[str, Any]:
    """The JSON object `save_settings_file` writes (no password, no per-run flags)."""
    return {
        "version": SETTINGS_VERSION,
        "route_b_id": settings.route_b_id,
        "serial_port": settings.serial_port,
        "baudrate": settings.baudrate,
        "dongle": settings.dongle,
        "meter_channel": None if settings.meter_channel is None else format_channel(settings.meter_channel),
        "meter_pan_id": None if settings.meter_pan_id is None else format_pan_id(settings.meter_pan_id),
        "meter_ipv6": settings.meter_ipv6,
        "output": settings.output,
        "format": settings.format,
        "file": str(settings.file),
        "project": settings.project,
        "topic": settings.topic,
        "mode": settings.mode,
        "schedule": settings.schedule,
        "interval": settings.interval,
        "history": None if settings.history is None else str(settings.history),
        "keep_days": settings.keep_days,
    }


def save_settings_file(path: Path, settings: Settings, extra: Mapping[str, Any] | None = None) -> None:
    """Write atomically (temp file + fsync + rename), mode 0600, never the password.

    `extra` adds top-level keys (the desktop app's "desktop" preferences).
    """
    import tempfile

    data = settings_file_data(settings)
    for key, value in (extra or {}).items():
        if "password" in key.lower():
            raise ValueError("passwords are never written to the settings file")
        data[key] = value
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot write settings file {path}: {_reason(exc)}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            with contextlib.suppress(OSError):  # no-op on Windows
                os.chmod(tmp, 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ConfigError(f"cannot write settings file {path}: {_reason(exc)}") from None
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return type(exc).__name__


# --------------------------------------------------------------------------- resolution


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    return value if value else None


def resolve_settings(
    args: argparse.Namespace, environ: Mapping[str, str], settings_file: Path | None
) -> Settings:
    """CLI > environment > settings file > defaults. `settings_file` None: no file.

    A missing settings file is fine unless it was named with --settings.
    """
    file_values: dict[str, Any] = {}
    if settings_file is not None:
        if settings_file.exists():
            file_values = load_settings_file(settings_file)
        elif getattr(args, "settings", None) is not None:
            raise ConfigError(f"settings file {settings_file} does not exist")

    origin: dict[str, str] = {}
    values: dict[str, Any] = {}

    def pick(name: str, cli: Any, env_name: str | None, env_parser: Any, default: Any) -> None:
        if cli is not None:
            values[name], origin[name] = cli, "command line"
            return
        if env_name is not None:
            raw = _env(environ, env_name)
            if raw is not None:
                try:
                    values[name] = env_parser(raw) if env_parser is not None else raw
                except ValueError as exc:
                    raise ConfigError(f"environment variable {env_name}: {exc}") from None
                origin[name] = f"environment {env_name}"
                return
        if name in file_values:
            values[name], origin[name] = file_values[name], "settings file"
            return
        values[name], origin[name] = default, "default"

    def cli(name: str) -> Any:
        return getattr(args, name, None)

    pick("route_b_id", None, ENV_ROUTE_B_ID, None, None)
    pick("serial_port", cli("port"), ENV_SERIAL_PORT, None, default_serial_port())
    pick("baudrate", cli("baudrate"), ENV_SERIAL_RATE, parse_positive_int, DEFAULT_BAUDRATE)
    pick("dongle", cli("dongle"), None, None, DEFAULT_DONGLE)
    pick("meter_channel", cli("meter_channel"), None, None, None)
    pick("meter_pan_id", cli("meter_panid"), None, None, None)
    pick("meter_ipv6", cli("meter_ipv6"), None, None, None)
    pick("output", cli("output"), None, None, None)
    pick("format", cli("format"), None, None, DEFAULT_FORMAT)
    pick("file", None if cli("file") is None else Path(cli("file")), None, None, Path(DEFAULT_FILE))
    pick("project", cli("project"), ENV_PROJECT, None, DEFAULT_PROJECT)
    pick("topic", cli("topic"), ENV_TOPIC, None, DEFAULT_TOPIC)
    pick("mode", cli("mode"), None, None, DEFAULT_MODE)
    pick("schedule", cli("schedule"), None, None, DEFAULT_SCHEDULE)
    pick("interval", cli("interval"), None, None, DEFAULT_INTERVAL)
    history = cli("history")
    if history is True:  # bare --history
        history = default_history_path()
    elif history is not None:
        history = Path(history)
    pick("history", history, None, None, None)
    pick("keep_days", cli("keep_days"), None, None, None)

    password = _env(environ, ENV_ROUTE_B_PASSWORD)
    origin["route_b_password"] = f"environment {ENV_ROUTE_B_PASSWORD}" if password else "unset"

    return Settings(
        route_b_password=password,
        count=cli("count"),
        demo=bool(cli("demo")),
        debug=bool(cli("debug")),
        settings_path=settings_file,
        origin=origin,
        **values,
    )


def settings_path_from_args(args: argparse.Namespace) -> Path:
    value = getattr(args, "settings", None)
    return Path(value) if value is not None else default_settings_path()


def load_settings(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Settings:
    """What the CLI does: environment + `./.env`, the --settings (or default) file, then resolve."""
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if cwd is None else cwd
    merged = environ_with_dotenv(environ, folder / DOTENV_NAME)
    return resolve_settings(args, merged, settings_path_from_args(args))
