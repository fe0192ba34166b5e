"""A readable file over an iterator of byte strings: how a producer that yields pieces (the tar
of a bag, chunks from a decrypting thread) is handed to a consumer that reads (age, tarfile)."""

from __future__ import annotations

import io
from collections.abc import Iterator


class ChunkReader(io.RawIOBase):
    """Reads the concatenation of ``chunks``, pulling the next one only when needed. An error
    raised by the producer is kept in :attr:`error`, for a consumer (such as age's encryption)
    that reports it only as its own failure."""

    def __init__(self, chunks: Iterator[bytes]):
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                chunk = next(self._chunks, None)
            except Exception as exc:
                self.error = exc
                raise
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
