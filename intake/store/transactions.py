"""Transactions on the store: all or nothing, nested ones as savepoints, and a full disk
reported plainly (SQLITE_FULL rolls the whole transaction back)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import sqlcipher3

from intake.store.errors import DiskFull

if TYPE_CHECKING:
    from intake.store.connection import Connection

@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception. Nested use is a savepoint
    inside the outer transaction. A full disk (SQLITE_FULL, which SQLite answers by rolling the
    whole transaction back itself) becomes :class:`~intake.store.errors.DiskFull`."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
            conn.execute("RELEASE nested")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO nested")
                conn.execute("RELEASE nested")
            _raise_plainly(exc)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        _raise_plainly(exc)


def _raise_plainly(exc: BaseException) -> NoReturn:
    if isinstance(exc, sqlcipher3.OperationalError) and "full" in str(exc):
        raise DiskFull from None
    raise exc
