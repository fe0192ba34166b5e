"""The SQLCipher store: the one way to open it, its pragmas, and clearing its write-ahead log.

The database is keyed with a raw 256-bit key (``PRAGMA key = "x'…'"``, SQLCipher 4 API), never a
passphrase string, so opening costs well under a millisecond. Pragmas are set here and nowhere
else; docs/security.md lists each one and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import sqlcipher3

from intake.store.errors import StoreError
from intake.store.migrations import migrate

Connection: TypeAlias = Any  # a sqlcipher3.Connection; the package ships no type information
IntegrityError = sqlcipher3.IntegrityError

# Order matters: cipher settings come right after the key, before the first read.
PRAGMAS = (
    ("cipher_memory_security", "OFF"),  # 3× slower writes, 10× slower open: docs/security.md
    ("journal_mode", "WAL"),            # readers never block the autosaving writer
    ("synchronous", "FULL"),            # a power cut never loses an acknowledged save
    ("foreign_keys", "ON"),
    ("secure_delete", "ON"),            # deleted rows are overwritten, not just unlinked
    ("trusted_schema", "OFF"),          # no SQL functions run from schema definitions
    ("temp_store", "MEMORY"),           # no temporary files beside the database
    ("busy_timeout", "5000"),
)



def connect(path: Path, key: bytes) -> Connection:
    """Open the store with its raw key, apply every pragma and any pending migration."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
        for name, value in PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}")
        if migrate(conn):
            scrub_wal(conn)  # the WAL holds the old index pages until they are checkpointed
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    return conn


IMPORT_CACHE_KIB = 32768  # SQLite's default is 2,000 KiB


@contextmanager
def large_cache(conn: Connection) -> Iterator[None]:
    """A page cache of :data:`IMPORT_CACHE_KIB` while an import writes one transaction of
    thousands of records: with the default, the pages of the indexes it inserts into in key
    order (the perpetrator index's mention ids, the search index) leave the cache and are read
    back and decrypted again and again (docs/benchmarks.md). The cache is freed after."""
    (before,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def scrub_wal(conn: Connection) -> bool:
    """Copy the WAL into the database and truncate it to zero bytes, so the page images it holds
    from before a delete or an edit are gone from it (secure_delete has already overwritten them
    in the pages themselves); True when it did. Inside a transaction it does nothing: the
    caller's commit comes first. It does not wait: a TRUNCATE checkpoint waits for every reader
    of an older snapshot while holding the write lock, so with the busy timeout a save during a
    long read (an export) would stall every writer for 5 s and then give up anyway. When another
    connection is reading or writing, the next scrub does it (docs/security.md)."""
    if conn.in_transaction:
        return False
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        (busy, _, _) = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {dict(PRAGMAS)['busy_timeout']}")
    return not busy


def file_of(conn: Connection) -> Path:
    """The database file a connection has open."""
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


