"""The field laptops an archive has pinned (``sources``), and a source's key marked compromised.

A seized laptop's signing key can sign bundles that the archive would accept as genuine
(importer.check_source pins the key, not the laptop). So an administrator may mark a source's key
**compromised since a date**: every record whose bundle says it was exported (signed) on or after
that date is flagged wherever the archive shows it (:func:`is_compromised`), and nothing is
hidden or removed, since those records may still be genuine and the legal team decides. The date
compared is the export time in the signed bundle.json (``bundles.exported_at``), which the key's
holder chose: a time that is not a date is flagged too. Marking and clearing are audited
(docs/archive.md, "The workspace").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from intake.archive.catalogue import ArchiveRecord
from intake.bundles.fingerprints import KeyringError, normalise_fingerprint
from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.store.connection import Connection
from intake.store.transactions import transaction
from intake.vault.keys import Vault


class SourceError(ValueError):
    """No such source, or a date that cannot be read (one line, safe to show)."""


@dataclass(frozen=True)
class Source:
    fingerprint: str
    organisation: str
    trusted_at: str
    first_bundle: str | None  # when its first bundle was imported
    last_bundle: str | None  # when its latest bundle was imported
    records: int
    compromised_since: str | None
    compromised_by: str | None
    compromised_marked_at: str | None


_SELECT = (
    "SELECT s.fingerprint, s.organisation, s.trusted_at, "
    "(SELECT min(imported_at) FROM bundles WHERE source = s.fingerprint), "
    "(SELECT max(imported_at) FROM bundles WHERE source = s.fingerprint), "
    "(SELECT count(*) FROM archive_records WHERE source = s.fingerprint), "
    "s.compromised_since, u.name, s.compromised_marked_at "
    "FROM sources s LEFT JOIN users u ON u.id = s.compromised_by")


def listing(conn: Connection) -> list[Source]:
    """Every pinned source, by organisation."""
    rows = conn.execute(f"{_SELECT} ORDER BY s.organisation, s.fingerprint").fetchall()  # noqa: S608
    return [Source(*row) for row in rows]


def find(conn: Connection, fingerprint: str) -> Source:
    """The source with this fingerprint (full, or its short form), as typed."""
    try:
        digits = normalise_fingerprint(fingerprint)
    except KeyringError as exc:
        raise SourceError(str(exc)) from None
    rows = conn.execute(f"{_SELECT} WHERE substr(s.fingerprint, 1, ?) = ?",  # noqa: S608
                        (len(digits), digits)).fetchall()
    if len(rows) != 1:
        raise SourceError("no source has this fingerprint")
    return Source(*rows[0])


def since_date(text: str) -> str:
    """An ISO date (YYYY-MM-DD), as stored."""
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise SourceError("a date is written YYYY-MM-DD") from None


def mark(conn: Connection, vault: Vault, actor: User, fingerprint: str, since: str) -> Source:
    """Mark the source's key compromised since ``since`` (replacing an earlier mark)."""
    day = since_date(since)
    with transaction(conn):
        source = find(conn, fingerprint)
        conn.execute("UPDATE sources SET compromised_since = ?, compromised_by = ?, "
                     "compromised_marked_at = ? WHERE fingerprint = ?",
                     (day, actor.id, now_utc(), source.fingerprint))
        _recount(conn, source.fingerprint)
        audit.record(conn, vault, actor, "source_compromised", source=source.fingerprint,
                     since=day, flagged=_flagged(conn, source.fingerprint, day))
    return find(conn, source.fingerprint)


def unmark(conn: Connection, vault: Vault, actor: User, fingerprint: str) -> bool:
    """Remove the mark; False when there was none."""
    with transaction(conn):
        source = find(conn, fingerprint)
        if source.compromised_since is None:
            return False
        conn.execute("UPDATE sources SET compromised_since = NULL, compromised_by = NULL, "
                     "compromised_marked_at = NULL WHERE fingerprint = ?", (source.fingerprint,))
        _recount(conn, source.fingerprint)
        audit.record(conn, vault, actor, "source_cleared", source=source.fingerprint,
                     since=source.compromised_since)
    return True


def _recount(conn: Connection, fingerprint: str) -> None:
    """The People list's counts of the persons the source names, with the mark as it is now."""
    from intake.archive import person_summary  # it reads corroboration.py, which reads this

    person_summary.refresh_source(conn, fingerprint)


def is_compromised(record: ArchiveRecord) -> bool:
    """Whether the record came in a bundle its source's key signed on or after the day the key
    was marked compromised (catalogue.py reads both with the record)."""
    return signed_after(record.exported_at, record.compromised_since)


def signed_after(exported_at: str, since: str | None) -> bool:
    if since is None:
        return False
    try:
        return date.fromisoformat(exported_at[:10]).isoformat() >= since
    except ValueError:
        return True  # a signer who can write anything is not believed about when


def _flagged(conn: Connection, fingerprint: str, since: str) -> int:
    rows = conn.execute("SELECT b.exported_at FROM archive_records r JOIN bundles b "
                        "ON b.id = r.bundle_id WHERE r.source = ?", (fingerprint,)).fetchall()
    return sum(signed_after(exported_at, since) for (exported_at,) in rows)
