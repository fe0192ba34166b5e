"""Backup and restore: a round trip gives every record and key slot back, byte for byte; a
backup taken during a write is a consistent snapshot; a wrong passphrase, a damaged file or an
occupied home is refused with one line and nothing written."""

from __future__ import annotations

import io
import tarfile

import pyrage
import pytest

from intake import backup, testimonies
from intake.cli import main
from intake.config import Config
from intake.instance import unlock
from intake.store import connect

from .conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record

BACKUP_PASSPHRASE = "copper meadow violin eleven"


def _records(config: Config) -> dict:
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        rows, _ = testimonies.summaries(conn, user, per_page=1000)
        return {r.id: testimonies.load(conn, vault, r.id, user).document for r in rows}
    finally:
        conn.close()
        vault.close()


def test_round_trip_restores_every_record_and_key_slot(config, conn, vault, admin, tmp_path):
    for n in range(5):
        testimonies.create(conn, vault, admin, full_record(notes=f"note {n}"))
    before, slots = _records(config), config.keyslot_path.read_bytes()
    data = backup.make(config, conn, vault, admin, BACKUP_PASSPHRASE)
    assert b"Nadia" not in data and not data.startswith(b"SQLite")
    with tarfile.open(fileobj=io.BytesIO(pyrage.passphrase.decrypt(data, BACKUP_PASSPHRASE))) as tar:
        assert sorted(tar.getnames()) == ["intake-home/MANIFEST-SHA256.txt",
                                          "intake-home/intake.db", "intake-home/keys/keyslots.json"]
    conn.close()
    import shutil

    shutil.rmtree(config.home)  # the laptop is gone
    restored = Config(home=tmp_path / "restored", kdf=CHEAP_KDF)
    backup.restore(data, BACKUP_PASSPHRASE, restored.home)
    assert restored.keyslot_path.read_bytes() == slots
    assert _records(restored) == before and len(before) == 5


def test_a_backup_during_a_write_is_a_consistent_snapshot(config, conn, vault, admin, tmp_path):
    testimonies.create(conn, vault, admin, full_record())
    writer = connect(config.database_path, vault.db_key)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE settings SET value = 'half-way' WHERE key = 'organisation'")
    store = backup.snapshot(config, conn, vault)  # while the write is under way
    writer.execute("COMMIT")
    writer.close()
    restored = Config(home=tmp_path / "restored", kdf=CHEAP_KDF)
    restored.keyslot_path.parent.mkdir(parents=True)
    restored.keyslot_path.write_bytes(config.keyslot_path.read_bytes())
    restored.database_path.write_bytes(store)
    assert len(_records(restored)) == 1
    check_vault, _ = unlock(restored, ADMIN, PASSPHRASE)
    check = connect(restored.database_path, check_vault.db_key)
    assert check.execute("SELECT value FROM settings WHERE key = 'organisation'").fetchone() \
        == ("Field Org",)
    check.close()
    check_vault.close()


def test_refusals_write_nothing(config, conn, vault, admin, tmp_path):
    data = backup.make(config, conn, vault, admin, BACKUP_PASSPHRASE)
    target = tmp_path / "target"
    with pytest.raises(Exception, match="wrong passphrase"):
        backup.restore(data, "not the passphrase at all", target)
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 1
    with pytest.raises(Exception, match="wrong passphrase|damaged"):
        backup.restore(bytes(damaged), BACKUP_PASSPHRASE, target)
    assert not target.exists()
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(data, BACKUP_PASSPHRASE, config.home)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".restoring")] == []


def test_cli_backup_and_restore(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", BACKUP_PASSPHRASE)
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    out = tmp_path / "usb" / "backup.age"
    out.parent.mkdir()
    made = runner.invoke(main, ["backup", "--out", str(out)])
    assert made.exit_code == 0, made.output
    monkeypatch.setenv("INTAKE_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    restored = runner.invoke(main, ["restore", str(out), "--home", str(tmp_path / "new")])
    assert restored.exit_code == 0 and "checksums match" in restored.output
    again = runner.invoke(main, ["restore", str(out), "--home", str(tmp_path / "new")])
    assert again.exit_code == 1 and "not empty" in again.output
    monkeypatch.setenv("INTAKE_BACKUP_PASSPHRASE", "wrong")
    wrong = runner.invoke(main, ["restore", str(out), "--home", str(tmp_path / "other")])
    assert wrong.exit_code == 1 and len(wrong.output.strip().splitlines()) == 1
    assert not (tmp_path / "other").exists()
    verified = runner.invoke(main, ["--home", str(tmp_path / "new"), "audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_back_up_to_usb_from_the_web_and_the_reminder(signed_in):
    from .conftest import csrf_token

    assert "never been backed up" in signed_in.get("/").get_data(as_text=True)
    page = signed_in.get("/admin/backup").get_data(as_text=True)
    weak = signed_in.post("/admin/backup", data={"csrf_token": csrf_token(page),
                                                 "passphrase": "short", "confirm": "short"})
    assert weak.status_code == 200 and not weak.headers.get("Content-Disposition")
    made = signed_in.post("/admin/backup", data={"csrf_token": csrf_token(page),
                                                 "passphrase": BACKUP_PASSPHRASE,
                                                 "confirm": BACKUP_PASSPHRASE})
    assert made.headers["Content-Disposition"].startswith("attachment; filename=intake-backup-")
    assert pyrage.passphrase.decrypt(made.get_data(), BACKUP_PASSPHRASE)
    home = signed_in.get("/").get_data(as_text=True)
    assert "Last backup:" in home and "never been backed up" not in home
