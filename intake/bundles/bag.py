"""A BagIt 1.0 bag (RFC 8493) written as a tar stream into a file (the age file being encrypted),
one file at a time, never on disk in the clear.

Payload files go first, hashed (SHA-256 and SHA-512) as they pass; then the tag files: bagit.txt,
bag-info.txt with Payload-Oxum, both payload manifests, signing-key.pem, both tag manifests, and
the Ed25519 signature of tagmanifest-sha256.txt (docs/bundle-format.md). Only one small payload
file is in memory at a time, and a large one (an attachment) passes through in pieces; what
accumulates is one manifest line per file.

The format's limits live here too (docs/bundle-format.md#limits), because the writer and the
reader must agree on them: the reader refuses a file over its limit from the tar header that
announces it, and the writer refuses to make one.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from intake.hashing import hashed
from intake.tarstream import TarStream

ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SIGNATURE_FILE = "tagmanifest-sha256.txt.sig"
PUBLIC_KEY_FILE = "signing-key.pem"

# How many files a bundle holds: twice the largest bundle benchmarked (9,024 records from a field
# instance of 10,000, docs/benchmarks.md); more go in several bundles.
MAX_RECORDS = 20_000
MAX_ATTACHMENTS = 20_000
MAX_REVOCATIONS = 20_000
MAX_PAYLOAD_FILES = MAX_RECORDS + MAX_ATTACHMENTS + 3  # + redaction report, custody, bundle.json
MAX_PAYLOAD_PATH = len("data/attachments/") + 32 + len(".") + 5  # the longest name there is
# A record holds a few texts of at most 200,000 characters each (testimony.schema.json): ten of
# them in Arabic script are 4 MB. The bench's records average 12.7 KB.
MAX_RECORD_BYTES = 4 << 20
MAX_ATTACHMENT_BYTES = 4 << 30  # streamed in pieces, never held
MAX_STREAMED_BYTES = 128 << 20  # redaction-report.json and custody.json: hashed, never held
MAX_SMALL_TAG_BYTES = 4 << 10  # bagit.txt 54 bytes, the key 113, the signature 64, a tag manifest ~1 KB
MAX_BAG_INFO_BYTES = 64 << 10  # eleven one-line fields
MAX_ENTRY_BYTES = 256  # a record's or a notice's entry in bundle.json (~130 bytes)
MAX_HEADER_BYTES = 64 << 10  # a pax header or GNU long name (a real one is under 200 bytes)
MAX_GLOBAL_HEADERS = 4  # Python's tarfile, GNU tar and bsdtar write none; git archive one

_LIMITS = {
    "bagit.txt": MAX_SMALL_TAG_BYTES, PUBLIC_KEY_FILE: MAX_SMALL_TAG_BYTES,
    SIGNATURE_FILE: MAX_SMALL_TAG_BYTES, "bag-info.txt": MAX_BAG_INFO_BYTES,
    **{f"tagmanifest-{a}.txt": MAX_SMALL_TAG_BYTES for a in ALGORITHMS},
    # one line per payload file: digest, two spaces, path, LF
    **{f"manifest-{a}.txt": MAX_PAYLOAD_FILES * (hashlib.new(a).digest_size * 2 + 2
                                                 + MAX_PAYLOAD_PATH + 1) for a in ALGORITHMS},
    "data/bundle.json": (64 << 10) + MAX_ENTRY_BYTES * (MAX_RECORDS + MAX_REVOCATIONS),
    "data/redaction-report.json": MAX_STREAMED_BYTES, "data/custody.json": MAX_STREAMED_BYTES,
}


def size_limit(path: str) -> int:
    """The most bytes the file at ``path`` (relative to the bag) may hold."""
    if path.startswith("data/records/"):
        return MAX_RECORD_BYTES
    if path.startswith("data/attachments/"):
        return MAX_ATTACHMENT_BYTES
    return _LIMITS.get(path, MAX_SMALL_TAG_BYTES)


def counted(path: str) -> tuple[str, int] | None:
    """For a record or an attached file, what kind of file it is and how many a bundle holds."""
    if path.startswith("data/records/"):
        return "records", MAX_RECORDS
    if path.startswith("data/attachments/"):
        return "attached files", MAX_ATTACHMENTS
    return None


def check_size(path: str, size: int) -> None:
    """ValueError when a file of ``size`` bytes at ``path`` is over its limit."""
    if size > size_limit(path):
        raise ValueError(f"{path} is {size} bytes, more than a bundle holds "
                         f"({size_limit(path)}); export fewer or smaller records")


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
    """Add payload files, then :meth:`finish`; each step writes its part of the tar to ``out``.
    Used as a context manager, a bag given up by a failure writes nothing more."""

    def __init__(self, out: IO[bytes] | Any, root: str, mtime: float):
        self.root = root
        self._tar = TarStream(out, mtime)
        self._manifests = {algorithm: io.StringIO() for algorithm in ALGORITHMS}
        self.octets = 0
        self.count = 0
        self._kinds: dict[str, int] = {}

    def __enter__(self) -> BagStream:
        return self

    def __exit__(self, failure: type[BaseException] | None, *_: object) -> None:
        if failure is not None:
            self._tar.abandon()

    def _add(self, path: str, data: bytes) -> None:
        check_size(path, len(data))
        self._tar.add(f"{self.root}/{path}", data)

    def _count(self, path: str) -> None:
        self.count += 1
        limit = counted(path)
        if limit:
            kind, most = limit
            self._kinds[kind] = self._kinds.get(kind, 0) + 1
            if self._kinds[kind] > most:
                raise ValueError(f"more than {most} {kind}, more than a bundle holds; export "
                                 "them in several bundles")

    def add_payload(self, path: str, data: bytes) -> None:
        """Add ``data/<path>``."""
        full = f"data/{path}"
        self._count(full)
        self._add(full, data)
        for algorithm, manifest in self._manifests.items():
            manifest.write(manifest_line(hashlib.new(algorithm, data).hexdigest(), full))
        self.octets += len(data)

    def add_payload_stream(self, path: str, size: int, pieces: Iterable[bytes]) -> None:
        """Add ``data/<path>`` of ``size`` bytes read from ``pieces`` as it is written."""
        full = f"data/{path}"
        check_size(full, size)
        self._count(full)
        hashes = {algorithm: hashlib.new(algorithm) for algorithm in ALGORITHMS}
        self._tar.add_stream(f"{self.root}/{full}", size, hashed(pieces, *hashes.values()))
        for algorithm, manifest in self._manifests.items():
            manifest.write(manifest_line(hashes[algorithm].hexdigest(), full))
        self.octets += size

    def finish(self, info: list[tuple[str, str]], public_pem: bytes,
               sign: Callable[[bytes], bytes]) -> None:
        """Write every tag file and the signature, and end the tar."""
        tags = {
            "bagit.txt": BAGIT_TXT,
            "bag-info.txt": bag_info([*info, ("Payload-Oxum", f"{self.octets}.{self.count}")]),
            **{f"manifest-{a}.txt": m.getvalue().encode() for a, m in self._manifests.items()},
            PUBLIC_KEY_FILE: public_pem,
        }
        for name, data in tags.items():
            self._add(name, data)
        for algorithm in ALGORITHMS:
            lines = "".join(manifest_line(hashlib.new(algorithm, data).hexdigest(), name)
                            for name, data in tags.items())
            self._add(f"tagmanifest-{algorithm}.txt", lines.encode())
            if algorithm == "sha256":
                self._add(SIGNATURE_FILE, sign(lines.encode()))
        self._tar.close()

