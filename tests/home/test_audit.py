"""The audit trail: real use leaves the expected entries; editing, deleting or truncating entries
directly in the database is caught, naming the first broken entry; the CLI and admin page."""

from __future__ import annotations

import json

import pytest

from intake.cli.main import main
from intake.home import audit
from intake.records import testimonies
from tests.conftest import OTHER_PASSPHRASE, full_record, sign_in


@pytest.fixture
def trail(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    testimonies.save(conn, vault, admin, record.id, full_record(notes="changed"))
    testimonies.complete(conn, vault, admin, record.id)
    testimonies.delete(conn, vault, admin, record.id)
    return record


def test_real_use_is_logged_in_order_without_content(conn, vault, trail):
    events = [(e.event, e.detail.get("witness_code")) for e in audit.entries(conn)]
    assert events == [("create", "W-0001"), ("edit", "W-0001"), ("complete", "W-0001"),
                      ("delete", "W-0001")]
    text = json.dumps([e.detail for e in audit.entries(conn)], ensure_ascii=False)
    assert "Nadia" not in text and "changed" not in text and "Koço" not in text
    assert audit.verify(conn, vault) is None


@pytest.mark.parametrize("change, reason", [
    ("UPDATE audit_log SET detail = '{\"record_id\": \"x\"}' WHERE seq = 2", "entry 2 was altered"),
    ("UPDATE audit_log SET actor = 'Someone else' WHERE seq = 3", "entry 3 was altered"),
    ("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 1", "entry 1 was altered"),
    ("DELETE FROM audit_log WHERE seq = 2", "entry 2 is missing"),
    ("DELETE FROM audit_log WHERE seq = 4", "entries after 3 were removed"),
    ("DELETE FROM audit_log", "the log had 4"),
    ("UPDATE audit_log SET prev = mac WHERE seq = 3", "entry 3 does not follow entry 2"),
    ("UPDATE settings SET value = '9:x:y' WHERE key = 'audit_head'", "newest entry was altered"),
])
def test_tampering_with_the_database_is_caught(conn, vault, trail, change, reason):
    conn.execute(change)
    assert reason in audit.verify(conn, vault)


def test_an_entry_rewritten_with_a_wrong_key_is_caught(conn, vault, trail):
    from intake.vault.crypto import keyed_hash

    entry = audit.entries(conn)[1]
    forged = audit.Entry(entry.seq, entry.at, entry.actor, "view", entry.detail, entry.prev, "")
    conn.execute("UPDATE audit_log SET event = 'view', mac = ? WHERE seq = 2",
                 (keyed_hash(b"k" * 32, forged.prev + forged.body()),))
    assert audit.verify(conn, vault) == "entry 2 was altered"


def test_sign_ins_failures_views_and_user_changes_through_the_web(client, recovery_key, config,
                                                                 conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    for _ in range(2):
        sign_in(client, passphrase="wrong words entirely here")
    assert sign_in(client).status_code == 302
    client.get(f"/testimonies/{record.id}")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "The audit trail is intact" in page
    events = [(e.event, e.detail) for e in audit.entries(conn)]
    assert ("failed_sign_ins", {"count": 2, "via": "web"}) in events
    assert ("sign_in", {"via": "web"}) in events
    assert ("view", {"record_id": record.id, "witness_code": "W-0001"}) in events

    from intake.home.passphrases import add_user

    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    assert audit.entries(conn)[-1].event == "user_added"
    conn.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 1")
    assert "entry 1 was altered" in client.get("/admin/audit").get_data(as_text=True)


def test_only_administrators_read_the_trail(client, recovery_key, interviewer):
    assert sign_in(client, "Dilan", OTHER_PASSPHRASE).status_code == 302
    assert client.get("/admin/audit").status_code == 403


def test_cli_verify_and_show(runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    verified = runner.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output
    shown = runner.invoke(main, ["audit", "show", "--since", "2000-01-01"]).output.splitlines()
    assert [line.split("  ")[3] for line in shown] == ["sign_in", "sign_in"]
    assert runner.invoke(main, ["audit", "show", "--since", "2999-01-01"]).output == ""


def _many(conn, vault, admin, count: int) -> None:
    from intake.store.transactions import transaction

    with transaction(conn):
        for number in range(count):
            audit.record(conn, vault, admin, "view", record_id=f"r{number}")


def test_a_page_is_read_newest_first_in_sql(conn, vault, admin, monkeypatch):
    _many(conn, vault, admin, 2000)
    every = audit.entries(conn)
    parsed = []
    loads = audit.json.loads
    monkeypatch.setattr(audit.json, "loads", lambda text: parsed.append(text) or loads(text))
    first, total = audit.page(conn, 1, 25)
    assert total == len(every) >= 2000
    assert first == every[::-1][:25] and len(parsed) == 25
    second, _ = audit.page(conn, 2, 25)
    assert second == every[::-1][25:50]
    last, _ = audit.page(conn, -(-total // 25), 25)
    assert last == every[::-1][(-(-total // 25) - 1) * 25:] and last[-1].seq == 1
    assert audit.page(conn, 0, 25) == (first, total)


def test_the_admin_page_pages_the_trail(signed_in, conn, vault, admin):
    import re

    _many(conn, vault, admin, 60)
    total = len(audit.entries(conn))
    pages = -(-total // 25)
    first = signed_in.get("/admin/audit").get_data(as_text=True)
    seqs = [int(s) for s in re.findall(r"<tr><td>(\d+)</td>", first)]
    assert seqs == list(range(total, total - 25, -1))
    assert f"Page 1 of {pages}" in first and "/admin/audit?page=2" in first
    second = signed_in.get("/admin/audit?page=2").get_data(as_text=True)
    older = [int(s) for s in re.findall(r"<tr><td>(\d+)</td>", second)]
    assert older == list(range(total - 25, total - 50, -1))
    assert f"Page 2 of {pages}" in second and "/admin/audit?page=1" in second
    assert "The audit trail is intact" in second
