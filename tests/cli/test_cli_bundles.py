"""The bundle commands as a field supervisor and a legal team would type them: keys, identity,
recipients, export, verify, import (with pinning), consent withdrawal; one-line errors."""

from __future__ import annotations

import json
import re

import pyrage
import pytest

from intake.cli.main import main
from tests.conftest import full_record

PASS = "amber river lantern seven"
BACKUP = "copper meadow violin eleven"


@pytest.fixture
def homes(runner, monkeypatch, tmp_path):
    """A field home and an archive home, both initialised, with the archive's identity created
    and given to the field as recipient "Lawyers"."""
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    field, law = str(tmp_path / "field"), str(tmp_path / "law")
    for home, org in ((field, "Field Org"), (law, "Legal Team")):
        assert runner.invoke(main, ["--home", home, "init", "--org", org, "--user", "Layla"]).exit_code == 0
    created = runner.invoke(main, ["--home", law, "identity", "create"])
    assert created.exit_code == 0, created.output
    key = created.output.strip()
    assert re.fullmatch(r"age1[0-9a-z]{58}", key)
    added = runner.invoke(main, ["--home", field, "recipient", "add", "Lawyers", key])
    assert added.exit_code == 0, added.output
    return field, law


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_keys_show_prints_a_short_and_a_full_fingerprint(runner, homes):
    field, _ = homes
    shown = run(runner, "--home", field, "keys", "show").output
    short = re.search(r"Fingerprint: ((?:[0-9A-F]{4} ){3}[0-9A-F]{4})", shown).group(1)
    full = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", full) and full.startswith(short)
    assert run(runner, "--home", field, "keys", "show", "--full").output.strip() == full


def test_recipients_are_validated_listed_and_removed(runner, homes):
    field, _ = homes
    bad = run(runner, "--home", field, "recipient", "add", "Court", "age1notakey")
    assert bad.exit_code == 1 and "not an age public key" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    listed = run(runner, "--home", field, "recipient", "list").output
    assert listed.startswith("Lawyers  age1")
    again = run(runner, "--home", field, "recipient", "add", "Lawyers", listed.split()[1])
    assert again.exit_code == 1 and "already exists" in again.output
    assert run(runner, "--home", field, "recipient", "remove", "Lawyers").exit_code == 0
    assert run(runner, "--home", field, "recipient", "list").output == ""
    gone = run(runner, "--home", field, "recipient", "remove", "Lawyers")
    assert gone.exit_code == 1 and "no recipient named" in gone.output


@pytest.mark.slow
def test_identity_export_is_an_age_file_that_opens_with_its_passphrase(runner, homes, tmp_path,
                                                                       monkeypatch):
    _, law = homes
    out = tmp_path / "identity.age"
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", BACKUP)
    assert run(runner, "--home", law, "identity", "export", "--out", out).exit_code == 0
    text = pyrage.passphrase.decrypt(out.read_bytes(), BACKUP).decode()
    secret = next(line for line in text.splitlines() if line.startswith("AGE-SECRET-KEY-1"))
    public = re.search(r"# public key: (age1\w+)", text).group(1)
    assert str(pyrage.x25519.Identity.from_str(secret).to_public()) == public
    assert run(runner, "--home", law, "identity", "export", "--out", out).exit_code == 1


def test_export_verify_import_and_withdraw(runner, homes, tmp_path, monkeypatch):
    field, law = homes
    source = tmp_path / "records.json"
    source.write_text(json.dumps([full_record(), full_record(consent={"record": True})]), "utf-8")
    ids = run(runner, "--home", field, "testimony", "import", source).output.split()

    bundle = tmp_path / "trial.intake.age"
    made = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Lawyers",
               "--out", bundle, "--all")
    assert made.exit_code == 0, made.output
    assert "Included: 1 records" in made.output
    assert "Excluded (no_consent): 1: W-0002" in made.output
    assert re.search(r"Bundle SHA-256: [0-9a-f]{64}", made.output)
    exists = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Lawyers",
                 "--out", bundle, "--all")
    assert exists.exit_code == 1 and "exists" in exists.output

    verified = run(runner, "--home", law, "verify", bundle)
    assert verified.exit_code == 0, verified.output
    assert verified.output.count("PASS") == 7 and "all checks passed" in verified.output

    fingerprint = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    untrusted = run(runner, "--home", law, "import", bundle)
    assert untrusted.exit_code == 1 and "unknown key" in untrusted.output
    imported = run(runner, "--home", law, "import", bundle, "--trust", fingerprint)
    assert imported.exit_code == 0 and "1 new" in imported.output
    again = run(runner, "--home", law, "import", bundle)
    assert again.exit_code == 0 and "imported before" in again.output

    withdrawn = run(runner, "--home", field, "consent", "withdraw", ids[0], "--purpose", "trial",
                    "--note", "She asked us to.")
    assert withdrawn.exit_code == 0 and "W-0001" in withdrawn.output
    second = tmp_path / "second.intake.age"
    made = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Lawyers",
               "--out", second, "--all")
    assert "Excluded (withdrawn): 1: W-0001" in made.output
    assert "Revocation notices: 1" in made.output
    imported = run(runner, "--home", law, "import", second)
    assert imported.exit_code == 0 and "1 withdrawn" in imported.output


