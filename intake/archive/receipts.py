"""Hand-over receipts (docs/bundle-format.md, "Hand-over receipts"): the archive's signed word
that it now holds what a field laptop handed over, and the laptop's crypto-shredding of exactly
that.

The archive makes a receipt for one imported hand-over (:func:`make`): each record id, version
and the SHA-256 of its file in the bundle, with a register entry per record, keyed with the
laptop's own register key that came inside the bundle (archive/register.py), signed with the
archive's Ed25519 key. The laptop (:func:`apply`) pins that key on first use, as an archive pins
a laptop's, and checks that the receipt is for this laptop, for a hand-over it made, lists only
what that hand-over carried at the versions and SHA-256 it carried, and was not applied before.
Anything else is refused, with nothing shredded. Then, in one transaction, it destroys each listed
testimony still at the listed version (records/testimonies.destroy, attachments included); one
edited since stays and is counted as kept. The register entries are remembered, so later
interviews can ask whether the survivor was met before.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from intake.archive import register
from intake.archive.catalogue import record_key
from intake.bundles import own_keys
from intake.bundles.fingerprints import KeyringError, fingerprint, normalise_fingerprint, readable
from intake.clock import now_utc
from intake.home import audit
from intake.home.instance import organisation
from intake.home.users import User
from intake.records import attachments, testimonies
from intake.records.consent import HANDOVER
from intake.store.connection import Connection, scrub_wal
from intake.store.transactions import transaction
from intake.vault.crypto import CryptoError, same_bytes, sign, verify_signature
from intake.vault.keys import Vault

FORMAT = "testimony-intake-receipt"
FORMAT_VERSION = 1
# What the signature covers: this line, then the payload's bytes, so that a receipt's signature
# can never be taken for a bundle's (which covers a BagIt tag manifest).
_CONTEXT = b"testimony-intake-receipt 1\n"
MAX_BYTES = 64 * 1024 * 1024
MAX_RECORDS = 100_000
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[0-9A-F]{64}")


class ReceiptError(Exception):
    """A receipt cannot be made or applied as asked (one line, safe to show)."""


class ReceiptTrustError(ReceiptError):
    """The receipt is sound but its signer is not pinned here; ``can_trust`` says whether a person
    may pin it now (no archive key is pinned for its organisation) or never (another one is)."""

    def __init__(self, message: str, signer: str, *, can_trust: bool):
        super().__init__(message)
        self.signer, self.can_trust = signer, can_trust


@dataclass(frozen=True)
class ListedRecord:
    id: str
    witness_code: str
    version: int
    sha256: str


@dataclass
class Receipt:
    receipt_id: str
    bundle_id: str
    created_at: str
    organisation: str
    signer: str  # the archive's fingerprint
    public_pem: bytes
    laptop: str  # the fingerprint of the laptop that signed the hand-over
    records: list[ListedRecord]
    register: list[dict]


@dataclass
class Applied:
    receipt: Receipt
    shredded: list[str] = field(default_factory=list)  # witness codes
    kept: list[str] = field(default_factory=list)  # edited since the hand-over
    gone: list[str] = field(default_factory=list)  # no longer on this laptop anyway


# ---- the archive ----

def handovers(conn: Connection) -> set[str]:
    """The ids of the hand-over bundles imported here, which a receipt can be made for."""
    return {row[0] for row in conn.execute("SELECT bundle_id FROM handovers_received")}


def make(conn: Connection, vault: Vault, user: User, bundle_id: str) -> bytes:
    """The signed receipt of one imported hand-over, as the file's bytes (audited)."""
    if not user.sees_all:
        raise ReceiptError("only a supervisor or an administrator can make a receipt")
    row = conn.execute(
        "SELECT b.source, h.register_key FROM handovers_received h JOIN bundles b "
        "ON b.id = h.bundle_id WHERE h.bundle_id = ?", (bundle_id,)).fetchone()
    if row is None:
        raise ReceiptError("no hand-over with that bundle id was imported here")
    source, sealed_key = row
    register_key = vault.open_secret(f"register_key:{bundle_id}", sealed_key)
    here = organisation(conn)
    listed, entries = [], []
    for record_id, version, sha256 in conn.execute(
            "SELECT record_id, version, record_sha256 FROM handover_records WHERE bundle_id = ? "
            "ORDER BY record_id", (bundle_id,)).fetchall():
        held = conn.execute(
            "SELECT witness_code, version, data_key, sealed FROM archive_records WHERE source = ? "
            "AND record_id = ? AND purpose = ?", (source, record_id, HANDOVER)).fetchone()
        if held is None or held[1] < version:
            continue  # no longer held here: the receipt does not vouch for it
        envelope = vault.open_record(record_key(source, record_id, HANDOVER), held[1], held[2],
                                     held[3])
        listed.append({"id": record_id, "witness_code": held[0], "version": version,
                       "sha256": sha256})
        entries.append(register.entry(envelope["document"], register_key, record_id=record_id,
                                      witness_code=held[0], organisation=here))
    key = own_keys.signing_key(conn, vault)
    payload = json.dumps({
        "receipt_id": uuid.uuid4().hex, "bundle_id": bundle_id, "created_at": now_utc(),
        "archive": {"organisation": here, "fingerprint": key.fingerprint}, "laptop": source,
        "records": listed, "register": entries,
    }, ensure_ascii=False, indent=1).encode()
    signature = sign(key.private, _CONTEXT + payload)
    with transaction(conn):
        audit.record(conn, vault, user, "receipt_made", bundle_id=bundle_id, records=len(listed))
    return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                       "public_key": key.public_pem.decode(),
                       "signed": base64.b64encode(payload).decode(),
                       "signature": base64.b64encode(signature).decode()}, indent=1).encode() + b"\n"


