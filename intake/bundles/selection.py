"""Which records may leave for a purpose, and which recipients must be told that one may no
longer (docs/bundle-format.md, "Which testimonies leave").

Consent is checked here and nowhere else: a record leaves only when it is complete and its
consent for the purpose is an explicit, unwithdrawn yes (records/consent.py). Every later bundle
for that purpose to a recipient that received a record that may no longer go carries a
revocation notice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from intake.bundles.recipient_keys import Recipient
from intake.clock import now_utc
from intake.home.users import User
from intake.records import consent, testimonies
from intake.records.testimonies import Testimony
from intake.store.connection import Connection
from intake.vault.keys import Vault

EXCLUSION_REASONS = ("not_complete", "no_consent", "withdrawn")
_NOTICE_REASONS = ("withdrawn", "no_consent", "destroyed")


class ExportError(Exception):
    """An export cannot be made as asked (one line, safe to show)."""


@dataclass
class ExportPlan:
    purpose: str
    included: list[str]
    excluded: list[tuple[str, str]]  # (witness code, reason)
    revocations: list[dict]

    def excluded_counts(self) -> dict[str, int]:
        return dict(Counter(reason for _, reason in self.excluded))


def plan(conn: Connection, vault: Vault, viewer: User, purpose: str, recipients: list[Recipient],
         record_ids: list[str] | None = None) -> ExportPlan:
    """Decide, record by record, what may leave for ``purpose`` (all records when no ids).

    The plan reads the status and consent columns, which every save writes from the sealed
    document in the same transaction; :func:`write` checks each decrypted record again before
    it leaves."""
    if purpose not in consent.BUNDLE_PURPOSES:
        raise ExportError(f"unknown purpose {purpose!r}; "
                          f"use one of {', '.join(consent.BUNDLE_PURPOSES)}")
    if not viewer.sees_all:
        raise ExportError("only a supervisor or an administrator can export")
    if purpose == consent.HANDOVER and not all(r.own_archive for r in recipients):
        raise ExportError("a hand-over goes only to recipients marked as our own archive")
    columns = {row[0]: row[1:] for row in conn.execute(
        "SELECT id, witness_code, status, consent_summary FROM testimonies ORDER BY seq")}
    if record_ids is None:
        record_ids = list(columns)
    withdrawn = dict(conn.execute(
        "SELECT record_id, withdrawn_at FROM withdrawals WHERE purpose = ?", (purpose,)).fetchall())
    included, excluded, reasons = [], [], {}
    for record_id in dict.fromkeys(record_ids):
        if record_id not in columns:
            raise testimonies.NotFound(record_id)
        witness_code, status, consented = columns[record_id]
        reason = reasons[record_id] = _reason(record_id, status, consented.split(","), purpose,
                                              withdrawn)
        if reason:
            excluded.append((witness_code, reason))
        else:
            included.append(record_id)
    sent = sent_before(conn, purpose, recipients)
    for record_id in sent:
        if record_id not in reasons:
            found = columns.get(record_id)
            reasons[record_id] = _reason(record_id, found[1], found[2].split(","), purpose,
                                         withdrawn) if found else "destroyed"
    received = _received(conn) if purpose == consent.HANDOVER else set()
    notices = [{"record_id": record_id, "purpose": purpose,
                "withdrawn_at": withdrawn.get(record_id) or now_utc()}
               for record_id in sent if reasons[record_id] in _NOTICE_REASONS
               and record_id not in received]
    return ExportPlan(purpose, included, excluded, notices)


def _reason(record_id: str, status: str, consented: list[str], purpose: str,
            withdrawn: dict[str, str]) -> str | None:
    """Why a record may not leave for ``purpose``, or ``None``."""
    if record_id in withdrawn:
        return "withdrawn"
    if consent.consent_key(purpose) not in consented:
        return "no_consent"
    if status != "complete":
        return "not_complete"
    return None


def exclusion(record: Testimony, purpose: str, withdrawn: dict[str, str]) -> str | None:
    consented = [consent.consent_key(purpose)] if consent.consent_given(record.document, purpose) \
        else []
    return _reason(record.id, record.status, consented, purpose, withdrawn)


def _received(conn: Connection) -> set[str]:
    """The testimonies a receipt of our archive destroyed here: the archive holds them, so
    their absence is no revocation (a testimony destroyed by hand after its hand-over is)."""
    return {row[0] for row in conn.execute("SELECT record_id FROM receipt_records")}


def sent_before(conn: Connection, purpose: str, recipients: list[Recipient]) -> list[str]:
    """Every record an earlier bundle for ``purpose`` carried to any of these recipients; a
    record among them that may no longer go to them (consent withdrawn, here or by changing the
    answer in the interview form, or the record destroyed) gets a revocation notice."""
    keys = sorted({r.public_key for r in recipients})
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    return [row[0] for row in conn.execute(
        "SELECT DISTINCT er.record_id FROM export_records er "  # noqa: S608
        "JOIN exports e ON e.bundle_id = er.bundle_id AND e.purpose = ? "
        f"JOIN export_recipients r ON r.bundle_id = e.bundle_id AND r.public_key IN ({marks}) "
        "ORDER BY er.record_id", [purpose, *keys])]
