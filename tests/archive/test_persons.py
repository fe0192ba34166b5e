"""The perpetrator index: mentions indexed as records are imported, grouped into persons whose
ids hold across imports, decisions that hold, and corroboration counted once per survivor."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from intake.archive import corroboration, person_decisions, persons, sources
from intake.archive.person_summary import TABLES
from intake.home import audit
from intake.records import testimonies, withdrawal
from intake.store.connection import connect
from intake.store.migrations import MIGRATIONS
from tests.archive.conftest import JUNE, MARCH, assert_summary_right
from tests.archive_homes import Home, fingerprint, send, undo_handover_migrations
from tests.conftest import full_record

HAMID = "Hamid Jasim Khalaf al-Dulaimi"
HAMID_AR = "حامد جاسم خلف الدليمي"
HAMID_SON_OF_SALIM = "Hamid Salim Khalaf al-Dulaimi"


def record_naming(field: Home, *names: str, acts: tuple[str, ...] = ("abduction",),
                  aliases: tuple[str, ...] = ()) -> str:
    """A completed testimony whose one incident names these perpetrators (each known also by
    ``aliases``); its id."""
    document = full_record(incidents=[{
        "acts": list(acts), "date": "2014-08-03", "place": "Sinjar",
        "perpetrators": [{"name": name, "aliases": list(aliases), "role": "guard"}
                         for name in names]}])
    return testimonies.create(field.conn, field.vault, field.user, document, completed=True).id


class Sender:
    def __init__(self, tmp_path, monkeypatch, law: Home):
        self.tmp_path, self.monkeypatch, self.law, self.count = tmp_path, monkeypatch, law, 0

    def __call__(self, field: Home, ids: list[str], *, purpose: str = "trial",
                 exported_at: str = MARCH) -> None:
        self.count += 1
        send(field, self.law, self.tmp_path / f"{self.count}.age", self.monkeypatch,
             exported_at=exported_at, ids=ids, purpose=purpose)


@pytest.fixture
def ship(homes, tmp_path, monkeypatch):
    return Sender(tmp_path, monkeypatch, homes[2])


def by_name(law: Home) -> dict[str, corroboration.Person]:
    assert_summary_right(law.conn)  # the People list's summary follows every change
    return {name: person for person in corroboration.persons(law.conn) for name in person.names}


def test_two_laptops_spelling_one_man_differently_make_one_person(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID)])
    ship(second, [record_naming(second, HAMID_AR), record_naming(second, HAMID_SON_OF_SALIM)])
    found = corroboration.persons(law.conn)
    assert sorted(len(p.mentions) for p in found) == [1, 2]
    hamid = by_name(law)[HAMID]
    assert set(hamid.names) == {HAMID, HAMID_AR}
    assert hamid.id.startswith("P-") and len(hamid.id) == 10
    assert (hamid.testimonies, hamid.organisations) == (2, 2)
    assert by_name(law)[HAMID_SON_OF_SALIM].id != hamid.id
    mention = next(m for m in hamid.mentions if m.source == fingerprint(first))
    assert mention.id == f"{fingerprint(first)}:{mention.record_id}:0:0"
    assert (mention.role, mention.acts, mention.date, mention.place) == (
        "guard", ("abduction",), "2014-08-03", "Sinjar")


def test_ids_hold_across_a_new_version_and_later_imports(homes, ship):
    first, second, law = homes
    record = record_naming(first, HAMID)
    ship(first, [record])
    before = by_name(law)[HAMID].id
    document = testimonies.load(first.conn, first.vault, record, first.user).document
    document["incidents"][0]["place"] = "Tal Afar"
    testimonies.save(first.conn, first.vault, first.user, record, document)
    ship(first, [record])
    ship(second, [record_naming(second, HAMID_AR)])
    hamid = by_name(law)[HAMID]
    assert hamid.id == before
    assert {m.place for m in hamid.mentions} == {"Tal Afar", "Sinjar"}
    (rows,) = law.conn.execute("SELECT count(*) FROM archive_mentions").fetchone()
    assert rows == 2  # the replaced version's mention is gone


def person_with(law: Home, mention_id: str) -> corroboration.Person:
    assert_summary_right(law.conn)
    return next(p for p in corroboration.persons(law.conn)
                if mention_id in {m.id for m in p.mentions})


def test_decisions_are_audited_and_hold_across_later_imports(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID), record_naming(first, "Abu Muhannad")])
    hamid, kunya = by_name(law)[HAMID].id, by_name(law)["Abu Muhannad"].id
    assert hamid != kunya
    kept = person_decisions.merge(law.conn, law.vault, law.user, [hamid, kunya])
    assert kept == law.conn.execute("SELECT id FROM persons WHERE id IN (?, ?) "  # the oldest
                                    "ORDER BY created_at, rowid LIMIT 1", (hamid, kunya)).fetchone()[0]
    assert audit.entries(law.conn)[-1].detail == {"persons": sorted([hamid, kunya]),
                                                  "mentions": 2}
    ship(second, [record_naming(second, HAMID_AR)])
    merged = by_name(law)[HAMID_AR]
    assert (merged.id, set(merged.names)) == (kept, {HAMID, HAMID_AR, "Abu Muhannad"})

    arabic = next(m.id for m in merged.mentions if m.name == HAMID_AR)
    alone = person_decisions.split(law.conn, law.vault, law.user, kept, arabic)
    assert alone != kept
    ship(second, [record_naming(second, HAMID_AR)])
    assert [m.id for m in person_with(law, arabic).mentions] == [arabic]
    assert len(corroboration.persons(law.conn, kept)[0].mentions) == 3  # the new one joined

    other = person_with(law, arabic).id
    person_decisions.distinct(law.conn, law.vault, law.user, kept, other)
    ship(first, [record_naming(first, HAMID)])
    assert person_with(law, arabic).id == other
    assert len(corroboration.persons(law.conn, kept)[0].mentions) == 4
    assert [e.event for e in audit.entries(law.conn) if e.event.startswith(("persons", "mention"))
            ] == ["persons_merged", "mention_split", "persons_distinct"]
    assert audit.verify(law.conn, law.vault) is None
    who = law.conn.execute("SELECT DISTINCT kind, decided_by FROM person_decisions").fetchall()
    assert {kind for kind, _ in who} == {"merge", "split", "distinct"}
    assert {user for _, user in who} == {law.user.id}


def test_decisions_that_cannot_be_taken_are_refused(homes, ship):
    first, _second, law = homes
    ship(first, [record_naming(first, HAMID)])
    hamid = by_name(law)[HAMID].id
    with pytest.raises(person_decisions.PersonError):
        person_decisions.merge(law.conn, law.vault, law.user, [hamid])
    with pytest.raises(person_decisions.PersonError):
        person_decisions.distinct(law.conn, law.vault, law.user, hamid, hamid)
    with pytest.raises(person_decisions.PersonError, match="no person"):
        person_decisions.merge(law.conn, law.vault, law.user, [hamid, "P-00000000"])
    with pytest.raises(person_decisions.PersonError):
        person_decisions.split(law.conn, law.vault, law.user, hamid, "X:Y:0:0")


def also_held(law: Home, source: str, record_id: str, purpose: str, witness_code: str,
              name: str) -> None:
    """Another archive record of this source naming ``name``, indexed as an import would
    (today only the trial profile carries names; a record may also come back under another id
    with the survivor's witness code)."""
    bundle_id = law.conn.execute("SELECT id FROM bundles WHERE source = ?", (source,)).fetchone()[0]
    seq = law.conn.execute(
        "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
        "bundle_id, imported_at, data_key, sealed) VALUES (?, ?, ?, ?, 1, ?, '', x'00', x'00')",
        (source, record_id, purpose, witness_code, bundle_id)).lastrowid
    touched = persons.Touched()
    persons.index_record(law.conn, seq, source, {
        "id": record_id, "witness_code": witness_code, "document": {"incidents": [{
            "acts": ["abduction"], "perpetrators": [{"name": name}]}]}}, touched)
    persons.regroup(law.conn, touched)


def test_one_survivor_counts_once_and_two_organisations_count_two(homes, ship):
    first, second, law = homes
    record = record_naming(first, HAMID, acts=("abduction", "sexual_slavery"))
    ship(first, [record])
    ship(first, [record], purpose="reparations")  # carries no names: nothing more indexed
    (rows,) = law.conn.execute("SELECT count(*) FROM archive_mentions").fetchone()
    assert rows == 1
    witness = law.conn.execute("SELECT witness_code FROM archive_records WHERE record_id = ? "
                               "AND purpose = 'trial'", (record,)).fetchone()[0]
    also_held(law, fingerprint(first), record, "research", witness, HAMID)
    also_held(law, fingerprint(first), "another-id", "trial", witness, HAMID)
    hamid = by_name(law)[HAMID]
    assert len(hamid.mentions) == 2  # one per record id: the research copy is the same mention
    assert (hamid.testimonies, hamid.organisations) == (1, 1)
    ship(first, [record_naming(first, HAMID)])
    ship(second, [record_naming(second, HAMID_AR)])
    hamid = by_name(law)[HAMID]
    assert (hamid.testimonies, hamid.organisations) == (3, 2)
    assert [(a.act, a.testimonies, a.organisations) for a in hamid.acts] == [
        ("abduction", 3, 2), ("sexual_slavery", 1, 1)]


def test_withdrawn_records_leave_the_index_and_compromised_ones_are_not_counted(homes, ship):
    first, second, law = homes
    withdrawn = record_naming(first, HAMID)
    ship(first, [withdrawn, record_naming(first, HAMID)])
    ship(second, [record_naming(second, HAMID_AR)], exported_at=JUNE)
    assert (by_name(law)[HAMID].testimonies, by_name(law)[HAMID].organisations) == (3, 2)
    withdrawal.withdraw(first.conn, first.vault, first.user, withdrawn, "trial", "asked us")
    ship(first, [record_naming(first, "Someone Else Entirely")])
    hamid = by_name(law)[HAMID]
    assert withdrawn not in {m.record_id for m in hamid.mentions}
    assert (len(hamid.mentions), hamid.testimonies) == (2, 2)
    assert not law.conn.execute("SELECT 1 FROM archive_mentions WHERE record_id = ?",
                                (withdrawn,)).fetchone()

    sources.mark(law.conn, law.vault, law.user, fingerprint(second), "2026-05-01")
    hamid = by_name(law)[HAMID]
    assert len(hamid.mentions) == 2  # listed, flagged by its source, but not counted
    assert (hamid.testimonies, hamid.organisations) == (1, 1)
    assert [(a.act, a.testimonies) for a in hamid.acts] == [("abduction", 1)]


def test_a_store_made_before_the_index_migrates_and_the_next_import_indexes_it(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID)])
    index = next(number for number, script in enumerate(MIGRATIONS)
                 if isinstance(script, str) and "archive_mentions" in script)
    law.conn.execute("DROP INDEX archive_records_unindexed")
    for table in ("archive_mentions", "archive_mention_keys", "person_decisions", *TABLES,
                  "persons"):
        law.conn.execute(f"DROP TABLE {table}")
    law.conn.execute("ALTER TABLE archive_records DROP COLUMN persons_indexed")
    law.conn.execute("DROP TABLE screenings")  # made by later migrations
    law.conn.execute("DROP TABLE person_grams")
    undo_handover_migrations(law.conn)
    law.conn.execute(f"PRAGMA user_version = {index}")
    law.conn.close()
    law.conn = connect(law.config.database_path, law.vault.db_key)
    assert law.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert corroboration.persons(law.conn) == []  # the old record is not indexed yet
    ship(second, [record_naming(second, HAMID_AR)])
    assert {m.name for m in by_name(law)[HAMID].mentions} == {HAMID, HAMID_AR}
    assert persons.catch_up(law.conn, law.vault) == 0


