"""One SQLite write transaction, for the history and the spools (both open their databases in autocommit mode)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (the write lock up front: no deadlock between two writers), COMMIT at the end.

    On any error the transaction is rolled back, unless SQLite has undone it already: a full disk
    (SQLITE_FULL) rolls back by itself, and a second ROLLBACK would then fail and hide the real cause.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
