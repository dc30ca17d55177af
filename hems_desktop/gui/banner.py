"""Message bars at the top of the window: demo mode, a missing dongle, a notification with no
notification service, a folder that could not be opened. Texts are made by callables, so a
language switch re-makes them; colours follow the palette.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from hems_desktop.gui.retranslate import is_language_change
from hems_desktop.gui.theme import error_colour, is_dark, warning_colour


class Kind(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass
class BannerSpec:
    text: Callable[[], str]
    kind: Kind = Kind.INFO
    actions: list[tuple[Callable[[], str], Callable[[], None]]] = field(default_factory=list)
    closable: bool = True


class Banner(QFrame):
    def __init__(self, key: str, spec: BannerSpec, on_close: Callable[[str], None]) -> None:
        super().__init__()
        self.key = key
        self.spec = spec
        self.setObjectName(f"banner-{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens
        layout.addWidget(self.label, 1)
        self.buttons: list[tuple[QPushButton, Callable[[], str]]] = []
        for make_label, callback in spec.actions:
            button = QPushButton()
            button.clicked.connect(lambda _=False, c=callback: c())
            layout.addWidget(button)
            self.buttons.append((button, make_label))
        self.close_button: QPushButton | None = None
        if spec.closable:
            self.close_button = QPushButton("×")
            self.close_button.setFlat(True)
            self.close_button.setFixedWidth(28)
            self.close_button.clicked.connect(lambda: on_close(key))
            layout.addWidget(self.close_button)
        self.refresh()

    def refresh(self) -> None:
        self.label.setText(self.spec.text())
        for button, make_label in self.buttons:
            button.setText(make_label())
        if self.close_button is not None:
            self.close_button.setToolTip(self.tr("Close this message"))
        palette = QApplication.palette()  # not our own: our style sheet changes that one
        text = {Kind.ERROR: error_colour(palette), Kind.WARNING: warning_colour(palette)}.get(self.spec.kind)
        window = palette.window().color()
        tint = QColor({Kind.ERROR: "#c62828", Kind.WARNING: "#f9a825"}.get(self.spec.kind, "#1e88e5"))
        tint.setAlpha(60 if is_dark(palette) else 40)
        mixed = QColor.fromRgbF(
            window.redF() * (1 - tint.alphaF()) + tint.redF() * tint.alphaF(),
            window.greenF() * (1 - tint.alphaF()) + tint.greenF() * tint.alphaF(),
            window.blueF() * (1 - tint.alphaF()) + tint.blueF() * tint.alphaF(),
        )
        sheet = f"QFrame#{self.objectName()} {{ background: {mixed.name()}; border-radius: 4px; }}"
        if sheet != self.styleSheet():  # setting a style sheet changes the palette: only when needed (no loop)
            self.setStyleSheet(sheet)
        label_sheet = f"color: {text};" if text else f"color: {palette.windowText().color().name()};"
        if label_sheet != self.label.styleSheet():
            self.label.setStyleSheet(label_sheet)

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.refresh()
        super().changeEvent(event)


class BannerArea(QWidget):
    """A stack of banners, one per key; showing a key again replaces its banner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.banners: dict[str, Banner] = {}

    def show_banner(self, key: str, spec: BannerSpec) -> Banner:
        self.hide_banner(key)
        banner = Banner(key, spec, self.hide_banner)
        self.banners[key] = banner
        self._layout.addWidget(banner)
        return banner

    def hide_banner(self, key: str) -> None:
        banner = self.banners.pop(key, None)
        if banner is not None:
            banner.hide()
            banner.setParent(None)  # out of the window now (deleteLater waits for the event loop)
            banner.deleteLater()

    def text_of(self, key: str) -> str | None:
        banner = self.banners.get(key)
        return banner.label.text() if banner is not None else None

    def event(self, event: QEvent) -> bool:  # Qt's name
        # A new application palette: the banners' style sheets are ours to redo (a widget with a style
        # sheet gets no PaletteChange of its own).
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            for banner in self.banners.values():
                banner.refresh()
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            for banner in self.banners.values():
                banner.refresh()
        super().changeEvent(event)
