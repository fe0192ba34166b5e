"""Adapters between producers and consumers of bytes: :class:`ChunkReader`, a readable file over
an iterator of pieces (what is written into an age file, handed to age, which reads);
:func:`produced`, the pieces written by a function that writes to a file (a backup handed to a
web response, which iterates)."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator


class ChunkReader(io.RawIOBase):
    """Reads the concatenation of ``chunks``, pulling the next one only when needed."""

    def __init__(self, chunks: Iterator[bytes]):
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class QueueWriter(io.RawIOBase):
    """A writable file whose writes go into a bounded queue for a reader in another thread,
    waiting while it is full; a write fails once the reader has gone (``gone`` is set)."""

    def __init__(self, pieces: queue.Queue[bytes | None], gone: threading.Event):
        super().__init__()
        self._pieces, self._gone = pieces, gone

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if put_unless_stopped(self._pieces, bytes(data), self._gone):
            return len(data)
        raise OSError("the reader stopped")


def put_unless_stopped(pieces: queue.Queue[bytes | None], item: bytes | None,
                       stopped: threading.Event) -> bool:
    """Queue ``item``, waiting while the queue is full, unless ``stopped`` is set first."""
    while not stopped.is_set():
        try:
            pieces.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def produced(write: Callable[[io.RawIOBase], None], depth: int = 16) -> Iterator[bytes]:
    """The bytes ``write`` writes to the file it is given, as they come: ``write`` runs in a
    thread of its own, at most ``depth`` writes ahead of the reader. An exception in ``write``
    is raised here at the end; stopping early (closing this iterator) makes its next write fail."""
    pieces: queue.Queue[bytes | None] = queue.Queue(depth)
    gone = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            write(QueueWriter(pieces, gone))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader
            failure.append(exc)
        finally:
            put_unless_stopped(pieces, None, gone)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        while (piece := pieces.get()) is not None:
            yield piece
    finally:
        gone.set()
        thread.join()
    if failure:
        raise failure[0]
