"""Backups of a whole home: one age file, encrypted under a passphrase (age's scrypt recipient),
holding a tar of the store, the key slots and a SHA-256 manifest of both.

The store is copied with SQLite's online backup API, so a backup taken while the server runs is a
consistent snapshot; the copy stays SQLCipher-encrypted under the same key, and the key slots
stay wrapped, so even the tar inside holds nothing readable. A backup opens with the standard
tools too: ``age -d FILE | tar x``. Restoring checks age's authentication and the manifest before
anything is written, and writes into a new home only (docs/security.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from . import agefile, audit
from .config import Config
from .instance import User, now_utc
from .store import Connection, connect, set_setting, transaction
from .vault import Vault

MANIFEST = "MANIFEST-SHA256.txt"
_FILES = ("intake.db", "keys/keyslots.json")


class BackupError(Exception):
    """A backup cannot be made or restored as asked (one line, safe to show)."""


def make(config: Config, conn: Connection, vault: Vault, user: User, passphrase: str) -> bytes:
    """The encrypted backup of ``config.home``, and a note of it in the audit trail."""
    files = {"keys/keyslots.json": config.keyslot_path.read_bytes(),
             "intake.db": snapshot(config, conn, vault)}
    manifest = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in _FILES)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in [*files.items(), (MANIFEST, manifest.encode())]:
            member = tarfile.TarInfo(f"intake-home/{name}")
            member.size, member.mode = len(data), 0o600
            archive.addfile(member, io.BytesIO(data))
    with transaction(conn):
        set_setting(conn, "last_backup", now_utc())
        audit.record(conn, vault, user, "backup", store_sha256=manifest.split()[0])
    return agefile.encrypt_with_passphrase(buffer.getvalue(), passphrase)


def snapshot(config: Config, conn: Connection, vault: Vault) -> bytes:
    """A consistent copy of the store, still encrypted, taken with the online backup API."""
    with tempfile.TemporaryDirectory(dir=config.home) as scratch:
        target_path = Path(scratch) / "snapshot.db"
        target = connect(target_path, vault.db_key)
        try:
            conn.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
        return target_path.read_bytes()


def restore(data: bytes, passphrase: str, home: Path, *, replace: bool = False) -> None:
    """Check a backup completely, then write it into ``home`` (new, or empty, unless ``replace``)."""
    if home.exists() and any(home.iterdir()) and not replace:
        raise BackupError(f"{home} is not empty; restore into a new directory, or say --replace")
    files = _checked(agefile.decrypt_with_passphrase(data, passphrase))
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=home.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_bytes(content)
            os.chmod(path, 0o600)
        os.chmod(staging, 0o700)
        if home.exists():
            shutil.rmtree(home)
        os.replace(staging, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _checked(plain: bytes) -> dict[str, bytes]:
    """The files of a decrypted backup, if every one is present and matches the manifest."""
    try:
        with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
            members = {m.name.removeprefix("intake-home/"): m for m in archive if m.isfile()}
            files = {name: archive.extractfile(members[name]).read()  # type: ignore[union-attr]
                     for name in (*_FILES, MANIFEST)}
    except (tarfile.TarError, KeyError):
        raise BackupError("the backup is incomplete or not a backup of an instance") from None
    lines = files.pop(MANIFEST).decode().splitlines()
    listed = {name: digest for digest, _, name in (line.partition("  ") for line in lines)}
    for name, content in files.items():
        if listed.get(name) != hashlib.sha256(content).hexdigest():
            raise BackupError(f"{name} in the backup does not match its checksum")
    return files
