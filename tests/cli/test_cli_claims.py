"""The claims commands: `intake claims list` (codes, no names; JSON lines; by status) and
`intake document claim` (a PDF written to a new file, audited, refused without consent or for an
unknown claim, never overwriting)."""

from __future__ import annotations

import json

import pytest

from intake.cli.main import main
from tests.conftest import full_record
from tests.pdf_tools import pdf_text

PASS = "amber river lantern seven"


@pytest.fixture
def home(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    home = str(tmp_path / "home")
    assert runner.invoke(main, ["--home", home, "init", "--org", "Jiyan", "--user", "Layla"]).exit_code == 0
    records = [full_record(), full_record(consent={"record": True, "reparations": False})]
    records[0]["ysl"]["application"] = {"status": "returned", "note": "ID asked for"}
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records), "utf-8")
    imported = runner.invoke(main, ["--home", home, "testimony", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(main, ["--home", home, "testimony", "list", "--json"]).output
    ids = [json.loads(line)["id"] for line in listed.splitlines()]
    return home, ids


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_claims_list_prints_codes_and_no_names(runner, home):
    path, _ids = home
    listed = run(runner, "--home", path, "claims", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.strip().splitlines()
    assert len(lines) == 1 and "returned" in lines[0] and "civil_id" in lines[0]
    assert "Nadia" not in listed.output
    entry = json.loads(run(runner, "--home", path, "claims", "list", "--json").output)
    assert entry["status"] == "returned" and entry["source"] == "testimony"
    assert entry["documents"]["civil_id"] is False and "investigation_file" in entry["lacks"]
    assert run(runner, "--home", path, "claims", "list", "--status", "approved").output == ""
    assert run(runner, "--home", path, "claims", "list", "--status", "none").output == ""
    assert run(runner, "--home", path, "claims", "list", "--status", "lost").exit_code == 2


def test_document_claim_writes_the_pack_once_and_audits_it(runner, home, tmp_path):
    path, ids = home
    consented = next(i for i in ids if i in run(runner, "--home", path, "claims", "list").output)
    out = tmp_path / "claim.pdf"
    made = run(runner, "--home", path, "document", "claim", consented, "--out", out,
               "--language", "en")
    assert made.exit_code == 0, made.output
    text = pdf_text(out.read_bytes())
    assert "Nadia Xelîl" in text and "Jiyan" in text and "Koço" not in text
    again = run(runner, "--home", path, "document", "claim", consented, "--out", out)
    assert again.exit_code == 1 and "exists" in again.output
    arabic = tmp_path / "claim-ar.pdf"
    assert run(runner, "--home", path, "document", "claim", consented, "--out", arabic).exit_code == 0
    assert "الاسم الكامل" in pdf_text(arabic.read_bytes())
    trail = run(runner, "--home", path, "audit", "show").output
    assert trail.count("document_printed") == 2
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] != []
    assert not list(tmp_path.glob("*.partial"))


def test_document_claim_refuses_without_consent_or_an_unknown_claim(runner, home, tmp_path):
    path, ids = home
    listed = run(runner, "--home", path, "claims", "list").output
    refused_id = next(i for i in ids if i not in listed)
    out = tmp_path / "no.pdf"
    refused = run(runner, "--home", path, "document", "claim", refused_id, "--out", out)
    assert refused.exit_code == 1 and "has not agreed" in refused.output and not out.exists()
    unknown = run(runner, "--home", path, "document", "claim", "nosuchclaim", "--out", out)
    assert unknown.exit_code == 1 and "no reparations claim nosuchclaim" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
