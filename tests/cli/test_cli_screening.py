"""``intake screen`` and ``intake screenings``: JSON Lines in the documented shape, malformed rows
reported by number, a screening kept and decided, exported as CSV and as a brief, erased; and
who may use them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from intake.cli.main import main
from intake.home import audit
from intake.home.passphrases import add_user
from intake.screening import screenings
from tests.archive.test_persons import HAMID, HAMID_AR, HAMID_SON_OF_SALIM, record_naming
from tests.archive_homes import fingerprint, make_archive, make_home, send
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE

MARCH = "2026-03-01T10:00:00+00:00"
MATCH_FIELDS = ["person", "score", "level", "reasons", "names", "testimonies", "organisations",
                "acts", "bars"]


def run(runner, archive, *args, user=ADMIN, passphrase=PASSPHRASE):
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


@pytest.fixture
def listing(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name;father;grandfather;tribe\n"
                    "حامد;جاسم;خلف;الدليمي\n"
                    ";;;\n"
                    "Jasim Hamid Khalaf;;;\n", encoding="utf-8-sig")
    return path


def test_json_lines_in_the_lists_order_in_the_documented_shape(runner, law, listing):
    archive, first, second = law
    result = run(runner, archive, "screen", listing, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["row"], row["name"]) for row in lines] == [(2, "حامد"), (4, "Jasim Hamid Khalaf")]
    assert "row 3: no name (left out)" in result.stderr
    (strong, *rest) = lines[0]["matches"]
    assert list(strong) == MATCH_FIELDS
    assert strong["level"] == "strong" and 0 < strong["score"] <= 1
    assert set(strong["names"]) >= {HAMID, HAMID_AR}
    assert (strong["testimonies"], strong["organisations"]) == (2, 2)
    assert strong["acts"][0]["act"] == "abduction" and strong["acts"][0]["qualifications"]
    assert "father's name agrees: جاسم" in strong["reasons"]
    assert all(m["level"] != "strong" for m in rest)  # Hamid son of Salim: his father differs
    assert lines[1]["matches"] == []  # the same words in another order
    (entry,) = [e for e in audit.entries(archive.conn) if e.event == "screening_run"]
    assert entry.detail["rows"] == 2 and "حامد" not in json.dumps(entry.detail)


def test_saved_decided_exported_and_deleted(runner, law, listing, tmp_path):
    archive, _first, _second = law
    result = run(runner, archive, "screen", listing, "--save", "Transfer list")
    assert result.exit_code == 0 and "Saved as S-" in result.stderr
    assert "Transfer list" in run(runner, archive, "screenings", "list").output
    shown = run(runner, archive, "screenings", "show", "Transfer list", "--json")
    person = json.loads(shown.output.splitlines()[0])["matches"][0]["person"]
    screenings.decide(archive.conn, archive.vault, archive.user, "Transfer list", 2, person,
                      "confirmed", "case 12/2018")
    out = tmp_path / "list-out.csv"
    assert run(runner, archive, "screenings", "export", "Transfer list", "--csv", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["decision"] for r in rows if r["person"] == person] == ["confirmed"]
    brief = tmp_path / "brief.html"
    result = run(runner, archive, "screenings", "export", "Transfer list", "--brief", brief,
                 "--language", "en")
    assert result.exit_code == 0, result.output
    html = brief.read_text("utf-8")
    assert "A name match is not identification." in html and person in html
    assert fingerprint(law[1]) in html and "<style>" in html
    again = run(runner, archive, "screenings", "export", "Transfer list", "--brief", brief)
    assert again.exit_code != 0 and "exists" in again.output
    both = run(runner, archive, "screenings", "export", "Transfer list")
    assert both.exit_code != 0 and "--csv FILE or --brief FILE" in both.output
    assert run(runner, archive, "screenings", "delete", "Transfer list").exit_code == 0
    missing = run(runner, archive, "screenings", "show", "Transfer list")
    assert missing.exit_code != 0 and "no screening Transfer list" in missing.output


def test_a_file_that_is_not_a_list_is_one_line(runner, law, tmp_path):
    archive, _first, _second = law
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"name\n")
    result = run(runner, archive, "screen", empty)
    assert result.exit_code == 1 and "the list has a header but no rows" in result.output


def test_only_supervisors_and_administrators_screen(runner, law, listing):
    archive, _first, _second = law
    add_user(archive.config, archive.vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    result = run(runner, archive, "screen", listing, user="Dilan", passphrase=OTHER_PASSPHRASE)
    assert result.exit_code != 0 and "only" in result.output
