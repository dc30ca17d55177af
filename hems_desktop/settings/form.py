"""Values from a form (the settings dialog) through the options' own parsers.

The dialog hands over raw values by option name (text from a field, a number, a flag); an empty
text for an option whose default is None means "unset". Every bad field is reported at once,
each under its option's name, so the dialog can point at the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hems_desktop.messages import as_message
from hems_desktop.settings.errors import ConfigError
from hems_desktop.settings.spec import declared_options


class FormErrors(ConfigError):
    """One or more fields are wrong: `errors` maps option name -> message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors))
        super().__init__("; ".join(self.errors.values()), option=first)


def parse_form(cls: type[Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Parsed values for the options of `cls` present in `raw`. Raises FormErrors."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for declared in declared_options(cls):
        if declared.name not in raw:
            continue
        value = raw[declared.name]
        if isinstance(value, str) and not value.strip() and declared.default() is None:
            parsed[declared.name] = None
            continue
        try:
            parsed[declared.name] = declared.spec.parse(value)
        except ValueError as exc:
            errors[declared.name] = as_message(exc) or str(exc)  # the Message: the dialog translates it
    unknown = set(raw) - {d.name for d in declared_options(cls)}
    if unknown:
        raise ValueError(f"not options of {cls.__name__}: {', '.join(sorted(unknown))}")
    if errors:
        raise FormErrors(errors)
    return parsed
