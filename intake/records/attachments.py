"""Attachments: audio recordings, scans of consent forms, ID and other civil documents,
investigation papers and medical or psychosocial reports (the papers a reparations claim needs,
records/claims.py), photos.

Each file is encrypted while it arrives, as an age file (age-encryption.org/v1: 64 KiB
ChaCha20-Poly1305 chunks) to an X25519 identity of its own; it is never written, nor held whole,
in plaintext. Its SHA-256 is computed over the plaintext on the way in, before encryption. The
identity, that hash, the file's name, media type and (for recordings) duration are sealed under
the data key of the record it belongs to (vault/keys.py), so destroying the record's key destroys its
attachments too (crypto-shredding); the ciphertext files are removed with it.

Files live in ``attachments/`` beside the store, written as ``<id>.age.partial`` and renamed
when complete. An :class:`Owner` names the record: a testimony here, or an archive record on a
legal team's instance (archive/importer.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from intake import atomic
from intake.clock import now_utc
from intake.hashing import hashed, pieces
from intake.store.connection import Connection, file_of
from intake.vault import agefile
from intake.vault.keys import Vault

KINDS = ("audio", "consent_form", "id_document", "civil_document", "investigation_papers",
         "medical_report", "photo")  # named in web/labels.py
# What a kind may hold: a recording is audio, a scan an image or a PDF, a photo an image.
_MEDIA = {
    "audio": re.compile(r"^audio/[a-z0-9.+-]+$"),
    "consent_form": re.compile(r"^(image/[a-z0-9.+-]+|application/pdf)$"),
    "id_document": re.compile(r"^(image/[a-z0-9.+-]+|application/pdf)$"),
    "civil_document": re.compile(r"^(image/[a-z0-9.+-]+|application/pdf)$"),
    "investigation_papers": re.compile(r"^(image/[a-z0-9.+-]+|application/pdf)$"),
    "medical_report": re.compile(r"^(image/[a-z0-9.+-]+|application/pdf)$"),
    "photo": re.compile(r"^image/[a-z0-9.+-]+$"),
}
EXTENSIONS = {"audio/webm": "webm", "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a",
              "audio/wav": "wav", "audio/x-wav": "wav", "audio/flac": "flac",
              "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif", "image/webp": "webp",
              "application/pdf": "pdf"}
_PIECE = 1 << 20


class AttachmentError(ValueError):
    """An attachment cannot be added or found as asked (one line, safe to show). ``reason``
    names the refusals a person meets on the web page, which show them in their language."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Owner:
    """The record an attachment belongs to: its row key, the name its data key is wrapped
    under, and that wrapped key."""

    ref: str
    key_name: str
    wrapped_key: bytes


@dataclass
class Attachment:
    id: str
    kind: str
    size: int
    created_at: str
    sha256: str
    filename: str
    media_type: str
    duration: float | None = None
    identity: str = field(default="", repr=False)

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.media_type, "bin")

    def public(self) -> dict:
        """What a bundle says about the file (no identity)."""
        entry: dict = {"id": self.id, "kind": self.kind, "media_type": self.media_type,
                       "size": self.size, "sha256": self.sha256}
        if self.duration is not None:
            entry["duration"] = self.duration
        return entry


def directory(conn: Connection) -> Path:
    """``attachments/`` beside the store file the connection has open."""
    return file_of(conn).parent / "attachments"


def media_type(value: str) -> str:
    """The bare media type, lower case, without parameters (``audio/webm;codecs=opus``)."""
    return value.split(";", 1)[0].strip().lower()


class Upload:
    """A file being received: written straight into an age file under a fresh identity, hashed
    and counted on the way, in one request (the form parser writes into it) or in pieces over
    several (web/uploads.py). :meth:`discard` (or :meth:`close` before :func:`add`) removes it."""

    def __init__(self, folder: Path, limit: int | None = None):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.id = uuid.uuid4().hex
        self.identity = agefile.new_identity()
        self.path = folder / f"{self.id}.age"
        self.partial = folder / f"{self.id}.age.partial"
        self.size, self.limit = 0, limit
        self._digest = hashlib.sha256()
        self._file = open(self.partial, "xb")  # noqa: SIM115 - closed by finish() or discard()
        self._age = agefile.encrypting_writer(self._file, [agefile.public_key(self.identity)])
        self.finished = False

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise AttachmentError(f"the file is larger than {self.limit} bytes")
        self._digest.update(data)
        return self._age.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0  # the upload is write-once; the form parser rewinds out of habit

    def finish(self) -> str:
        """Seal the last chunk and flush to disk; returns the plaintext's SHA-256."""
        if not self.finished:
            self._age.finish()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self.finished = True
        return self._digest.hexdigest()

    def discard(self) -> None:
        self._age.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)

    close = discard  # the web form parser closes its files at the end of each request

    def undo(self) -> None:
        """Discard the upload, and its file even if :func:`add` already renamed it into place
        (for a transaction that did not commit)."""
        self.discard()
        self.path.unlink(missing_ok=True)


def receive(source: BinaryIO, folder: Path, limit: int | None = None) -> Upload:
    """Stream ``source`` into a new upload, one piece at a time."""
    upload = Upload(folder, limit)
    try:
        while piece := source.read(_PIECE):
            upload.write(piece)
        upload.finish()
    except BaseException:
        upload.discard()
        raise
    return upload


