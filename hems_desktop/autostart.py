"""Start at login: an XDG autostart entry (Linux), a LaunchAgent (macOS), the Run key (Windows)."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from pathlib import Path

APP_ID = "hems-desktop"


def launch_command() -> list[str]:
    """How to start the app again: the frozen binary, or this Python with the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--autostart"]
    return [sys.executable, "-m", "hems_desktop.gui", "--autostart"]


def _xdg_path(home: Path | None = None) -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str((home or Path.home()) / ".config")
    return Path(base) / "autostart" / f"{APP_ID}.desktop"


def _launch_agent_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / "Library" / "LaunchAgents" / "jp.hems-desktop.plist"


def is_enabled(platform: str | None = None, home: Path | None = None) -> bool:
    platform = platform or sys.platform
    if platform.startswith("win"):
        return _windows_value() is not None
    if platform == "darwin":
        return _launch_agent_path(home).exists()
    return _xdg_path(home).exists()


def set_enabled(enabled: bool, platform: str | None = None, home: Path | None = None) -> None:
    platform = platform or sys.platform
    command = launch_command()
    if platform.startswith("win"):
        _windows_set(subprocess_line(command) if enabled else None)
        return
    path = _launch_agent_path(home) if platform == "darwin" else _xdg_path(home)
    if not enabled:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if platform == "darwin":
        args = "".join(f"<string>{a}</string>" for a in command)
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
            '<plist version="1.0"><dict><key>Label</key><string>jp.hems-desktop</string>'
            f"<key>ProgramArguments</key><array>{args}</array><key>RunAtLoad</key><true/></dict></plist>\n",
            encoding="utf-8",
        )
        return
    path.write_text(
        "[Desktop Entry]\nType=Application\nName=HEMS Desktop\n"
        f"Exec={shlex.join(command)}\nIcon=hems-desktop\nX-GNOME-Autostart-Delay=10\nTerminal=false\n",
        encoding="utf-8",
    )


def subprocess_line(command: list[str]) -> str:
    return " ".join(f'"{part}"' if " " in part else part for part in command)


def _windows_value() -> str | None:  # pragma: no cover - Windows only
    try:
        import winreg
    except ImportError:
        return None
    try:
        key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run")  # type: ignore[attr-defined]
        value, _ = winreg.QueryValueEx(key, "HEMS Desktop")  # type: ignore[attr-defined]
        return str(value)
    except OSError:
        return None


def _windows_set(value: str | None) -> None:  # pragma: no cover - Windows only
    import winreg

    key = winreg.OpenKey(  # type: ignore[attr-defined]
        winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run", 0, winreg.KEY_SET_VALUE  # type: ignore[attr-defined]
    )
    if value is None:
        with contextlib.suppress(FileNotFoundError):
            winreg.DeleteValue(key, "HEMS Desktop")  # type: ignore[attr-defined]
    else:
        winreg.SetValueEx(key, "HEMS Desktop", 0, winreg.REG_SZ, value)  # type: ignore[attr-defined]
