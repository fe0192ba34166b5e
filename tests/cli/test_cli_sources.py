"""``intake init --archive`` and ``intake sources``: the list (and its JSON lines) after bundles
from two field laptops, the compromised mark and its clearing, and who may do each."""

from __future__ import annotations

import json

import pytest

from intake.archive import sources
from intake.cli.main import main
from intake.config import Config
from intake.home import audit
from intake.home.instance import unlock
from intake.home.mode import mode
from intake.home.passphrases import add_user
from intake.store.connection import connect
from tests.archive_homes import fingerprint, make_archive, make_home, send
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE


def run(runner, *args, passphrase=PASSPHRASE, user=ADMIN):
    return runner.invoke(main, [str(a) for a in args],
                         env={"INTAKE_PASSPHRASE": passphrase, "INTAKE_USER": user})


@pytest.mark.parametrize(("flag", "expected"), [(["--archive"], "archive"), ([], "field")])
def test_init_makes_an_archive_or_a_field_laptop(runner, tmp_path, flag, expected):
    home = tmp_path / "new"
    made = run(runner, "--home", home, "init", "--org", "Legal Team", "--user", ADMIN, *flag)
    assert made.exit_code == 0, made.output
    vault, _ = unlock(Config(home=home, kdf=CHEAP_KDF), ADMIN, PASSPHRASE)
    conn = connect(Config(home=home).database_path, vault.db_key)
    try:
        assert mode(conn) == expected
    finally:
        conn.close()
        vault.close()


@pytest.fixture
def law(tmp_path, monkeypatch):
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "منظمة")
    archive = make_archive(tmp_path / "law")
    send(first, archive, tmp_path / "1.age", monkeypatch,
         exported_at="2026-03-01T10:00:00+00:00", records=2)
    send(first, archive, tmp_path / "2.age", monkeypatch, exported_at="2026-06-01T10:00:00+00:00")
    send(second, archive, tmp_path / "3.age", monkeypatch, exported_at="2026-06-01T10:00:00+00:00")
    yield archive, fingerprint(first), fingerprint(second)
    for home in (first, second, archive):
        home.close()


def test_sources_list_prints_one_json_object_per_source(runner, law):
    archive, first, second = law
    listed = run(runner, "--home", archive.config.home, "sources", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    bundles = {b: archive.conn.execute(
        "SELECT min(imported_at), max(imported_at) FROM bundles WHERE source = ?", (b,)
    ).fetchone() for b in (first, second)}
    assert sorted(rows, key=lambda r: r["records"]) == [
        {"fingerprint": second, "organisation": "منظمة", "first_bundle": bundles[second][0],
         "last_bundle": bundles[second][1], "records": 1, "compromised_since": None},
        {"fingerprint": first, "organisation": "Field Org", "first_bundle": bundles[first][0],
         "last_bundle": bundles[first][1], "records": 3, "compromised_since": None}]
    text = run(runner, "--home", archive.config.home, "sources", "list")
    assert text.exit_code == 0 and "Field Org" in text.output and "3 records" in text.output


def test_sources_compromised_marks_and_clears(runner, law):
    archive, first, _second = law
    home = archive.config.home
    marked = run(runner, "--home", home, "sources", "compromised", first[:16], "--since",
                 "2026-05-01")
    assert marked.exit_code == 0, marked.output
    assert "compromised since 2026-05-01" in marked.output
    rows = [json.loads(line) for line in
            run(runner, "--home", home, "sources", "list", "--json").output.splitlines()]
    assert {r["fingerprint"]: r["compromised_since"] for r in rows}[first] == "2026-05-01"
    assert "compromised since 2026-05-01" in run(runner, "--home", home, "sources",
                                                 "list").output
    assert [e.detail["flagged"] for e in audit.entries(archive.conn)
            if e.event == "source_compromised"] == [1]
    cleared = run(runner, "--home", home, "sources", "compromised", first, "--clear")
    assert cleared.exit_code == 0 and "Cleared" in cleared.output
    assert sources.find(archive.conn, first).compromised_since is None
    again = run(runner, "--home", home, "sources", "compromised", first, "--clear")
    assert again.exit_code == 0 and "was not marked" in again.output
    assert [e.event for e in audit.entries(archive.conn)].count("source_cleared") == 1


@pytest.mark.parametrize(("args", "message"), [
    ([], "either --since DATE or --clear"),
    (["--since", "2026-05-01", "--clear"], "either --since DATE or --clear"),
    (["--since", "1 May"], "YYYY-MM-DD")])
def test_sources_compromised_needs_one_clear_choice(runner, law, args, message):
    archive, first, _second = law
    refused = runner.invoke(main, ["--home", str(archive.config.home), "sources", "compromised",
                                   first, *args], env={"INTAKE_USER": ADMIN})  # no passphrase
    assert refused.exit_code == 1 and message in refused.output
    assert sources.find(archive.conn, first).compromised_since is None


def test_an_unknown_source_is_one_line(runner, law):
    archive, _first, _second = law
    refused = run(runner, "--home", archive.config.home, "sources", "compromised", "AB" * 8,
                  "--since", "2026-05-01")
    assert refused.exit_code == 1 and refused.output.strip() == "Error: no source has this fingerprint"


def test_who_may_list_and_who_may_mark(runner, law):
    archive, first, _second = law
    home = archive.config.home
    add_user(archive.config, archive.vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    add_user(archive.config, archive.vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    assert run(runner, "--home", home, "sources", "list", user="Sami",
               passphrase=OTHER_PASSPHRASE).exit_code == 0
    listing = run(runner, "--home", home, "sources", "list", user="Dilan",
                  passphrase=OTHER_PASSPHRASE)
    assert listing.exit_code == 1 and "only a supervisor or an administrator" in listing.output
    marking = run(runner, "--home", home, "sources", "compromised", first, "--since",
                  "2026-05-01", user="Sami", passphrase=OTHER_PASSPHRASE)
    assert marking.exit_code == 1 and "only an administrator can mark" in marking.output
    assert sources.find(archive.conn, first).compromised_since is None
