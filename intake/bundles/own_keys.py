"""The instance's own keys and the keys it knows: its Ed25519 signing key, the age identities of
an archive, and the age recipients a field instance exports to (docs/bundle-format.md).

Secrets are sealed in the settings table under a vault sub-key and open only while unlocked. The
signing key is made the first time it is needed, so older instances gain one without a step.
A fingerprint is the SHA-256 of the raw 32-byte public key, in hex: the short form (its first
64 bits, four groups of four) is for reading aloud, the full form for pinning.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from intake.clock import now_utc
from intake.store.connection import Connection, IntegrityError
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault import agefile
from intake.vault.crypto import new_signing_key, public_key_pem, raw_public_key
from intake.vault.keys import Vault

_NAME = re.compile(r"^[\w][\w .@'()\-]{0,63}$")


class KeyringError(Exception):
    """A recipient or identity cannot be added, found or used as asked (one line, safe to show)."""


def fingerprint(public_pem: bytes) -> str:
    """The fingerprint of a PEM Ed25519 public key: SHA-256 of its raw bytes, 64 hex digits."""
    return hashlib.sha256(raw_public_key(public_pem)).hexdigest().upper()


def readable(fingerprint_hex: str, *, short: bool = False) -> str:
    """A fingerprint in groups of four, e.g. ``3F2A 91C0 7B4E 22D1`` (the short form)."""
    digits = fingerprint_hex[:16] if short else fingerprint_hex
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, with spaces, colons or dashes): its 16 (short) or 64
    (full) hex digits."""
    digits = re.sub(r"[\s:\-]", "", text).upper()
    if not re.fullmatch(r"[0-9A-F]{16}|[0-9A-F]{64}", digits):
        raise KeyringError("a fingerprint is 16 or 64 hexadecimal digits")
    return digits


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


# ---- the archive's age identities ----

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


def export_identities(conn: Connection, vault: Vault, passphrase: str) -> bytes:
    """Every identity as an age identity file, encrypted under ``passphrase`` (age scrypt)."""
    known = identities(conn, vault)
    if not known:
        raise KeyringError("this instance has no age identity; run 'intake identity create'")
    text = "".join(agefile.identity_file(i, now_utc()) for i in known)
    return agefile.encrypt_with_passphrase(text.encode(), passphrase)


# ---- recipients of a field instance ----

@dataclass(frozen=True)
class Recipient:
    name: str
    public_key: str
    added_at: str


def add_recipient(conn: Connection, name: str, public_key: str) -> Recipient:
    name = unicodedata.normalize("NFC", name).strip()
    if not _NAME.match(name):
        raise KeyringError("a recipient name is 1 to 64 letters, digits, spaces or . @ ' ( ) -")
    try:
        key = agefile.check_recipient(public_key)
    except agefile.AgeError as exc:
        raise KeyringError(str(exc)) from None
    try:
        with transaction(conn):
            conn.execute("INSERT INTO recipients (name, public_key, added_at) VALUES (?, ?, ?)",
                         (name, key, now_utc()))
    except IntegrityError:
        raise KeyringError(f"a recipient named {name!r} or with this key already exists") from None
    return recipient(conn, name)


def recipients(conn: Connection) -> list[Recipient]:
    rows = conn.execute("SELECT name, public_key, added_at FROM recipients ORDER BY name")
    return [Recipient(*row) for row in rows]


def recipient(conn: Connection, name: str) -> Recipient:
    row = conn.execute("SELECT name, public_key, added_at FROM recipients WHERE name = ?",
                       (name.strip(),)).fetchone()
    if row is None:
        raise KeyringError(f"no recipient named {name.strip()!r}; see 'intake recipient list'")
    return Recipient(*row)


def remove_recipient(conn: Connection, name: str) -> None:
    recipient(conn, name)
    with transaction(conn):
        conn.execute("DELETE FROM recipients WHERE name = ?", (name.strip(),))
