"""Test helpers that take a bundle apart and put it back together, as an attacker holding the
recipient's identity (or a future version of the software) could: decrypt, edit files, recompute
the BagIt manifests, re-sign if given a key, re-tar and re-encrypt."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pyrage

from intake.bundles.bag import ALGORITHMS, SIGNATURE_FILE, manifest_line
from intake.vault.crypto import sign


def unpack(path: Path, identity: str) -> dict[str, bytes]:
    """Every file of the bag, keyed by its path inside the tar, in tar order."""
    plain = pyrage.decrypt(path.read_bytes(), [pyrage.x25519.Identity.from_str(identity)])
    with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}


def root_of(files: dict[str, bytes]) -> str:
    return next(iter(files)).split("/")[0]


def rehash(files: dict[str, bytes], *, oxum: bool = True) -> None:
    """Recompute payload manifests, (optionally) Payload-Oxum, and tag manifests in place."""
    root = root_of(files)
    payload = {n[len(root) + 1:]: d for n, d in files.items() if n.startswith(f"{root}/data/")}
    for algorithm in ALGORITHMS:
        files[f"{root}/manifest-{algorithm}.txt"] = "".join(
            manifest_line(hashlib.new(algorithm, d).hexdigest(), n)
            for n, d in payload.items()).encode()
    if oxum:
        info = files[f"{root}/bag-info.txt"].decode().splitlines()
        size = sum(len(d) for d in payload.values())
        info = [f"Payload-Oxum: {size}.{len(payload)}" if line.startswith("Payload-Oxum:")
                else line for line in info]
        files[f"{root}/bag-info.txt"] = ("\n".join(info) + "\n").encode()
    tags = ["bagit.txt", "bag-info.txt", *(f"manifest-{a}.txt" for a in ALGORITHMS),
            "signing-key.pem"]
    for algorithm in ALGORITHMS:
        files[f"{root}/tagmanifest-{algorithm}.txt"] = "".join(
            manifest_line(hashlib.new(algorithm, files[f"{root}/{t}"]).hexdigest(), t)
            for t in tags).encode()


def resign(files: dict[str, bytes], private_key: bytes) -> None:
    root = root_of(files)
    files[f"{root}/{SIGNATURE_FILE}"] = sign(private_key, files[f"{root}/tagmanifest-sha256.txt"])


def pack(files: dict[str, bytes], recipient: str, out: Path,
         extra: list[tarfile.TarInfo] | None = None) -> Path:
    """Tar the files (plus any crafted extra members first) and encrypt to ``recipient``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for member in extra or []:
            archive.addfile(member, io.BytesIO(b"x" * member.size) if member.isfile() else None)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    out.write_bytes(pyrage.encrypt(buffer.getvalue(), [pyrage.x25519.Recipient.from_str(recipient)]))
    return out


# ---- raw tar pieces, for shapes tarfile would not write (or would write only by holding them) ----

def pax_record(keyword: str, value: str) -> bytes:
    """One pax extended-header record, ``"<length> <keyword>=<value>\\n"`` (the length counts
    itself, POSIX.1-2001 pax)."""
    body = f" {keyword}={value}\n".encode()
    length = len(body) + 1
    while len(str(length)) + len(body) != length:
        length += 1
    return str(length).encode() + body


def pax_record_of_length(keyword: str, length: int) -> bytes:
    """A pax record of exactly ``length`` bytes (its value is a run of ``x``)."""
    fixed = len(f" {keyword}=\n") + len(str(length))
    record = pax_record(keyword, "x" * (length - fixed))
    assert len(record) == length
    return record


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    """A ustar header block for a member of ``size`` bytes (its data not included)."""
    info = tarfile.TarInfo(name)
    info.size, info.type = size, kind
    return info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "surrogateescape")


def padding(size: int) -> bytes:
    """The NUL bytes that bring ``size`` bytes of member data to a whole 512-byte block."""
    return tarfile.NUL * (-size % tarfile.BLOCKSIZE)


def member(name: str, data: bytes, kind: bytes = tarfile.REGTYPE) -> bytes:
    """A whole member: header, data, padding."""
    return header(name, len(data), kind) + data + padding(len(data))


def extended(records: bytes, kind: bytes = tarfile.XHDTYPE) -> bytes:
    """A pax extended header (``x``, for the next member) or global header (``g``)."""
    return member("././@PaxHeader", records, kind)


END = tarfile.NUL * (2 * tarfile.BLOCKSIZE)
