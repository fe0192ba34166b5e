"""The SQLCipher store: the one way to open it, its pragmas, and its schema migrations.

The database is keyed with a raw 256-bit key (``PRAGMA key = "x'…'"``, SQLCipher 4 API), never a
passphrase string, so opening costs well under a millisecond. Pragmas are set here and nowhere
else; docs/security.md lists each one and why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

import sqlcipher3

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

SEARCH_INDEXES = ("testimony_search", "archive_search")  # written only through reindex()

MIGRATIONS: tuple[str | Callable[[Connection], None], ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('interviewer', 'supervisor', 'admin')),
        created_at TEXT NOT NULL
    );
    CREATE TABLE testimonies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        witness_code TEXT NOT NULL UNIQUE,
        owner_id INTEGER NOT NULL REFERENCES users (id),
        status TEXT NOT NULL CHECK (status IN ('draft', 'complete', 'refused')),
        community TEXT,
        interview_date TEXT,
        consent_summary TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL
    );
    CREATE INDEX testimonies_by_update ON testimonies (updated_at DESC);
    CREATE INDEX testimonies_by_owner ON testimonies (owner_id, updated_at DESC);
    CREATE VIRTUAL TABLE testimony_search USING fts5 (
        body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # Evidence bundles (docs/bundle-format.md): the field side remembers recipients, what it
    # exported to whom, and withdrawals; the archive side remembers trusted sources, imported
    # bundles, the records they carried (sealed, with every earlier version) and revocations.
    """
    ALTER TABLE testimonies ADD COLUMN completed_at TEXT;
    ALTER TABLE testimonies ADD COLUMN completed_by INTEGER REFERENCES users (id);
    CREATE TABLE recipients (
        name TEXT PRIMARY KEY,
        public_key TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
    );
    CREATE TABLE exports (
        bundle_id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users (id),
        record_count INTEGER NOT NULL,
        revocation_count INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL
    );
    CREATE TABLE export_recipients (
        bundle_id TEXT NOT NULL REFERENCES exports (bundle_id),
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        PRIMARY KEY (bundle_id, public_key)
    );
    CREATE TABLE export_records (
        bundle_id TEXT NOT NULL REFERENCES exports (bundle_id),
        record_id TEXT NOT NULL,
        PRIMARY KEY (bundle_id, record_id)
    );
    CREATE INDEX export_records_by_record ON export_records (record_id);
    CREATE TABLE withdrawals (
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL,
        withdrawn_by INTEGER REFERENCES users (id),
        PRIMARY KEY (record_id, purpose)
    );
    CREATE TABLE sources (
        fingerprint TEXT PRIMARY KEY,
        organisation TEXT NOT NULL,
        public_key TEXT NOT NULL,
        trusted_at TEXT NOT NULL
    );
    CREATE TABLE bundles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL REFERENCES sources (fingerprint),
        purpose TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        exported_at TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by INTEGER REFERENCES users (id),
        record_count INTEGER NOT NULL,
        revocation_count INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL
    );
    CREATE TABLE archive_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL REFERENCES sources (fingerprint),
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        witness_code TEXT NOT NULL,
        version INTEGER NOT NULL,
        bundle_id TEXT NOT NULL REFERENCES bundles (id),
        imported_at TEXT NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL,
        UNIQUE (source, record_id, purpose)
    );
    CREATE TABLE archive_history (
        record_seq INTEGER NOT NULL REFERENCES archive_records (seq),
        version INTEGER NOT NULL,
        bundle_id TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        sealed BLOB NOT NULL,
        PRIMARY KEY (record_seq, version)
    );
    CREATE TABLE archive_withdrawals (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        PRIMARY KEY (source, record_id, purpose)
    );
    CREATE VIRTUAL TABLE archive_search USING fts5 (
        body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # The audit trail (home/audit.py): append-only, each entry chained to the one before by its MAC.
    """
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev TEXT NOT NULL,
        mac TEXT NOT NULL
    );
    CREATE INDEX audit_log_by_time ON audit_log (at);
    """,
    # Attachments (records/attachments.py): the owner is 'testimony:<id>' or 'archive:<seq>'; the file's
    # identity, hash, name and type are sealed under the owning record's data key.
    """
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('audio', 'consent_form', 'id_document', 'photo')),
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users (id),
        sealed BLOB NOT NULL
    );
    CREATE INDEX attachments_by_owner ON attachments (owner, created_at);
    """,
    # Crypto-shredding reaches the search indexes (docs/security.md, "The search index"): each
    # contentless_delete index is replaced by one whose deletes remove the words (_secure_index).
    *(lambda conn, index=index: _secure_index(conn, index) for index in SEARCH_INDEXES),
)


class StoreError(Exception):
    """The store could not be opened: wrong key, not a database, or damaged."""


