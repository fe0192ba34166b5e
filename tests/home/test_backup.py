"""Backup and restore: a round trip gives every record and key slot back, byte for byte; a
backup taken during a write is a consistent snapshot; a wrong passphrase, a damaged file or an
occupied home is refused with one line and nothing written."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pty
import shutil
import subprocess
import tarfile
import tracemalloc
import zipfile

import pyrage
import pytest

from intake.cli.main import main
from intake.config import Config
from intake.home import backup
from intake.home.instance import unlock
from intake.records import attachments, testimonies
from intake.store.connection import connect
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record

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


def _backup(config, conn, vault, admin, path, passphrase=BACKUP_PASSPHRASE):
    with open(path, "wb") as out:
        backup.write(config, conn, vault, admin, passphrase, out)
    return path


def _home_tar(path, passphrase=BACKUP_PASSPHRASE) -> tuple[str, bytes]:
    """The backup's identity and its decrypted home tar."""
    with zipfile.ZipFile(path) as archive:
        identity = pyrage.passphrase.decrypt(archive.read(backup.KEY), passphrase).decode()
        home = archive.read(backup.HOME)
    key = next(line for line in identity.splitlines() if line.startswith("AGE-SECRET-KEY-"))
    return key, pyrage.decrypt(home, [pyrage.x25519.Identity.from_str(key)])


def _rezip(path, key: str, tar_bytes: bytes) -> None:
    """Replace the home tar of a backup, encrypted to the same identity (a forger who knows the
    passphrase but not the manifest's files)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    recipient = pyrage.x25519.Identity.from_str(key).to_public()
    parts[backup.HOME] = pyrage.encrypt(tar_bytes, [recipient])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _attach(conn, vault, admin, record_id, data: bytes):
    upload = attachments.receive(io.BytesIO(data), attachments.directory(conn))
    return testimonies.attach(conn, vault, admin, record_id, upload, kind="consent_form",
                              filename="consent.pdf", declared_type="application/pdf")


@pytest.mark.slow
def test_round_trip_restores_every_record_key_slot_and_attached_file(config, conn, vault, admin,
                                                                      tmp_path):
    ids = [testimonies.create(conn, vault, admin, full_record(notes=f"note {n}")).id
           for n in range(5)]
    scan = b"Nadia's consent, signed in Sinjar" * 3000
    attached = _attach(conn, vault, admin, ids[0], scan)
    before, slots = _records(config), config.keyslot_path.read_bytes()
    path = _backup(config, conn, vault, admin, tmp_path / "backup.zip")
    data = path.read_bytes()
    assert b"Nadia" not in data and b"SQLite format" not in data
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [backup.README, backup.KEY, backup.HOME]
        assert "intake restore" in archive.read(backup.README).decode()
    _, home_tar = _home_tar(path)
    with tarfile.open(fileobj=io.BytesIO(home_tar)) as tar:
        assert tar.getnames() == ["intake-home/intake.db", "intake-home/keys/keyslots.json",
                                  f"intake-home/attachments/{attached.id}.age",
                                  "intake-home/MANIFEST-SHA256.txt"]
    conn.close()
    shutil.rmtree(config.home)  # the laptop is gone
    restored = Config(home=tmp_path / "restored", kdf=CHEAP_KDF)
    backup.restore(path, BACKUP_PASSPHRASE, restored.home)
    assert restored.keyslot_path.read_bytes() == slots
    assert _records(restored) == before and len(before) == 5
    check_vault, user = unlock(restored, ADMIN, PASSPHRASE)
    check = connect(restored.database_path, check_vault.db_key)
    try:
        (item,) = attachments.listing(check, check_vault, testimonies.owner(check, user, ids[0]))
        assert b"".join(attachments.chunks(check, item)) == scan
    finally:
        check.close()
        check_vault.close()


def _age_with_passphrase(args: list[str], passphrase: str, cwd) -> None:
    """Run the age command, typing ``passphrase`` at its prompt on a terminal of its own."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: age reads the passphrase from its terminal, never from a pipe
        try:
            os.chdir(cwd)
            os.execvp("age", ["age", *args])  # noqa: S606
        finally:
            os._exit(127)
    said = b""
    with contextlib.suppress(OSError):  # the terminal closes when age ends
        while b"passphrase" not in said.lower() and (piece := os.read(terminal, 1024)):
            said += piece
        os.write(terminal, passphrase.encode() + b"\n")
        while os.read(terminal, 1024):
            pass
    os.close(terminal)
    assert os.waitpid(pid, 0)[1] == 0, said


@pytest.mark.slow
def test_a_backup_opens_with_unzip_age_and_tar_as_its_readme_says(config, conn, vault, admin,
                                                                  tmp_path):
    assert shutil.which("age") and shutil.which("unzip"), "install age and unzip"
    record_id = testimonies.create(conn, vault, admin, full_record()).id
    attached = _attach(conn, vault, admin, record_id, os.urandom(300_000))
    path = _backup(config, conn, vault, admin, tmp_path / "backup.zip")
    subprocess.run(["unzip", "-q", path], check=True, cwd=tmp_path)
    _age_with_passphrase(["-d", "-o", "backup-key.txt", "intake-backup/backup-key.age"],
                         BACKUP_PASSPHRASE, tmp_path)
    subprocess.run("age -d -i backup-key.txt intake-backup/home.tar.age | tar x", shell=True,  # noqa: S602
                   check=True, cwd=tmp_path)
    home = tmp_path / "intake-home"
    listed = subprocess.run(["sha256sum", "-c", backup.MANIFEST], check=True, cwd=home,
                            capture_output=True, text=True).stdout
    assert sorted(listed.splitlines()) == sorted(
        f"{name}: OK" for name in ("intake.db", "keys/keyslots.json",
                                   f"attachments/{attached.id}.age"))
    assert (home / "keys/keyslots.json").read_bytes() == config.keyslot_path.read_bytes()
    assert (home / f"attachments/{attached.id}.age").read_bytes() == (
        config.attachments_path / f"{attached.id}.age").read_bytes()


