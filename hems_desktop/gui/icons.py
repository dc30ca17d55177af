"""Tray and window icons drawn at run time: the live watts on a colour that says the state."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap

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


def state_group(state: SessionState) -> str:
    if state == SessionState.JOINED:
        return "connected"
    if state in CONNECTING:
        return "connecting"
    if state in ERRORS:
        return "error"
    return "stopped"


def format_watts(watts: int | None) -> str:
    """Short enough for a 22-pixel tray icon: 850, 1.2k, 12k, -1.5k."""
    if watts is None:
        return "–"
    if abs(watts) < 1000:
        return str(watts)
    if abs(watts) < 10_000:
        return f"{watts / 1000:.1f}k"
    return f"{round(watts / 1000)}k"


def status_pixmap(state: SessionState, watts: int | None, size: int = 64) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(1, 1, size - 2, size - 2), size * 0.18, size * 0.18)
    painter.fillPath(path, STATE_COLOURS[state_group(state)])
    painter.setPen(QColor("white"))
    text = format_watts(watts) if state == SessionState.JOINED or watts is not None else "⚡"
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.46 if len(text) <= 3 else 0.36)))
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def status_icon(state: SessionState, watts: int | None) -> QIcon:
    icon = QIcon()
    for size in (16, 22, 32, 64):
        icon.addPixmap(status_pixmap(state, watts, size))
    return icon


def app_icon() -> QIcon:
    from hems_desktop.gui.resources import resource_path

    path = resource_path("icons", "hems-desktop.svg")
    return QIcon(str(path)) if path.exists() else status_icon(SessionState.STOPPED, None)
