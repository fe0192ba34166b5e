"""tests/store_pages.py reads what it claims to: the database's pages and the WAL's frames,
decrypted, and refuses a wrong key instead of finding nothing."""

import os

import pytest

from intake.store.connection import connect
from tests.store_pages import decrypted_pages, words_in_store


def test_pages_of_the_database_and_of_its_wal_are_read_and_a_wrong_key_is_refused(tmp_path):
    key, path = os.urandom(32), tmp_path / "store.db"
    conn = connect(path, key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO settings (key, value) VALUES ('a', 'qzonlyinthewalfornow')")
    wal = path.with_name("store.db-wal")
    assert any(b"onlyinthewalfornow" in page for page in decrypted_pages(wal, key))
    assert not any(b"onlyinthewalfornow" in page for page in decrypted_pages(path, key))
    assert words_in_store(path, key, ["qzonlyinthewalfornow", "qznowhere"]) == {
        "qzonlyinthewalfornow"}
    assert next(iter(decrypted_pages(path, key))).startswith(b"SQLite format 3\x00")
    with pytest.raises(ValueError, match="HMAC"):
        next(iter(decrypted_pages(path, os.urandom(32))))
    with pytest.raises(ValueError, match="HMAC"):
        next(iter(decrypted_pages(wal, os.urandom(32))))
    conn.close()
