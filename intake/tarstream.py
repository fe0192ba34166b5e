"""A tar archive (POSIX.1-2001 pax format, through Python's tarfile) written as a stream into a
file such as an age file being encrypted, one member at a time: small members whole, large ones
read from their pieces as they are written, so nothing accumulates. Used by evidence bundles
(bundles/bag.py) and backups (home/backup.py).

:func:`read_members` reads one back as a stream with bounded work per header: tarfile holds a
pax extended header (POSIX.1-2001 ``x`` and ``g``) or a GNU long name or link (``L``, ``K``)
whole before the member it describes, follows a chain of them by recursion, merges global
headers for good, and reads GNU sparse maps (old ``S`` members, pax ``GNU.sparse.*`` 0.0, 0.1
and 1.0) of any length; and a TarFile keeps every member it has read. Here each such header is
refused over a size, a chain over a length, global headers over a number, sparse files always,
and members are forgotten once passed."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, cast

MAX_HEADERS_IN_A_ROW = 3  # a global header, a pax or GNU long-name header, a GNU long link
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME,
             tarfile.GNUTYPE_LONGLINK)


class TarLimitError(ValueError):
    """A tar header asks for more than the reader allows (the message says what)."""


class _BoundedTarInfo(tarfile.TarInfo):
    """tarfile's header parser, refusing what :func:`read_members` refuses before it is read.
    ``_proc_member`` is tarfile's documented hook for subclasses; the ``_proc_gnusparse_*``
    methods are where tarfile reads sparse maps."""

    max_header_bytes = 0
    max_global_headers = 0

    def _proc_member(self, tarfile_: tarfile.TarFile) -> Any:
        if self.size < 0:
            raise TarLimitError(f"a tar header gives {self.name!r} a negative size")
        if self.type == tarfile.GNUTYPE_SPARSE:
            raise TarLimitError(f"{self.name!r} is a sparse file, not a plain one")
        if self.type not in _EXTENDED:
            return super()._proc_member(tarfile_)  # type: ignore[misc]
        if self.size > self.max_header_bytes:
            raise TarLimitError(f"a tar header of {self.size} bytes, more than a bundle holds "
                                f"({self.max_header_bytes})")
        state = tarfile_.__dict__
        if self.type == tarfile.XGLTYPE:
            state["_global_headers"] = state.get("_global_headers", 0) + 1
            if state["_global_headers"] > self.max_global_headers:
                raise TarLimitError(f"more than {self.max_global_headers} global pax headers")
        depth = state.get("_headers_in_a_row", 0) + 1
        if depth > MAX_HEADERS_IN_A_ROW:
            raise TarLimitError(f"more than {MAX_HEADERS_IN_A_ROW} tar headers in a row before "
                                "a file")
        state["_headers_in_a_row"] = depth
        try:
            return super()._proc_member(tarfile_)  # type: ignore[misc]
        finally:
            state["_headers_in_a_row"] = depth - 1

    def _sparse(self, *_: object) -> None:
        raise TarLimitError("a sparse file (GNU.sparse pax header), not a plain one")

    _proc_gnusparse_00 = _proc_gnusparse_01 = _proc_gnusparse_10 = _sparse


def read_members(fileobj: IO[bytes] | Any, *, max_header_bytes: int,
                 max_global_headers: int) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo]]:
    """Each member of the tar stream ``fileobj`` in turn, with the TarFile to extract it from
    (read it before asking for the next). Raises :class:`TarLimitError` for a pax header or GNU
    long name over ``max_header_bytes``, more than :data:`MAX_HEADERS_IN_A_ROW` of them before
    a member, more than ``max_global_headers`` global headers, a negative size, or a sparse
    file; tarfile's own errors for a damaged tar."""
    bounded = type("BoundedTarInfo", (_BoundedTarInfo,), {
        "max_header_bytes": max_header_bytes, "max_global_headers": max_global_headers})
    archive = tarfile.open(fileobj=fileobj, mode="r|", tarinfo=bounded)  # noqa: SIM115
    while (member := archive.next()) is not None:
        # A stream is read once; keeping every member grows with their number (typeshed omits
        # TarFile.members).
        archive.members.clear()  # type: ignore[attr-defined]
        yield archive, member


class _Exactly:
    """A file that reads ``size`` bytes from ``pieces`` for TarFile.addfile, holding one piece
    at a time; it raises ValueError when they hold more or fewer bytes than that."""

    def __init__(self, name: str, size: int, pieces: Iterable[bytes]):
        self.name, self.size = name, size
        self._pieces = iter(pieces)
        self._pending = memoryview(b"")
        self._received = 0

    def _next(self) -> bool:
        piece = next(self._pieces, None)
        if piece is None:
            return False
        self._received += len(piece)
        if self._received > self.size:
            raise ValueError(f"{self.name} is longer than its declared {self.size} bytes")
        self._pending = memoryview(piece)
        return True

    def read(self, n: int = -1) -> bytes:
        if n < 0:  # the rest
            n = self.size - (self._received - len(self._pending))
        parts = []
        while n > 0:
            if not self._pending and not self._next():
                raise ValueError(f"{self.name} is shorter than its declared {self.size} bytes")
            parts.append(self._pending[:n])
            n -= len(parts[-1])
            self._pending = self._pending[len(parts[-1]):]
        return b"".join(parts)

    def finish(self) -> None:
        """Once all ``size`` bytes were read: run the producer to its end (where it may check
        what it gave), refusing more bytes."""
        while self._next():
            pass


class _Sink:
    """Where the tar writes: ``out`` until the tar is abandoned, then nowhere."""

    def __init__(self, out: IO[bytes] | Any):
        self.out, self.abandoned = out, False

    def write(self, data: bytes) -> int:
        return len(data) if self.abandoned else self.out.write(data)


class TarStream:
    """A tar written to ``out`` as members are added with :meth:`add` and :meth:`add_stream`,
    ended by :meth:`close`; only TarFile.addfile writes into it. Used as a context manager, it
    is closed at the end, or abandoned when the block fails: nothing more reaches ``out``
    (otherwise tarfile would end the archive when it is collected, writing into a file that
    was given up)."""

    def __init__(self, out: IO[bytes] | Any, mtime: float, mode: int = 0o644):
        self.mtime, self.mode = mtime, mode
        self._sink = _Sink(out)
        sink = cast(IO[bytes], self._sink)  # a stream ("w|") only ever writes to it
        self._tar = tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def __enter__(self) -> TarStream:
        return self

    def __exit__(self, failure: type[BaseException] | None, *_: object) -> None:
        if failure is None:
            self.close()
        else:
            self.abandon()

    def abandon(self) -> None:
        """Give the archive up: tarfile's stream is ended without writing to ``out``."""
        self._sink.abandoned = True
        self._tar.close()

    def _member(self, name: str, size: int) -> tarfile.TarInfo:
        member = tarfile.TarInfo(name)
        member.size, member.mtime, member.mode = size, self.mtime, self.mode
        return member

    def add(self, name: str, data: bytes) -> None:
        """Add a member holding ``data``."""
        self._tar.addfile(self._member(name, len(data)), io.BytesIO(data))

    def add_stream(self, name: str, size: int, pieces: Iterable[bytes]) -> None:
        """Add a member of ``size`` bytes read from ``pieces`` as it is written; ValueError if
        they hold more or fewer."""
        content = _Exactly(name, size, pieces)
        self._tar.addfile(self._member(name, size), content)
        content.finish()

    def close(self) -> None:
        """End the archive (``out`` stays open); again, it does nothing."""
        self._tar.close()
