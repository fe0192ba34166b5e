"""Cryptographic verbs for the whole application; the only module that imports `cryptography.hazmat`.

- Sealing: AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce, the caller's associated data
  bound in, and a one-byte format version in front: ``version || nonce || ciphertext+tag``.
- Sub-keys: HKDF-SHA256 (RFC 5869) from the master key, one ``info`` label per purpose.
- Passphrases: Argon2id (RFC 9106) through argon2-cffi, parameters chosen by the caller.
- Signatures: Ed25519 (RFC 8032) over exact bytes; public keys travel as PEM
  (SubjectPublicKeyInfo, RFC 8410) so `openssl pkeyutl -verify` can check them without us.

Every failure (wrong key, tampered bytes, truncated blob) surfaces as :class:`CryptoError`.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
_NONCE_BYTES = 12
_SEAL_VERSION = b"\x01"


class CryptoError(Exception):
    """A key did not fit, or sealed bytes were altered, truncated or misplaced."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes over it, and lanes."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 4

    def as_dict(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "time_cost": self.time_cost,
                "parallelism": self.parallelism}


def random_key() -> bytes:
    """A fresh 256-bit key from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(master: bytes | bytearray, purpose: str) -> bytes:
    """A 256-bit sub-key of ``master`` for one named purpose (HKDF-SHA256)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"testimony-intake/" + purpose.encode())
    return hkdf.derive(bytes(master))


def passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The key-encryption key of a passphrase (Argon2id). Text is NFC-normalised first so the
    same words typed on another keyboard layout give the same key."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(secret=secret, salt=salt, time_cost=params.time_cost,
                           memory_cost=params.memory_kib, parallelism=params.parallelism,
                           hash_len=KEY_BYTES, type=Type.ID)


def seal(key: bytes | bytearray, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext``; ``associated_data`` must match when opening."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return _SEAL_VERSION + nonce + AESGCM(bytes(key)).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes | bytearray, blob: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` made, or raise :class:`CryptoError`."""
    if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _SEAL_VERSION:
        raise CryptoError("sealed data is truncated or of an unknown format")
    nonce, body = blob[1:1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES:]
    try:
        return AESGCM(bytes(key)).decrypt(nonce, body, associated_data)
    except InvalidTag:
        raise CryptoError("wrong key, or the sealed data was altered") from None


def keyed_hash(key: bytes, text: str) -> str:
    """A hex HMAC-SHA256 label for ``text`` (used to find a key slot without storing a name)."""
    return hmac.new(key, text.encode("utf-8"), "sha256").hexdigest()


def same_bytes(a: bytes, b: bytes) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a, b)


def wipe(buffer: bytearray) -> None:
    """Overwrite a key held in a bytearray. Best effort: Python may hold other copies."""
    for i in range(len(buffer)):
        buffer[i] = 0


def new_signing_key() -> bytes:
    """A fresh Ed25519 private key, as its 32 raw bytes."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_pem(private_key: bytes) -> bytes:
    """The PEM (SubjectPublicKeyInfo) public key of a raw Ed25519 private key."""
    public = Ed25519PrivateKey.from_private_bytes(bytes(private_key)).public_key()
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def raw_public_key(pem: bytes) -> bytes:
    """The 32 raw bytes of a PEM Ed25519 public key, or :class:`CryptoError`."""
    try:
        public = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):  # the last: an OID no library knows
        raise CryptoError("not a PEM public key") from None
    if not isinstance(public, Ed25519PublicKey):
        raise CryptoError("not an Ed25519 public key")
    return public.public_bytes_raw()


def sign(private_key: bytes, message: bytes) -> bytes:
    """A 64-byte Ed25519 signature of ``message``."""
    return Ed25519PrivateKey.from_private_bytes(bytes(private_key)).sign(message)


def verify_signature(public_pem: bytes, signature: bytes, message: bytes) -> None:
    """Return quietly if ``signature`` is the key's signature of ``message``, else
    :class:`CryptoError`."""
    public = Ed25519PublicKey.from_public_bytes(raw_public_key(public_pem))
    try:
        public.verify(signature, message)
    except InvalidSignature:
        raise CryptoError("the signature does not match") from None
