"""A tar archive (POSIX.1-2001 pax format, through Python's tarfile) made as a stream of bytes,
one member at a time: small members whole, large ones in pieces, so nothing accumulates. Used by
evidence bundles (bundles/bag.py) and backups (home/backup.py).

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
from typing import IO, Any

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
            return super()._proc_member(tarfile_)
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
            return super()._proc_member(tarfile_)
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
        archive.members.clear()  # a stream is read once; keeping them grows with their number
        yield archive, member


class _Sink(io.RawIOBase):
    """Where tarfile writes; the stream takes what has accumulated after each step."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class TarStream:
    """Add members with :meth:`add` and :meth:`add_stream`, then :meth:`close`; each returns or
    yields the tar bytes made so far."""

    def __init__(self, mtime: float, mode: int = 0o644):
        self.mtime, self.mode = mtime, mode
        self._sink = _Sink()
        self._tar = tarfile.open(fileobj=self._sink, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def _member(self, name: str, size: int) -> tarfile.TarInfo:
        member = tarfile.TarInfo(name)
        member.size, member.mtime, member.mode = size, self.mtime, self.mode
        return member

    def add(self, name: str, data: bytes) -> bytes:
        """Add a member holding ``data``; returns the tar bytes written so far."""
        self._tar.addfile(self._member(name, len(data)), io.BytesIO(data))
        return self._sink.take()

    def add_stream(self, name: str, size: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Add a member of ``size`` bytes from ``pieces``, yielding the tar bytes as they are
        made (the header, each piece, then the padding to the next 512-byte block)."""
        member = self._member(name, size)
        tar = self._tar
        header = member.tobuf(tar.format, tar.encoding, tar.errors)  # as TarFile.addfile does
        tar.fileobj.write(header)
        written = 0
        for piece in pieces:
            written += len(piece)
            if written > size:
                raise ValueError(f"{name} is longer than its declared {size} bytes")
            tar.fileobj.write(piece)
            yield self._sink.take()
        if written != size:
            raise ValueError(f"{name} is shorter than its declared {size} bytes")
        blocks, remainder = divmod(size, tarfile.BLOCKSIZE)
        if remainder:
            tar.fileobj.write(tarfile.NUL * (tarfile.BLOCKSIZE - remainder))
            blocks += 1
        tar.offset += len(header) + blocks * tarfile.BLOCKSIZE
        tar.members.append(member)  # type: ignore[attr-defined]
        yield self._sink.take()

    def close(self) -> bytes:
        """End the archive; returns its last bytes."""
        self._tar.close()
        return self._sink.take()
