"""The command-line shells: `hems-collector` (and its `export` subcommand)."""

from hems_desktop.cli.collector import main

__all__ = ["main"]
