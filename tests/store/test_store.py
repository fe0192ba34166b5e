"""The SQLCipher store: encrypted on disk, pragmas in force, migrations repeatable."""

from intake.store.connection import PRAGMAS, connect
from intake.store.migrations import MIGRATIONS


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
