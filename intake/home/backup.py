"""Backups of a whole home, streamed: the store, the key slots and every attached file, in one
ZIP file that standard tools open.

The ZIP (stored, not compressed) holds three members under ``intake-backup/``:

- ``README.txt``: what the file is and how to open it;
- ``backup-key.age``: a fresh age X25519 identity, encrypted under the backup's passphrase
  (age's scrypt recipient);
- ``home.tar.age``: a tar of the home, encrypted to that identity as it is made: ``intake.db``
  (an online-backup snapshot, still SQLCipher-encrypted under the store key), ``keys/
  keyslots.json`` (still wrapped), ``attachments/*.age`` (each still an age file under its own
  identity) and a SHA-256 manifest of all of them, written last.

The identity is needed because age's passphrase recipient cannot encrypt a stream of unknown
length through pyrage; age's STREAM construction still authenticates every 64 KiB. Nothing is
held whole in memory, in either direction. Restoring checks age's authentication and the
manifest before anything is moved into place, and writes into a new home only. A backup made
before attachments were backed up (one age file under the passphrase) still restores.
docs/security.md describes both.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from intake import atomic
from intake.clock import now_utc
from intake.config import Config
from intake.hashing import hashed, pieces
from intake.home import audit
from intake.home.passphrase_policy import require_strong
from intake.home.users import User
from intake.store.connection import Connection, connect
from intake.store.settings import set_setting
from intake.store.transactions import transaction
from intake.tarstream import TarStream
from intake.vault import agefile
from intake.vault.keys import Vault

FOLDER = "intake-backup"
KEY, HOME, README = f"{FOLDER}/backup-key.age", f"{FOLDER}/home.tar.age", f"{FOLDER}/README.txt"
MANIFEST = "MANIFEST-SHA256.txt"
_REQUIRED = ("intake.db", "keys/keyslots.json")
_ATTACHMENT = re.compile(r"^attachments/[0-9a-f]{32}\.age$")
_PIECE = 1 << 16
_MANIFEST_LIMIT = 64 << 20  # a line of about 110 bytes per file
_OLD_FORMAT = b"age-encryption.org/v1\n"  # a backup made before attachments were backed up
_README = """Testimony Intake backup

This file is an encrypted backup of one Testimony Intake home: the store (still encrypted
under its own key), the key slots, every attached file (each still encrypted), and a SHA-256
manifest of them. Nothing in it is readable without the backup's passphrase.

To restore it:  intake restore THIS-FILE --home NEW-FOLDER

With the standard tools (unzip, age, tar) instead:
  unzip THIS-FILE
  age -d -o backup-key.txt intake-backup/backup-key.age     (asks for the passphrase)
  age -d -i backup-key.txt intake-backup/home.tar.age | tar x
  shred -u backup-key.txt
