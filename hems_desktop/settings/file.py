"""The settings file: versioned JSON written by the desktop app (``{"version": 1, ...}``).

It holds every option declared `stored` (see model.py) plus a few sections owned by other
parts ("desktop" preferences, the "tariff"). It never holds the password: a file that does is
still loaded, the password is ignored and a warning logged. Writes are atomic (temp file,
fsync, rename) with mode 0600.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hems_desktop.settings.errors import ConfigError, describe_read_error
from hems_desktop.settings.model import Settings
from hems_desktop.settings.spec import DeclaredOption, declared_options

log = logging.getLogger("hems_desktop.settings")

SETTINGS_VERSION = 1
SECTIONS = ("desktop", "tariff")  # top-level objects other parts own; passed through as they are


def stored_options() -> tuple[DeclaredOption, ...]:
    return tuple(o for o in declared_options(Settings) if o.spec.stored and not o.spec.secret)


def load_settings_file(path: Path) -> dict[str, Any]:
    """Parse and validate a settings file. Unknown keys are ignored (newer app), null = unset."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (Windows Notepad) is fine
    except UnicodeDecodeError:
        raise ConfigError(f"settings file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {describe_read_error(exc)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg.lower()})") from None
    except RecursionError:
        raise ConfigError(f"settings file {path} is nested too deeply to be a settings file") from None
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
    by_name = {o.name: o for o in stored_options()}
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "version":
            continue
        if "password" in key.lower():
            log.warning("settings file %s contains %r: ignored, the password is never read from files", path, key)
            continue
        if key in SECTIONS:
            if raw is not None:
                values[key] = raw
            continue
        declared = by_name.get(key)
        if declared is None:
            log.warning("settings file %s: unknown key %r ignored", path, key)
            continue
        if raw is None:
            continue
        try:
            values[key] = declared.spec.parse(raw)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"settings file {path}: {key!r}: {exc}", option=key) from None
    return values


def settings_file_data(settings: Settings) -> dict[str, Any]:
    """The JSON object `save_settings_file` writes (no password, no per-run flags)."""
    data: dict[str, Any] = {"version": SETTINGS_VERSION}
    for declared in stored_options():
        data[declared.name] = declared.to_json(getattr(settings, declared.name))
    return data


def save_settings_file(path: Path, settings: Settings, extra: Mapping[str, Any] | None = None) -> None:
    """Write atomically (temp file + fsync + rename), mode 0600, never the password.

    `extra` adds top-level sections (the desktop app's "desktop" preferences, the "tariff").
    """
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
        raise ConfigError(f"cannot write settings file {path}: {describe_read_error(exc)}") from None
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
        raise ConfigError(f"cannot write settings file {path}: {describe_read_error(exc)}") from None
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
