"""Effective settings: command line > environment (+ `.env`) > settings file > defaults.

The resolver takes plain mappings: command-line values by option name (already parsed; None
or absent = not given), the environment, and the settings file's values. An empty
environment variable counts as unset; a `.env` file in the working folder fills in variables
the real environment does not set, never overriding them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hems_desktop.settings.dotenv import DOTENV_NAME, load_dotenv
from hems_desktop.settings.errors import ConfigError
from hems_desktop.settings.file import load_settings_file
from hems_desktop.settings.model import Settings
from hems_desktop.settings.paths import default_settings_path
from hems_desktop.settings.spec import CliKind, declared_options


def resolve_settings(
    cli: Mapping[str, Any],
    environ: Mapping[str, str],
    file_values: Mapping[str, Any] | None = None,
    *,
    dotenv: Mapping[str, str] | None = None,
    settings_path: Path | None = None,
) -> Settings:
    """One Settings from the sources, each value with its origin. Raises ConfigError."""
    file_values = file_values or {}
    dotenv = dotenv or {}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for declared in declared_options(Settings):
        name, spec = declared.name, declared.spec
        if cli.get(name) is not None:
            value = cli[name]
            if value is True and spec.cli is CliKind.OPTIONAL_VALUE:
                value = spec.parse(True)  # `--history` alone: the option's own default path
            values[name], origin[name] = value, "command line"
            continue
        if spec.env is not None:
            for source, where in ((environ, "environment"), (dotenv, "the .env file,")):
                raw = source.get(spec.env)
                if not raw:
                    continue
                try:
                    values[name] = spec.parse(raw)
                except ValueError as exc:
                    raise ConfigError(f"{where} variable {spec.env}: {exc}", option=name) from None
                origin[name] = f"{where} {spec.env}".replace(",", "")
                break
            if name in values:
                continue
        if spec.stored and name in file_values:
            values[name], origin[name] = file_values[name], "settings file"
            continue
        values[name] = declared.default()
        origin[name] = "unset" if spec.secret else "default"
    return Settings(settings_path=settings_path, origin=origin, **values)


def read_settings_file(path: Path | None, *, required: bool = False) -> dict[str, Any]:
    """The file's values; {} when there is no file (an error only when the user named it)."""
    if path is None:
        return {}
    if not path.exists():
        if required:
            raise ConfigError(f"settings file {path} does not exist")
        return {}
    return load_settings_file(path)


def load_settings(
    cli: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    settings_path: Path | None = None,
) -> Settings:
    """What the CLI does: the environment and `./.env`, the named (or default) file, then resolve.

    `settings_path` None means the per-user default file (missing is fine)."""
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if cwd is None else cwd
    named = settings_path is not None
    path = settings_path if settings_path is not None else default_settings_path()
    dotenv = {k: v for k, v in load_dotenv(folder / DOTENV_NAME).items() if v != ""}
    return resolve_settings(cli, environ, read_settings_file(path, required=named), dotenv=dotenv,
                            settings_path=path)
