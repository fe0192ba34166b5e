"""An archive's onward bundles (docs/archive.md, "Exporting hand-over records onward"): the
hand-over records it holds are the organisation's own full records, and leave it for trial,
reparations, international mechanisms or research exactly as a field laptop's testimonies would.

The same consent rules choose them (records/consent.py on the handed-over document; a record
hidden by a revocation notice stays here), the same profiles redact them and the same writer
signs them with the archive's own key (bundles/export.py, through :class:`HandedOver`). What went
to whom is remembered in the same tables as on a laptop, so a record whose consent is later taken
back (a newer hand-over with the answer changed to no, or a hand-over's revocation notice) gets
a revocation notice in the next bundle to the same recipient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from intake.archive import catalogue
from intake.bundles import export as exports
from intake.bundles.export import ExportSummary
from intake.bundles.recipient_keys import Recipient
from intake.bundles.selection import ExportError, ExportPlan, sent_before
from intake.clock import now_utc
from intake.home.mode import mode
from intake.home.users import User
from intake.records import attachments, consent
from intake.records.attachments import Attachment
from intake.records.consent import EXPORT_PURPOSES, HANDOVER
from intake.store.connection import Connection
from intake.vault.keys import Vault


@dataclass
class HandedOver:
    """A hand-over record as an onward bundle carries it: the laptop's id, witness code,
    version and whole document, and where the archive keeps it."""

    id: str
    witness_code: str
    version: int
    document: dict
    seq: int
    source: str  # the laptop's fingerprint
    bundle_id: str  # of the hand-over that brought this version
    handed_over_at: str
    imported_at: str
    imported_by: str


def _held(conn: Connection) -> dict[str, tuple[int, str, str | None]]:
    """record id: (seq, witness code, withdrawn at) of every hand-over record, the latest
    import first where two laptops' records share an id."""
    rows = conn.execute(
        "SELECT r.record_id, r.seq, r.witness_code, w.withdrawn_at FROM archive_records r "
        "LEFT JOIN archive_withdrawals w ON w.source = r.source AND w.record_id = r.record_id "
        "AND w.purpose = r.purpose WHERE r.purpose = ? ORDER BY r.imported_at, r.seq",
        (HANDOVER,))
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _check(conn: Connection, viewer: User, purpose: str) -> None:
    if mode(conn) != "archive":
        raise ExportError("only an archive exports hand-over records; a field laptop exports "
                          "its testimonies")
    if purpose not in EXPORT_PURPOSES:
        raise ExportError(f"unknown purpose {purpose!r}; use one of {', '.join(EXPORT_PURPOSES)}")
    if not viewer.sees_all:
        raise ExportError("only a supervisor or an administrator can export")


class HandOverRecords:
    """The archive's hand-over records as the records of a bundle (bundles/export.RecordSource)."""

    def __init__(self, conn: Connection, vault: Vault):
        self.conn, self.vault = conn, vault
        self.held = _held(conn)
        self._labels: dict[int, str] | None = None

    def load(self, record_id: str) -> HandedOver:
        found = self.held.get(record_id)
        if found is None:
            raise ExportError(f"no hand-over record with id {record_id}")
        row, envelope, _history = catalogue.load(self.conn, self.vault, found[0])
        handed_over_at, imported_by = self.conn.execute(
            "SELECT b.exported_at, b.imported_by FROM bundles b WHERE b.id = ?",
            (row.bundle_id,)).fetchone()
        return HandedOver(row.record_id, row.witness_code, row.version, envelope["document"],
                          row.seq, row.source, row.bundle_id, handed_over_at, row.imported_at,
                          self._label(imported_by))

    def refusal(self, record: HandedOver, purpose: str) -> str | None:
        if self.held[record.id][2]:
            return "withdrawn"
        return None if consent.consent_given(record.document, purpose) else "no_consent"

    def files(self, record: HandedOver, purpose: str) -> list[Attachment]:
        return exports.files_for(record, purpose, attachments.listing(
            self.conn, self.vault, catalogue.owner(self.conn, record.seq)))

    def custody(self, record: HandedOver, user: User, exported_at: str, bundle_id: str,
                file_sha256: str) -> dict:
        """Its hand-over from the laptop, its import here and this export."""
        return {"record_id": record.id, "witness_code": record.witness_code, "events": [
            {"event": "handed_over", "at": record.handed_over_at, "bundle_id": record.bundle_id,
             "source": record.source, "version": record.version},
            {"event": "received", "at": record.imported_at, "by": record.imported_by,
             "bundle_id": record.bundle_id},
            {"event": "exported", "at": exported_at, "by": user.label[:16],
             "bundle_id": bundle_id, "file_sha256": file_sha256}]}

    def _label(self, user_id: int) -> str:
        if self._labels is None:
            self._labels = {row[0]: row[1][:16]
                            for row in self.conn.execute("SELECT id, label FROM users")}
        return self._labels.get(user_id, "")


def plan(conn: Connection, vault: Vault, viewer: User, purpose: str, recipients: list[Recipient],
         record_ids: list[str] | None = None) -> ExportPlan:
    """Decide, record by record, which hand-over records may leave for ``purpose`` (all of them
    when no ids): an explicit yes in the handed-over document, and no revocation notice. Each
    record is opened, since an archive record keeps its consent only in its sealed document."""
    _check(conn, viewer, purpose)
    source = HandOverRecords(conn, vault)
    held = source.held
    if record_ids is None:
        record_ids = list(held)
    included, excluded, reasons = [], [], {}
    for record_id in dict.fromkeys(record_ids):
        record = source.load(record_id)
        reason = reasons[record_id] = source.refusal(record, purpose)
        if reason:
            excluded.append((record.witness_code, reason))
        else:
            included.append(record_id)
    sent = sent_before(conn, purpose, recipients)
    for record_id in sent:
        if record_id not in reasons:
            reasons[record_id] = source.refusal(source.load(record_id), purpose) \
                if record_id in held else "destroyed"
    notices = [{"record_id": record_id, "purpose": purpose,
                "withdrawn_at": held[record_id][2] if record_id in held and held[record_id][2]
                else now_utc()}
               for record_id in sent if reasons[record_id]]
    return ExportPlan(purpose, included, excluded, notices)


def preview(conn: Connection, vault: Vault, viewer: User, purpose: str,
            record_ids: list[str]) -> list[tuple[dict, dict]]:
    """(envelope, report) of each record, exactly as an onward bundle will carry it."""
    _check(conn, viewer, purpose)
    return list(exports.preview_from(conn, vault, HandOverRecords(conn, vault), purpose,
                                     record_ids))


def write(conn: Connection, vault: Vault, user: User, export: ExportPlan,
          recipients: list[Recipient], out: Path,
          progress: Callable[[int, int], None] | None = None) -> ExportSummary:
    """Write the onward bundle (bundles/export.write, signed by this archive's key)."""
    _check(conn, user, export.purpose)
    return exports.write(conn, vault, user, export, recipients, out, progress,
                         records=HandOverRecords(conn, vault))
