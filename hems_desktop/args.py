"""The `hems-collector` command line: the seed's options (names, short forms, choices) plus ours.

Options whose value may also come from the environment or the settings file default to None
here; `hems_desktop.config.resolve_settings` applies CLI > environment > settings file > the
seed's defaults (shown in the help texts).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from hems_desktop import __version__
from hems_desktop.config import (
    DEFAULT_BAUDRATE,
    DEFAULT_DONGLE,
    DEFAULT_FILE,
    DEFAULT_FORMAT,
    DEFAULT_INTERVAL,
    DEFAULT_MODE,
    DEFAULT_PROJECT,
    DEFAULT_SCHEDULE,
    DEFAULT_TOPIC,
    DONGLES,
    FORMATS,
    MODES,
    OUTPUTS,
    parse_channel,
    parse_cron,
    parse_dongle,
    parse_ipv6,
    parse_pan_id,
    parse_positive_int,
)

PROG = "hems-collector"


def _argtype(parser: Callable[[str], Any], name: str) -> Callable[[str], Any]:
    """Wrap a config parser so argparse prints its one-line message (exit status 2)."""

    def convert(text: str) -> Any:
        try:
            return parser(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = name  # argparse uses it in some messages
    return convert


class _ListPortsAction(argparse.Action):
    """--list-ports: print the serial ports with their descriptions, then exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        lines = list_serial_ports()
        print("\n".join(lines) if lines else "no serial ports found")
        parser.exit(0)


def list_serial_ports() -> list[str]:
    """One line per port: device, description and hardware ID (USB VID:PID helps spot dongles)."""
    from serial.tools import list_ports  # deferred: only this option needs it

    lines = []
    for port in sorted(list_ports.comports(), key=lambda p: str(p.device)):
        parts = [str(port.device)]
        if port.description and port.description != "n/a":
            parts.append(str(port.description))
        if port.hwid and port.hwid != "n/a":
            parts.append(f"[{port.hwid}]")
        lines.append("  ".join(parts))
    return lines


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read a Japanese smart electric meter over the Wi-SUN B-route and output the readings.",
        epilog=(
            "Environment: B_ROUTE_ID, B_ROUTE_PASSWORD, SERIAL_PORT, SERIAL_RATE, GCP_PROJECT_ID, "
            "GCP_TOPIC_NAME (a .env file in the working folder is read too). "
            "Precedence: command line > environment > settings file > defaults."
        ),
    )
    # --- the seed's options
    parser.add_argument(
        "-o", "--output", choices=OUTPUTS, default=None,
        help="output type (default: none, readings are only logged to stderr)",
    )
    parser.add_argument("-f", "--format", choices=FORMATS, default=None,
                        help=f"output format (default: {DEFAULT_FORMAT})")
    parser.add_argument("--file", default=None, metavar="PATH",
                        help=f"file path for --output file (default: {DEFAULT_FILE})")
    parser.add_argument("--project", default=None,
                        help=f"Google Cloud project ID (default: $GCP_PROJECT_ID or {DEFAULT_PROJECT})")
    parser.add_argument("--topic", default=None,
                        help=f"Pub/Sub topic name (default: $GCP_TOPIC_NAME or {DEFAULT_TOPIC})")
    parser.add_argument(
        "--port", default=None,
        help="serial port of the Wi-SUN dongle (default: $SERIAL_PORT or /dev/ttyUSB0, COM3 on Windows)",
    )
    parser.add_argument("--baudrate", type=_argtype(parse_positive_int, "baudrate"), default=None,
                        help=f"serial baud rate (default: $SERIAL_RATE or {DEFAULT_BAUDRATE})")
    parser.add_argument("--meter-channel", type=_argtype(parse_channel, "channel"), default=None,
                        metavar="HEX",
                        help="meter channel as EPANDESC prints it, 21..3C (default: scan)")
    parser.add_argument("--meter-panid", type=_argtype(parse_pan_id, "pan_id"), default=None, metavar="HEX",
                        help="meter PAN ID as EPANDESC prints it, e.g. 8CF5 (default: scan)")
    parser.add_argument("--meter-ipv6", type=_argtype(parse_ipv6, "ipv6"), default=None, metavar="ADDRESS",
                        help="meter IPv6 address, full or compressed (default: from the scan)")
    parser.add_argument("--mode", choices=MODES, default=None,
                        help=f"when to read: cron schedule or fixed interval (default: {DEFAULT_MODE})")
    parser.add_argument("-s", "--schedule", type=_argtype(parse_cron, "cron"), default=None, metavar="CRON",
                        help=f"crontab schedule for --mode schedule (default: '{DEFAULT_SCHEDULE}')")
    parser.add_argument("-i", "--interval", type=_argtype(parse_positive_int, "interval"), default=None,
                        metavar="SECONDS",
                        help=f"seconds between readings for --mode interval (default: {DEFAULT_INTERVAL})")
    parser.add_argument("--debug", action="store_true", help="verbose logging")
    # --- additions
    parser.add_argument("--demo", action="store_true",
                        help="read the built-in meter emulator, no dongle needed")
    parser.add_argument("--count", type=_argtype(parse_positive_int, "count"), default=None, metavar="N",
                        help="exit after N readings (default: run until stopped)")
    parser.add_argument(
        "--dongle", type=_argtype(parse_dongle, "dongle"), default=None, metavar="KIND",
        help=f"dongle dialect or product: {', '.join(DONGLES)} (default: {DEFAULT_DONGLE})",
    )
    parser.add_argument("--history", nargs="?", const=True, default=None, metavar="PATH",
                        help="also keep readings in a local SQLite history (default path if PATH is omitted)")
    parser.add_argument("--keep-days", type=_argtype(parse_positive_int, "--keep-days"), default=None, metavar="N",
                        help="with --history: delete raw readings older than N days (half-hourly values stay)")
    parser.add_argument("--settings", default=None, metavar="PATH",
                        help="settings file (default: settings.json in the per-user config folder)")
    parser.add_argument("--list-ports", action=_ListPortsAction, help="list serial ports and exit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser
