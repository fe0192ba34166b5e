"""Testimonies: create, save, read, list, search and crypto-shred sealed records.

A record is one JSON document (docs/testimony.schema.json) sealed under its own data key
(vault/keys.py). Columns hold only what the list page needs: witness code, community, interview date,
status and consent summary. Search runs over an FTS5 index inside the encrypted store, kept
contentless (no copy of the text) and fed folded words (records/folding.py) so spelling variants match.
An edit or a delete removes the earlier words from the index itself (FTS5 secure-delete, given the
words of the version being replaced, opened from its sealed document), then the WAL is
truncated, so a destroyed record or a corrected word leaves nothing behind (docs/security.md).
Creating or saving a record stamps every changed consent answer in its history, whoever calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.records import attachments, consent
from intake.records.attachments import Attachment, AttachmentError, Owner, Upload
from intake.records.folding import fold_words, words
from intake.records.schema import validate
from intake.store.connection import Connection, scrub_wal
from intake.store.search_index import indexed_words, reindex
from intake.store.transactions import transaction
from intake.vault.crypto import CryptoError
from intake.vault.keys import Vault

STEPS = 8
_COLUMNS = ("id, witness_code, owner_id, status, step, version, created_at, updated_at, "
            "data_key, sealed")
_Row = tuple[str, str, int, str, int, int, str, str, bytes, bytes]  # _COLUMNS, in order


class NotFound(LookupError):
    """No testimony with that id that this user may see."""


@dataclass
class Testimony:
    id: str
    witness_code: str
    owner_id: int
    status: str
    step: int
    version: int
    created_at: str
    updated_at: str
    document: dict

    def as_export(self) -> dict:
        """The document with its identity, as ``testimony show --json`` prints it."""
        return {"id": self.id, "witness_code": self.witness_code, "status": self.status,
                **self.document}


@dataclass
class Summary:
    id: str
    witness_code: str
    community: str
    interview_date: str
    status: str
    consent_summary: str
    updated_at: str
    owner_name: str


def _status(document: dict, complete: bool) -> str:
    if not consent.consent_given(document, "record"):
        return "refused"
    return "complete" if complete else "draft"


def _search_body(document: dict) -> str:
    """Every piece of text in the document, folded, for the search index."""
    pieces: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            pieces.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk({k: v for k, v in document.items() if k != "consent"})
    return fold_words(" ".join(pieces))


def create(conn: Connection, vault: Vault, owner: User, document: dict,
           *, completed: bool = False) -> Testimony:
    """A new sealed testimony with the next witness code."""
    document = _with_consent_history({}, consent.enforce_refusal(
        validate(_without_identity(document))), owner)
    record_id = uuid.uuid4().hex
    data_key = vault.new_data_key(record_id)
    with transaction(conn):
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'testimonies'").fetchone()
        witness_code = f"W-{(row[0] if row else 0) + 1:04d}"
        stamp = now_utc()
        conn.execute(
            "INSERT INTO testimonies (id, witness_code, owner_id, status, consent_summary, "
            "created_at, updated_at, version, data_key, sealed) VALUES (?,?,?,?,?,?,?,0,?,x'')",
            (record_id, witness_code, owner.id, "draft", "", stamp, stamp, data_key))
        _write(conn, vault, record_id, 1, document, None, complete=completed, step=None)
        audit.record(conn, vault, owner, "create", record_id=record_id, witness_code=witness_code)
        if completed:
            _mark_completed(conn, record_id, owner)
    return load(conn, vault, record_id, owner)


def save(conn: Connection, vault: Vault, viewer: User, record_id: str, document: dict,
         *, step: int | None = None, draft: bool = False) -> Testimony:
    """Replace a testimony's content with a new sealed version. A ``draft`` save (the form,
    autosave) keeps a date that is not valid EDTF yet; completing a record needs valid dates."""
    document = consent.enforce_refusal(validate(_without_identity(document),
                                                check_dates=not draft))
    with transaction(conn):
        current = _row(conn, record_id, viewer)
        previous = _previous(vault, current)
        document = _with_consent_history(previous or {}, document, viewer)
        _write(conn, vault, record_id, current[5] + 1, document,
               _indexed(conn, current, previous),
               complete=current[3] == "complete" and not draft, step=step)
        audit.record(conn, vault, viewer, "edit", record_id=record_id, witness_code=current[1],
                     version=current[5] + 1)
    scrub_wal(conn)
    return load(conn, vault, record_id, viewer)


def complete(conn: Connection, vault: Vault, viewer: User, record_id: str) -> Testimony:
    """Mark a testimony complete; raises :class:`~intake.schema.DocumentError` while any date
    is not valid EDTF."""
    testimony = load(conn, vault, record_id, viewer)
    validate(testimony.document)
    with transaction(conn):
        _write(conn, vault, record_id, testimony.version + 1, testimony.document,
               _search_body(testimony.document), complete=True, step=None)
        _mark_completed(conn, record_id, viewer)
        audit.record(conn, vault, viewer, "complete", record_id=record_id,
                     witness_code=testimony.witness_code)
    return load(conn, vault, record_id, viewer)


def _mark_completed(conn: Connection, record_id: str, by: User) -> None:
    """The first completion's time and user, for the chain of custody (bundles/export.py)."""
    conn.execute("UPDATE testimonies SET completed_at = COALESCE(completed_at, ?), "
                 "completed_by = COALESCE(completed_by, ?) WHERE id = ? AND status = 'complete'",
                 (now_utc(), by.id, record_id))


def _write(conn: Connection, vault: Vault, record_id: str, version: int, document: dict,
           indexed: str | None, *, complete: bool, step: int | None) -> None:
    """Seal ``document`` as ``version`` and index its words in place of ``indexed`` (the body
    indexed for the version it replaces, ``None`` for a new record)."""
    (seq, data_key) = conn.execute("SELECT seq, data_key FROM testimonies WHERE id = ?",
                                   (record_id,)).fetchone()
    sealed = vault.seal_record(record_id, version, data_key, document)
    survivor, interview = document.get("survivor", {}), document.get("interview", {})
    conn.execute(
        "UPDATE testimonies SET status = ?, community = ?, interview_date = ?, "
        "consent_summary = ?, step = COALESCE(?, step), updated_at = ?, version = ?, sealed = ? "
        "WHERE id = ?",
        (_status(document, complete), survivor.get("community", ""), interview.get("date", ""),
         consent.summary(document), step, now_utc(), version, sealed, record_id))
    reindex(conn, "testimony_search", seq, indexed, _search_body(document))


def _with_consent_history(previous: dict, document: dict, by: User) -> dict:
    """``document`` with every consent answer changed since ``previous`` (the version it
    replaces, empty for a new record) stamped in its history with the time and ``by``, so that
    the web, the command line and any other caller keep the same history."""
    if "consent" not in document:
        return document
    return {**document, "consent": consent.with_history(
        previous.get("consent", {}), document["consent"], at=now_utc(), by=by.name)}


def _previous(vault: Vault, row: tuple) -> dict | None:
    """The document of a testimony's current version (``_row``'s row), ``None`` if it no
    longer opens (a damaged record)."""
    try:
        return vault.open_record(row[0], row[5], row[8], row[9])
    except CryptoError:
        return None


def _indexed(conn: Connection, row: tuple, previous: dict | None) -> str:
    """The words the index holds for a testimony's current version (``_row``'s row): folded
    again from its document ``previous`` or, for a damaged record, read from the index itself,
    slowly, so that a damaged record can still be saved over or destroyed."""
    if previous is not None:
        return _search_body(previous)
    (seq,) = conn.execute("SELECT seq FROM testimonies WHERE id = ?", (row[0],)).fetchone()
    return indexed_words(conn, "testimony_search", seq)


def without_nulls(value: object) -> object:
    """``value`` without the fields of its objects, at any depth, that are ``null``:
    KoBoToolbox and ODK export an unanswered question as ``null``, which means "not given"
    (docs/testimony-schema.md, "Import and export"). A ``null`` in a list is not a field and
    stays, to be refused. Walked with a list, not by recursion, so a file nested as deeply as
    the JSON reader allows gets its one-line refusal from the schema."""
    if not isinstance(value, dict | list):
        return value
    top: dict | list = {} if isinstance(value, dict) else []
    pending: list[tuple[dict | list, dict | list]] = [(value, top)]
    while pending:
        source, copy = pending.pop()
        for key, item in (source.items() if isinstance(source, dict) else enumerate(source)):
            if item is None and isinstance(source, dict):
                continue
            if isinstance(item, dict | list):
                inner: dict | list = {} if isinstance(item, dict) else []
                pending.append((item, inner))
                item = inner
            if isinstance(copy, dict):
                copy[key] = item
            else:
                copy.append(item)
    return top


def _without_identity(document: dict) -> dict:
    """Drop the read-only keys that ``as_export`` adds, so an exported record imports again."""
    return {k: v for k, v in document.items() if k not in ("id", "witness_code", "status")}


def _row(conn: Connection, record_id: str, viewer: User) -> _Row:
    row = conn.execute(f"SELECT {_COLUMNS} FROM testimonies WHERE id = ?",  # noqa: S608
                       (record_id,)).fetchone()
    if row is None or not (viewer.sees_all or row[2] == viewer.id):
        raise NotFound(record_id)
    return row


def load(conn: Connection, vault: Vault, record_id: str, viewer: User) -> Testimony:
    """Open one testimony, if ``viewer`` may see it."""
    row = _row(conn, record_id, viewer)
    document = vault.open_record(record_id, row[5], row[8], row[9])
    return Testimony(*row[:8], document=document)


def delete(conn: Connection, vault: Vault, viewer: User, record_id: str) -> None:
    """Crypto-shred: the data key and sealed text are overwritten (secure_delete), the record's
    words are removed from the search index (secure-delete), and the WAL is truncated so no copy
    stays behind in it."""
    with transaction(conn):
        row = _row(conn, record_id, viewer)
        audit.record(conn, vault, viewer, "delete", record_id=record_id, witness_code=row[1])
        files = destroy(conn, vault, viewer, record_id)
    scrub_wal(conn)
    attachments.unlink(files)


def destroy(conn: Connection, vault: Vault, viewer: User, record_id: str) -> list[Path]:
    """Inside the caller's transaction, crypto-shred one record as :func:`delete` does; returns
    its attached files, for the caller to unlink once committed (after its own ``scrub_wal``)."""
    row = _row(conn, record_id, viewer)
    (seq,) = conn.execute("SELECT seq FROM testimonies WHERE id = ?", (record_id,)).fetchone()
    reindex(conn, "testimony_search", seq, _indexed(conn, row, _previous(vault, row)), None)
    files = attachments.remove_all(conn, _owner_ref(record_id))
    conn.execute("DELETE FROM testimonies WHERE id = ?", (record_id,))
    return files


# ---- attachments ----

def _owner_ref(record_id: str) -> str:
    return f"testimony:{record_id}"


def owner(conn: Connection, viewer: User, record_id: str) -> Owner:
    """The attachment owner for a testimony ``viewer`` may see."""
    return Owner(_owner_ref(record_id), record_id, _row(conn, record_id, viewer)[8])


def attach(conn: Connection, vault: Vault, viewer: User, record_id: str, upload: Upload, *,
           kind: str, filename: str, declared_type: str,
           duration: float | None = None) -> Attachment:
    """Keep an uploaded file with a testimony. An audio recording needs the survivor's consent
    to one; a refusal keeps nothing but the refusal (records/consent.py)."""
    try:
        with transaction(conn):
            record = load(conn, vault, record_id, viewer)
            if record.status == "refused":
                raise AttachmentError("consent to record was refused: nothing else is kept",
                                      "refused")
            if kind == "audio" and not consent.consent_given(record.document, "audio"):
                raise AttachmentError("the survivor has not agreed to an audio recording",
                                      "no_audio_consent")
            attachment = attachments.add(conn, vault, owner(conn, viewer, record_id), upload,
                                         kind=kind, filename=filename,
                                         declared_type=declared_type, by=viewer.id,
                                         duration=duration)
            # A keyed digest, not the SHA-256: a hash of the plaintext would outlive a destroyed
            # file and let anyone with the store test a copy of it (docs/security.md).
            audit.record(conn, vault, viewer, "attachment_added", record_id=record_id,
                         witness_code=record.witness_code, attachment=attachment.id, kind=kind,
                         size=attachment.size, digest=vault.audit_digest(attachment.sha256))
    except BaseException:
        upload.undo()
        raise
    return attachment


