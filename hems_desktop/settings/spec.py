"""How an option is declared once: `option(default, ...)` on a dataclass field.

The field's name is the option's name everywhere (settings-file key, argparse dest, dialog
field); its metadata says where else the value may come from. The command-line parser, the
environment reader, the settings-file reader and writer, the resolver and the settings dialog
all iterate over these fields, so adding an option is one field plus, in the app, its widget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class CliKind(str, Enum):
    NONE = "none"  # not on the command line
    VALUE = "value"  # --flag VALUE
    SWITCH = "switch"  # --flag (True when given)
    OPTIONAL_VALUE = "optional-value"  # --flag [VALUE]: True when given alone
    BOOLEAN = "boolean"  # --flag / --no-flag


@dataclass(frozen=True)
class OptionSpec:
    parse: Callable[[Any], Any]  # raw value -> typed value; ValueError with a one-line message
    env: str | None = None  # environment variable (an empty one counts as unset)
    flags: tuple[str, ...] = ()  # command-line spellings, e.g. ("-o", "--output")
    cli: CliKind = CliKind.NONE
    help: str = ""  # command-line help; "%(default)s" is the shown default
    metavar: str | None = None
    shown_default: str | None = None  # the default as the help text shows it
    stored: bool = True  # read from and written to the settings file
    dump: Callable[[Any], Any] | None = None  # value -> JSON for the settings file (default: as is)
    secret: bool = False  # never in a file, never in a log line


def option(default: T, *, shown: bool = True, **spec: Any) -> T:
    """A dataclass field declaring one option (see OptionSpec for the keywords); `shown=False`
    keeps the value out of `repr` (the password)."""
    return dataclasses.field(
        default=default, repr=shown, metadata={"option": OptionSpec(**spec)}
    )


def option_factory(factory: Callable[[], T], **spec: Any) -> T:
    return dataclasses.field(default_factory=factory, metadata={"option": OptionSpec(**spec)})


@dataclass(frozen=True)
class DeclaredOption:
    name: str
    spec: OptionSpec
    field: dataclasses.Field[Any]

    def default(self) -> Any:
        if self.field.default is not dataclasses.MISSING:
            return self.field.default
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return None

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        if self.spec.dump is not None:
            return self.spec.dump(value)
        return str(value) if isinstance(value, Path) else value


def declared_options(cls: type[Any]) -> tuple[DeclaredOption, ...]:
    """The options a settings dataclass declares, in field order."""
    found = []
    for item in dataclasses.fields(cls):
        spec = item.metadata.get("option")
        if isinstance(spec, OptionSpec):
            found.append(DeclaredOption(item.name, spec, item))
    return tuple(found)
