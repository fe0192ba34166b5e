"""A tar archive (POSIX.1-2001 pax format, through Python's tarfile) made as a stream of bytes,
one member at a time: small members whole, large ones in pieces, so nothing accumulates. Used by
evidence bundles (bag.py) and backups (backup.py)."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Iterator


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
