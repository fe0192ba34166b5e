"""Uploads in progress: a large file (an attachment, a bundle) sent as a series of bounded pieces,
each an ordinary request well under ``max_content_length``, appended as it arrives to a sink that
encrypts it (an attachment's age file: attachments.Upload) or that is ciphertext already (a bundle
in ``home/incoming``). Nothing is held whole in memory, nothing is written outside the home.

The exchange follows the core of the tus resumable upload protocol 1.0 (tus.io/protocols/
resumable-upload): a request creates the upload with its total length; each piece is a PATCH
carrying ``Upload-Offset``, the number of bytes received so far; a piece at any other offset is
refused with 409 Conflict and the expected offset, so the client can resend from there. Unlike
tus, an upload cannot outlive its session: it is held in server memory beside the session's
unlocked vault, and undone (its partial file removed) when that vault closes (lock, sign-out, idle
timeout), when it has been left untouched for the idle time-out, when too many are started, and
at the next start after a crash or restart (intake._sweep_leftovers).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l

from intake.vault.keys import Vault
from intake.web.request import config, current_vault
from intake.web.state import state

_READ = 1 << 16
_IN_PROGRESS_PER_SESSION = 4  # a fifth upload undoes the oldest (a tab closed mid-way)

GONE = _l("This upload is no longer in progress: choose the file again.")
OUT_OF_ORDER = _l("A piece arrived out of order.")
PAST_THE_END = _l("A piece is too large or goes past the end of the file.")


class Sink(Protocol):
    def write(self, data: bytes) -> int: ...

    def discard(self) -> None: ...


class PieceError(Exception):
    """A piece is refused: an HTTP status, a one-line message for the person, and the offset the
    upload expects next (for 409)."""

    def __init__(self, status: int, message: str, offset: int | None = None):
        super().__init__(message)
        self.status, self.offset = status, offset


class BundleFile:
    """A sink for a bundle: its bytes (age ciphertext already) appended to a file in
    ``home/incoming``; :meth:`finish` flushes it to disk and gives its path."""

    def __init__(self, folder: Path):
        folder.mkdir(mode=0o700, exist_ok=True)
        self.path = folder / f"{secrets.token_hex(16)}.intake.age"
        # Unbuffered: what a piece brought is on disk (not fsynced) once it is acknowledged.
        self._file: BinaryIO = open(self.path, "xb", buffering=0)  # noqa: SIM115 - closed by finish/discard

    def write(self, data: bytes) -> int:
        return self._file.write(data)

    def finish(self) -> Path:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        except BaseException:
            self.discard()
            raise
        return self.path

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


@dataclass
class InProgress:
    """One upload being received: where its bytes go, how many are expected and have come, and
    what the view needs to finish it (record, kind, file name...)."""

    id: str
    area: str
    total: int
    sink: Sink
    details: dict
    received: int = 0
    touched: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gone: bool = False

    def append(self, offset: int, length: int | None, body: IO[bytes], piece_limit: int) -> bool:
        """Append one piece after checking it fits (nothing is written otherwise); returns
        whether the upload is complete. A failure while writing undoes the whole upload."""
        with self.lock:
            if self.gone:
                raise PieceError(404, str(GONE))
            if offset != self.received:
                raise PieceError(409, str(OUT_OF_ORDER), self.received)
            if length is None or length < 1 or length > piece_limit \
                    or offset + length > self.total:
                raise PieceError(413, str(PAST_THE_END), self.received)
            try:
                left = length
                while left and (data := body.read(min(_READ, left))):
                    self.sink.write(data)
                    left -= len(data)
                if left:
                    raise PieceError(400, str(GONE))  # the request ended early: start again
            except BaseException:
                self.discard()
                raise
            self.received += length
            self.touched = time.monotonic()
            return self.received == self.total

    def discard(self) -> None:
        if not self.gone:
            self.gone = True
            self.sink.discard()


class Uploads:
    """The uploads in progress of one signed-in session (one unlocked vault)."""

    def __init__(self, idle_seconds: int):
        self._items: dict[str, InProgress] = {}
        self._lock = threading.Lock()
        self._idle_seconds = idle_seconds

    def start(self, area: str, total: int, make_sink: Callable[[], Sink],
              details: dict) -> InProgress:
        """A new upload; the oldest is undone if this session already has as many as allowed."""
        self._sweep(room_for_one=True)
        upload = InProgress(secrets.token_urlsafe(24), area, total, make_sink(), details)
        with self._lock:
            self._items[upload.id] = upload
        return upload

    def get(self, area: str, upload_id: str) -> InProgress:
        """The upload of this session with this id, for this area (else 404, the same whether it
        never existed, belongs to another session, or was undone)."""
        self._sweep()
        with self._lock:
            upload = self._items.get(upload_id)
        if upload is None or upload.area != area or upload.gone:
            raise PieceError(404, str(GONE))
        return upload

    def _sweep(self, room_for_one: bool = False) -> None:
        """Undo the uploads left untouched for the idle time-out (a closed tab), and the oldest
        ones beyond the number allowed."""
        now = time.monotonic()
        with self._lock:
            stale = [u for u in self._items.values() if now - u.touched > self._idle_seconds]
            oldest = sorted(self._items.values(), key=lambda u: u.touched)
            limit = _IN_PROGRESS_PER_SESSION - (1 if room_for_one else 0)
            stale += oldest[:max(0, len(oldest) - limit)]
            for old in stale:
                self._items.pop(old.id, None)
        for old in stale:
            with old.lock:
                old.discard()

    def forget(self, upload: InProgress) -> None:
        """Drop a finished (or failed) upload; its sink now belongs to the caller."""
        with self._lock:
            self._items.pop(upload.id, None)

    def discard_all(self) -> None:
        with self._lock:
            items, self._items = list(self._items.values()), {}
        for upload in items:
            with upload.lock:
                upload.discard()


def of(vault: Vault, idle_seconds: int) -> Uploads:
    """The uploads in progress of the session whose vault this is, in this application
    (web/state.py); they are undone when it closes."""
    app = state()
    with app.uploads_lock:
        uploads = app.uploads.get(vault)
        if uploads is None:
            uploads = app.uploads[vault] = Uploads(idle_seconds)
            vault.on_close(uploads.discard_all)
        return uploads


def current() -> Uploads:
    """The uploads in progress of the signed-in session of this request."""
    return of(current_vault(), config().idle_timeout_seconds)


def receive_piece(area: str, upload_id: str,
                  belongs: Callable[[InProgress], bool] = lambda _: True) -> InProgress:
    """Append this request's body (a PATCH with ``Upload-Offset``) to the session's upload; once
    complete, the upload is forgotten and its sink is the caller's. Raises :class:`PieceError`."""
    upload = current().get(area, upload_id)
    if not belongs(upload):
        raise PieceError(404, str(GONE))
    if upload.append(_offset(request.headers.get("Upload-Offset")), request.content_length,
                     request.stream, config().upload_piece_bytes):
        current().forget(upload)
    return upload


def refusal(error: PieceError) -> tuple[Response, int]:
    """The one-line JSON answer to a refused piece (with the offset expected, if any)."""
    return jsonify(error=str(error), offset=error.offset), error.status


def _offset(value: str | None) -> int:
    """The ``Upload-Offset`` header as a number (a missing or malformed one is out of order)."""
    if value is None or not value.isdigit() or len(value) > 15:
        raise PieceError(409, str(OUT_OF_ORDER))
    return int(value)
