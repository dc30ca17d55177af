"""Tray and window icons drawn at run time: the live watts on a colour that says the state.

The state is told by a shape too, never by colour alone: connected shows the watts, connecting
three dots, an error an exclamation mark, stopped a square. Each size is drawn at the screens'
device pixel ratios (a 150 % screen gets a 33-pixel drawing for its 22-pixel tray slot, not a
blurry up-scale), and the watts are fitted to the icon so "-1.5k" never touches its edges.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QIcon, QPainter, QPainterPath, QPen, QPixmap

from hems_desktop.session import SessionState

STATE_COLOURS = {
    "connected": QColor("#2e7d32"),
    "connecting": QColor("#f9a825"),
    "error": QColor("#c62828"),
    "stopped": QColor("#757575"),
}
CONNECTING = {
    SessionState.OPENING, SessionState.CONFIGURING, SessionState.SCANNING,
    SessionState.JOINING, SessionState.REAUTHENTICATING, SessionState.TX_LIMITED,
}
ERRORS = {SessionState.DISCONNECTED, SessionState.DONGLE_LOST, SessionState.CREDENTIALS_REJECTED}
ICON_SIZES = (16, 20, 22, 24, 32, 48, 64)
MARGIN = 0.08  # of the icon's size, left free on each side of the text


def state_group(state: SessionState) -> str:
    if state == SessionState.JOINED:
        return "connected"
    if state in CONNECTING:
        return "connecting"
    if state in ERRORS:
        return "error"
    return "stopped"


def format_watts(watts: int | None, compact: bool = False) -> str:
    """Short enough for a 22-pixel tray icon: 850, 1.2k, 12k, -1.5k; `compact` (16 px): 850, 1k, -2k."""
    if watts is None:
        return "–"
    if abs(watts) < 1000:
        return str(watts)
    if abs(watts) < 10_000 and not compact:
        return f"{watts / 1000:.1f}k"
    return f"{round(watts / 1000)}k"


def _fit_font(text: str, size: float) -> QFont:
    font = QFont()
    font.setBold(True)
    if len(text) > 3 or size <= 22:
        font.setStretch(QFont.Stretch.Condensed)
    width, height = size * (1 - 2 * MARGIN), size * 0.62
    pixels = size * 0.6
    while pixels > 4:
        font.setPixelSize(max(1, round(pixels)))
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(text) <= width and metrics.capHeight() <= height * 0.8:
            break
        pixels -= 0.5
    return font


def _draw_shape(painter: QPainter, group: str, size: float) -> None:
    """The state's shape in white: a tick, three dots, an exclamation mark or a square."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    centre = size / 2
    if group == "connected":
        tick = QPainterPath()
        tick.moveTo(size * 0.24, size * 0.52)
        tick.lineTo(size * 0.43, size * 0.70)
        tick.lineTo(size * 0.77, size * 0.32)
        pen = QPen(QColor("white"), size * 0.13)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(tick, pen)
    elif group == "connecting":
        radius = size * 0.08
        for offset in (-0.24, 0.0, 0.24):
            painter.drawEllipse(QPointF(centre + offset * size, centre), radius, radius)
    elif group == "error":
        bar = QRectF(centre - size * 0.07, size * 0.2, size * 0.14, size * 0.4)
        painter.drawRoundedRect(bar, size * 0.05, size * 0.05)
        painter.drawEllipse(QPointF(centre, size * 0.74), size * 0.08, size * 0.08)
    else:
        side = size * 0.36
        painter.drawRect(QRectF(centre - side / 2, centre - side / 2, side, side))


def status_pixmap(state: SessionState, watts: int | None, size: int = 64, ratio: float = 1.0,
                  badge: bool = False) -> QPixmap:
    """The icon at `size` logical pixels for a screen of device pixel ratio `ratio`; `badge`: the shape only."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size * 0.18, size * 0.18)
    group = state_group(state)
    painter.fillPath(path, STATE_COLOURS[group])
    if group == "connected" and not badge:
        # Watts only while connected: a grey or red icon with old watts would look current.
        text = format_watts(watts, compact=size <= 16)
        painter.setPen(QColor("white"))
        painter.setFont(_fit_font(text, size))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    else:
        _draw_shape(painter, group, size)
    painter.end()
    return pixmap


def screen_ratios() -> list[float]:
    """Device pixel ratios of the screens (1.0 always included, for the tray host's own scaling)."""
    ratios = {1.0, 2.0}
    app = QGuiApplication.instance()
    if app is not None:
        ratios |= {round(screen.devicePixelRatio(), 2) for screen in QGuiApplication.screens()}
    return sorted(ratios)


_cache: dict[tuple[str, str, str, tuple[float, ...]], QIcon] = {}


def status_icon(state: SessionState, watts: int | None) -> QIcon:
    """Every size at every screen ratio; drawn once per (state, text): a reading costs no drawing."""
    group = state_group(state)
    ratios = screen_ratios()
    shown = group == "connected"
    key = (group, format_watts(watts) if shown else "", format_watts(watts, True) if shown else "", tuple(ratios))
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon()
        for ratio in ratios:
            for size in ICON_SIZES:
                icon.addPixmap(status_pixmap(state, watts, size, ratio))
        if len(_cache) > 200:
            _cache.clear()
        _cache[key] = icon
    return icon


def app_icon() -> QIcon:
    from hems_desktop.gui.resources import resource_path

    path = resource_path("icons", "hems-desktop.svg")
    return QIcon(str(path)) if path.exists() else status_icon(SessionState.STOPPED, None)
