"""Hand-over and receipt as a field supervisor and the archive would type them (docs/cli.md):
``recipient add --own-archive``, ``export --purpose handover``, ``receipt make`` on the archive
and ``receipt apply`` on the laptop, with the archive's key pinned on first use; the list's
``handed_over``; one-line errors."""

from __future__ import annotations

import json
import re

from tests.cli.test_cli_bundles import homes, run  # noqa: F401
from tests.conftest import full_record


def _listed(runner, field) -> dict[str, dict]:
    rows = run(runner, "--home", field, "testimony", "list", "--json").output.splitlines()
    return {row["witness_code"]: row for row in map(json.loads, rows)}


def test_hand_over_then_apply_the_archives_receipt(runner, homes, tmp_path):  # noqa: F811
    field, law = homes
    key = run(runner, "--home", field, "recipient", "list").output.split()[1]
    refused = run(runner, "--home", field, "export", "--purpose", "handover", "--to", "Lawyers",
                  "--out", tmp_path / "no.intake.age", "--all")
    assert refused.exit_code == 1 and "own archive" in refused.output
    added = run(runner, "--home", field, "recipient", "add", "Archive", key + " ", "--own-archive")
    assert added.exit_code == 1 and "already exists" in added.output  # one key, one recipient
    run(runner, "--home", field, "recipient", "remove", "Lawyers")
    added = run(runner, "--home", field, "recipient", "add", "Archive", key, "--own-archive")
    assert added.exit_code == 0 and "(our own archive)" in added.output
    assert "own archive" in run(runner, "--home", field, "recipient", "list").output

    source = tmp_path / "records.json"
    source.write_text(json.dumps([full_record(), full_record(), full_record()]), "utf-8")
    ids = run(runner, "--home", field, "testimony", "import", source).output.split()
    assert not any(row["handed_over"] for row in _listed(runner, field).values())
    bundle = tmp_path / "handover.intake.age"
    made = run(runner, "--home", field, "export", "--purpose", "handover", "--to", "Archive",
               "--out", bundle, *ids[:2])
    assert made.exit_code == 0 and "Included: 2 records" in made.output
    listed = _listed(runner, field)
    assert [listed[c]["handed_over"] for c in ("W-0001", "W-0002", "W-0003")] == [True, True, False]

    fingerprint = run(runner, "--home", field, "keys", "show", "--full").output.strip()
    assert run(runner, "--home", law, "import", bundle, "--trust", fingerprint).exit_code == 0
    bundle_id = re.search(r"Bundle id: ([0-9a-f]{32})", made.output).group(1)
    receipt = tmp_path / "receipt.json"
    written = run(runner, "--home", law, "receipt", "make", bundle_id, "--out", receipt)
    assert written.exit_code == 0 and "a receipt for 2 records" in written.output
    assert run(runner, "--home", law, "receipt", "make", bundle_id, "--out", receipt) \
        .exit_code == 1  # never over an existing file
    unknown = run(runner, "--home", law, "receipt", "make", "0" * 32, "--out", tmp_path / "x")
    assert unknown.exit_code == 1 and "no hand-over" in unknown.output

    untrusted = run(runner, "--home", field, "receipt", "apply", receipt)
    assert untrusted.exit_code == 1 and "compare it with the archive" in untrusted.output
    assert len(untrusted.output.strip().splitlines()) == 1
    archive_key = run(runner, "--home", law, "keys", "show", "--full").output.strip()
    applied = run(runner, "--home", field, "receipt", "apply", receipt, "--trust", archive_key)
    assert applied.exit_code == 0, applied.output
    assert "2 testimonies destroyed on this laptop" in applied.output
    assert list(_listed(runner, field)) == ["W-0003"]
    again = run(runner, "--home", field, "receipt", "apply", receipt)
    assert again.exit_code == 1 and "applied already" in again.output


def test_earlier_testimonies_of_the_same_survivor_are_listed_and_linked(runner, homes, tmp_path):  # noqa: F811
    field, _ = homes
    source = tmp_path / "records.json"
    first, second = full_record(), full_record()
    first["survivor"].update(full_name="Khalida Khalaf Murad", date_of_birth="1994")
    second["survivor"].update(full_name="Xalida Xelef Mirad", date_of_birth="1994")
    source.write_text(json.dumps([first, second]), "utf-8")
    ids = run(runner, "--home", field, "testimony", "import", source).output.split()
    listed = run(runner, "--home", field, "testimony", "earlier", ids[1])
    assert listed.exit_code == 0 and listed.output.startswith(f"{ids[0]}  W-0001  ")
    assert "on this laptop  strong" in listed.output and "Khalida" not in listed.output
    found = json.loads(run(runner, "--home", field, "testimony", "earlier", ids[1], "--json")
                       .output)
    assert found["witness_code"] == "W-0001" and found["where"] == "here"
    linked = run(runner, "--home", field, "testimony", "link", ids[1], ids[0])
    assert linked.exit_code == 0 and "Linked W-0001" in linked.output
    assert run(runner, "--home", field, "testimony", "earlier", ids[1]).output == ""
    wrong = run(runner, "--home", field, "testimony", "link", ids[1], "0" * 32)
    assert wrong.exit_code == 1 and "not one of this testimony's earlier candidates" in wrong.output
    missing = run(runner, "--home", field, "testimony", "link", "f" * 32, ids[0])
    assert missing.exit_code == 1 and "no testimony with id" in missing.output
