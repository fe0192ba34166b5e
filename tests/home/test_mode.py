"""A home is a field laptop or an archive: chosen when it is made, changed by an administrator
(audited), and a field laptop when it was made before there were modes."""

from __future__ import annotations

import pytest

from intake.home import audit
from intake.home.instance import initialise
from intake.home.mode import mode, set_mode
from intake.store.connection import connect
from tests.archive_homes import make_home
from tests.conftest import ADMIN, PASSPHRASE


def test_a_new_home_is_a_field_laptop_unless_made_as_an_archive(conn, tmp_path):
    assert mode(conn) == "field"
    archive = make_home(tmp_path / "law", "Legal Team", "archive")
    try:
        assert mode(archive.conn) == "archive"
    finally:
        archive.close()


def test_an_unknown_mode_is_refused_and_nothing_is_made(config):
    with pytest.raises(ValueError, match="field, archive"):
        initialise(config, "Org", ADMIN, PASSPHRASE, mode="museum")
    assert not config.is_initialised


def test_a_home_without_the_setting_is_a_field_laptop(conn):
    conn.execute("DELETE FROM settings WHERE key = 'mode'")
    assert mode(conn) == "field"


def test_changing_the_mode_is_audited_once(conn, vault, admin):
    assert set_mode(conn, vault, admin, "archive")
    assert mode(conn) == "archive"
    assert not set_mode(conn, vault, admin, "archive")
    assert set_mode(conn, vault, admin, "field")
    changes = [(e.actor, e.detail) for e in audit.entries(conn) if e.event == "mode_changed"]
    assert changes == [(ADMIN, {"before": "field", "after": "archive"}),
                       (ADMIN, {"before": "archive", "after": "field"})]
    assert audit.verify(conn, vault) is None
    with pytest.raises(ValueError):
        set_mode(conn, vault, admin, "museum")
    assert mode(conn) == "field"


def test_the_mode_survives_reopening(config, vault, conn, admin):
    set_mode(conn, vault, admin, "archive")
    again = connect(config.database_path, vault.db_key)
    try:
        assert mode(again) == "archive"
    finally:
        again.close()
