"""A durable, bounded, first-in-first-out spool of messages waiting to be published.

Each network output has its own spool file (Pub/Sub: ``pubsub-spool.sqlite3``, MQTT:
``mqtt-spool.sqlite3``), so one output's backlog never holds up or pushes out the other's.
One SQLite file (stdlib `sqlite3`, WAL journal, ``synchronous=FULL``: a committed row survives
a crash and a power cut) holds one row per pending message:

=============  ============================================================
id             INTEGER PRIMARY KEY AUTOINCREMENT: the publishing order
reading_id     TEXT UNIQUE: a reading is spooled at most once
data           BLOB: the message body
attributes     TEXT: the message attributes as a JSON object of strings
ordering_key   TEXT: the Pub/Sub ordering key; the MQTT output keeps the meter id here
enqueued_at    REAL: Unix time when the row was added
attempts       INTEGER: failed publish attempts so far
=============  ============================================================

Rows are added by `put` before anything is sent and removed by `delete` only after the
publish was acknowledged, so a crash or a network outage never loses a reading; the rows
simply wait for the next run.

The spool is bounded (`max_messages`). It warns once when it reaches 80 % and once when it
is full; when full, each new message pushes out the OLDEST one, and every such loss is
counted and logged (never silently). The warnings are re-armed once the spool drains below
half of the bound.

All methods are thread-safe (one connection guarded by a lock). After `close` they do nothing
and report an empty spool, so a background thread that outlives its owner cannot crash on it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hems_desktop.sqlite_transaction import immediate_transaction

log = logging.getLogger(__name__)

SPOOL_FILE_NAME = "pubsub-spool.sqlite3"  # the Pub/Sub output's; other outputs name their own
DEFAULT_MAX_MESSAGES = 500_000
WARN_FRACTION = 0.8
REARM_FRACTION = 0.5
DROP_LOG_EVERY = 1000  # while full, one warning per this many dropped messages (plus the first)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reading_id TEXT NOT NULL UNIQUE,
    data BLOB NOT NULL,
    attributes TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    reading_id BLOB,
    data BLOB,
    attributes BLOB,
    ordering_key BLOB,
    enqueued_at REAL,
    reason TEXT NOT NULL,
    quarantined_at REAL NOT NULL
)
"""


def default_spool_path(file_name: str = SPOOL_FILE_NAME) -> Path:
    """``<user data dir>/hems-desktop/<file_name>`` (platformdirs); Pub/Sub's file by default."""
    from platformdirs import user_data_dir

    from hems_desktop.settings.paths import APP_NAME

    return Path(user_data_dir(APP_NAME, appauthor=False)) / file_name


class SpoolError(Exception):
    """The spool file cannot be opened or written. One-line message."""


@dataclass(frozen=True, slots=True)
class SpooledMessage:
    id: int
    reading_id: str
    data: bytes
    attributes: dict[str, str]
    ordering_key: str
    enqueued_at: float
    attempts: int


