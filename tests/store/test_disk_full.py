"""A full disk: SQLite's own limit on the store's size (max_page_count) stands in for ENOSPC,
since SQLite answers both with SQLITE_FULL through the same path. The save is refused with a
plain message, the store stays whole, and everything saved before is intact."""

from __future__ import annotations

import pytest

from intake.records import testimonies
from intake.store.errors import DiskFull
from intake.web import request as web
from tests.conftest import csrf_token, full_record


def test_a_save_on_a_full_disk_is_refused_and_nothing_is_lost(conn, vault, admin):
    kept = testimonies.create(conn, vault, admin, full_record())
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskFull, match="disk is full"):
        for n in range(20):
            testimonies.create(conn, vault, admin, full_record(notes="x" * 150_000 + str(n)))
    with pytest.raises(DiskFull, match="disk is full"):
        testimonies.save(conn, vault, admin, kept.id, full_record(notes="y" * 190_000))
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert testimonies.load(conn, vault, kept.id, admin).document == kept.document


def test_the_interviewer_is_told_plainly(signed_in, monkeypatch, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    step = f"/testimonies/{record.id}/step/4"
    opened = web.connect

    def full_disk(path, key):
        connection = opened(path, key)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(web, "connect", full_disk)  # before the page opens the session's connection
    token = csrf_token(signed_in.get(step).get_data(as_text=True))
    answer = signed_in.post(step, data={"csrf_token": token, "narrative-0-language": "ar",
                                        "narrative-0-text": "ز" * 150_000},
                            headers={"X-Autosave": "1"})
    assert answer.status_code == 507
    assert "The disk is full" in answer.get_data(as_text=True)
    monkeypatch.undo()
    assert testimonies.load(conn, vault, record.id, admin).document == record.document
