"""Reading the archive: the bundles imported (or one of them), one page of records usable for their purpose (search
across everything imported, withdrawn records hidden), one record with its earlier versions,
and the key each record's seal and attached files are bound to."""

from __future__ import annotations

from dataclasses import dataclass

from intake.records.attachments import Owner
from intake.records.folding import words
from intake.store.connection import Connection
from intake.vault.keys import Vault


def owner(conn: Connection, seq: int) -> Owner:
    """The attachment owner for an archive record."""
    row = conn.execute("SELECT source, record_id, purpose, data_key FROM archive_records "
                       "WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        raise LookupError(seq)
    return Owner(f"archive:{seq}", record_key(*row[:3]), row[3])


def record_key(source: str, record_id: str, purpose: str) -> str:
    return f"archive {source} {record_id} {purpose}"


@dataclass
class BundleRow:
    id: str
    source: str
    organisation: str
    purpose: str
    exported_at: str
    imported_at: str
    record_count: int
    revocation_count: int
    file_sha256: str


_BUNDLES = ("SELECT b.id, b.source, s.organisation, b.purpose, b.exported_at, b.imported_at, "
            "b.record_count, b.revocation_count, b.file_sha256 FROM bundles b "
            "JOIN sources s ON s.fingerprint = b.source")


def bundles(conn: Connection) -> list[BundleRow]:
    rows = conn.execute(f"{_BUNDLES} ORDER BY b.imported_at DESC, b.id")  # noqa: S608
    return [BundleRow(*row) for row in rows]


def bundle(conn: Connection, bundle_id: str) -> BundleRow:
    """One imported bundle."""
    row = conn.execute(f"{_BUNDLES} WHERE b.id = ?", (bundle_id,)).fetchone()  # noqa: S608
    if row is None:
        raise LookupError(bundle_id)
    return BundleRow(*row)


@dataclass
class ArchiveRecord:
    seq: int
    source: str
    organisation: str
    record_id: str
    purpose: str
    witness_code: str
    version: int
    bundle_id: str
    imported_at: str
    withdrawn_at: str | None
    exported_at: str  # of its bundle, as signed (archive/sources.py)
    compromised_since: str | None  # its source's mark, if any


_SELECT = (
    "SELECT r.seq, r.source, s.organisation, r.record_id, r.purpose, r.witness_code, r.version, "
    "r.bundle_id, r.imported_at, w.withdrawn_at, b.exported_at, s.compromised_since "
    "FROM archive_records r JOIN sources s ON s.fingerprint = r.source "
    "JOIN bundles b ON b.id = r.bundle_id "
    "LEFT JOIN archive_withdrawals w ON w.source = r.source AND w.record_id = r.record_id "
    "AND w.purpose = r.purpose")


def search(conn: Connection, *, query: str = "", purpose: str = "", page: int = 1,
           per_page: int = 25) -> tuple[list[ArchiveRecord], int, int]:
    """One page of the records still usable for their purpose, how many there are, and how many
    are hidden because consent was withdrawn."""
    where, params = ["1 = 1"], []
    if purpose:
        where.append("r.purpose = ?")
        params.append(purpose)
    terms = words(query)
    if terms:
        where.append("r.seq IN (SELECT rowid FROM archive_search WHERE archive_search MATCH ?)")
        params.append(" ".join(f'"{term}"*' for term in terms))
    clause = " AND ".join(where)  # fixed clauses only; values are bound parameters
    (total, hidden) = conn.execute(
        "SELECT count(*) FILTER (WHERE w.withdrawn_at IS NULL), "  # noqa: S608
        "count(*) FILTER (WHERE w.withdrawn_at IS NOT NULL) FROM archive_records r "
        "LEFT JOIN archive_withdrawals w ON w.source = r.source AND w.record_id = r.record_id "
        f"AND w.purpose = r.purpose WHERE {clause}", params).fetchone()
    rows = conn.execute(f"{_SELECT} WHERE {clause} AND w.withdrawn_at IS NULL "  # noqa: S608
                        "ORDER BY r.imported_at DESC, r.seq DESC LIMIT ? OFFSET ?",
                        [*params, per_page, (max(page, 1) - 1) * per_page]).fetchall()
    return [ArchiveRecord(*row) for row in rows], total, hidden


def load(conn: Connection, vault: Vault, seq: int) -> tuple[ArchiveRecord, dict, list[tuple]]:
    """One record, its envelope, and its earlier versions as (version, bundle id, imported at)."""
    row = conn.execute(f"{_SELECT} WHERE r.seq = ?", (seq,)).fetchone()  # noqa: S608
    if row is None:
        raise LookupError(seq)
    record = ArchiveRecord(*row)
    data_key, sealed = conn.execute("SELECT data_key, sealed FROM archive_records WHERE seq = ?",
                                    (seq,)).fetchone()
    envelope = vault.open_record(record_key(record.source, record.record_id, record.purpose),
                                 record.version, data_key, sealed)
    history = conn.execute("SELECT version, bundle_id, imported_at FROM archive_history "
                           "WHERE record_seq = ? ORDER BY version DESC", (seq,)).fetchall()
    return record, envelope, history