def test_a_backup_during_a_write_is_a_consistent_snapshot(config, conn, vault, admin, tmp_path):
    testimonies.create(conn, vault, admin, full_record())
    writer = connect(config.database_path, vault.db_key)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE settings SET value = 'half-way' WHERE key = 'organisation'")
    with backup.snapshot(config, conn, vault) as copy:  # while the write is under way
        store = copy.read_bytes()
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
    path = _backup(config, conn, vault, admin, tmp_path / "backup.zip")
    target = tmp_path / "target"
    with pytest.raises(Exception, match="wrong passphrase"):
        backup.restore(path, "not the passphrase at all", target)
    damaged = tmp_path / "damaged.zip"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1  # inside the encrypted home
    damaged.write_bytes(bytes(data))
    with pytest.raises(Exception, match="damaged|does not match"):
        backup.restore(damaged, BACKUP_PASSPHRASE, target)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[: len(data) // 3])
    with pytest.raises(backup.BackupError, match="not a backup"):
        backup.restore(cut, BACKUP_PASSPHRASE, target)
    assert not target.exists()
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(path, BACKUP_PASSPHRASE, config.home)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".restoring")] == []


FORGERIES = [
    (lambda files: files.update({"intake-home/intake.db": b"not the store"}), "does not match"),
    (lambda files: files.pop("intake-home/keys/keyslots.json"), "missing"),
    (lambda files: files.update({"intake-home/attachments/" + "a" * 32 + ".age": b"x"}),
     "does not list"),
    (lambda files: files.update({"intake-home/../escape": b"x"}), "unexpected entry"),
    (lambda files: files.update({"intake-home/keys/other.json": b"x"}), "unexpected entry"),
]


@pytest.mark.slow
def test_a_forged_home_is_refused_and_nothing_written(config, conn, vault, admin, tmp_path):
    made = _backup(config, conn, vault, admin, tmp_path / "backup.zip")
    key, home_tar = _home_tar(made)
    for number, (change, message) in enumerate(FORGERIES):
        with tarfile.open(fileobj=io.BytesIO(home_tar)) as tar:
            files = {m.name: tar.extractfile(m).read() for m in tar}
        change(files)
        forged = tmp_path / f"forged-{number}.zip"
        forged.write_bytes(made.read_bytes())
        _rezip(forged, key, _tar(files))
        with pytest.raises(backup.BackupError, match=message):
            backup.restore(forged, BACKUP_PASSPHRASE, tmp_path / "target")
        assert not (tmp_path / "target").exists() and not (tmp_path / "escape").exists()
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".restoring")] == []


def test_a_backup_made_before_attachments_were_backed_up_still_restores(config, conn, vault,
                                                                        admin, tmp_path):
    testimonies.create(conn, vault, admin, full_record())
    with backup.snapshot(config, conn, vault) as copy:
        files = {"intake.db": copy.read_bytes(), "keys/keyslots.json":
                 config.keyslot_path.read_bytes()}
    manifest = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in files.items())
    old = tmp_path / "old-backup.age"
    old.write_bytes(pyrage.passphrase.encrypt(_tar(
        {**{f"intake-home/{n}": d for n, d in files.items()},
         "intake-home/MANIFEST-SHA256.txt": manifest.encode()}), BACKUP_PASSPHRASE))
    restored = Config(home=tmp_path / "restored", kdf=CHEAP_KDF)
    backup.restore(old, BACKUP_PASSPHRASE, restored.home)
    assert len(_records(restored)) == 1


def test_backup_and_restore_stream_a_large_attached_file(config, conn, vault, admin, tmp_path):
    record_id = testimonies.create(conn, vault, admin, full_record()).id
    _attach(conn, vault, admin, record_id, os.urandom(1 << 20) * 40)  # 40 MiB
    tracemalloc.start()
    try:
        path = _backup(config, conn, vault, admin, tmp_path / "backup.zip")
        made = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        backup.restore(path, BACKUP_PASSPHRASE, tmp_path / "restored")
        restored = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert path.stat().st_size > 40 << 20
    assert made < 8 << 20 and restored < 8 << 20, (made, restored)


@pytest.mark.slow
def test_cli_backup_and_restore(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", BACKUP_PASSPHRASE)
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    out = tmp_path / "usb" / "backup.zip"
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
    from tests.conftest import csrf_token

    assert "never been backed up" in signed_in.get("/").get_data(as_text=True)
    page = signed_in.get("/admin/backup").get_data(as_text=True)
    weak = signed_in.post("/admin/backup", data={"csrf_token": csrf_token(page),
                                                 "passphrase": "short", "confirm": "short"})
    assert weak.status_code == 200 and not weak.headers.get("Content-Disposition")
    made = signed_in.post("/admin/backup", data={"csrf_token": csrf_token(page),
                                                 "passphrase": BACKUP_PASSPHRASE,
                                                 "confirm": BACKUP_PASSPHRASE})
    assert made.headers["Content-Disposition"].startswith("attachment; filename=intake-backup-")
    assert made.is_streamed and made.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(made.get_data())) as archive:
        assert pyrage.passphrase.decrypt(archive.read(backup.KEY), BACKUP_PASSPHRASE)
    home = signed_in.get("/").get_data(as_text=True)
    assert "Last backup:" in home and "never been backed up" not in home
