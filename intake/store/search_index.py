"""The full-text search indexes (FTS5, contentless, secure-delete): one row's words replaced at a
time, so destroying a record removes its words from the index too (docs/security.md, "The
search index")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intake.store.connection import Connection

SEARCH_INDEXES = ("testimony_search", "archive_search")  # written only through reindex()


REBUILD_CHUNK = 1_000_000  # index entries held in memory at once while an index is rebuilt


def secure_index(conn: Connection, index: str) -> None:
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
