"""The unlocked vault: the master key in memory and the keys derived from it (docs/security.md).

master key ──HKDF "sqlcipher"──► raw SQLCipher key
           ──HKDF "record-wrap"─► wraps each testimony's own data key
           ──HKDF "instance-secrets"─► seals the signing key and age identities (bundles/own_keys.py)
           ──HKDF "audit-log"─► authenticates the audit trail (home/audit.py)
           ──HKDF "audit-digest"─► keyed digests the audit trail keeps instead of file hashes
Each testimony is sealed under its data key with its id and version as associated data, so a
sealed record moved to another row, or rolled back to another version, fails to open. Destroying
the wrapped data key erases the record for good (crypto-shredding), attachments included: what
opens each attachment is sealed under the same data key.

Every open vault is also known to :func:`close_every_vault`, which the panic passphrase uses to
wipe them all at once (instance.panic_wipe). A closed vault refuses to seal or open anything
rather than use a key of zeros.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable

from intake.vault.crypto import CryptoError, derive_key, keyed_hash, open_sealed, random_key, seal, wipe

_open_vaults: weakref.WeakSet[Vault] = weakref.WeakSet()
_open_vaults_lock = threading.Lock()


def close_every_vault() -> None:
    """Close every vault open in this process (web sessions, commands, background jobs)."""
    with _open_vaults_lock:
        vaults = list(_open_vaults)
    for vault in vaults:
        vault.close()


class Vault:
    """Keys that exist only while someone is unlocked; :meth:`close` wipes them."""

    def __init__(self, master: bytes):
        self._master = bytearray(master)
        self._db_key = bytearray(derive_key(master, "sqlcipher"))
        self._record_kek = bytearray(derive_key(master, "record-wrap"))
        self._secrets_key = bytearray(derive_key(master, "instance-secrets"))
        self._audit_key = bytearray(derive_key(master, "audit-log"))
        self._digest_key = bytearray(derive_key(master, "audit-digest"))
        self._on_close: list[Callable[[], None]] = []
        with _open_vaults_lock:
            _open_vaults.add(self)

    @property
    def master(self) -> bytes:
        return bytes(self._master)

    @property
    def db_key(self) -> bytes:
        return bytes(self._db_key)

    @property
    def audit_key(self) -> bytes:
        return bytes(self._live(self._audit_key))

    def _live(self, key: bytearray) -> bytearray:
        """``key``, unless the vault was closed (perhaps by another thread) and it is zeros."""
        if self.closed:
            raise CryptoError("the vault is closed")
        return key

    def audit_digest(self, sha256: str) -> str:
        """HMAC-SHA256 of a file's SHA-256 under the "audit-digest" sub-key: the audit trail can
        tell two files apart, but without the master key nobody can test a copy of a destroyed
        file against it."""
        return keyed_hash(bytes(self._live(self._digest_key)), f"attachment {sha256}")

    def new_data_key(self, record_id: str) -> bytes:
        """A wrapped fresh data key for one record."""
        return seal(self._live(self._record_kek), random_key(), _key_aad(record_id))

    def seal_record(self, record_id: str, version: int, wrapped_key: bytes, document: dict) -> bytes:
        data_key = open_sealed(self._live(self._record_kek), wrapped_key, _key_aad(record_id))
        plaintext = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return seal(data_key, plaintext, _record_aad(record_id, version))

    def open_record(self, record_id: str, version: int, wrapped_key: bytes, sealed: bytes) -> dict:
        data_key = open_sealed(self._live(self._record_kek), wrapped_key, _key_aad(record_id))
        return json.loads(open_sealed(data_key, sealed, _record_aad(record_id, version)))

    def seal_attachment(self, record_id: str, wrapped_key: bytes, attachment_id: str,
                        secret: dict) -> bytes:
        """Seal what opens an attachment (records/attachments.py) under its record's data key."""
        data_key = open_sealed(self._live(self._record_kek), wrapped_key, _key_aad(record_id))
        plaintext = json.dumps(secret, ensure_ascii=False, separators=(",", ":")).encode()
        return seal(data_key, plaintext, _attachment_aad(record_id, attachment_id))

    def open_attachment(self, record_id: str, wrapped_key: bytes, attachment_id: str,
                        sealed: bytes) -> dict:
        data_key = open_sealed(self._live(self._record_kek), wrapped_key, _key_aad(record_id))
        return json.loads(open_sealed(data_key, sealed, _attachment_aad(record_id, attachment_id)))

    def seal_secret(self, name: str, secret: bytes) -> bytes:
        """Seal one of the instance's own secrets under its name."""
        return seal(self._live(self._secrets_key), secret, _secret_aad(name))

    def open_secret(self, name: str, sealed: bytes) -> bytes:
        return open_sealed(self._live(self._secrets_key), sealed, _secret_aad(name))

    @property
    def closed(self) -> bool:
        return not any(self._master)

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the vault closes (open store connections hold its key)."""
        self._on_close.append(callback)

    def close(self) -> None:
        with _open_vaults_lock:
            _open_vaults.discard(self)
        while self._on_close:
            self._on_close.pop()()
        for buffer in (self._master, self._db_key, self._record_kek, self._secrets_key,
                       self._audit_key, self._digest_key):
            wipe(buffer)


def _key_aad(record_id: str) -> bytes:
    return f"testimony-intake data-key {record_id}".encode()


def _record_aad(record_id: str, version: int) -> bytes:
    return f"testimony-intake record {record_id} v{version}".encode()


def _attachment_aad(record_id: str, attachment_id: str) -> bytes:
    return f"testimony-intake attachment {record_id} {attachment_id}".encode()


def _secret_aad(name: str) -> bytes:
    return f"testimony-intake secret {name}".encode()
