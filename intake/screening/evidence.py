"""What the archive holds against one person of the index, as a screening shows it and a brief
files it: the person's names, acts with their qualifications and independent witnesses, the
bars to amnesty (archive/legal_context.py), and each statement with its custody reference.

A statement is one archive record naming the person, counted (not from a compromised key) and
not withdrawn: its witness code, organisation, bundle id and the bundle file's SHA-256, and the
signer's fingerprint, so that a court can trace it. The survivor's name is given only when the
record carries consent to disclose identity to prosecutors and the bundle carried the name
(bundles/profiles.py leaves it out otherwise); everywhere else the witness code stands for her.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.archive import catalogue, corroboration, legal_context
from intake.archive.corroboration import Person
from intake.archive.sources import signed_after
from intake.records import qualifications
from intake.records.qualifications import Bar
from intake.store.connection import Connection
from intake.vault.crypto import CryptoError
from intake.vault.keys import Vault


@dataclass(frozen=True)
class Statement:
    seq: int
    witness_code: str
    organisation: str
    bundle_id: str
    bundle_sha256: str
    signer: str
    version: int
    survivor: str  # "" unless consent to disclose identity to prosecutors


@dataclass(frozen=True)
class Evidence:
    person: Person
    qualifications: dict[str, tuple[str, ...]]  # act: its Rome Statute articles and provisions
    bars: tuple[Bar, ...]
    statements: tuple[Statement, ...]


def for_person(conn: Connection, vault: Vault, person_id: str) -> Evidence | None:
    """The evidence about one person, or None if the index no longer has them."""
    found = corroboration.persons(conn, person_id)
    if not found:
        return None
    person = found[0]
    counted = [m for m in person.mentions if m.counted]
    acts = {a.act for a in person.acts}
    return Evidence(person, {act: qualification_codes(act) for act in sorted(acts)},
                    tuple(legal_context.person_bars(conn, vault, counted)),
                    tuple(_statements(conn, vault, counted)))


def qualification_codes(act: str) -> tuple[str, ...]:
    """The act's qualifications as codes: ``rome:<article>`` or a provision's id."""
    return tuple(q.id if isinstance(q, qualifications.Provision) else f"rome:{q.article}"
                 for q in qualifications.qualifications(act))


def _statements(conn: Connection, vault: Vault,
                mentions: list[corroboration.IndexedMention]) -> list[Statement]:
    seen: dict[int, Statement] = {}
    for mention in mentions:
        for seq, version, bundle_id, sha256, signer, organisation, exported, since in conn.execute(
                "SELECT r.seq, r.version, r.bundle_id, b.file_sha256, r.source, s.organisation, "
                "b.exported_at, s.compromised_since "
                "FROM archive_records r JOIN bundles b ON b.id = r.bundle_id "
                "JOIN sources s ON s.fingerprint = r.source LEFT JOIN archive_withdrawals w ON "
                "w.source = r.source AND w.record_id = r.record_id AND w.purpose = r.purpose "
                "WHERE r.source = ? AND r.record_id = ? AND w.withdrawn_at IS NULL ORDER BY r.seq",
                (mention.source, mention.record_id)):
            if seq not in seen and not signed_after(exported, since):
                seen[seq] = Statement(seq, mention.witness_code, organisation, bundle_id, sha256,
                                      signer, version, _survivor(conn, vault, seq))
    return list(seen.values())


def _survivor(conn: Connection, vault: Vault, seq: int) -> str:
    try:
        _record, envelope, _history = catalogue.load(conn, vault, seq)
    except CryptoError:
        return ""
    document = envelope.get("document") or {}
    if (document.get("consent") or {}).get("identity_to_prosecutors") is not True:
        return ""
    return str((document.get("survivor") or {}).get("full_name") or "")