"""


class BackupError(Exception):
    """A backup cannot be made or restored as asked (one line, safe to show)."""


def require_backup_passphrase(user: User, passphrase: str) -> None:
    """:class:`WeakPassphrase` unless ``passphrase`` may protect a backup ``user`` makes."""
    require_strong(passphrase, (user.name,))


def write(config: Config, conn: Connection, vault: Vault, user: User, passphrase: str,
          out: BinaryIO) -> None:
    """Write the backup of ``config.home`` to ``out`` (which need not be seekable), then note it
    in the audit trail and as the last backup."""
    require_backup_passphrase(user, passphrase)
    identity = agefile.new_identity()
    digests: dict[str, str] = {}
    with snapshot(config, conn, vault) as store_copy, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(README, _README)
        archive.writestr(KEY, agefile.encrypt_with_passphrase(
            agefile.identity_file(identity, now_utc()).encode(), passphrase))
        with archive.open(HOME, "w", force_zip64=True) as member, \
                agefile.encrypting_writer(member, [agefile.public_key(identity)]) as encrypted:
            _write_home_tar(encrypted, config, store_copy, digests)
            encrypted.finish()
    with transaction(conn):
        set_setting(conn, "last_backup", now_utc())
        audit.record(conn, vault, user, "backup", store_sha256=digests["intake.db"],
                     files=len(digests))


@contextlib.contextmanager
def snapshot(config: Config, conn: Connection, vault: Vault) -> Iterator[Path]:
    """A consistent copy of the store, still encrypted, taken with the online backup API; it is
    removed when the block ends."""
    with tempfile.TemporaryDirectory(dir=config.home) as scratch:
        target_path = Path(scratch) / "snapshot.db"
        target = connect(target_path, vault.db_key)
        try:
            conn.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
        yield target_path


def _write_home_tar(out: agefile.encrypting_writer, config: Config, store_copy: Path,
                    digests: dict[str, str]) -> None:
    """Write the tar of the home to ``out``; ``digests`` fills in as each file passes."""
    with TarStream(out, time.time(), mode=0o600) as tar:
        files = [("intake.db", store_copy), ("keys/keyslots.json", config.keyslot_path),
                 *((f"attachments/{p.name}", p) for p in sorted(config.attachments_path.glob("*.age")))]
        for name, path in files:
            try:
                source = open(path, "rb")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                continue  # an attachment removed since the snapshot was taken
            with source:
                digest = hashlib.sha256()
                tar.add_stream(f"intake-home/{name}", os.fstat(source.fileno()).st_size,
                               hashed(pieces(source, _PIECE), digest))
                digests[name] = digest.hexdigest()
        lines = "".join(f"{digest}  {name}\n" for name, digest in digests.items())
        tar.add(f"intake-home/{MANIFEST}", lines.encode())


def restore(source: Path, passphrase: str, home: Path, *, replace: bool = False) -> None:
    """Check a backup completely, then move it into ``home`` (new, or empty, unless
    ``replace``)."""
    if home.exists() and any(home.iterdir()) and not replace:
        raise BackupError(f"{home} is not empty; restore into a new directory, or say --replace")
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=home.parent))
    try:
        with open(source, "rb") as file:
            _unpack_into(file, passphrase, staging)
        os.chmod(staging, 0o700)
        if home.exists():
            shutil.rmtree(home)
        atomic.replace(staging, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack_into(file: BinaryIO, passphrase: str, staging: Path) -> None:
    if file.read(len(_OLD_FORMAT)) == _OLD_FORMAT:
        file.seek(0)
        _unpack_tar(io.BytesIO(agefile.decrypt_with_passphrase(file.read(), passphrase)), staging)
        return
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        key_file = archive.read(KEY)
        archive.getinfo(HOME)
    except (zipfile.BadZipFile, KeyError):
        raise BackupError("this is not a backup of an instance, or it is incomplete") from None
    identities = agefile.identities_in(agefile.decrypt_with_passphrase(key_file, passphrase).decode())
    with archive, archive.open(HOME) as encrypted, \
            agefile.decrypting_reader(encrypted, identities) as plain:  # type: ignore[arg-type]
        _unpack_tar(plain, staging)
        plain.finish()  # the whole file is authenticated before anything is moved into place


def _unpack_tar(plain: io.RawIOBase | io.BytesIO, staging: Path) -> None:
    """Write every file of the home's tar into ``staging``, then check them all against the
    manifest: each listed file present and matching, nothing unlisted."""
    digests: dict[str, str] = {}
    manifest, seen = b"", set()
    try:
        with tarfile.open(fileobj=plain, mode="r|") as archive:
            for member in archive:
                name = member.name.removeprefix("intake-home/")
                if not member.isreg() or name in seen or not (
                        name in (*_REQUIRED, MANIFEST) or _ATTACHMENT.match(name)):
                    raise BackupError(f"the backup holds an unexpected entry: {member.name[:80]!r}")
                seen.add(name)
                content = archive.extractfile(member)
                assert content is not None  # noqa: S101 - a regular file
                if name == MANIFEST:
                    if member.size > _MANIFEST_LIMIT:
                        raise BackupError("the backup's manifest is too large")
                    manifest = content.read(member.size)
                    continue
                digests[name] = _write_file(content, staging / name)
    except tarfile.TarError:
        raise BackupError("the backup is incomplete or not a backup of an instance") from None
    listed = {name: digest for digest, _, name in
              (line.partition("  ") for line in manifest.decode(errors="replace").splitlines())}
    for name in (*_REQUIRED, *listed):
        if name not in digests:
            raise BackupError(f"{name} is missing from the backup")
        if listed.get(name) != digests[name]:
            raise BackupError(f"{name} in the backup does not match its checksum")
    if set(digests) - set(listed):
        raise BackupError("the backup holds a file its manifest does not list")


def _write_file(content: IO[bytes], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    with open(path, "xb") as out:
        for piece in hashed(pieces(content, _PIECE), digest):
            out.write(piece)
    os.chmod(path, 0o600)
    return digest.hexdigest()
