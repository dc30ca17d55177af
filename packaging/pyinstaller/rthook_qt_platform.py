"""PyInstaller runtime hook (Linux bundle): run Qt on X11 (XWayland) in a Wayland session.

The bundle ships the xcb and offscreen platform plugins but not Wayland's (it needs a libwayland newer
than some supported distributions have). Qt 6 tries "wayland" first in a Wayland session (XDG_SESSION_TYPE) and
prints "Could not find the Qt platform plugin wayland" on every start; choosing xcb up front, only when
an X display is there and the user chose nothing, keeps that warning away.
"""

import os

wayland_session = os.environ.get("XDG_SESSION_TYPE") == "wayland" or bool(os.environ.get("WAYLAND_DISPLAY"))
if wayland_session and os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "xcb"