# ---- the field laptop ----

def read(data: bytes) -> Receipt:
    """A receipt whose signature holds and whose contents are well formed (not yet checked
    against this laptop: :func:`apply` does that)."""
    if len(data) > MAX_BYTES:
        raise ReceiptError("this file is too large to be a receipt")
    try:
        outer = json.loads(data)
        if outer["format"] != FORMAT:
            raise ValueError
        version = outer["format_version"]
        pem = str(outer["public_key"]).encode()
        payload = base64.b64decode(str(outer["signed"]), validate=True)
        signature = base64.b64decode(str(outer["signature"]), validate=True)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise ReceiptError("this file is not a hand-over receipt") from None
    if version != FORMAT_VERSION:
        raise ReceiptError(f"receipt format version {str(version)[:8]} is not one this software "
                           f"reads (it reads {FORMAT_VERSION})")
    try:
        signer = fingerprint(pem)
        verify_signature(pem, signature, _CONTEXT + payload)
    except (CryptoError, ValueError):
        raise ReceiptError("the receipt's signature does not verify: it was changed after it "
                           "was signed, or not signed by the key it names") from None
    try:
        return _contents(json.loads(payload), signer, pem)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ReceiptError(f"the receipt is malformed ({str(exc).splitlines()[0][:120]})") from None


def _contents(body: dict, signer: str, pem: bytes) -> Receipt:
    receipt = Receipt(str(body["receipt_id"]), str(body["bundle_id"]), str(body["created_at"]),
                      str(body["archive"]["organisation"])[:200],
                      str(body["archive"]["fingerprint"]), pem, str(body["laptop"]), [],
                      [register.check_entry(e) for e in body["register"]])
    if not (_HEX32.fullmatch(receipt.receipt_id) and _HEX32.fullmatch(receipt.bundle_id)
            and _FINGERPRINT.fullmatch(receipt.laptop)):
        raise ValueError("an id or fingerprint is malformed")
    if receipt.signer != signer:
        raise ValueError("the archive's fingerprint is not the signer's")
    items = body["records"]
    if not isinstance(items, list) or len(items) > MAX_RECORDS:
        raise ValueError("records is not a list of at most 100,000")
    for item in items:
        listed = ListedRecord(str(item["id"]), str(item["witness_code"])[:64],
                              item["version"], str(item["sha256"]))
        if not (_HEX32.fullmatch(listed.id) and _HEX64.fullmatch(listed.sha256)
                and isinstance(listed.version, int) and listed.version > 0):
            raise ValueError("a record's id, version or SHA-256 is malformed")
        receipt.records.append(listed)
    if len({r.id for r in receipt.records}) != len(receipt.records):
        raise ValueError("a record is listed twice")
    return receipt


