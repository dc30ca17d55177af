"""Where a notification goes: the desktop's notification service, the tray, or a banner in the window.

On Linux the freedesktop service (org.freedesktop.Notifications on the session bus) works with
or without a tray; it is called through jeepney (keyring's own D-Bus library there), because
Notify needs an unsigned `replaces_id` that PySide6's QtDBus cannot marshal. On macOS and
Windows the tray's messages are the native notification centre. With neither, the window shows
a banner, so a breaker warning is never lost.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from hems_desktop.gui.tasks import BackgroundTask

log = logging.getLogger("hems_desktop.gui")

DBUS_TIMEOUT_S = 2.0
SHOWN_MS = 8000


class Channel(str, enum.Enum):
    FREEDESKTOP = "freedesktop"
    TRAY = "tray"
    BANNER = "banner"


@dataclass(frozen=True)
class Shown:
    title: str
    message: str
    channel: Channel


def freedesktop_notify(app_name: str, title: str, message: str, critical: bool) -> bool:
    """Notify over the session bus; False when there is no bus or no notification service."""
    try:
        from jeepney import DBusAddress, MessageType, new_method_call  # type: ignore[import-untyped]
        from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]
    except ImportError:
        return False
    address = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                          interface="org.freedesktop.Notifications")
    hints = {"urgency": ("y", 2 if critical else 1), "desktop-entry": ("s", "hems-desktop")}
    call = new_method_call(address, "Notify", "susssasa{sv}i",
                           (app_name, 0, "hems-desktop", title, message, [], hints, SHOWN_MS))
    try:
        with open_dbus_connection(bus="SESSION", auth_timeout=DBUS_TIMEOUT_S) as connection:
            reply = connection.send_and_get_reply(call, timeout=DBUS_TIMEOUT_S)
    except Exception as exc:  # no session bus, no daemon, a timeout: the next channel takes it
        log.debug("freedesktop notification not shown: %s", exc)
        return False
    return bool(reply.header.message_type == MessageType.method_return)


class Notifier(QObject):
    """`notify` never blocks the GUI: the D-Bus call runs on a pool thread, the fallback after it."""

    def __init__(self, app_name: str, show_banner: Callable[[str, str, bool], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app_name = app_name
        self._show_banner = show_banner
        self._tray_message: Callable[[str, str, bool], None] | None = None
        self.use_freedesktop = sys.platform.startswith("linux")
        self.shown: list[Shown] = []  # what went where (the tests and the self-test read it)
        self._tasks: list[BackgroundTask] = []

    def set_tray(self, tray_message: Callable[[str, str, bool], None] | None) -> None:
        self._tray_message = tray_message

    def notify(self, title: str, message: str, critical: bool = False) -> None:
        if not self.use_freedesktop:
            self._fallback(title, message, critical)
            return
        task = BackgroundTask(self)
        self._tasks.append(task)

        def done(ok: object) -> None:
            self._tasks.remove(task)
            if ok:
                self.shown.append(Shown(title, message, Channel.FREEDESKTOP))
            else:
                self._fallback(title, message, critical)

        task.start(lambda _: freedesktop_notify(self.app_name, title, message, critical), done,
                   lambda _: done(False))

    def _fallback(self, title: str, message: str, critical: bool) -> None:
        if self._tray_message is not None:
            self._tray_message(title, message, critical)
            self.shown.append(Shown(title, message, Channel.TRAY))
        else:
            self._show_banner(title, message, critical)
            self.shown.append(Shown(title, message, Channel.BANNER))

    @property
    def pending(self) -> int:
        return len(self._tasks)