def attachment(conn: Connection, vault: Vault, viewer: User, record_id: str,
               attachment_id: str) -> Attachment:
    """One attachment of a testimony ``viewer`` may see; the viewing is audited."""
    found = attachments.get(conn, vault, owner(conn, viewer, record_id), attachment_id)
    audit.record(conn, vault, viewer, "attachment_viewed", record_id=record_id,
                 attachment=attachment_id)
    return found


def detach(conn: Connection, vault: Vault, viewer: User, record_id: str,
           attachment_id: str) -> None:
    """Destroy one attachment: its sealed identity is overwritten and its file removed."""
    with transaction(conn):
        path = attachments.remove(conn, owner(conn, viewer, record_id), attachment_id)
        audit.record(conn, vault, viewer, "attachment_removed", record_id=record_id,
                     attachment=attachment_id)
    scrub_wal(conn)
    attachments.unlink([path])


def summaries(conn: Connection, viewer: User, *, query: str = "", page: int = 1,
              per_page: int = 25) -> tuple[list[Summary], int]:
    """One page of the testimonies ``viewer`` may see, newest first, and how many there are."""
    where, params = ["1 = 1"], list[object]()
    if not viewer.sees_all:
        where.append("t.owner_id = ?")
        params.append(viewer.id)
    terms = words(query)
    if terms:
        match = " ".join(f'"{term}"*' for term in terms)
        # "+" keeps SQLite walking the (covering) index in date order and testing each entry
        # against the matches, instead of reading the row of every match to sort them: 13 ms
        # instead of 390 for a word in 20,000 of 100,000 records (docs/benchmarks.md).
        where.append("+t.seq IN (SELECT rowid FROM testimony_search WHERE testimony_search "
                     "MATCH ?)")
        params.append(match)
    # Only fixed clauses are joined here; every value travels as a bound parameter.
    clause = " AND ".join(where)
    (total,) = conn.execute(f"SELECT count(*) FROM testimonies t WHERE {clause}",  # noqa: S608
                            params).fetchone()
    # The page is chosen in the index alone (a deep page skips index entries, not rows), then
    # only its rows are read.
    select = ("SELECT t.id, t.witness_code, COALESCE(t.community, ''), COALESCE(t.interview_date, ''), "  # noqa: S608
              "t.status, t.consent_summary, t.updated_at, u.name "
              "FROM testimonies t JOIN users u ON u.id = t.owner_id WHERE t.seq IN ("
              f"SELECT t.seq FROM testimonies t WHERE {clause} "
              "ORDER BY t.updated_at DESC, t.seq DESC LIMIT ? OFFSET ?) "
              "ORDER BY t.updated_at DESC, t.seq DESC")
    rows = conn.execute(select, [*params, per_page, (max(page, 1) - 1) * per_page]).fetchall()
    return [Summary(*row) for row in rows], total


def import_documents(conn: Connection, vault: Vault, owner: User, documents: list) -> list[str]:
    """Validate every document first, then create them all in one transaction. A field that
    is ``null`` counts as not given (:func:`without_nulls`)."""
    documents = [without_nulls(document) for document in documents]
    for index, document in enumerate(documents):
        try:
            validate(_without_identity(document) if isinstance(document, dict) else document)
        except ValueError as exc:
            raise ValueError(f"record {index + 1}: {exc}") from None
    with transaction(conn):
        return [create(conn, vault, owner, document, completed=True).id for document in documents]
