"""The age recipients a field instance exports to: a name and a public key (``age1…``) each,
added by an administrator who compared it with the legal team (docs/bundle-format.md). A
recipient marked as the organisation's own archive may also receive hand-overs."""

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
    own_archive: bool = False


def add_recipient(conn: Connection, name: str, public_key: str, *,
                  own_archive: bool = False) -> Recipient:
    name = unicodedata.normalize("NFC", name).strip()
    if not _NAME.match(name):
        raise KeyringError("a recipient name is 1 to 64 letters, digits, spaces or . @ ' ( ) -")
    try:
        key = agefile.check_recipient(public_key)
    except agefile.AgeError as exc:
        raise KeyringError(str(exc)) from None
    try:
        with transaction(conn):
            conn.execute("INSERT INTO recipients (name, public_key, added_at, own_archive) "
                         "VALUES (?, ?, ?, ?)", (name, key, now_utc(), int(own_archive)))
    except IntegrityError:
        raise KeyringError(f"a recipient named {name!r} or with this key already exists") from None
    return recipient(conn, name)


def recipients(conn: Connection) -> list[Recipient]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM recipients ORDER BY name")  # noqa: S608
    return [_recipient(row) for row in rows]


def recipient(conn: Connection, name: str) -> Recipient:
    row = conn.execute(f"SELECT {_COLUMNS} FROM recipients WHERE name = ?",  # noqa: S608
                       (name.strip(),)).fetchone()
    if row is None:
        raise KeyringError(f"no recipient named {name.strip()!r}; see 'intake recipient list'")
    return _recipient(row)


def set_own_archive(conn: Connection, name: str, own_archive: bool) -> Recipient:
    """Mark a recipient as the organisation's own archive, or no longer."""
    recipient(conn, name)
    with transaction(conn):
        conn.execute("UPDATE recipients SET own_archive = ? WHERE name = ?",
                     (int(own_archive), name.strip()))
    return recipient(conn, name)


_COLUMNS = "name, public_key, added_at, own_archive"


def _recipient(row: tuple) -> Recipient:
    return Recipient(row[0], row[1], row[2], bool(row[3]))


def remove_recipient(conn: Connection, name: str) -> None:
    recipient(conn, name)
    with transaction(conn):
        conn.execute("DELETE FROM recipients WHERE name = ?", (name.strip(),))
