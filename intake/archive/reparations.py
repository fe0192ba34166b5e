"""The reparations claims an instance holds, each seen exactly as a reparations bundle carries
it, so a claim pack says the same on a field laptop and on the archive that imported it
(docs/documents.md, "Claim pack").

On a field laptop: each testimony the viewer may see whose survivor agreed to a reparations claim,
redacted by the reparations profile (bundles/profiles.py: no narrative, the extract scrubbed),
with the attached files a reparations bundle would carry (bundles/export.carried_files). On an
archive: each imported reparations record whose consent was not withdrawn, with its files. An
imported record is never edited, so its application status is the one its source recorded."""

from __future__ import annotations

from dataclasses import dataclass

from intake.archive import catalogue
from intake.bundles.export import carried_files
from intake.bundles.profiles import profile
from intake.home.instance import organisation
from intake.home.users import User
from intake.records import attachments, claims, consent, testimonies
from intake.records.attachments import Attachment
from intake.records.claims import Assessment
from intake.store.connection import Connection
from intake.vault.keys import Vault

PURPOSE = "reparations"


@dataclass
class Claim:
    """One survivor's claim: where it comes from (a testimony's id, or an archive record's seq),
    its witness code, the organisation that recorded the testimony and when, the record as a
    reparations bundle carries it, the files that go with it, and the assessment."""

    source: str  # "testimony" or "archive"
    ref: str  # the testimony's id, or the archive record's seq
    witness_code: str
    recorded_by: str
    record_status: str  # a testimony's draft/complete; "" for an imported record
    document: dict
    files: list[Attachment]
    assessment: Assessment

    @property
    def consented(self) -> bool:
        return consent.consent_given(self.document, PURPOSE)


def testimony_claim(conn: Connection, vault: Vault, viewer: User, record_id: str) -> Claim:
    """The claim of one testimony ``viewer`` may see (:class:`testimonies.NotFound` else),
    whether or not its survivor agreed to a claim: the assessment says so."""
    record = testimonies.load(conn, vault, record_id, viewer)
    document, _report = profile(PURPOSE).apply(record.document)
    files = carried_files(conn, vault, viewer, record, PURPOSE)
    return Claim("testimony", record.id, record.witness_code, organisation(conn), record.status,
                 document, files, claims.assess(document, files))


def testimony_claims(conn: Connection, vault: Vault, viewer: User) -> list[Claim]:
    """Every testimony ``viewer`` may see whose survivor agreed to a reparations claim, newest
    first (the consent column narrows them before any record is opened)."""
    where, params = ["consent_summary LIKE ?"], list[object](["%reparations%"])
    if not viewer.sees_all:
        where.append("owner_id = ?")
        params.append(viewer.id)
    ids = [row[0] for row in conn.execute(
        f"SELECT id FROM testimonies WHERE {' AND '.join(where)} "  # noqa: S608 - fixed clauses
        "ORDER BY updated_at DESC, seq DESC", params)]
    found = [testimony_claim(conn, vault, viewer, record_id) for record_id in ids]
    return [claim for claim in found if claim.consented]


def archive_claim(conn: Connection, vault: Vault, seq: int) -> Claim:
    """One imported reparations record still usable (:class:`LookupError` else)."""
    record, envelope, _history = catalogue.load(conn, vault, seq)
    if record.purpose != PURPOSE or record.withdrawn_at:
        raise LookupError(seq)
    document = envelope.get("document", {})
    files = attachments.listing(conn, vault, catalogue.owner(conn, seq))
    return Claim("archive", str(seq), record.witness_code, record.organisation, "", document,
                 files, claims.assess(document, files))


def archive_claims(conn: Connection, vault: Vault) -> list[Claim]:
    """Every imported reparations record whose consent was not withdrawn, newest first."""
    seqs = [row[0] for row in conn.execute(
        "SELECT r.seq FROM archive_records r LEFT JOIN archive_withdrawals w "
        "ON w.source = r.source AND w.record_id = r.record_id AND w.purpose = r.purpose "
        "WHERE r.purpose = ? AND w.withdrawn_at IS NULL ORDER BY r.imported_at DESC, r.seq DESC",
        (PURPOSE,))]
    return [archive_claim(conn, vault, seq) for seq in seqs]


def by_status(found: list[Claim], status: str | None) -> list[Claim]:
    """The claims with ``status`` ("" for those with no application yet; ``None`` for all)."""
    return found if status is None else [c for c in found if c.assessment.status == status]
