"""The `hems-collector` command line, built from the declared options (settings/model.py).

Every option defaults to None here (not given), so the resolver can apply CLI > environment >
settings file > the seed's defaults (shown in the help texts).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from hems_desktop import __version__
from hems_desktop.settings import Settings
from hems_desktop.settings.spec import CliKind, declared_options

PROG = "hems-collector"
META_OPTIONS = ("settings",)  # command-line values that are not settings themselves


def _argtype(parse: Callable[[Any], Any], name: str) -> Callable[[str], Any]:
    """Wrap an option's parser so argparse prints its one-line message (exit status 2)."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
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
        from hems_desktop.device.ports import list_serial_ports

        lines = list_serial_ports()
        print("\n".join(lines) if lines else "no serial ports found")
        parser.exit(0)


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
    for declared in declared_options(Settings):
        spec = declared.spec
        if spec.cli is CliKind.NONE:
            continue
        if spec.cli is CliKind.SWITCH:
            parser.add_argument(*spec.flags, dest=declared.name, action="store_const", const=True, default=None,
                                help=spec.help)
            continue
        if spec.cli is CliKind.BOOLEAN:
            parser.add_argument(*spec.flags, dest=declared.name, action=argparse.BooleanOptionalAction,
                                default=None, help=spec.help)
            continue
        extra: dict[str, Any] = {"nargs": "?", "const": True} if spec.cli is CliKind.OPTIONAL_VALUE else {}
        parser.add_argument(*spec.flags, dest=declared.name, type=_argtype(spec.parse, declared.name), default=None,
                            metavar=spec.metavar, help=spec.help, **extra)
    parser.add_argument("--settings", default=None, metavar="PATH",
                        help="settings file (default: settings.json in the per-user config folder)")
    parser.add_argument("--list-ports", action=_ListPortsAction, help="list serial ports and exit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def cli_values(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed command line as a plain mapping of option name -> value (None: not given)."""
    return {name: value for name, value in vars(args).items() if name not in META_OPTIONS}
