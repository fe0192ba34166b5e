"""``intake document consent`` and ``intake document statement``: the PDF written whole to a new
file, in the language asked for (else the record's), audited; a statement needs a supervisor;
on an archive ID is an archive record and the restricted annex is for trial and international records only."""

from __future__ import annotations

import json

import pytest

from intake.cli.main import main
from tests.cli.test_cli_bundles import homes, run  # noqa: F401
from tests.conftest import full_record
from tests.pdf_tools import pdf_text

GRAPHIC = "Hûrguliyên giran."


def _testimony(runner, home: str, tmp_path) -> str:
    source = tmp_path / "record.json"
    document = full_record()
    document["consent"]["language"] = "ku"
    source.write_text(json.dumps([document]), encoding="utf-8")
    result = run(runner, "--home", home, "testimony", "import", source)
    assert result.exit_code == 0, result.output
    return result.output.split()[0]


@pytest.fixture
def archive(runner, homes, tmp_path):  # noqa: F811
    """The field's one testimony in a trial bundle, imported into an archive set up as one."""
    field, _law = homes
    law = str(tmp_path / "archive")
    assert run(runner, "--home", law, "init", "--org", "Legal Team", "--user", "Layla",
               "--archive").exit_code == 0
    key = run(runner, "--home", law, "identity", "create").output.strip()
    assert run(runner, "--home", field, "recipient", "add", "Archive", key).exit_code == 0
    _testimony(runner, field, tmp_path)
    bundle = tmp_path / "trial.intake.age"
    exported = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Archive",
                   "--out", bundle, "--all")
    assert exported.exit_code == 0, exported.output
    fingerprint = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    imported = run(runner, "--home", law, "import", bundle, "--trust", fingerprint)
    assert imported.exit_code == 0, imported.output
    return law


def test_a_consent_form_and_a_statement_from_a_field_laptop(runner, homes, tmp_path):  # noqa: F811
    field, _law = homes
    record_id = _testimony(runner, field, tmp_path)
    out = tmp_path / "consent.pdf"
    result = run(runner, "--home", field, "document", "consent", record_id, "--out", out)
    assert result.exit_code == 0, result.output
    assert "(ku," in result.output
    text = pdf_text(out.read_bytes())
    assert "Koda şahidê" in text and "W-0001" in text
    again = run(runner, "--home", field, "document", "consent", record_id, "--out", out)
    assert again.exit_code == 1 and "exists" in again.output

    statement = tmp_path / "statement.pdf"
    result = run(runner, "--home", field, "document", "statement", record_id, "--out",
                 statement, "--language", "en", "--restricted-annex")
    assert result.exit_code == 0, result.output
    text = pdf_text(statement.read_bytes())
    assert "Witness statement" in text and record_id in text and GRAPHIC in text
    trail = run(runner, "--home", field, "audit", "show").output
    assert '"kind": "consent", "language": "ku"' in trail
    assert '"restricted_annex": "yes"' in trail and "restricted_viewed" in trail


def test_a_statement_from_an_archive_record(runner, archive, tmp_path):
    out = tmp_path / "statement.pdf"
    result = run(runner, "--home", archive, "document", "statement", "1", "--out", out,
                 "--language", "en")
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Bundle SHA-256" in text and "W-0001" in text and GRAPHIC not in text
    annexed = tmp_path / "annex.pdf"
    assert run(runner, "--home", archive, "document", "statement", "1", "--out", annexed,
               "--restricted-annex").exit_code == 0
    assert GRAPHIC in pdf_text(annexed.read_bytes())
    for args in (["statement", "W-0001"], ["consent", "1"]):
        refused = run(runner, "--home", archive, "document", *args, "--out", tmp_path / "x.pdf")
        assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
        assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("command", ["consent", "statement"])
def test_an_unknown_record_is_one_line_and_no_file(runner, homes, tmp_path, command):  # noqa: F811
    field, _law = homes
    out = tmp_path / "none.pdf"
    result = run(runner, "--home", field, "document", command, "nosuchrecord", "--out", out)
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_the_document_group_is_listed(runner):
    result = runner.invoke(main, ["document", "--help"])
    assert "consent" in result.output and "statement" in result.output
