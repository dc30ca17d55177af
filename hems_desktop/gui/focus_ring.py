"""A visible keyboard focus: a ring in the highlight colour around the widget Tab moved to.

Some styles mark a focused button or tab with a tint that is hard to see (Fusion on Linux), so
keyboard users lose their place. One application-wide event filter watches focus changes: a
focus that came from the keyboard (Tab, Shift+Tab, a mnemonic) gets the ring, one from the mouse
does not. The ring is a child of the window, on top, and lets mouse events through.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QFocusEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget

KEYBOARD_REASONS = {Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.ShortcutFocusReason}
WIDTH = 2


class _Ring(QWidget):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), WIDTH))
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 3, 3)


class FocusRing(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rings: dict[int, _Ring] = {}
        self.target: QWidget | None = None  # the widget the ring is around now (tests read it)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        kind = event.type()
        if kind == QEvent.Type.FocusIn and isinstance(watched, QWidget) and isinstance(event, QFocusEvent):
            if event.reason() in KEYBOARD_REASONS and not isinstance(watched, _Ring):
                self._around(watched)
            else:
                self._hide()
        elif self.target is not None and (kind == QEvent.Type.MouseButtonPress or (
                kind == QEvent.Type.Resize and watched is self.target.window())):
            self._hide()  # the mouse took over, or the layout moved under the ring
        return False

    def _around(self, widget: QWidget) -> None:
        window = widget.window()
        key = id(window)
        ring = self._rings.get(key)
        if ring is None:
            ring = self._rings[key] = _Ring(window)
            window.destroyed.connect(lambda _=None: self._rings.pop(key, None))
        self._hide()
        top_left = widget.mapTo(window, widget.rect().topLeft())
        ring.setGeometry(QRect(top_left, widget.size()).adjusted(-WIDTH - 1, -WIDTH - 1, WIDTH + 1, WIDTH + 1))
        ring.raise_()
        ring.show()
        self.target = widget

    def _hide(self) -> None:
        for ring in self._rings.values():
            ring.hide()
        self.target = None
