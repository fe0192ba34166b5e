"""Writing a file atomically: the one place the program renames a file over another.

A file is written under a temporary name in the same folder (``NAME.partial``, so the rename
stays inside one file system), in binary mode, flushed and fsynced; then ``os.replace`` puts it
under its name in one step (POSIX rename(2); MoveFileEx with MOVEFILE_REPLACE_EXISTING on
Windows), and the folder is fsynced so the new name itself survives a power cut (not on
Windows, where a folder cannot be opened as a file and NTFS journals the rename). A reader sees
the old file or the whole new one, never a part. On failure the temporary file is removed and
the old file is left as it was. Startup sweeps ``*.partial`` a crash left (create_app).

On Windows an antivirus scanner or the search indexer may hold the target open for a moment
after it was written; the replace then fails with PermissionError. :func:`replace` retries for
about two seconds and then says so in one line (:class:`ReplaceError`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Windows opens a descriptor in text mode (LF written as CR LF) unless told otherwise.
BINARY = getattr(os, "O_BINARY", 0)
# Pauses between attempts: 1.55 s in all, longer than a scan of a freshly written file.
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)


class ReplaceError(OSError):
    """The target stayed held by another program through every retry."""


def replace(source: Path, target: Path) -> None:
    """``os.replace(source, target)``, retried briefly while another program holds a file."""
    for delay in (*RETRY_DELAYS, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if delay is None:
                raise ReplaceError(f"could not replace {target}: another program holds it; "
                                   "try again") from None
            time.sleep(delay)


def sync_directory(directory: Path) -> None:
    """fsync ``directory`` so a rename in it is durable, where the platform allows opening a
    folder (POSIX; Windows has no O_DIRECTORY and needs none)."""
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def partial_name(path: Path) -> Path:
    """The temporary name ``path`` is written under."""
    return path.with_name(path.name + ".partial")


def create_binary(path: Path, *, exclusive: bool = False) -> BinaryIO:
    """Open ``path`` to write bytes, owner-only on POSIX (defence in depth; docs/security.md,
    "Files on Windows"), untranslated on Windows (O_BINARY: no CR added before each LF)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    return os.fdopen(os.open(path, flags | BINARY, 0o600), "wb")


class PendingFile:
    """A file being written under its temporary name; :meth:`finish` puts it in place."""

    def __init__(self, path: Path):
        self.path, self.partial = path, partial_name(path)
        self.file = create_binary(self.partial)  # a stale one a crash left is truncated
        self.finished = False

    def sync(self) -> None:
        """Flush and fsync the temporary file and close it (the slow part, before a caller's
        transaction that ends with :meth:`finish`)."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def finish(self) -> None:
        """Put the file under its name (retrying while it is held) and fsync the folder."""
        if not self.finished:
            self.sync()
            replace(self.partial, self.path)
            self.finished = True
            sync_directory(self.path.parent)

    def discard(self) -> None:
        self.file.close()
        self.partial.unlink(missing_ok=True)


@contextmanager
def streaming(path: Path) -> Iterator[PendingFile]:
    """A :class:`PendingFile` for ``path``: written by the body, put in place when the body
    ends (unless it called :meth:`PendingFile.finish` itself), removed if the body raises."""
    pending = PendingFile(path)
    try:
        yield pending
        pending.finish()
    finally:
        if not pending.finished:
            pending.discard()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data``, whole or not at all."""
    with streaming(path) as pending:
        pending.file.write(data)
