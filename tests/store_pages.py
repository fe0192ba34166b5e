"""Read every page of a SQLCipher store, and of its write-ahead log, decrypted: for tests that look
for words that must be gone, wherever SQLite may have left them (free pages, old FTS5 segments,
stale WAL frames), not only in what SQL can still reach.

The format is SQLCipher 4's default (https://www.zetetic.net/sqlcipher/design/), keyed with a raw
key as intake/store/connection.py does (``PRAGMA key = "x'…'"``):

- pages of 4096 bytes, each ending in an 80-byte reserve: a 16-byte IV, then a 64-byte
  HMAC-SHA512;
- the raw key *is* the AES-256 key (no PBKDF2 over it); the first 16 bytes of page 1 are the
  file's salt, in place of SQLite's "SQLite format 3" header;
- each page's bytes before the reserve (for page 1, after the salt) are AES-256-CBC under that key
  and the page's IV, without padding;
- the HMAC key is PBKDF2-HMAC-SHA512 of the raw key with the salt XOR 0x3a, 2 iterations, 32
  bytes; the HMAC covers the ciphertext, the IV and the page number (4 bytes, little-endian);
- a WAL file (https://sqlite.org/fileformat2.html#walformat) is a 32-byte header, then frames of a
  24-byte header (page number first, big-endian) and one encrypted page.

Every page's HMAC is checked, so a wrong key, or a file that is not such a store, raises
:class:`ValueError` instead of yielding noise in which no word is ever found. Page 1 comes back
with SQLite's header in place of the salt. The salt of a WAL's pages is the database's: pass the
database path (its ``-wal`` is read beside it) or the WAL's path itself.

Usage::

    for page in decrypted_pages(db_path, vault.db_key): ...
    found = words_in_store(db_path, vault.db_key, ["qwzxvillage"])   # db and -wal, last 8 chars
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVE = 80  # 16-byte IV + 64-byte HMAC-SHA512
SALT_BYTES = 16
WAL_HEADER, FRAME_HEADER = 32, 24
SQLITE_HEADER = b"SQLite format 3\x00"
TAIL = 8  # FTS5 leaf pages store each term as a shared prefix + suffix: look for the last bytes


def decrypted_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Every page of the database at ``path`` (or of the WAL, if ``path`` ends in ``-wal``),
    decrypted and authenticated, in file order. A missing or empty WAL yields nothing."""
    path = Path(path)
    wal = path.name.endswith("-wal")
    database = path.with_name(path.name[:-4]) if wal else path
    with open(database, "rb") as file:
        salt = file.read(SALT_BYTES)
    if len(salt) != SALT_BYTES:
        raise ValueError(f"{database} is too short to be a SQLCipher store")
    hmac_key = hashlib.pbkdf2_hmac("sha512", key, bytes(b ^ 0x3A for b in salt), 2, 32)
    if wal:
        yield from _wal_pages(path, key, hmac_key)
        return
    with open(path, "rb") as file:
        number = 0
        while page := file.read(PAGE_SIZE):
            number += 1
            yield _decrypt(page, number, key, hmac_key)


def words_in_store(database: Path, key: bytes, words: Iterable[str]) -> set[str]:
    """Which of ``words`` appear, by their last 8 characters (UTF-8), in any decrypted page of
    the database or of its ``-wal`` file."""
    database = Path(database)
    wanted = {word: word[-TAIL:].encode() for word in words}
    found: set[str] = set()
    for path in (database, database.with_name(database.name + "-wal")):
        if not path.exists():
            continue
        for page in decrypted_pages(path, key):
            found.update(word for word, tail in wanted.items() if tail in page)
    return found


def _wal_pages(path: Path, key: bytes, hmac_key: bytes) -> Iterator[bytes]:
    if not path.exists():
        return
    with open(path, "rb") as file:
        if len(file.read(WAL_HEADER)) < WAL_HEADER:
            return
        while len(header := file.read(FRAME_HEADER)) == FRAME_HEADER:
            page = file.read(PAGE_SIZE)
            if len(page) < PAGE_SIZE:
                return  # a frame cut short by a crash is not part of the log
            (number,) = struct.unpack(">I", header[:4])
            yield _decrypt(page, number, key, hmac_key)


def _decrypt(page: bytes, number: int, key: bytes, hmac_key: bytes) -> bytes:
    if len(page) != PAGE_SIZE:
        raise ValueError(f"page {number} is {len(page)} bytes, not {PAGE_SIZE}")
    start = SALT_BYTES if number == 1 else 0
    body, iv, tag = (page[start:PAGE_SIZE - RESERVE], page[PAGE_SIZE - RESERVE:PAGE_SIZE - 64],
                     page[PAGE_SIZE - 64:])
    expected = hmac.new(hmac_key, body + iv + struct.pack("<I", number), "sha512").digest()
    if not hmac.compare_digest(expected, tag):
        raise ValueError(f"page {number} fails its HMAC: wrong key, or not a SQLCipher 4 store")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(body) + decryptor.finalize()
    if number == 1:
        plain = SQLITE_HEADER + plain
    return plain
