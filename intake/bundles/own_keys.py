"""The instance's own keys: its Ed25519 signing key, its register key and, on an archive, its
age identities (docs/bundle-format.md).

All are sealed in the settings table under a vault sub-key and open only while unlocked. The
signing and register keys are made the first time they are needed, so older instances gain them
without a step. The register key keys the hashes of the prior-statements register
(docs/register.md); it leaves only inside a hand-over bundle, encrypted to the own archive.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from intake.bundles.fingerprints import KeyringError, fingerprint
from intake.clock import now_utc
from intake.home.passphrase_policy import require_strong
from intake.home.users import User
from intake.store.connection import Connection
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault import agefile
from intake.vault.crypto import new_signing_key, public_key_pem
from intake.vault.keys import Vault


@dataclass(frozen=True)
class SigningKey:
    private: bytes
    public_pem: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_pem)


def signing_key(conn: Connection, vault: Vault) -> SigningKey:
    """This instance's signing key, created (and sealed) on first use."""
    sealed = get_setting(conn, "signing_key")
    if sealed is None:
        private = new_signing_key()
        with transaction(conn):
            set_setting(conn, "signing_key", vault.seal_secret("signing_key", private).hex())
            set_setting(conn, "signing_public_key", public_key_pem(private).decode())
        return SigningKey(private, public_key_pem(private))
    private = vault.open_secret("signing_key", bytes.fromhex(sealed))
    return SigningKey(private, public_key_pem(private))


def register_key(conn: Connection, vault: Vault) -> bytes:
    """This instance's 32-byte register key, created (and sealed) on first use."""
    sealed = get_setting(conn, "register_key")
    if sealed is None:
        key = secrets.token_bytes(32)
        with transaction(conn):
            set_setting(conn, "register_key", vault.seal_secret("register_key", key).hex())
        return key
    return vault.open_secret("register_key", bytes.fromhex(sealed))


def identities(conn: Connection, vault: Vault) -> list[str]:
    """The archive's age identities, newest first (older ones still open older bundles)."""
    sealed = get_setting(conn, "age_identities")
    if sealed is None:
        return []
    return json.loads(vault.open_secret("age_identities", bytes.fromhex(sealed)))


def create_identity(conn: Connection, vault: Vault) -> str:
    """A new age identity for this archive; returns its public key (``age1…``)."""
    identity = agefile.new_identity()
    with transaction(conn):
        known = [identity, *identities(conn, vault)]
        sealed = vault.seal_secret("age_identities", json.dumps(known).encode())
        set_setting(conn, "age_identities", sealed.hex())
    return agefile.public_key(identity)


def export_identities(conn: Connection, vault: Vault, passphrase: str, *, by: User) -> bytes:
    """Every identity as an age identity file, encrypted under ``passphrase`` (age scrypt), which
    must be strong (``by`` names who exports them)."""
    require_strong(passphrase, (by.name,))
    known = identities(conn, vault)
    if not known:
        raise KeyringError("this instance has no age identity; run 'intake identity create'")
    text = "".join(agefile.identity_file(i, now_utc()) for i in known)
    return agefile.encrypt_with_passphrase(text.encode(), passphrase)