def apply(conn: Connection, vault: Vault, user: User, data: bytes, *,
          trust: str | None = None) -> Applied:
    """Check a receipt against this laptop and crypto-shred what it lists, in one transaction."""
    if not user.sees_all:
        raise ReceiptError("only a supervisor or an administrator can apply a receipt")
    receipt = read(data)
    new_signer = _check_signer(conn, receipt, trust)
    if receipt.laptop != own_keys.signing_key(conn, vault).fingerprint:
        raise ReceiptError("this receipt is for another laptop's hand-over; nothing was shredded")
    if conn.execute("SELECT 1 FROM receipts_applied WHERE receipt_id = ? OR bundle_id = ?",
                    (receipt.receipt_id, receipt.bundle_id)).fetchone():
        raise ReceiptError("a receipt for this hand-over was applied already; nothing was "
                           "shredded")
    carried = _carried(conn, receipt.bundle_id)
    for listed in receipt.records:
        sent = carried.get(listed.id)
        if sent is None or sent[0] != listed.version or not same_bytes(
                sent[1].encode(), listed.sha256.encode()):
            raise ReceiptError(f"the receipt lists {listed.witness_code or listed.id[:8]} at a "
                               "version or SHA-256 this hand-over did not carry; nothing was "
                               "shredded")
    result = Applied(receipt)
    files: list[Path] = []
    destroyed: list[str] = []
    with transaction(conn):
        if new_signer:
            conn.execute("INSERT INTO receipt_signers (fingerprint, organisation, public_key, "
                         "pinned_at) VALUES (?, ?, ?, ?)", (receipt.signer, receipt.organisation,
                                                           receipt.public_pem.decode(), now_utc()))
        for listed in receipt.records:
            row = conn.execute("SELECT witness_code, version FROM testimonies WHERE id = ?",
                               (listed.id,)).fetchone()
            if row is None:
                result.gone.append(listed.witness_code)
            elif row[1] != listed.version:
                result.kept.append(row[0])
            else:
                files += testimonies.destroy(conn, vault, user, listed.id)
                result.shredded.append(row[0])
                destroyed.append(listed.id)
        register.remember(conn, receipt.register, receipt.bundle_id)
        conn.execute("INSERT INTO receipts_applied (receipt_id, bundle_id, signer, applied_at, "
                     "applied_by, shredded, kept) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (receipt.receipt_id, receipt.bundle_id, receipt.signer, now_utc(), user.id,
                      len(result.shredded), len(result.kept)))
        conn.executemany("INSERT INTO receipt_records (receipt_id, record_id) VALUES (?, ?)",
                         [(receipt.receipt_id, record_id) for record_id in destroyed])
        audit.record(conn, vault, user, "receipt_applied", bundle_id=receipt.bundle_id,
                     receipt_id=receipt.receipt_id, signer=receipt.signer,
                     shredded=result.shredded, kept=result.kept, gone=len(result.gone))
    scrub_wal(conn)
    attachments.unlink(files)
    return result


def _check_signer(conn: Connection, receipt: Receipt, trust: str | None) -> bool:
    """Whether the archive's key is new here and trusted now; refuses one not pinned, unless
    ``trust`` names its fingerprint and no other key is pinned for its organisation."""
    if conn.execute("SELECT 1 FROM receipt_signers WHERE fingerprint = ?",
                    (receipt.signer,)).fetchone():
        return False
    short = readable(receipt.signer, short=True)
    pinned = conn.execute("SELECT fingerprint FROM receipt_signers WHERE organisation = ?",
                          (receipt.organisation,)).fetchone()
    if pinned:
        raise ReceiptTrustError(f"{receipt.organisation!r} is pinned to key "
                                f"{readable(pinned[0], short=True)}, but this receipt is signed "
                                f"by {short}; refused, nothing was shredded", receipt.signer,
                                can_trust=False)
    if trust is None:
        raise ReceiptTrustError(f"unknown archive key {short} of {receipt.organisation!r}; "
                                "compare it with the archive, then trust it", receipt.signer,
                                can_trust=True)
    try:
        given = normalise_fingerprint(trust)
    except KeyringError as exc:
        raise ReceiptError(str(exc)) from None
    if not receipt.signer.startswith(given):
        raise ReceiptTrustError(f"the receipt is signed by {short}, not the fingerprint given",
                                receipt.signer, can_trust=True)
    return True


def _carried(conn: Connection, bundle_id: str) -> dict[str, tuple[int, str]]:
    """What a hand-over this laptop made carried: record id -> (version, file SHA-256)."""
    made = conn.execute("SELECT 1 FROM exports WHERE bundle_id = ? AND purpose = ?",
                        (bundle_id, HANDOVER)).fetchone()
    if made is None:
        raise ReceiptError("this laptop made no hand-over with the receipt's bundle id; nothing "
                           "was shredded")
    return {row[0]: (row[1], row[2] or "") for row in conn.execute(
        "SELECT record_id, version, record_sha256 FROM export_records WHERE bundle_id = ?",
        (bundle_id,))}


def handover_states(conn: Connection) -> dict[str, str]:
    """Each testimony here that went to the archive in a hand-over: ``handed_over`` when a
    hand-over carried its current version (it stays on this laptop until the archive's receipt
    is applied), ``edited`` when only an older version went (a receipt keeps it)."""
    states: dict[str, str] = {}
    for record_id, current in conn.execute(
            "SELECT t.id, max(er.version = t.version) FROM testimonies t JOIN export_records er "
            "ON er.record_id = t.id JOIN exports e ON e.bundle_id = er.bundle_id "
            "AND e.purpose = ? GROUP BY t.id", (HANDOVER,)):
        states[record_id] = "handed_over" if current else "edited"
    return states
