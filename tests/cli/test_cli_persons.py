"""``intake persons``: the list and one person as JSON in exactly the shape automation reads,
the readable table, the decisions, and who may use them."""

from __future__ import annotations

import json

import pytest

from intake.archive import corroboration
from intake.cli.main import main
from intake.home import audit
from intake.home.passphrases import add_user
from tests.archive.test_persons import HAMID, HAMID_AR, HAMID_SON_OF_SALIM, record_naming
from tests.archive_homes import fingerprint, make_archive, make_home, send
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE

MARCH = "2026-03-01T10:00:00+00:00"
MENTION_FIELDS = ["source", "record_id", "witness_code", "incident", "perpetrator", "name",
                  "aliases", "role", "acts", "date", "place"]


def run(runner, archive, *args, passphrase=PASSPHRASE, user=ADMIN):
    return runner.invoke(main, ["--home", str(archive.config.home), *map(str, args)],
                         env={"INTAKE_PASSPHRASE": passphrase, "INTAKE_USER": user})


@pytest.fixture
def law(tmp_path, monkeypatch):
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "منظمة")
    archive = make_archive(tmp_path / "law")
    send(first, archive, tmp_path / "1.age", monkeypatch, exported_at=MARCH,
         ids=[record_naming(first, HAMID), record_naming(first, HAMID_SON_OF_SALIM)])
    send(second, archive, tmp_path / "2.age", monkeypatch, exported_at=MARCH,
         ids=[record_naming(second, HAMID_AR)])
    yield archive, first, second
    for home in (first, second, archive):
        home.close()


def listed(runner, archive) -> list[dict]:
    result = run(runner, archive, "persons", "list", "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_the_list_prints_one_person_a_line_in_the_documented_shape(runner, law):
    archive, first, second = law
    rows = listed(runner, archive)
    assert [list(row) for row in rows] == [
        ["id", "names", "testimonies", "organisations", "acts", "mentions"]] * 2
    hamid, other = rows
    assert (hamid["names"], hamid["testimonies"], hamid["organisations"]) == (
        [HAMID, HAMID_AR], 2, 2)
    assert hamid["acts"] == [{"act": "abduction", "testimonies": 2, "organisations": 2}]
    assert other["names"] == [HAMID_SON_OF_SALIM]
    for mention in hamid["mentions"]:
        assert list(mention) == MENTION_FIELDS
    sources = {m["source"] for m in hamid["mentions"]}
    assert sources == {fingerprint(first), fingerprint(second)}
    mention = next(m for m in hamid["mentions"] if m["name"] == HAMID_AR)
    witness = archive.conn.execute("SELECT witness_code FROM archive_records WHERE record_id = ?",
                                   (mention["record_id"],)).fetchone()[0]
    assert mention == {"source": fingerprint(second), "record_id": mention["record_id"],
                       "witness_code": witness, "incident": 0, "perpetrator": 0,
                       "name": HAMID_AR, "aliases": [], "role": "guard", "acts": ["abduction"],
                       "date": "2014-08-03", "place": "Sinjar"}
    shown = run(runner, archive, "persons", "show", hamid["id"], "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == hamid


def test_the_table_and_one_person_read_plainly(runner, law):
    archive, _first, _second = law
    table = run(runner, archive, "persons", "list")
    assert table.exit_code == 0, table.output
    hamid = listed(runner, archive)[0]
    assert table.output.splitlines()[0] == (
        f"{hamid['id']}  2 testimonies  2 organisations  {HAMID} / {HAMID_AR}  abduction 2/2")
    shown = run(runner, archive, "persons", "show", hamid["id"])
    assert shown.exit_code == 0, shown.output
    assert len(shown.output.splitlines()) == 3 and HAMID_AR in shown.output
    missing = run(runner, archive, "persons", "show", "P-00000000")
    assert (missing.exit_code, missing.output.strip()) == (1, "Error: no person P-00000000")


def test_merge_split_and_distinct_from_the_command_line(runner, law):
    archive, _first, _second = law
    hamid, other = (row["id"] for row in listed(runner, archive))
    merged = run(runner, archive, "persons", "merge", hamid, other)
    assert merged.exit_code == 0, merged.output
    assert merged.output.strip() == f"Merged into {hamid}."
    [person] = listed(runner, archive)
    assert person["id"] == hamid and len(person["mentions"]) == 3
    mention = next(m for m in person["mentions"] if m["name"] == HAMID_SON_OF_SALIM)
    key = f"{mention['source']}:{mention['record_id']}:0:0"
    split = run(runner, archive, "persons", "split", hamid, "--mention", key)
    assert split.exit_code == 0, split.output
    alone = split.output.strip().removeprefix("The mention is now ").removesuffix(".")
    assert alone != hamid
    assert [m.id for m in corroboration.persons(archive.conn, alone)[0].mentions] == [key]
    kept = run(runner, archive, "persons", "distinct", hamid, alone)
    assert (kept.exit_code, kept.output.strip()) == (0, f"{hamid} and {alone} are kept apart.")
    assert [e.event for e in audit.entries(archive.conn)
            if e.event in ("persons_merged", "mention_split", "persons_distinct")] == [
        "persons_merged", "mention_split", "persons_distinct"]
    again = run(runner, archive, "persons", "split", hamid, "--mention", key)
    assert again.exit_code == 1 and "not one of" in again.output
    one = run(runner, archive, "persons", "merge", hamid)
    assert (one.exit_code, one.output.strip()) == (1, "Error: name two persons or more to merge")


def test_only_supervisors_and_administrators_use_the_index(runner, law):
    archive, _first, _second = law
    add_user(archive.config, archive.vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    add_user(archive.config, archive.vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    allowed = run(runner, archive, "persons", "list", user="Sami", passphrase=OTHER_PASSPHRASE)
    assert allowed.exit_code == 0 and len(allowed.output.splitlines()) == 2
    for args in (["list"], ["show", "P-00000000"], ["merge", "P-1", "P-2"],
                 ["distinct", "P-1", "P-2"], ["split", "P-1", "--mention", "a:b:0:0"]):
        refused = run(runner, archive, "persons", *args, user="Dilan", passphrase=OTHER_PASSPHRASE)
        assert refused.exit_code == 1 and "only a supervisor or an administrator" in refused.output