class Spool:
    def __init__(
        self,
        path: Path | str | None = None,
        *,
        max_messages: int = DEFAULT_MAX_MESSAGES,
        on_warning: Callable[[str], None] | None = None,
        label: str = "Pub/Sub",
    ) -> None:
        """`label` names the output in the fill-level warnings ("the MQTT spool ... is full")."""
        if max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        self.path = Path(path) if path is not None else default_spool_path()
        self.max_messages = max_messages
        self.label = label
        self.dropped = 0  # messages pushed out by the bound since this spool was opened
        self.quarantined = 0  # rows that could not be decoded, moved aside since this spool was opened
        self._on_warning = on_warning
        self._lock = threading.Lock()
        self._warned_high = False
        self._warned_full = False
        self._closed = False
        self._warnings: list[str] = []  # raised under the lock, emitted after it is released
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None,
                                       check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise SpoolError(f"cannot open the spool {self.path}: {exc}") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._count: int = self._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]
        except sqlite3.Error as exc:
            self._db.close()
            raise SpoolError(f"cannot use the spool {self.path}: {exc}") from None
        self._check_level()
        self._emit_warnings()

    def __repr__(self) -> str:
        return f"Spool({str(self.path)!r}, max_messages={self.max_messages})"

    # ---- writing ----

    def put(self, reading_id: str, data: bytes, attributes: dict[str, str], ordering_key: str) -> bool:
        """Add a message (durably, before returning). False when that reading_id is already spooled.

        When the spool is full, the oldest message is dropped first (and counted in `dropped`).
        """
        with self._lock:
            if self._closed:
                raise SpoolError(f"the spool {self.path} is closed")
            try:
                dropped = 0
                with immediate_transaction(self._db):
                    excess = self._count + 1 - self.max_messages
                    if excess > 0:
                        exists = self._db.execute(
                            "SELECT 1 FROM pending WHERE reading_id = ?", (reading_id,)).fetchone()
                        if exists is None:
                            dropped = self._db.execute(
                                "DELETE FROM pending WHERE id IN (SELECT id FROM pending ORDER BY id LIMIT ?)",
                                (excess,)).rowcount
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO pending (reading_id, data, attributes, ordering_key, enqueued_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (reading_id, data, json.dumps(attributes, sort_keys=True), ordering_key, time.time()),
                    )
            except sqlite3.Error as exc:
                raise SpoolError(f"cannot write to the spool {self.path}: {exc}") from None
            added = cursor.rowcount == 1
            self._count += int(added) - dropped
            if dropped:
                self._record_drop(dropped)
            self._check_level()
        self._emit_warnings()
        return added

    # ---- reading and acknowledging ----

    def peek(self, limit: int, after_id: int = 0) -> list[SpooledMessage]:
        """The oldest `limit` messages with an id above `after_id`, oldest first.

        `after_id` lets a publisher that keeps several messages in flight fetch the next ones
        without re-reading those it already sent. A row that cannot be decoded (damaged text or
        JSON) is moved to the `quarantine` table, counted and warned about once, so it never
        stops the rows behind it.
        """
        with self._lock:
            if self._closed:
                return []
            try:
                rows = self._db.execute(
                    "SELECT id, CAST(reading_id AS BLOB), data, CAST(attributes AS BLOB), "
                    "CAST(ordering_key AS BLOB), enqueued_at, attempts "
                    "FROM pending WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)).fetchall()
            except sqlite3.Error as exc:
                raise SpoolError(f"cannot read the spool {self.path}: {exc}") from None
            messages: list[SpooledMessage] = []
            for row in rows:
                try:
                    attributes = json.loads(bytes(row[3]).decode("utf-8"))
                    if not isinstance(attributes, dict) or not all(
                            isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()):
                        raise ValueError("the attributes are not a map of strings")
                    messages.append(SpooledMessage(row[0], bytes(row[1]).decode("utf-8"), bytes(row[2]), attributes,
                                                   bytes(row[4]).decode("utf-8"), row[5], row[6]))
                except (ValueError, TypeError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
                    self._quarantine(row[0], str(exc))
        self._emit_warnings()
        return messages

    def _quarantine(self, row_id: int, reason: str) -> None:
        """Move one undecodable row aside (under the lock)."""
        try:
            with immediate_transaction(self._db):
                self._db.execute(
                    "INSERT OR REPLACE INTO quarantine SELECT id, CAST(reading_id AS BLOB), data, "
                    "CAST(attributes AS BLOB), CAST(ordering_key AS BLOB), enqueued_at, ?, ? FROM pending WHERE id = ?",
                    (reason[:200], time.time(), row_id))
                removed = self._db.execute("DELETE FROM pending WHERE id = ?", (row_id,)).rowcount
        except sqlite3.Error as exc:
            raise SpoolError(f"cannot update the spool {self.path}: {exc}") from None
        self._count -= removed
        self.quarantined += 1
        if self.quarantined == 1:
            self._warn(f"a damaged message in the {self.label} spool {self.path} was set aside (table quarantine) "
                       "so the ones behind it can go out")

    def delete(self, ids: list[int]) -> int:
        """Remove acknowledged messages (one transaction). Returns how many were still there."""
        if not ids:
            return 0
        with self._lock:
            if self._closed:
                return 0
            try:
                with immediate_transaction(self._db):
                    removed = self._db.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids]).rowcount
            except sqlite3.Error as exc:
                raise SpoolError(f"cannot update the spool {self.path}: {exc}") from None
            self._count -= removed
            if self._count < self.max_messages * REARM_FRACTION:
                self._warned_high = self._warned_full = False
            return removed

    def record_failure(self, ids: list[int]) -> None:
        """Count one more failed attempt for these messages (diagnostics only)."""
        if not ids:
            return
        with self._lock:
            if self._closed:
                return
            try:
                with immediate_transaction(self._db):  # one transaction (one fsync) for the whole round
                    self._db.executemany("UPDATE pending SET attempts = attempts + 1 WHERE id = ?",
                                         [(i,) for i in ids])
            except sqlite3.Error as exc:
                log.debug("cannot count a failed attempt in the spool: %s", exc)

    def __len__(self) -> int:
        with self._lock:
            return 0 if self._closed else self._count

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._db.close()
            except sqlite3.Error as exc:  # pragma: no cover - nothing useful to do
                log.debug("closing the spool: %s", exc)

    # ---- the bound ----

    def _warn(self, message: str) -> None:
        self._warnings.append(message)

    def _emit_warnings(self) -> None:
        with self._lock:
            messages, self._warnings = self._warnings, []
        for message in messages:
            log.warning("%s", message)
            if self._on_warning is not None:
                try:
                    self._on_warning(message)
                except Exception:
                    log.exception("spool warning handler failed")

    def _check_level(self) -> None:
        if self._count >= self.max_messages and not self._warned_full:
            self._warned_full = self._warned_high = True
            self._warn(f"the {self.label} spool {self.path} is full ({self._count} of {self.max_messages} messages): "
                       "from now on each new reading pushes out the oldest one")
        elif self._count >= self.max_messages * WARN_FRACTION and not self._warned_high:
            self._warned_high = True
            self._warn(f"the {self.label} spool {self.path} is {100 * self._count // self.max_messages} % full "
                       f"({self._count} of {self.max_messages} messages waiting to be published); "
                       "the oldest readings will be dropped when it is full")

    def _record_drop(self, dropped: int) -> None:
        before = self.dropped
        self.dropped += dropped
        if before == 0 or before // DROP_LOG_EVERY != self.dropped // DROP_LOG_EVERY:
            self._warn(f"the {self.label} spool is full: dropped the oldest reading(s) to make room; "
                       f"{self.dropped} reading(s) lost so far")
