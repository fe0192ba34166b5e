"""The SQLCipher store: encrypted on disk, pragmas in force, migrations repeatable."""

from intake.archive import sources
from intake.home.instance import initialise, unlock
from intake.home.mode import mode
from intake.store import migrations
from intake.store.connection import PRAGMAS, connect
from intake.store.migrations import MIGRATIONS
from tests.conftest import ADMIN, PASSPHRASE


def test_database_file_is_not_plain_sqlite(config, conn):
    conn.execute("INSERT INTO settings VALUES ('probe', 'Kocho Speicher')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = config.database_path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert b"Kocho" not in data and b"Field Org" not in data


def test_pragmas_are_in_force(conn):
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1,
                "trusted_schema": 0, "temp_store": 2, "cipher_memory_security": 0}
    for name, value in expected.items():
        (actual,) = conn.execute(f"PRAGMA {name}").fetchone()
        assert actual in (value, str(value)), name
    assert {name for name, _ in PRAGMAS} >= set(expected)


def test_integrity_and_cipher_integrity(conn):
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []


def test_reopening_applies_no_migration_twice(config, vault, conn):
    again = connect(config.database_path, vault.db_key)
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    again.close()


def test_a_store_made_before_the_compromise_mark_migrates(config, monkeypatch):
    """A store at the schema before ``sources.compromised_since`` gains the columns, keeps its
    sources unmarked, and is a field laptop (it has no mode setting)."""
    before = next(number for number, script in enumerate(MIGRATIONS)
                  if isinstance(script, str) and "compromised_since" in script)
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:before])
    initialise(config, "Legal Team", ADMIN, PASSPHRASE)
    vault, _user = unlock(config, ADMIN, PASSPHRASE)
    old = connect(config.database_path, vault.db_key)
    assert old.execute("PRAGMA user_version").fetchone()[0] == before
    old.execute("DELETE FROM settings WHERE key = 'mode'")
    old.execute("INSERT INTO sources (fingerprint, organisation, public_key, trusted_at) "
                "VALUES (?, 'Field Org', 'pem', '2026-01-01T00:00:00+00:00')", ("AB" * 32,))
    old.close()
    monkeypatch.undo()
    conn = connect(config.database_path, vault.db_key)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sources)")}
        assert {"compromised_since", "compromised_by", "compromised_marked_at"} <= columns
        [source] = sources.listing(conn)
        assert (source.organisation, source.records, source.compromised_since) == \
            ("Field Org", 0, None)
        assert mode(conn) == "field"
    finally:
        conn.close()
        vault.close()