def check_type(kind: str, declared_type: str) -> str:
    """The bare media type, if a file of that type may be an attachment of ``kind``."""
    declared_type = media_type(declared_type)
    if kind not in KINDS:
        raise AttachmentError(f"unknown kind of attachment; use one of {', '.join(KINDS)}",
                              "unknown_kind")
    if not _MEDIA[kind].match(declared_type):
        raise AttachmentError(f"a {kind.replace('_', ' ')} cannot be a file of type "
                              f"{declared_type or 'unknown'}", "wrong_type")
    return declared_type


def add(conn: Connection, vault: Vault, owner: Owner, upload: Upload, *, kind: str,
        filename: str, declared_type: str, by: int | None,
        duration: float | None = None) -> Attachment:
    """Keep a received upload as an attachment of ``owner`` (call inside the caller's
    transaction); the file is renamed into place before the row is written."""
    declared_type = check_type(kind, declared_type)
    if duration is not None and not 0 <= duration < 24 * 3600:
        raise AttachmentError("the duration is not a number of seconds")
    sha256 = upload.finish()
    if upload.size == 0:
        raise AttachmentError("the file is empty", "empty")
    attachment = Attachment(upload.id, kind, upload.size, now_utc(), sha256,
                            Path(filename).name[:200] or "file", declared_type,
                            None if duration is None else round(duration, 1), upload.identity)
    sealed = vault.seal_attachment(owner.key_name, owner.wrapped_key, attachment.id,
                                   _secret_part(attachment))
    atomic.replace(upload.partial, upload.path)
    conn.execute("INSERT INTO attachments (id, owner, kind, size, created_at, created_by, "
                 "sealed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (attachment.id, owner.ref, kind, attachment.size, attachment.created_at, by,
                  sealed))
    return attachment


def _secret_part(attachment: Attachment) -> dict:
    return {"identity": attachment.identity, "sha256": attachment.sha256,
            "filename": attachment.filename, "media_type": attachment.media_type,
            "duration": attachment.duration}


def listing(conn: Connection, vault: Vault, owner: Owner) -> list[Attachment]:
    """The attachments of ``owner``, oldest first."""
    rows = conn.execute("SELECT id, kind, size, created_at, sealed FROM attachments "
                        "WHERE owner = ? ORDER BY created_at, id", (owner.ref,)).fetchall()
    return [_open(vault, owner, row) for row in rows]


def get(conn: Connection, vault: Vault, owner: Owner, attachment_id: str) -> Attachment:
    row = conn.execute("SELECT id, kind, size, created_at, sealed FROM attachments "
                       "WHERE owner = ? AND id = ?", (owner.ref, attachment_id)).fetchone()
    if row is None:
        raise AttachmentError("no such attachment")
    return _open(vault, owner, row)


def _open(vault: Vault, owner: Owner, row: tuple) -> Attachment:
    secret = vault.open_attachment(owner.key_name, owner.wrapped_key, row[0], row[4])
    return Attachment(row[0], row[1], row[2], row[3], secret["sha256"], secret["filename"],
                      secret["media_type"], secret.get("duration"), secret["identity"])


def path_of(conn: Connection, attachment: Attachment) -> Path:
    return directory(conn) / f"{attachment.id}.age"


def plaintext(conn: Connection, attachment: Attachment) -> agefile.decrypting_reader:
    """A readable file of the attachment's plaintext (authenticated as a whole only once it has
    been read to the end without error)."""
    try:
        source = open(path_of(conn, attachment), "rb")  # noqa: SIM115 - closed with the reader
    except FileNotFoundError:
        raise AttachmentError("the attachment's file is missing") from None
    reader = agefile.decrypting_reader(source, [attachment.identity])
    reader.source = source  # type: ignore[attr-defined]
    return reader


def chunks(conn: Connection, attachment: Attachment) -> Iterator[bytes]:
    """The plaintext piece by piece, checked against the recorded SHA-256 at the end."""
    reader = plaintext(conn, attachment)
    digest = hashlib.sha256()
    try:
        yield from hashed(pieces(reader, _PIECE), digest)  # type: ignore[arg-type]
        reader.finish()
        if digest.hexdigest() != attachment.sha256:
            raise AttachmentError("the attachment does not match its recorded SHA-256")
    finally:
        reader.close()
        reader.source.close()  # type: ignore[attr-defined]


def remove(conn: Connection, owner: Owner, attachment_id: str) -> Path:
    """Delete the row (its sealed identity is overwritten: secure_delete); returns the file
    for the caller to unlink once the transaction has committed."""
    if not conn.execute("DELETE FROM attachments WHERE owner = ? AND id = ?",
                        (owner.ref, attachment_id)).rowcount:
        raise AttachmentError("no such attachment")
    return directory(conn) / f"{attachment_id}.age"


def remove_all(conn: Connection, owner_ref: str) -> list[Path]:
    """Delete every attachment row of a record; returns the files to unlink after commit."""
    ids = [row[0] for row in conn.execute("SELECT id FROM attachments WHERE owner = ?",
                                          (owner_ref,))]
    conn.execute("DELETE FROM attachments WHERE owner = ?", (owner_ref,))
    return [directory(conn) / f"{attachment_id}.age" for attachment_id in ids]


def unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
