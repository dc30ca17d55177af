"""Live language switching: every visible string is bound once to the code that makes it.

A widget binds each text it shows (`texts.bind(label.setText, lambda: self.tr("Usage"))`);
`texts.refresh()` runs them all again after the translators changed, so a label never keeps the
old language. The tr() calls stay literal, where lupdate finds them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent


class Texts:
    def __init__(self) -> None:
        self._bindings: list[Callable[[], None]] = []

    def bind(self, setter: Callable[[str], object], make: Callable[[], str]) -> None:
        """Show make() through setter now, and again on every refresh."""
        def apply() -> None:
            setter(make())

        apply()
        self._bindings.append(apply)

    def call(self, apply: Callable[[], None]) -> None:
        """Any other piece of text work (a combo box's items, a legend) run now and on every refresh."""
        apply()
        self._bindings.append(apply)

    def refresh(self) -> None:
        for apply in self._bindings:
            apply()


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange
