"""Foreign errors (OS, serial, SQLite) in words a user can act on. The one place that does it."""

from __future__ import annotations

import errno
import os
import sqlite3

_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
}


def describe_os_error(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or 0)
    if reason is None:
        reason = (exc.strerror or type(exc).__name__).lower()
    return reason


def describe_port_error(port: str, exc: BaseException) -> str:
    """One clear line for why a serial port could not be opened."""
    text = str(exc)
    err = getattr(exc, "errno", None)
    lowered = text.lower()
    if err == errno.ENOENT or "no such file" in lowered or "could not find" in lowered or "filenotfound" in lowered:
        return f"serial port {port} not found: is the dongle plugged in? (list ports: hems-collector --list-ports)"
    if err in (errno.EACCES, errno.EPERM) or "permission" in lowered or "access is denied" in lowered:
        hint = " (on Linux: sudo usermod -aG dialout $USER, then log in again)" if os.name == "posix" else ""
        return f"permission denied on serial port {port}{hint}"
    if err == errno.EBUSY or "busy" in lowered or "exclusively" in lowered:
        return f"serial port {port} is busy: another program is using the dongle"
    if err == errno.ENOTTY or "inappropriate ioctl" in lowered:
        return f"{port} is not a serial port (it is a file or another kind of device)"
    if "connection refused" in lowered:
        return f"nothing listens at {port}"
    if isinstance(exc, OverflowError):
        return f"cannot open serial port {port}: the baud rate is out of range"
    return f"cannot open serial port {port}: {text}"


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    """SQLite's messages, said plainly (the history and the spools use it)."""
    text = str(exc)
    lowered = text.lower()
    if "database or disk is full" in lowered:
        return "the disk is full"
    if "unable to open database file" in lowered:
        return "the database file cannot be opened (the folder is missing or not writable)"
    if "readonly" in lowered or "read-only" in lowered:
        return "the database is read-only (no permission to write it)"
    if "malformed" in lowered or "not a database" in lowered or "file is encrypted" in lowered:
        return "the database file is damaged or not a HEMS Desktop database"
    if "no such table" in lowered:
        return "the database is missing its tables (not a HEMS Desktop database, or damaged)"
    if "locked" in lowered or "busy" in lowered:
        return "the database is locked by another program"
    return text
