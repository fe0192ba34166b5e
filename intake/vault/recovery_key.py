"""The printable recovery key: 200 random bits in RFC 4648 base32 plus a 20-bit checksum.

Shown once at set-up as eleven groups of four characters (``ABCD-EFGH-…``). Reading it back
forgives case, spaces, dashes and the digits 0, 1 and 8 typed for O, I and B, and a typo is caught by
the checksum before any slow key derivation is spent on it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

_RANDOM_BYTES = 25  # 200 bits: exactly 40 base32 characters, no padding
_CHECK_CHARS = 4
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class RecoveryKeyError(ValueError):
    """The text is not a well-formed recovery key (wrong length, letters or checksum)."""


def _checksum(body: str) -> str:
    digest = hashlib.sha256(body.encode("ascii")).digest()
    return base64.b32encode(digest[:5]).decode("ascii")[:_CHECK_CHARS]


def new_recovery_key() -> str:
    """A fresh recovery key, grouped for writing down."""
    body = base64.b32encode(secrets.token_bytes(_RANDOM_BYTES)).decode("ascii")
    text = body + _checksum(body)
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normalise_recovery_key(text: str) -> str:
    """The canonical form of a typed recovery key, or :class:`RecoveryKeyError`."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    cleaned = cleaned.translate(_LOOKALIKES)
    body, check = cleaned[:-_CHECK_CHARS], cleaned[-_CHECK_CHARS:]
    if len(cleaned) != 40 + _CHECK_CHARS or not cleaned.isascii():
        raise RecoveryKeyError("wrong length")
    try:
        base64.b32decode(body)
    except ValueError:
        raise RecoveryKeyError("not base32") from None
    if not secrets.compare_digest(_checksum(body), check):
        raise RecoveryKeyError("checksum mismatch")
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))
