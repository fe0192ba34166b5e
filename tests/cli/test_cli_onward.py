"""An archive's onward bundle as its supervisor would type it (docs/cli.md, ``intake export``
on an archive): the prosecutors added as a recipient there, ``export`` considering the
hand-over records the archive holds (all of them, or some by the laptop's ids), consent decided
as on the laptop, and a third instance importing the bundle after pinning the archive's key."""

from __future__ import annotations

import json
import re

import pytest

from intake.cli.main import main
from tests.cli.test_cli_bundles import PASS, run
from tests.conftest import full_record


@pytest.fixture
def three(runner, monkeypatch, tmp_path):
    """A field laptop, its organisation's archive (the laptop's own-archive recipient) and a
    prosecutors' archive."""
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    homes = {name: str(tmp_path / name) for name in ("field", "archive", "prosecutors")}
    for name, org in (("field", "Field Org"), ("archive", "Field Org Archive"),
                      ("prosecutors", "Prosecutors")):
        extra = [] if name == "field" else ["--archive"]
        made = runner.invoke(main, ["--home", homes[name], "init", "--org", org, "--user",
                                    "Layla", *extra])
        assert made.exit_code == 0, made.output
    keys = {name: run(runner, "--home", homes[name], "identity", "create").output.strip()
            for name in ("archive", "prosecutors")}
    assert run(runner, "--home", homes["field"], "recipient", "add", "Archive", keys["archive"],
               "--own-archive").exit_code == 0
    added = run(runner, "--home", homes["archive"], "recipient", "add", "Prosecutors",
                keys["prosecutors"])
    assert added.exit_code == 0, added.output
    assert "Prosecutors" in run(runner, "--home", homes["archive"], "recipient", "list").output
    return homes


def test_an_archive_exports_its_hand_over_records_onward(runner, three, tmp_path):
    field, archive, prosecutors = three["field"], three["archive"], three["prosecutors"]
    records = [full_record(), full_record(), full_record()]
    records[1]["consent"]["trial"] = False
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records), "utf-8")
    ids = run(runner, "--home", field, "testimony", "import", source).output.split()
    handover = tmp_path / "handover.intake.age"
    assert run(runner, "--home", field, "export", "--purpose", "handover", "--to", "Archive",
               "--out", handover, "--all").exit_code == 0
    field_key = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    assert run(runner, "--home", archive, "import", handover, "--trust", field_key).exit_code == 0

    refused = run(runner, "--home", archive, "export", "--purpose", "handover", "--to",
                  "Prosecutors", "--out", tmp_path / "no.intake.age", "--all")
    assert refused.exit_code == 1 and "unknown purpose" in refused.output
    unknown = run(runner, "--home", archive, "export", "--purpose", "trial", "--to",
                  "Prosecutors", "--out", tmp_path / "no.intake.age", "f" * 32)
    assert unknown.exit_code == 1 and "no hand-over record with id" in unknown.output
    assert not (tmp_path / "no.intake.age").exists()

    out = tmp_path / "trial.intake.age"
    made = run(runner, "--home", archive, "export", "--purpose", "trial", "--to", "Prosecutors",
               "--out", out, "--all")
    assert made.exit_code == 0, made.output
    assert "Included: 2 records" in made.output
    assert "Excluded (no_consent): 1: W-0002" in made.output
    archive_key = run(runner, "--home", archive, "keys", "show", "--full").output.strip()
    assert f"Signed by: {archive_key[:19]}" in made.output

    checked = run(runner, "--home", prosecutors, "verify", out)
    assert checked.exit_code == 0, checked.output
    untrusted = run(runner, "--home", prosecutors, "import", out)
    assert untrusted.exit_code == 1 and "Field Org Archive" in untrusted.output
    imported = run(runner, "--home", prosecutors, "import", out, "--trust", archive_key)
    assert imported.exit_code == 0, imported.output
    assert re.search(r"\b2 new\b|new[: ]+2", imported.output), imported.output

    some = tmp_path / "one.intake.age"
    one = run(runner, "--home", archive, "export", "--purpose", "reparations", "--to",
              "Prosecutors", "--out", some, ids[2])
    assert one.exit_code == 0 and "Included: 1 records" in one.output

    on_field = run(runner, "--home", field, "export", "--purpose", "trial", "--to", "Archive",
                   "--out", tmp_path / "field.intake.age", "--all")
    assert on_field.exit_code == 0 and "Included: 2 records" in on_field.output
