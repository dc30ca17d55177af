"""Where the session is: port, dongle, network, link quality, session age, the meter's identity, the last error.

Nothing stale: the session age stops (and shows –) when the session is not joined, and the last
error clears when the collector recovers (or, for a session error, with the next reading).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QWidget

from hems_desktop.collector.events import ConnectionInfo, ErrorReported
from hems_desktop.errors import ErrorKind
from hems_desktop.gui.retranslate import Texts, is_language_change
from hems_desktop.gui.text import core_text, family_text
from hems_desktop.gui.theme import error_colour
from hems_desktop.protocol.skstack import lqi_to_dbm
from hems_desktop.redaction import mask_id
from hems_desktop.session.network import Network

# Errors of the meter session: a reading taken afterwards shows they are over.
SESSION_ERRORS = {ErrorKind.PORT, ErrorKind.DONGLE, ErrorKind.SCAN, ErrorKind.JOIN, ErrorKind.CREDENTIALS,
                  ErrorKind.LOST, ErrorKind.TIMEOUT, ErrorKind.METER, ErrorKind.MISSED}
METER_ROWS = ("maker", "serial", "release", "route_b_number", "fault")


def _link_quality(network: Network | None) -> str:
    if network is None:
        return "–"
    if network.lqi is not None:
        return f"LQI {network.lqi} (≈ {lqi_to_dbm(network.lqi):.0f} dBm)"
    return "–" if network.rssi_dbm is None else f"{network.rssi_dbm:.0f} dBm"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ConnectionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = Texts()
        self.info: ConnectionInfo | None = None
        self.joined_at: float | None = None  # None while the session is not joined: the age is not counted
        self.error: ErrorReported | None = None
        form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        rows = (
            ("port", lambda: self.tr("Serial port")), ("dongle", lambda: self.tr("Dongle")),
            ("dialect", lambda: self.tr("Dialect")), ("channel", lambda: self.tr("Channel")),
            ("pan_id", lambda: self.tr("PAN ID")), ("ip", lambda: self.tr("Meter address")),
            ("lqi", lambda: self.tr("Link quality")), ("age", lambda: self.tr("Session age")),
            ("reauth", lambda: self.tr("Re-authentication")),
            ("maker", lambda: self.tr("Meter maker")), ("serial", lambda: self.tr("Meter serial number")),
            ("release", lambda: self.tr("ECHONET Lite release")),
            ("route_b_number", lambda: self.tr("B-route identification number")),
            ("fault", lambda: self.tr("Meter fault status")), ("error", lambda: self.tr("Last error")),
        )
        for key, title in rows:
            caption, value = QLabel(), QLabel("–")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.texts.bind(caption.setText, title)
            self.labels[key], self._captions[key] = value, caption
            form.addRow(caption, value)
        self._show_meter_rows()
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self.update_age)

    # ---- data in ----

    def set_connection(self, info: ConnectionInfo) -> None:
        self.info = info
        self.joined_at = info.joined_at
        self.show_connection()

    def session_ended(self) -> None:
        """Not joined any more (stopped, lost, re-connecting): the age stops."""
        self.joined_at = None
        self.update_age()

    def set_error(self, error: ErrorReported) -> None:
        self.error = error
        self.render_error()

    def clear_error(self, session_only: bool = False) -> None:
        if self.error is not None and (not session_only or self.error.kind in SESSION_ERRORS):
            self.error = None
            self.render_error()

    # ---- rendering ----

    def show_connection(self) -> None:
        labels, info = self.labels, self.info
        if info is None:
            for key in ("port", "dongle", "dialect", "channel", "pan_id", "ip", "lqi"):
                labels[key].setText("–")
        else:
            labels["port"].setText(info.port)
            dongle, network = info.dongle, info.network
            if dongle is not None:
                firmware = " (" + self.tr("firmware %1").replace("%1", dongle.firmware) + ")" if dongle.firmware else ""
                labels["dongle"].setText(f"{dongle.mac or '–'}{firmware}")
                labels["dialect"].setText(family_text(dongle.family))
            labels["channel"].setText("–" if network is None else f"{network.channel:02X}")
            labels["pan_id"].setText("–" if network is None else f"{network.pan_id:04X}")
            labels["ip"].setText(network.ip if network is not None else "–")
            labels["lqi"].setText(_link_quality(network))
        self._show_meter_rows()
        self.update_age()
        self.render_error()

    def _show_meter_rows(self) -> None:
        meter = self.info.meter if self.info is not None else None
        for key in METER_ROWS:
            self._captions[key].setVisible(meter is not None)
            self.labels[key].setVisible(meter is not None)
        if meter is None:
            return
        values = {"maker": meter.manufacturer, "serial": meter.serial, "release": meter.release,
                  # C0 identifies the user's B-route contract: masked, like the B-route ID everywhere.
                  "route_b_number": mask_id(meter.route_b_number) if meter.route_b_number else None}
        for key, value in values.items():
            self.labels[key].setText(value or "–")
        fault = self.labels["fault"]
        if meter.fault is None:
            fault.setText("–")
            fault.setStyleSheet("")
        else:
            fault.setText(self.tr("the meter reports a fault") if meter.fault else self.tr("no fault"))
            fault.setStyleSheet(f"color: {error_colour(self.palette())};" if meter.fault else "")

    def render_error(self) -> None:
        label = self.labels["error"]
        if self.error is None:
            label.setText("–")
            label.setStyleSheet("")
        else:
            label.setText(core_text(self.error.message))
            label.setStyleSheet(f"color: {error_colour(self.palette())};")

    def update_age(self) -> None:
        label, reauth = self.labels["age"], self.labels["reauth"]
        period = self.info.reauth_period_s if self.info is not None else None
        if self.joined_at is None:
            label.setText("–")
            reauth.setText("–")
            return
        seconds = max(0, int(time.time() - self.joined_at))
        label.setText(_clock(seconds))
        if not period:
            reauth.setText("–")
            return
        # The module renews the PANA session by itself every `period` from the join (its lifetime, S16).
        due = period - seconds % period
        reauth.setText(self.tr("every %1, next in about %2").replace("%1", _clock(int(period)))
                       .replace("%2", _clock(int(due))))

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.update_age()
        self._age_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # Qt's name
        self._age_timer.stop()  # hidden: no timers, the app sleeps until the next reading
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
            self.show_connection()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.show_connection()
        super().changeEvent(event)
