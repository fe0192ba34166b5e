"""Attachments end to end: encrypted while they arrive, hashed before encryption, refused without
consent or with the wrong type, tamper-evident, destroyed with their record, and never on disk in
plaintext."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from intake.cli.main import main
from intake.records import attachments, testimonies
from intake.vault.crypto import CryptoError
from tests.conftest import full_record

PASS = "amber river lantern seven"
# A recognisable plaintext: if any of it reaches the disk unencrypted, the grep below finds it.
MARKER = "Koço-ئەنفال-recording-".encode() * 4096


@pytest.fixture
def home(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    home = str(tmp_path / "home")
    assert runner.invoke(main, ["--home", home, "init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    record = full_record()
    record["consent"]["audio"] = True
    source = tmp_path / "records.json"
    source.write_text(json.dumps([record, full_record()]), "utf-8")
    imported = runner.invoke(main, ["--home", home, "testimony", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(main, ["--home", home, "testimony", "list", "--json"])
    ids = sorted((json.loads(line) for line in listed.output.splitlines()),
                 key=lambda row: row["witness_code"])
    return home, ids[0]["id"], ids[1]["id"]


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _plain_file(tmp_path, name="interview.ogg", data=MARKER):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _all_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_attach_list_extract_detach(runner, home, tmp_path):
    home, with_audio, _ = home
    attached = run(runner, "--home", home, "testimony", "attach", with_audio,
                   _plain_file(tmp_path), "--kind", "audio", "--duration", "83.4")
    assert attached.exit_code == 0, attached.output
    attachment_id = attached.output.split()[1]
    assert hashlib.sha256(MARKER).hexdigest() in attached.output
    listed = run(runner, "--home", home, "testimony", "attachments", with_audio)
    assert attachment_id in listed.output and "audio/ogg" in listed.output and "83.4 s" in listed.output

    files = list((tmp_path / "home" / "attachments").iterdir())
    assert [f.name for f in files] == [f"{attachment_id}.age"]
    assert files[0].read_bytes().startswith(b"age-encryption.org/v1\n")
    everything = _all_bytes(tmp_path / "home")
    assert b"recording" not in everything and "Koço".encode() not in everything

    out = tmp_path / "copy.ogg"
    extracted = run(runner, "--home", home, "testimony", "attachment", with_audio, attachment_id,
                    "--out", out)
    assert extracted.exit_code == 0, extracted.output
    assert out.read_bytes() == MARKER
    again = run(runner, "--home", home, "testimony", "attachment", with_audio, attachment_id,
                "--out", out)
    assert again.exit_code == 1 and "exists" in again.output

    detached = run(runner, "--home", home, "testimony", "detach", with_audio, attachment_id)
    assert detached.exit_code == 0, detached.output
    assert not list((tmp_path / "home" / "attachments").iterdir())
    assert attachment_id not in run(runner, "--home", home, "testimony", "attachments",
                                    with_audio).output


@pytest.mark.parametrize(("kind", "name", "extra", "problem"), [
    ("audio", "x.ogg", [], "not agreed to an audio recording"),       # no consent to audio
    ("photo", "x.ogg", [], "cannot be a file of type audio/ogg"),
    ("consent_form", "x.bin", ["--type", "text/html"], "cannot be a file of type text/html"),
    ("scan", "x.png", [], "Invalid value"),
])
def test_attach_refusals_leave_nothing(runner, home, tmp_path, kind, name, extra, problem):
    home, _, without_audio = home
    result = run(runner, "--home", home, "testimony", "attach", without_audio,
                 _plain_file(tmp_path, name), "--kind", kind, *extra)
    assert result.exit_code != 0 and problem in result.output
    folder = tmp_path / "home" / "attachments"
    assert not folder.exists() or not list(folder.iterdir())


def test_empty_file_and_unknown_record_are_refused(runner, home, tmp_path):
    home, with_audio, _ = home
    empty = run(runner, "--home", home, "testimony", "attach", with_audio,
                _plain_file(tmp_path, "e.ogg", b""), "--kind", "audio")
    assert empty.exit_code == 1 and "empty" in empty.output
    missing = run(runner, "--home", home, "testimony", "attach", "0" * 32,
                  _plain_file(tmp_path), "--kind", "audio")
    assert missing.exit_code == 1 and "no testimony" in missing.output


def _attach(runner, home, record_id, tmp_path, data=MARKER):
    result = run(runner, "--home", home, "testimony", "attach", record_id,
                 _plain_file(tmp_path, "scan.png", data), "--kind", "consent_form")
    assert result.exit_code == 0, result.output
    return result.output.split()[1]


@pytest.mark.parametrize("position", [30, 200, -100, -1])
def test_altered_file_is_refused_and_nothing_is_written(runner, home, tmp_path, position):
    home_dir, record_id, _ = home
    attachment_id = _attach(runner, home_dir, record_id, tmp_path)
    stored = tmp_path / "home" / "attachments" / f"{attachment_id}.age"
    data = bytearray(stored.read_bytes())
    data[position] ^= 0x01
    stored.write_bytes(bytes(data))
    out = tmp_path / "copy.png"
    result = run(runner, "--home", home_dir, "testimony", "attachment", record_id, attachment_id,
                 "--out", out)
    assert result.exit_code == 1, result.output
    assert not out.exists() and not list(tmp_path.glob("copy.png*"))


def test_truncated_file_is_refused(runner, home, tmp_path):
    home_dir, record_id, _ = home
    attachment_id = _attach(runner, home_dir, record_id, tmp_path, os.urandom(200_000))
    stored = tmp_path / "home" / "attachments" / f"{attachment_id}.age"
    stored.write_bytes(stored.read_bytes()[:-70_000])
    result = run(runner, "--home", home_dir, "testimony", "attachment", record_id, attachment_id,
                 "--out", tmp_path / "copy.png")
    assert result.exit_code == 1 and not (tmp_path / "copy.png").exists()


def test_sealed_details_cannot_move_between_attachments(config, vault, conn, admin, tmp_path):
    record = testimonies.create(conn, vault, admin, full_record(), completed=True)
    first, second = (_add_api(conn, vault, admin, record.id, config, data) for data in (b"a" * 10, b"b" * 10))
    sealed = conn.execute("SELECT sealed FROM attachments WHERE id = ?", (first.id,)).fetchone()[0]
    conn.execute("UPDATE attachments SET sealed = ? WHERE id = ?", (sealed, second.id))
    with pytest.raises(CryptoError):
        testimonies.attachment(conn, vault, admin, record.id, second.id)


def _add_api(conn, vault, user, record_id, config, data):
    from io import BytesIO
    upload = attachments.receive(BytesIO(data), config.attachments_path)
    return testimonies.attach(conn, vault, user, record_id, upload, kind="photo",
                              filename="p.png", declared_type="image/png")


def test_deleting_the_testimony_shreds_its_attachments(config, vault, conn, admin):
    record = testimonies.create(conn, vault, admin, full_record(), completed=True)
    other = testimonies.create(conn, vault, admin, full_record(), completed=True)
    mine = _add_api(conn, vault, admin, record.id, config, MARKER)
    kept = _add_api(conn, vault, admin, other.id, config, MARKER)
    testimonies.delete(conn, vault, admin, record.id)
    assert conn.execute("SELECT id FROM attachments").fetchall() == [(kept.id,)]
    assert sorted(p.name for p in config.attachments_path.iterdir()) == [f"{kept.id}.age"]
    assert mine.identity.encode() not in config.database_path.read_bytes()


def test_an_abandoned_upload_leaves_no_file(config):
    upload = attachments.Upload(config.attachments_path)
    upload.write(MARKER)
    upload.close()
    assert not list(config.attachments_path.iterdir())