def test_grouping_only_what_an_import_touches_gives_what_grouping_everything_gives(homes, ship):
    """The name test set imported in batches (each regrouping only what it reaches), with a
    decision taken on the way: a regroup of everything afterwards changes no person."""
    first, _second, law = homes
    record = record_naming(first, HAMID)
    ship(first, [record])
    source = fingerprint(first)
    rows = json.loads((Path(__file__).parent / "name_mentions.json").read_text("utf-8"))
    random.Random(3).shuffle(rows)
    for start in range(0, len(rows), 25):
        touched = persons.Touched()
        for row in rows[start:start + 25]:
            seq = law.conn.execute(
                "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
                "bundle_id, imported_at, data_key, sealed) SELECT ?, ?, 'trial', ?, 1, bundle_id, "
                "'', x'00', x'00' FROM archive_records LIMIT 1",
                (source, row["id"], f"W-{row['id']}")).lastrowid
            persons.index_record(law.conn, seq, source, {
                "id": row["id"], "witness_code": f"W-{row['id']}", "document": {"incidents": [{
                    "perpetrators": [{"name": row["name"], "aliases": row["aliases"]}]}]}},
                touched)
        persons.regroup(law.conn, touched)
        if start == 50:
            two = [p.id for p in corroboration.persons(law.conn)[:2]]
            person_decisions.distinct(law.conn, law.vault, law.user, *two)

    def assigned() -> dict[str, str]:
        return dict(law.conn.execute("SELECT mention_id, person FROM archive_mentions"))

    before = assigned()
    assert len(set(before.values())) > 20
    persons.regroup(law.conn)
    assert assigned() == before
    hamid = persons.Touched({persons.mention_id(source, record, 0, 0)})
    assert len(persons.reachable(law.conn, hamid)) < len(before) / 4  # not everything
    assert persons.reachable(law.conn, persons.Touched(set(before))) is None  # everything
    assert persons.reachable(law.conn, persons.Touched(set(list(before)[1:]) | {"gone"}))


def test_an_id_no_group_keeps_is_never_given_again(homes, ship, monkeypatch):
    first, _second, law = homes
    ship(first, [record_naming(first, HAMID), record_naming(first, "Abu Muhannad")])
    hamid, kunya = by_name(law)[HAMID].id, by_name(law)["Abu Muhannad"].id
    kept = person_decisions.merge(law.conn, law.vault, law.user, [hamid, kunya])
    retired = ({hamid, kunya} - {kept}).pop()
    offered = iter([retired[2:], kept[2:], "0badcafe"])
    monkeypatch.setattr(persons.secrets, "token_hex", lambda _n: next(offered))
    ship(first, [record_naming(first, HAMID_SON_OF_SALIM)])
    assert by_name(law)[HAMID_SON_OF_SALIM].id == "P-0badcafe"
    assert law.conn.execute("SELECT 1 FROM persons WHERE id = ?", (retired,)).fetchone()