def connect(path: Path, key: bytes) -> Connection:
    """Open the store with its raw key, apply every pragma and any pending migration."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
        for name, value in PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}")
        if _migrate(conn):
            scrub_wal(conn)  # the WAL holds the old index pages until they are checkpointed
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    return conn


DISK_FULL = "the disk is full: this change was not saved (everything saved before is safe)"


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception. Nested use is a savepoint
    inside the outer transaction. A full disk (SQLITE_FULL, which SQLite answers by rolling the
    whole transaction back itself) becomes :class:`StoreError` with a plain message."""
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
        raise StoreError(DISK_FULL) from None
    raise exc


def _migrate(conn: Connection) -> bool:
    """Apply every pending migration; True when there was one."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with transaction(conn):
            if callable(script):
                script(conn)
            else:
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return version < len(MIGRATIONS)


REBUILD_CHUNK = 1_000_000  # index entries held in memory at once while an index is rebuilt


def _secure_index(conn: Connection, index: str) -> None:
    """Replace a ``contentless_delete`` index, whose deletes only add a tombstone and leave the
    row's words in the old segment, by a contentless one with FTS5's secure-delete option, whose
    deletes remove them from the index b-tree itself. A migration has no keys to re-read the
    sealed records, so the new index is filled from the old one's own entries: fts5vocab
    'instance' lists every (term, row) of the rows still live (tombstoned rows are left out), in
    term order. Grouping them by row would sort every entry of the index in memory, so they are
    read in chunks of whole terms, and each row gets one partial entry per chunk: FTS5 accepts a
    rowid more than once in a contentless table, and a later 'delete' with the row's full text
    removes all of them. Matching is unchanged; positions within a row are not kept (phrase and
    NEAR queries, which intake does not use, would no longer match such a row until it is next
    saved). Then the old tables are dropped, and secure_delete zeroes their pages."""
    conn.execute(f"CREATE VIRTUAL TABLE {index}_new USING fts5 (body, content = '', "
                 "tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute(f"INSERT INTO {index}_new ({index}_new, rank) "  # noqa: S608 - fixed names
                 "VALUES ('secure-delete', 1)")
    conn.execute(f"CREATE VIRTUAL TABLE temp.{index}_terms USING fts5vocab (main, {index}, "
                 "instance)")
    rows: dict[int, list[str]] = {}
    held, last = 0, None

    def flush() -> None:
        conn.executemany(f"INSERT INTO {index}_new (rowid, body) VALUES (?, ?)",  # noqa: S608
                         ((row, " ".join(terms)) for row, terms in rows.items()))
        rows.clear()

    for term, row in conn.execute(f"SELECT term, doc FROM temp.{index}_terms"):  # noqa: S608
        if held >= REBUILD_CHUNK and term != last:
            flush()
            held = 0
        rows.setdefault(row, []).append(term)
        held, last = held + 1, term
    flush()
    conn.execute(f"DROP TABLE temp.{index}_terms")
    conn.execute(f"DROP TABLE {index}")
    conn.execute(f"ALTER TABLE {index}_new RENAME TO {index}")


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


def indexed_words(conn: Connection, index: str, rowid: int) -> str:
    """The words a search index holds for one row, read from the index itself (fts5vocab), for
    when they cannot be recomputed: it reads every entry of the index, so it is slow (seconds at
    10,000 records) and only for a record whose sealed document no longer opens."""
    if index not in SEARCH_INDEXES:
        raise ValueError(f"not a search index: {index}")
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_terms USING fts5vocab "
                 f"(main, {index}, instance)")
    try:
        return " ".join(term for (term,) in conn.execute(
            f"SELECT term FROM temp.{index}_terms WHERE doc = ?", (rowid,)))  # noqa: S608
    finally:
        conn.execute(f"DROP TABLE temp.{index}_terms")


def reindex(conn: Connection, index: str, rowid: int, old: str | None, new: str | None) -> None:
    """Replace one row's words in a search index (``SEARCH_INDEXES``): ``old`` must be exactly
    the body indexed before (FTS5's 'delete' command removes those words from the index b-tree,
    secure-delete mode), ``new`` the body to index now; ``None`` for none."""
    if index not in SEARCH_INDEXES:
        raise ValueError(f"not a search index: {index}")
    if old == new:
        return
    if old is not None:
        conn.execute(f"INSERT INTO {index} ({index}, rowid, body) VALUES ('delete', ?, ?)",  # noqa: S608
                     (rowid, old))
    if new is not None:
        conn.execute(f"INSERT INTO {index} (rowid, body) VALUES (?, ?)", (rowid, new))  # noqa: S608


def file_of(conn: Connection) -> Path:
    """The database file a connection has open."""
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def get_setting(conn: Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
