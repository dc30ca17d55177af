"""Each settings error under its own field, in the UI language, gone as soon as it is fixed.

Fields are registered by option name (the names `settings.form.parse_form` reports errors
under); `show` puts each message under its field, lists them in a summary that names the tab
and the field, and brings the first one into view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from hems_desktop.gui.text import core_text
from hems_desktop.gui.theme import error_colour

_MNEMONIC = re.compile(r"\(&\w\)|&(?=\w)")  # "設定(&S)" and "&Settings" -> "設定", "Settings"


def _plain(caption: str) -> str:
    """A caption without its keyboard mnemonic, for running text."""
    return _MNEMONIC.sub("", caption)


@dataclass
class Field:
    name: str
    widget: QWidget
    caption: Callable[[], str]
    tab: int
    error_label: QLabel
    inline: bool = True  # False: the widget shows its own error (the tariff editor); the summary still lists it


class FieldErrors:
    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self.fields: dict[str, Field] = {}
        self.raw: dict[str, str] = {}  # the core's messages (re-translated on a language switch)
        self.shown: dict[str, str] = {}

    def wrap(self, name: str, widget: QWidget, caption: Callable[[], str], tab: int,
             extra: QWidget | None = None, inline: bool = True) -> QWidget:
        """The field with its (hidden) error line under it, for a form row."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error-{name}")
        error.setWordWrap(True)
        error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # long text never widens
        error.hide()
        layout.addWidget(error)
        if extra is not None:
            layout.addWidget(extra)
        self.fields[name] = Field(name, widget, caption, tab, error, inline)
        return box

    def show(self, errors: Mapping[str, str], focus: bool = True) -> None:
        self.raw = dict(errors)
        self.shown = {name: core_text(message) for name, message in errors.items()}
        for name, field in self.fields.items():
            message = self.shown.get(name)
            field.error_label.setVisible(message is not None and field.inline)
            field.error_label.setText(message or "")
            field.error_label.setStyleSheet(f"color: {error_colour(field.error_label.palette())};")
        if focus and self.shown:
            first = next((self.fields[n] for n in self.fields if n in self.shown), None)
            if first is not None:
                self.tabs.setCurrentIndex(first.tab)
                first.widget.setFocus()

    def clear(self) -> None:
        self.show({}, focus=False)

    def refresh(self) -> None:
        self.show(self.raw, focus=False)

    def summary(self) -> str:
        """"Connection › B-route ID: …" per error, in the order of the tabs."""
        lines = []
        for name, field in self.fields.items():
            if name in self.shown:
                lines.append(f"{_plain(self.tabs.tabText(field.tab))} › {_plain(field.caption())}: {self.shown[name]}")
        lines += [message for name, message in self.shown.items() if name not in self.fields]
        return "\n".join(lines)
