"""Fingerprints of Ed25519 signing keys, and the one-line error of every key operation.

A fingerprint is the SHA-256 of the raw 32-byte public key, in hex: the short form (its first
64 bits, four groups of four) is for reading aloud, the full form for pinning
(docs/bundle-format.md)."""

from __future__ import annotations

import hashlib
import re

from intake.vault.crypto import raw_public_key


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
