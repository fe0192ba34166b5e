"""The age recipients a field instance exports to: a name and a public key (``age1…``) each,
added by an administrator who compared it with the legal team (docs/bundle-format.md)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from intake.bundles.fingerprints import KeyringError
from intake.clock import now_utc
from intake.store.connection import Connection, IntegrityError
from intake.store.transactions import transaction
from intake.vault import agefile

_NAME = re.compile(r"^[\w][\w .@'()\-]{0,63}$")


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
