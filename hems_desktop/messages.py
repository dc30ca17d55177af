"""User-facing messages that the GUI can translate: the English text plus its template and values.

`msg("serial port {port} not found", port=...)` is a `str` (logs, exceptions and the CLI use it
as is) that also remembers its template and parameters, so the desktop app can look the
template up in its translations (`QCoreApplication.translate("core", template)`) and format it
with the same values. `packaging/update_translations.py` collects the templates from `msg(`
calls in the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Message(str):
    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Message:
        values = dict(params or {})
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template = template
        text.params = values
        return text


def msg(template: str, **params: Any) -> Message:
    """A translatable message; `template` uses str.format fields ({port}, {count})."""
    return Message(template, params)


def as_message(text: object) -> Message | None:
    """The Message inside a value (an exception keeps its own), or None for a plain string."""
    if isinstance(text, Message):
        return text
    if isinstance(text, BaseException) and text.args and isinstance(text.args[0], Message):
        return text.args[0]
    return None
