"""The `intake` command line: every command, non-interactive secrets, one-line errors."""

import json
import re

import pytest

from intake.cli.main import main
from tests.conftest import full_record
from tests.server import Server

PASS = "amber river lantern seven"
NEW = "copper meadow violin eleven"


@pytest.fixture
def home(runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    result = runner.invoke(main, ["init", "--org", "Field Org", "--user", "Layla"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("INTAKE_USER", "Layla")
    return re.search(r"^([A-Z2-7]{4}-){10}[A-Z2-7]{4}$", result.output, re.M).group(0)


def test_init_prints_the_recovery_key_once_and_refuses_twice(runner, home):
    again = runner.invoke(main, ["init", "--org", "X", "--user", "Y"])
    assert again.exit_code == 1 and "already holds an instance" in again.output


def test_init_rejects_a_weak_passphrase(runner, monkeypatch, config):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "short")
    result = runner.invoke(main, ["init", "--org", "Org", "--user", "Ana"])
    assert result.exit_code == 1 and "too short" in result.output
    assert not config.is_initialised


def test_import_list_show_delete(runner, home, tmp_path):
    source = tmp_path / "records.json"
    source.write_text(json.dumps([full_record(), full_record(notes="second")]), "utf-8")
    imported = runner.invoke(main, ["testimony", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    ids = imported.output.split()
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)

    listing = runner.invoke(main, ["testimony", "list", "--json"])
    rows = [json.loads(line) for line in listing.output.splitlines()]
    assert {r["witness_code"] for r in rows} == {"W-0001", "W-0002"}

    shown = json.loads(runner.invoke(main, ["testimony", "show", ids[0], "--json"]).output)
    assert shown["survivor"]["full_name"] == "Nadia Xelîl" and shown["id"] == ids[0]
    text = runner.invoke(main, ["testimony", "show", ids[0]]).output
    assert "W-0001" in text and "Nadia Xelîl" in text

    assert runner.invoke(main, ["testimony", "delete", ids[0]]).exit_code == 0
    gone = runner.invoke(main, ["testimony", "show", ids[0]])
    assert gone.exit_code == 1 and "no testimony" in gone.output


def test_import_stamps_the_consent_history(runner, home, tmp_path):
    source = tmp_path / "record.json"
    source.write_text(json.dumps(full_record()), "utf-8")
    (record_id,) = runner.invoke(main, ["testimony", "import", str(source)]).output.split()
    shown = json.loads(runner.invoke(main, ["testimony", "show", record_id, "--json"]).output)
    history = shown["consent"]["history"]
    assert [(e["purpose"], e["value"]) for e in history] == [
        ("record", True), ("trial", True), ("reparations", True), ("research", False)]
    assert all(e["at"] and e["by"] == "Layla" for e in history)


def test_a_bad_import_writes_nothing(runner, home, tmp_path):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([full_record(), {"consent": {"record": "yes"}}]), "utf-8")
    result = runner.invoke(main, ["testimony", "import", str(source)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "record 2" in result.output
    assert runner.invoke(main, ["testimony", "list"]).output == ""
    source.write_text("{not json", "utf-8")
    result = runner.invoke(main, ["testimony", "import", str(source)])
    assert result.exit_code == 1 and "not valid JSON" in result.output


def test_an_import_with_nulls_as_kobo_writes_them(runner, home, tmp_path):
    source = tmp_path / "kobo.json"
    source.write_text('[{"consent": {"record": true, "trial": null}, "notes": null,'
                      ' "interview": {"date": "2024-03-12", "interpreter": null}},'
                      ' {"consent": {"record": true}, "notes": false}]', "utf-8")
    refused = runner.invoke(main, ["testimony", "import", str(source)])
    assert (refused.exit_code, refused.output) == (
        1, "Error: record 2: notes: must be text, not false\n")
    source.write_text(source.read_text("utf-8").replace("false", "null"), "utf-8")
    imported = runner.invoke(main, ["testimony", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    first = json.loads(runner.invoke(main, ["testimony", "show", imported.output.split()[0],
                                            "--json"]).output)
    assert first["interview"] == {"date": "2024-03-12"} and "notes" not in first


def test_wrong_passphrase_is_one_line(runner, home, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "wrong wrong wrong")
    result = runner.invoke(main, ["testimony", "list"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: wrong name, passphrase or recovery key"


def test_passphrase_file_and_no_stdin(runner, home, tmp_path, monkeypatch):
    monkeypatch.delenv("INTAKE_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n", "utf-8")
    assert runner.invoke(main, ["testimony", "list", "--passphrase-file", str(secret)]).exit_code == 0
    result = runner.invoke(main, ["testimony", "list"])
    assert result.exit_code == 1 and "INTAKE_PASSPHRASE" in result.output


def test_user_add_and_roles(runner, home, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", NEW)
    added = runner.invoke(main, ["user", "add", "Dilan", "--role", "interviewer"])
    assert added.exit_code == 0, added.output
    monkeypatch.setenv("INTAKE_USER", "Dilan")
    monkeypatch.setenv("INTAKE_PASSPHRASE", NEW)
    refused = runner.invoke(main, ["user", "add", "Other", "--role", "admin"])
    assert refused.exit_code == 1 and "administrator" in refused.output


def test_passphrase_change_and_recover(runner, home, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", NEW)
    assert runner.invoke(main, ["passphrase", "change"]).exit_code == 0
    assert runner.invoke(main, ["testimony", "list"]).exit_code == 1  # old one no longer works
    monkeypatch.setenv("INTAKE_PASSPHRASE", NEW)
    assert runner.invoke(main, ["testimony", "list"]).exit_code == 0

    key_file = tmp_path / "recovery.txt"
    key_file.write_text(home.lower(), "utf-8")
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", PASS)
    recovered = runner.invoke(main, ["recover", "--recovery-key-file", str(key_file)])
    assert recovered.exit_code == 0, recovered.output
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    assert runner.invoke(main, ["testimony", "list"]).exit_code == 0

    monkeypatch.setenv("INTAKE_RECOVERY_KEY", "AAAA-" * 10 + "AAAA")
    wrong = runner.invoke(main, ["recover"])
    assert wrong.exit_code == 1 and wrong.output.count("\n") == 1


def test_serve_binds_loopback_and_warns_otherwise(config, home):
    import urllib.request

    quiet = Server(config.home)
    with urllib.request.urlopen(quiet.url + "/login") as response:  # noqa: S310 - loopback
        assert "Server" not in response.headers
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "Warning" not in quiet.stop()
    loud = Server(config.home, host="0.0.0.0")  # noqa: S104 - the point of the test
    assert "Warning: listening on 0.0.0.0" in loud.stop()
