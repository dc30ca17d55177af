"""Colours from the palette: charts, error and warning text follow light and dark schemes.

Where Qt reports the system colour scheme (Qt 6.5+: `QStyleHints.colorScheme`) and the style's
palette does not follow it (Fusion on some desktops), the app switches to a dark palette itself.
Text colours are chosen for a contrast of at least 4.5:1 against the window (WCAG AA).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ERROR_ON_LIGHT, ERROR_ON_DARK = "#b71c1c", "#ff8a80"
WARNING_ON_LIGHT, WARNING_ON_DARK = "#8a4b00", "#ffcc80"
EXPORT_ON_LIGHT, EXPORT_ON_DARK = "#00796b", "#4dd0c4"  # power sold (negative watts): teal, not green or red


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


@dataclass(frozen=True)
class ChartColours:
    background: QColor
    foreground: QColor
    live: QColor  # live readings
    band: QColor  # their min..max band
    meter: QColor  # the meter's 30-minute (or daily) average
    current_r: QColor
    current_t: QColor
    bars: QColor
    export: QColor


def chart_colours(palette: QPalette) -> ChartColours:
    dark = is_dark(palette)
    band = QColor("#90caf9" if dark else "#64b5f6")
    band.setAlpha(70)
    return ChartColours(
        background=palette.color(QPalette.ColorRole.Base),
        foreground=palette.color(QPalette.ColorRole.Text),
        live=QColor("#64b5f6" if dark else "#1565c0"),
        band=band,
        meter=QColor("#81c784" if dark else "#2e7d32"),
        current_r=QColor("#ef9a9a" if dark else "#c62828"),
        current_t=QColor("#ce93d8" if dark else "#6a1b9a"),
        bars=QColor("#81c784" if dark else "#43a047"),
        export=QColor(EXPORT_ON_DARK if dark else EXPORT_ON_LIGHT),
    )


def error_colour(palette: QPalette) -> str:
    return ERROR_ON_DARK if is_dark(palette) else ERROR_ON_LIGHT


def warning_colour(palette: QPalette) -> str:
    return WARNING_ON_DARK if is_dark(palette) else WARNING_ON_LIGHT


def export_colour(palette: QPalette) -> str:
    return EXPORT_ON_DARK if is_dark(palette) else EXPORT_ON_LIGHT


def dark_palette() -> QPalette:
    """A dark Fusion palette (for a system that says "dark" to a style that stays light)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#2f2f2f",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.BrightText: "#ff8a80",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def palette_for(scheme: Qt.ColorScheme, current: QPalette, light: QPalette) -> QPalette | None:
    """The palette for the system's colour scheme, or None to keep the current one."""
    if scheme == Qt.ColorScheme.Dark and not is_dark(current):
        return dark_palette()
    if scheme == Qt.ColorScheme.Light and is_dark(current) and not is_dark(light):
        return light
    return None  # Unknown (no platform theme says), or the palette already follows


def follow_system_scheme(app: QApplication) -> None:
    """Use a dark palette when the system is dark and the style's palette is not; keep following it."""
    hints = QGuiApplication.styleHints()
    light_palette = app.palette()

    def apply() -> None:
        palette = palette_for(hints.colorScheme(), app.palette(), light_palette)
        if palette is not None:
            app.setStyle("Fusion")  # the style that draws any palette faithfully
            app.setPalette(palette)

    apply()
    hints.colorSchemeChanged.connect(lambda _: apply())
