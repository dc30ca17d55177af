"""Foreign errors (OS, serial, SQLite) in words a user can act on. The one place that does it."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

from hems_desktop.messages import msg

CREDENTIALS_HINT = ("no Google Cloud credentials: run `gcloud auth application-default login` "
                    "or set GOOGLE_APPLICATION_CREDENTIALS")

_OS_REASONS: dict[int, str] = {
    errno.ENOSPC: msg("the disk is full"),
    errno.EDQUOT: msg("the disk quota is exceeded"),
    errno.EACCES: msg("permission denied"),
    errno.EPERM: msg("permission denied"),
    errno.EROFS: msg("the file system is read-only"),
    errno.ENOENT: msg("the folder does not exist"),
    errno.ENOTDIR: msg("a part of the path is not a folder"),
    errno.EEXIST: msg("a part of the path is a file, not a folder"),
    errno.EISDIR: msg("it is a folder"),
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
        return msg("serial port {port} not found: is the dongle plugged in? (list ports: hems-collector --list-ports)",
                   port=port)
    if err in (errno.EACCES, errno.EPERM) or "permission" in lowered or "access is denied" in lowered:
        if os.name == "posix":
            return msg("permission denied on serial port {port} (on Linux: sudo usermod -aG dialout $USER, then log "
                       "in again)", port=port)
        return msg("permission denied on serial port {port}", port=port)
    if err == errno.EBUSY or "busy" in lowered or "exclusively" in lowered:
        return msg("serial port {port} is busy: another program is using the dongle", port=port)
    if err == errno.ENOTTY or "inappropriate ioctl" in lowered:
        return msg("{port} is not a serial port (it is a file or another kind of device)", port=port)
    if "connection refused" in lowered:
        return msg("nothing listens at {port}", port=port)
    if isinstance(exc, OverflowError):
        return msg("cannot open serial port {port}: the baud rate is out of range", port=port)
    return msg("cannot open serial port {port}: {reason}", port=port, reason=text)


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


def _credentials_advice() -> str:
    """Why Google found no credentials, with the fix; never tells to set a variable that is set."""
    named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if not named:
        return CREDENTIALS_HINT
    path = Path(named)
    if not path.is_file():
        return (f"GOOGLE_APPLICATION_CREDENTIALS points at {path}, which does not exist: fix the path "
                "or unset it and run `gcloud auth application-default login`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        usable = isinstance(data, dict) and "type" in data
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        usable = False
    if not usable:
        return (f"GOOGLE_APPLICATION_CREDENTIALS points at {path}, which is not a Google credentials file "
                "(a service-account key in JSON): download the key again")
    return (f"the Google credentials in {path} (GOOGLE_APPLICATION_CREDENTIALS) could not be used: "
            "check that the key is valid and not revoked")


def describe_google_error(exc: BaseException, project: str, topic: str) -> tuple[str, str]:
    """(kind, one-line message) for a failure of client creation or publishing. No secrets."""
    name = type(exc).__name__
    module = type(exc).__module__
    if name == "DefaultCredentialsError":
        return "credentials", _credentials_advice()
    if name == "RefreshError" and module.startswith("google.auth"):
        # The message may quote the token endpoint's answer: not shown.
        return "credentials", ("Google Cloud credentials could not be refreshed: run "
                               "`gcloud auth application-default login` again or check GOOGLE_APPLICATION_CREDENTIALS")
    if name == "NotFound":
        return "not-found", (f"Pub/Sub topic {topic!r} not found in project {project!r}: create it with "
                             f"`gcloud pubsub topics create {topic} --project {project}`")
    if name in ("PermissionDenied", "Forbidden"):
        return "permission", (f"permission denied publishing to Pub/Sub topic projects/{project}/topics/{topic}: "
                              "the account needs the role roles/pubsub.publisher (Pub/Sub Publisher) "
                              "on the topic or the project")
    if name == "Unauthenticated":
        return "credentials", ("Google Cloud did not accept the credentials (UNAUTHENTICATED): run "
                               "`gcloud auth application-default login` or check GOOGLE_APPLICATION_CREDENTIALS")
    if name in ("ServiceUnavailable", "DeadlineExceeded", "TransportError", "Aborted", "InternalServerError",
                "Cancelled", "Unknown"):
        return "unavailable", f"Pub/Sub is not reachable ({name}): readings are kept in the spool and retried"
    if name == "TooManyRequests" or name == "ResourceExhausted":
        return "quota", f"Pub/Sub refused the publish ({name}, quota or rate limit): retrying"
    detail = str(getattr(exc, "message", "") or exc).splitlines()[0][:200] if str(exc) else ""
    return name, f"publishing to Pub/Sub failed: {name}" + (f": {detail}" if detail else "")


def describe_keyring_error(exc: BaseException) -> tuple[bool, str]:
    """(locked, one line) for a keyring failure (D-Bus and OS errors surface as many types)."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "prompt dismissed" in lowered or "unlock" in lowered:
        return True, msg("the system keyring is locked: unlock it (log in to your desktop session) and try again")
    return False, msg("the system keyring cannot be used: {reason}", reason=text or type(exc).__name__)
