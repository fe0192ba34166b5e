"""Homes for archive tests: field laptops that export signed bundles at a chosen time, and an
archive that imports them (trusting each new source, as a person who compared fingerprints would)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from intake.archive import importer
from intake.bundles import export as exports
from intake.bundles import own_keys, recipient_keys, selection
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.home.users import User
from intake.records import testimonies
from intake.store.connection import Connection, connect
from intake.vault.agefile import public_key
from intake.vault.keys import Vault
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record


@dataclass
class Home:
    config: Config
    conn: Connection
    vault: Vault
    user: User

    def close(self) -> None:
        self.conn.close()
        self.vault.close()


def make_home(home: Path, org: str, mode: str = "field") -> Home:
    config = Config(home=home, kdf=CHEAP_KDF, testing=True)
    initialise(config, org, ADMIN, PASSPHRASE, mode=mode)
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    return Home(config, connect(config.database_path, vault.db_key), vault, user)


def make_archive(home: Path, org: str = "Legal Team") -> Home:
    archive = make_home(home, org, "archive")
    own_keys.create_identity(archive.conn, archive.vault)
    return archive


def fingerprint(field: Home) -> str:
    return own_keys.signing_key(field.conn, field.vault).fingerprint


def send(field: Home, archive: Home, out: Path, monkeypatch: pytest.MonkeyPatch, *,
         exported_at: str, records: int = 1, ids: list[str] | None = None,
         purpose: str = "trial") -> list[str]:
    """Export ``records`` new completed testimonies (or ``ids``) for ``purpose`` at
    ``exported_at``, and import the bundle into ``archive``; the ids sent."""
    ids = export_for(field, archive, out, monkeypatch, exported_at=exported_at, records=records,
                     ids=ids, purpose=purpose)
    identity = own_keys.identities(archive.conn, archive.vault)[0]
    importer.import_bundle(archive.conn, archive.vault, archive.user, out, [identity],
                           trust=fingerprint(field))
    return ids


def export_for(field: Home, archive: Home, out: Path, monkeypatch: pytest.MonkeyPatch, *,
               exported_at: str, records: int = 1, ids: list[str] | None = None,
               purpose: str = "trial") -> list[str]:
    """Export, as :func:`send` does, a bundle to ``out`` for ``archive`` to import later."""
    identity = own_keys.identities(archive.conn, archive.vault)[0]
    recipient = next((r for r in recipient_keys.recipients(field.conn) if r.name == "Lawyers"),
                     None) or recipient_keys.add_recipient(field.conn, "Lawyers",
                                                           public_key(identity))
    ids = ids or [testimonies.create(field.conn, field.vault, field.user, full_record(),
                                     completed=True).id for _ in range(records)]
    plan = selection.plan(field.conn, field.vault, field.user, purpose, [recipient], ids)
    with monkeypatch.context() as patched:
        patched.setattr(exports, "now_utc", lambda: exported_at)
        exports.write(field.conn, field.vault, field.user, plan, [recipient], out)
    return ids



def undo_handover_migrations(conn) -> None:
    """Drop what the hand-over's and the register's migrations made, so that a test that sets
    ``user_version`` back to an older migration can run them again."""
    for table in ("handover_records", "handovers_received", "receipt_records", "receipts_applied",
                  "receipt_signers", "register_entries"):
        conn.execute(f"DROP TABLE {table}")
    for table, column in (("recipients", "own_archive"), ("export_records", "version"),
                          ("export_records", "record_sha256")):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
