"""Importing a bundle into the legal team's archive: its records sealed again under this
archive's own keys, with provenance and revocations (reading them is archive/catalogue.py).

A record is known by its source instance's fingerprint, its id there, and the purpose it came
for (one survivor's trial and reparations records differ in content). Import checks the whole
bundle first (bundles/reader.py), pins the source's signing key on first use (trust on first use,
confirmed by a person who compared fingerprints), and writes in one transaction: a record seen
before is kept unless a newer version arrives, which replaces it and moves the older one to
``archive_history``. A revocation notice hides the record from its purpose's lists. A hand-over
also leaves what its receipt will list, and the laptop's register key, sealed. The
perpetrator index follows in the same transaction (archive/persons.py). Attached
files are encrypted again under this archive's keys as they are read (records/attachments.py); a file
already held for the record (same SHA-256) is not stored twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from intake.archive import persons
from intake.archive.catalogue import record_key
from intake.bundles import reader as bundle_reader
from intake.bundles.fingerprints import normalise_fingerprint, readable
from intake.bundles.reader import Bundle, BundleError
from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.records import attachments
from intake.records.attachments import AttachmentError, Owner, Upload
from intake.records.consent import HANDOVER
from intake.records.folding import fold_words
from intake.store.connection import Connection, large_cache, scrub_wal
from intake.store.search_index import indexed_words, reindex
from intake.store.transactions import transaction
from intake.vault.crypto import CryptoError
from intake.vault.keys import Vault


class TrustError(BundleError):
    """The bundle is sound but its signer is not trusted here; ``can_trust`` says whether a person
    may trust it now (a new source) or never (an organisation whose pinned key differs)."""

    bundle: Bundle

    def __init__(self, message: str, bundle: Bundle, *, can_trust: bool = False):
        super().__init__(message, bundle=bundle)
        self.can_trust = can_trust


@dataclass
class ImportResult:
    bundle: Bundle
    counts: Counter[str]
    already_imported: bool = False


def check_source(conn: Connection, bundle: Bundle, trust: str | None) -> bool:
    """Whether the signer is pinned already; raises :class:`TrustError` unless it is, or
    ``trust`` names its fingerprint. Returns True when the key is new and trusted now."""
    if conn.execute("SELECT 1 FROM sources WHERE fingerprint = ?",
                    (bundle.fingerprint,)).fetchone():
        return False
    pinned = conn.execute("SELECT fingerprint FROM sources WHERE organisation = ?",
                          (bundle.organisation,)).fetchone()
    if pinned:
        raise TrustError(f"signer: {bundle.organisation!r} is pinned to key "
                         f"{readable(pinned[0], short=True)}, but this bundle is signed by "
                         f"{readable(bundle.fingerprint, short=True)}; refused", bundle)
    if trust is None:
        raise TrustError(f"signer: unknown key {readable(bundle.fingerprint, short=True)} of "
                         f"{bundle.organisation!r}; compare it with the sender, then trust it",
                         bundle, can_trust=True)
    if not bundle.fingerprint.startswith(normalise_fingerprint(trust)):
        raise TrustError(f"signer: the bundle is signed by "
                         f"{readable(bundle.fingerprint, short=True)}, not the fingerprint given",
                         bundle, can_trust=True)
    return True


def import_bundle(conn: Connection, vault: Vault, user: User, path: Path, identities: list[str],
                  *, trust: str | None = None) -> ImportResult:
    """Verify, check the signer, then import every record and notice in one transaction."""
    bundle = bundle_reader.verify(path, identities)
    new_source = check_source(conn, bundle, trust)
    counts: Counter[str] = Counter()
    if conn.execute("SELECT 1 FROM bundles WHERE id = ?", (bundle.bundle_id,)).fetchone():
        return ImportResult(bundle, counts, already_imported=True)
    stamp = now_utc()
    uploads: list[Upload] = []
    current: dict = {}  # the owner of the attached files that follow, and what it already holds

    def open_sink(name: str) -> Upload | None:
        if current.get("skip"):
            return None
        uploads.append(Upload(attachments.directory(conn)))
        return uploads[-1]

    try:
        with large_cache(conn), transaction(conn):
            _import(conn, vault, user, bundle, path, identities, new_source, stamp, counts,
                    current, open_sink)
    except BaseException:
        for upload in uploads:
            upload.undo()
        raise
    scrub_wal(conn)  # a replaced version's index pages must not stay in the WAL
    return ImportResult(bundle, counts)


def _import(conn: Connection, vault: Vault, user: User, bundle: Bundle, path: Path,
            identities: list[str], new_source: bool, stamp: str, counts: Counter[str],
            current: dict, open_sink: Callable[[str], Upload | None]) -> None:
    persons.catch_up(conn, vault)  # records imported before the perpetrator index existed
    touched = persons.Touched()
    if new_source:
        conn.execute("INSERT INTO sources (fingerprint, organisation, public_key, trusted_at) "
                     "VALUES (?, ?, ?, ?)", (bundle.fingerprint, bundle.organisation,
                                             bundle.public_pem.decode(), stamp))
    conn.execute(
        "INSERT INTO bundles (id, source, purpose, format_version, exported_at, imported_at, "
        "imported_by, record_count, revocation_count, file_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (bundle.bundle_id, bundle.fingerprint, bundle.purpose, bundle.format_version,
         bundle.created_at, stamp, user.id, len(bundle.records), len(bundle.revocations),
         bundle.file_sha256))
    if bundle.purpose == HANDOVER:
        conn.execute("INSERT INTO handovers_received (bundle_id, register_key) VALUES (?, ?)",
                     (bundle.bundle_id, vault.seal_secret(f"register_key:{bundle.bundle_id}",
                                                          bundle.register_key)))
    for kind, item, upload in bundle_reader.records(path, identities, bundle, open_sink):
        if kind == "record":
            if bundle.purpose == HANDOVER:  # what its receipt will list (archive/receipts.py)
                conn.execute("INSERT INTO handover_records (bundle_id, record_id, version, "
                             "record_sha256) VALUES (?, ?, ?, ?)",
                             (bundle.bundle_id, item["id"], int(item["version"]),
                              bundle.record_sha256(item["id"])))
            outcome, owner = _store_record(conn, vault, bundle, item, stamp, touched)
            counts[outcome] += 1
            held = {a.sha256 for a in attachments.listing(conn, vault, owner)}
            current.update(owner=owner, held=held, skip=outcome == "unchanged")
        elif upload is not None:
            _store_attachment(conn, vault, user, current, item, upload, counts)
    for notice in bundle.revocations:
        revoked = conn.execute(
            "INSERT INTO archive_withdrawals (source, record_id, purpose, withdrawn_at, "
            "bundle_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (bundle.fingerprint, notice["record_id"], notice["purpose"],
             notice["withdrawn_at"], bundle.bundle_id)).rowcount
        if revoked:
            persons.drop_withdrawn(conn, bundle.fingerprint, notice["record_id"],
                                   notice["purpose"], touched)
        counts["revoked"] += revoked
    persons.regroup(conn, touched)
    audit.record(conn, vault, user, "import", bundle_id=bundle.bundle_id,
                 source=bundle.fingerprint, purpose=bundle.purpose, **counts)


def _store_attachment(conn: Connection, vault: Vault, user: User, current: dict, entry: dict,
                      upload: Upload, counts: Counter[str]) -> None:
    if entry["sha256"] in current["held"]:
        upload.discard()
        return
    try:
        added = attachments.add(
            conn, vault, current["owner"], upload, kind=str(entry["kind"]),
            filename=f"{entry['kind']}-{str(entry['id'])[:8]}.{entry['file'].rsplit('.', 1)[1]}",
            declared_type=str(entry["media_type"]), by=user.id, duration=entry.get("duration"))
    except (AttachmentError, TypeError) as exc:
        raise BundleError(f"attachments: {entry['file']} cannot be kept ({exc})") from None
    current["held"].add(added.sha256)
    counts["attachments"] += 1


def _store_record(conn: Connection, vault: Vault, bundle: Bundle, envelope: dict,
                  stamp: str, touched: persons.Touched) -> tuple[str, Owner]:
    record_id, version = envelope["id"], int(envelope["version"])
    key = record_key(bundle.fingerprint, record_id, bundle.purpose)
    row = conn.execute("SELECT seq, version, bundle_id, imported_at, data_key, sealed "
                       "FROM archive_records WHERE source = ? AND record_id = ? AND purpose = ?",
                       (bundle.fingerprint, record_id, bundle.purpose)).fetchone()
    if row is None:
        data_key = vault.new_data_key(key)
        sealed = vault.seal_record(key, version, data_key, envelope)
        seq = conn.execute(
            "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
            "bundle_id, imported_at, data_key, sealed, persons_indexed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (bundle.fingerprint, record_id, bundle.purpose, envelope["witness_code"], version,
             bundle.bundle_id, stamp, data_key, sealed)).lastrowid
        outcome = "new"
    else:
        seq, old_version, old_bundle, old_stamp, data_key, old_sealed = row
        if version <= old_version:
            return "unchanged", Owner(f"archive:{seq}", key, data_key)
        conn.execute("INSERT INTO archive_history (record_seq, version, bundle_id, imported_at, "
                     "sealed) VALUES (?, ?, ?, ?, ?)", (seq, old_version, old_bundle, old_stamp,
                                                       old_sealed))
        conn.execute("UPDATE archive_records SET witness_code = ?, version = ?, bundle_id = ?, "
                     "imported_at = ?, sealed = ?, persons_indexed = 1 WHERE seq = ?",
                     (envelope["witness_code"], version, bundle.bundle_id, stamp,
                      vault.seal_record(key, version, data_key, envelope), seq))
        # The older version's words leave the index (secure-delete needs exactly those words;
        # if that version no longer opens, they are read from the index itself).
        try:
            old = _search_body(vault.open_record(key, old_version, data_key, old_sealed))
        except CryptoError:
            old = indexed_words(conn, "archive_search", seq)
        reindex(conn, "archive_search", seq, old, _search_body(envelope))
        persons.index_record(conn, seq, bundle.fingerprint, envelope, touched, marked=True)
        return "updated", Owner(f"archive:{seq}", key, data_key)
    reindex(conn, "archive_search", seq, None, _search_body(envelope))
    persons.index_record(conn, seq, bundle.fingerprint, envelope, touched, marked=True, new=True)
    return outcome, Owner(f"archive:{seq}", key, data_key)


def _search_body(envelope: dict) -> str:
    """Every piece of text of a record's document, folded, for the search index."""
    return fold_words(" ".join(_texts(envelope["document"])))


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []
