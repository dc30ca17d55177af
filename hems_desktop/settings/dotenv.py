""".env files: KEY=VALUE lines that fill in variables the real environment does not set."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

from hems_desktop.settings.errors import ConfigError, describe_read_error

log = logging.getLogger("hems_desktop.settings")

DOTENV_NAME = ".env"
_ENV_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def load_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines (optional `export `, quotes, `#` comments). Missing file: {}.

    Bad lines are skipped with a warning naming only the line number (a line may hold a password).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {describe_read_error(exc)}") from None
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
