"""Hashing bytes as they stream past, for every reader and writer that fingerprints what it
moves (SHA-256, FIPS 180-4; and the BagIt manifests' algorithms, RFC 8493 §2.1.3): the pieces
are hashed and passed on unchanged, so nothing is read twice or held whole in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import IO, Any


def pieces(source: IO[bytes], size: int) -> Iterator[bytes]:
    """``source`` read ``size`` bytes at a time, to its end."""
    while piece := source.read(size):
        yield piece


def hashed(chunks: Iterable[bytes], *digests: hashlib._Hash) -> Iterator[bytes]:
    """``chunks`` unchanged, each fed to every one of ``digests`` on the way."""
    for chunk in chunks:
        for digest in digests:
            digest.update(chunk)
        yield chunk


class HashingWriter:
    """A writer that feeds ``digest`` what it writes to ``file`` (a bundle's file fingerprint,
    taken while age writes it)."""

    def __init__(self, file: Any, digest: hashlib._Hash):
        self._file, self._digest = file, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._file.write(data)

    def flush(self) -> None:
        self._file.flush()