def test_verify_fails_with_one_line_and_a_report(runner, homes, tmp_path):
    field, law = homes
    source = tmp_path / "r.json"
    source.write_text(json.dumps(full_record()), "utf-8")
    run(runner, "--home", field, "testimony", "import", source)
    bundle = tmp_path / "b.intake.age"
    run(runner, "--home", field, "export", "--purpose", "reparations", "--to", "Lawyers",
        "--out", bundle, "--all")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x40
    bundle.write_bytes(bytes(data))
    failed = run(runner, "--home", law, "verify", bundle)
    assert failed.exit_code == 1
    assert failed.output.splitlines()[-1].startswith("Error: decryption:")
    assert "FAIL  decryption" in failed.output

    identity_file = tmp_path / "id.txt"
    identity_file.write_text("# not a key\nAGE-SECRET-KEY-1BROKEN\n")
    broken = run(runner, "verify", bundle, "--identity", identity_file)
    assert broken.exit_code == 1 and "not an age identity" in broken.output


def test_export_needs_a_choice_of_records_and_a_known_recipient(runner, homes, tmp_path):
    field, _ = homes
    out = tmp_path / "x.intake.age"
    neither = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Lawyers",
                  "--out", out)
    assert neither.exit_code == 1 and "--all" in neither.output
    unknown = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Nobody",
                  "--out", out, "--all")
    assert unknown.exit_code == 1 and "no recipient named 'Nobody'" in unknown.output
    empty = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Lawyers",
                "--out", out, "--all")
    assert empty.exit_code == 1 and "nothing to export" in empty.output
    assert not out.exists()


def test_export_for_international_mechanisms_needs_that_consent(runner, homes, tmp_path):
    field, law = homes
    source = tmp_path / "records.json"
    abroad = full_record()
    abroad["consent"]["international"] = True
    source.write_text(json.dumps([full_record()]), "utf-8")  # consent to trial, not abroad
    run(runner, "--home", field, "testimony", "import", source)
    bundle = tmp_path / "un.intake.age"
    refused = run(runner, "--home", field, "export", "--purpose", "international", "--to",
                  "Lawyers", "--out", bundle, "--all")
    assert refused.exit_code == 1 and "no record has consent" in refused.output
    assert len(refused.output.strip().splitlines()) == 1 and not bundle.exists()

    source.write_text(json.dumps([abroad]), "utf-8")
    run(runner, "--home", field, "testimony", "import", source)
    made = run(runner, "--home", field, "export", "--purpose", "international", "--to",
               "Lawyers", "--out", bundle, "--all")
    assert made.exit_code == 0, made.output
    assert "for international to Lawyers" in made.output and "Included: 1 records" in made.output
    assert "Excluded (no_consent): 1: W-0001" in made.output
    verified = run(runner, "--home", law, "verify", bundle)
    assert verified.exit_code == 0 and "version 3, purpose international" in verified.output
    fingerprint = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    imported = run(runner, "--home", law, "import", bundle, "--trust", fingerprint)
    assert imported.exit_code == 0 and "international: 1 new" in imported.output
    unknown = run(runner, "--home", field, "export", "--purpose", "media", "--to", "Lawyers",
                  "--out", tmp_path / "m.intake.age", "--all")
    assert unknown.exit_code == 2 and "'international'" in unknown.output
