"""A BagIt 1.0 bag (RFC 8493) written as a tar stream, one file at a time, never on disk.

Payload files go first, hashed (SHA-256 and SHA-512) as they pass; then the tag files: bagit.txt,
bag-info.txt with Payload-Oxum, both payload manifests, signing-key.pem, both tag manifests, and
the Ed25519 signature of tagmanifest-sha256.txt (docs/bundle-format.md). Only one small payload
file is in memory at a time, and a large one (an attachment) passes through in pieces; what
accumulates is one manifest line per file.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Iterator

from .tarstream import TarStream

ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SIGNATURE_FILE = "tagmanifest-sha256.txt.sig"
PUBLIC_KEY_FILE = "signing-key.pem"


def manifest_line(digest: str, path: str) -> str:
    """One manifest line; CR, LF and % in a path are percent-encoded (RFC 8493 §2.1.3)."""
    encoded = path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"{digest}  {encoded}\n"


def bag_info(fields: list[tuple[str, str]]) -> bytes:
    """bag-info.txt: one ``Label: value`` line per field, in the order given."""
    for label, value in fields:
        if "\n" in value or "\r" in value or ":" in label:
            raise ValueError(f"bag-info field {label!r} cannot hold a line break")
    return "".join(f"{label}: {value}\n" for label, value in fields).encode()


class BagStream:
    """Add payload files, then :meth:`finish`; each step returns or yields the tar bytes."""

    def __init__(self, root: str, mtime: float):
        self.root = root
        self._tar = TarStream(mtime)
        self._manifests = {algorithm: io.StringIO() for algorithm in ALGORITHMS}
        self.octets = 0
        self.count = 0

    def _add(self, path: str, data: bytes) -> bytes:
        return self._tar.add(f"{self.root}/{path}", data)

    def add_payload(self, path: str, data: bytes) -> bytes:
        """Add ``data/<path>``; returns the tar bytes written so far."""
        full = f"data/{path}"
        for algorithm, manifest in self._manifests.items():
            manifest.write(manifest_line(hashlib.new(algorithm, data).hexdigest(), full))
        self.octets += len(data)
        self.count += 1
        return self._add(full, data)

    def add_payload_stream(self, path: str, size: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Add ``data/<path>`` of ``size`` bytes from ``pieces``, yielding the tar bytes as they
        are made."""
        full = f"data/{path}"
        hashes = {algorithm: hashlib.new(algorithm) for algorithm in ALGORITHMS}

        def hashed() -> Iterator[bytes]:
            for piece in pieces:
                for digest in hashes.values():
                    digest.update(piece)
                yield piece

        yield from self._tar.add_stream(f"{self.root}/{full}", size, hashed())
        for algorithm, manifest in self._manifests.items():
            manifest.write(manifest_line(hashes[algorithm].hexdigest(), full))
        self.octets += size
        self.count += 1

    def finish(self, info: list[tuple[str, str]], public_pem: bytes,
               sign: Callable[[bytes], bytes]) -> bytes:
        """Write every tag file and the signature; returns the rest of the tar stream."""
        tags = {
            "bagit.txt": BAGIT_TXT,
            "bag-info.txt": bag_info([*info, ("Payload-Oxum", f"{self.octets}.{self.count}")]),
            **{f"manifest-{a}.txt": m.getvalue().encode() for a, m in self._manifests.items()},
            PUBLIC_KEY_FILE: public_pem,
        }
        written = [self._add(name, data) for name, data in tags.items()]
        for algorithm in ALGORITHMS:
            lines = "".join(manifest_line(hashlib.new(algorithm, data).hexdigest(), name)
                            for name, data in tags.items())
            written.append(self._add(f"tagmanifest-{algorithm}.txt", lines.encode()))
            if algorithm == "sha256":
                written.append(self._add(SIGNATURE_FILE, sign(lines.encode())))
        return b"".join(written) + self._tar.close()

