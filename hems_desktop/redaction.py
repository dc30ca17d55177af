"""Secrets out of text: the last line of defence before anything is logged or shown."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "********"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in `text` (the B-route password, the MQTT password, ...)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def mask_id(value: str) -> str:
    """Enough of an identifier to tell two apart (the last 4 characters), never the whole."""
    return "*" * max(0, len(value) - 4) + value[-4:]
