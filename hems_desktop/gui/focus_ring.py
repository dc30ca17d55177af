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
        self.target: QWidget | None = None  # the widget the ring is around now (tests read it)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)


    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        # Only the widget of the event is touched: a widget kept from earlier may be gone (and a
        # Python wrapper of a deleted widget is not safe to call).
        kind = event.type()
        if not isinstance(watched, QWidget):
            return False
        if kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
            if event.reason() in KEYBOARD_REASONS and not isinstance(watched, _Ring):
                self._around(watched)
            elif event.reason() == Qt.FocusReason.MouseFocusReason:
                self._hide_in(watched.window())
            # Other reasons (a window activated again, a popup closed) leave the ring where it is.
        elif kind == QEvent.Type.MouseButtonPress:
            self._hide_in(watched.window())  # the mouse took over
        elif kind == QEvent.Type.Resize and watched.isWindow():
            self._hide_in(watched)  # the layout moved under the ring
        return False

    def _around(self, widget: QWidget) -> None:
        window = widget.window()
        ring = window.findChild(_Ring, "", Qt.FindChildOption.FindDirectChildrenOnly)
        if ring is None:
            ring = _Ring(window)  # a child of the window: it goes with it
        top_left = widget.mapTo(window, widget.rect().topLeft())
        ring.setGeometry(QRect(top_left, widget.size()).adjusted(-WIDTH - 1, -WIDTH - 1, WIDTH + 1, WIDTH + 1))
        ring.raise_()
        ring.show()
        self.target = widget

    def _hide_in(self, window: QWidget) -> None:
        ring = window.findChild(_Ring, "", Qt.FindChildOption.FindDirectChildrenOnly)
        if ring is not None and ring.isVisible():
            ring.hide()
            self.target = None


_ring: FocusRing | None = None


def focus_ring(app: QApplication) -> FocusRing:
    """The application's one focus ring (an event filter must live as long as the application)."""
    global _ring
    if _ring is None:
        _ring = FocusRing(app)
        _ring.install(app)
    return _ring
