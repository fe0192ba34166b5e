"""The People list's summary (archive/person_summary.py) and search (archive/person_search.py):
the summary is what corroboration.py computes from the mentions, after every change; the search
through the word index finds exactly the persons the rule finds over every person; a person's
candidates among its neighbours are those grouping.candidates finds among everyone; and a store
migrated from before the summary gets one."""

from __future__ import annotations

import json
import random
import re
from itertools import combinations, product
from pathlib import Path

import pytest

from intake.archive import corroboration, grouping, person_search, person_summary, persons, sources
from intake.archive.names import fold_arabic, read_word, same_word
from intake.store.connection import connect
from intake.store.migrations import MIGRATIONS, _person_summary_indexes
from tests.archive.conftest import JUNE, assert_summary_right, snapshot
from tests.archive.test_persons import HAMID, HAMID_AR, Sender, record_naming
from tests.archive_homes import Home, fingerprint, undo_handover_migrations

SETS = Path(__file__).parent
_WORD = re.compile(r"\w+")


@pytest.fixture
def ship(homes, tmp_path, monkeypatch):
    return Sender(tmp_path, monkeypatch, homes[2])


def name_set(law: Home, source: str, *names: str) -> None:
    """The name test sets indexed as records of ``source``, 25 to an import."""
    rows = [json.loads((SETS / name).read_text("utf-8")) for name in names]
    flat = [row for found in rows for row in found]
    random.Random(5).shuffle(flat)
    for start in range(0, len(flat), 25):
        touched = persons.Touched()
        for row in flat[start:start + 25]:
            seq = law.conn.execute(
                "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
                "bundle_id, imported_at, data_key, sealed) SELECT ?, ?, 'trial', ?, 1, "
                "bundle_id, '', x'00', x'00' FROM archive_records LIMIT 1",
                (source, row["id"], f"W-{row['id']}")).lastrowid
            persons.index_record(law.conn, seq, source, {
                "id": row["id"], "witness_code": f"W-{row['id']}", "document": {"incidents": [{
                    "acts": ["torture"] if sum(map(ord, row["id"])) % 2 else ["abduction"],
                    "perpetrators": [{"name": row["name"], "aliases": row["aliases"],
                                      "role": row.get("case", "")[:2]}]}]}},
                touched)
        persons.regroup(law.conn, touched)


@pytest.fixture
def indexed(homes, ship):
    first, _second, law = homes
    ship(first, [record_naming(first, HAMID)])
    name_set(law, fingerprint(first), "name_mentions.json", "name_mentions_heldout.json")
    return law


def tokens() -> list[str]:
    found = set()
    for name in ("name_mentions.json", "name_mentions_heldout.json"):
        for row in json.loads((SETS / name).read_text("utf-8")):
            for text in (row["name"], *row["aliases"]):
                found.update(_WORD.findall(text))
    return sorted(found)


def test_the_search_keys_never_miss_two_words_same_word_joins():
    words = tokens()
    assert len(words) > 200
    for a, b in combinations(words, 2):
        for x, y in ((a, b), (b, a)):
            if same_word(read_word(x), read_word(y)):
                assert person_search.word_keys(x) & person_search.word_keys(y), (x, y)


def matches(query: str, person: corroboration.Person) -> bool:
    """The rule, over one person's mentions (what the People list did for every person)."""
    folded = fold_arabic(query)
    asked = [read_word(word) for word in _WORD.findall(query)]
    for mention in person.mentions:
        for text in (mention.name, *mention.aliases):
            if folded in fold_arabic(text):
                return True
            words = [read_word(word) for word in _WORD.findall(text)]
            if asked and all(any(same_word(a, w) for w in words) for a in asked):
                return True
    return False


@pytest.mark.slow
def test_the_search_finds_exactly_what_the_rule_finds_over_every_person(indexed):
    everyone = corroboration.persons(indexed.conn)
    words = tokens()
    rng = random.Random(11)
    queries = [*rng.sample(words, 60), *(" ".join(rng.sample(words, 2)) for _ in range(40)),
               *(w[1:4] for w in rng.sample(words, 20)), "ال", "abu", "Abou Yasser", "أبو",
               "al-Hamawi", "-", "Hamid Jasim", "حامد جاسم", "nobody at all"]
    for query in queries:
        expected = {p.id for p in everyone if matches(query, p)}
        assert person_search.find(indexed.conn, query) == expected, query


@pytest.mark.slow
def test_a_persons_candidates_among_its_neighbours_are_those_among_everyone(indexed):
    everyone = corroboration.persons(indexed.conn)
    groups = {p.id: grouping.Group(tuple(grouping.Mention(m.id, m.name, m.aliases)
                                         for m in sorted(p.mentions, key=lambda m: m.id)))
              for p in everyone}
    decided = persons.decisions(indexed.conn, {m.id for p in everyone for m in p.mentions})
    listed = list(groups.values())
    seen = 0
    for pid, found in groups.items():
        around = {pid, *person_summary.neighbours(indexed.conn, pid)}
        near = [group for other, group in groups.items() if other in around]  # in list order
        ours = grouping.candidates(near, decided, around=found)
        theirs = grouping.candidates(listed, decided, around=found)
        assert [(c.first, c.second, c.comparison) for c in ours] == [
            (c.first, c.second, c.comparison) for c in theirs], pid
        seen += len(theirs)
    assert seen > 10


def test_the_summary_follows_a_compromised_mark_and_its_clearing(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID, acts=("abduction", "sexual_slavery"))])
    ship(second, [record_naming(second, HAMID_AR)], exported_at=JUNE)
    assert_summary_right(law.conn)
    hamid = person_summary.page(law.conn, {}, None, 0, 10)[0][0]
    assert (hamid.testimonies, hamid.organisations) == (2, 2)
    sources.mark(law.conn, law.vault, law.user, fingerprint(second), "2026-05-01")
    assert_summary_right(law.conn)
    marked = person_summary.page(law.conn, {}, None, 0, 10)[0][0]
    assert (marked.id, marked.testimonies, marked.organisations) == (hamid.id, 1, 1)
    assert person_summary.page(law.conn, {"source": fingerprint(second)}, None, 0, 10)[1] == 1
    sources.unmark(law.conn, law.vault, law.user, fingerprint(second))
    assert_summary_right(law.conn)
    assert person_summary.page(law.conn, {}, None, 0, 10)[0][0] == hamid


@pytest.mark.slow
def test_the_filters_select_in_the_store(indexed):
    conn = indexed.conn
    everyone = corroboration.persons(conn)
    assert person_summary.values(conn, "act") == ["abduction", "torture"]
    assert "rs:7(1)(f)" in person_summary.values(conn, "qualification")  # torture's
    torture = {p.id for p in everyone if any(a.act == "torture" for a in p.acts)}
    rows, total = person_summary.page(conn, {"qualification": "rs:7(1)(f)"}, None, 0, 1000)
    assert {r.id for r in rows} == torture and total == len(torture)
    found = person_search.find(conn, "Hamid")
    rows, total = person_summary.page(conn, {"act": "abduction"}, found, 1, 2)
    expected = [p.id for p in everyone if p.id in found
                and any(a.act == "abduction" for a in p.acts)]
    assert [r.id for r in rows] == expected[1:3] and total == len(expected)


def test_a_store_from_before_the_summary_gets_one_at_its_migration(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID)])
    ship(second, [record_naming(second, HAMID_AR), record_naming(second, "Abu Muhannad")])
    before = snapshot(law.conn)
    assert before["person_summary"]
    law.conn.execute("DROP INDEX archive_records_unindexed")
    for table in person_summary.TABLES:
        law.conn.execute(f"DROP TABLE {table}")
    law.conn.execute("DROP TABLE screenings")  # made by later migrations
    law.conn.execute("DROP TABLE person_grams")
    for column in ("witnessed", "roles"):  # added by a later migration
        law.conn.execute(f"ALTER TABLE archive_mentions DROP COLUMN {column}")
    undo_handover_migrations(law.conn)
    law.conn.execute(f"PRAGMA user_version = {_summary_migration()}")
    law.conn.close()
    law.conn = connect(law.config.database_path, law.vault.db_key)
    assert law.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert persons.behind(law.conn)
    persons.catch_up(law.conn, law.vault)  # the next import, People page or persons command
    assert not persons.behind(law.conn)
    assert snapshot(law.conn) == before


def _summary_migration() -> int:
    return next(number for number, script in enumerate(MIGRATIONS)
                if isinstance(script, str) and "CREATE TABLE person_summary" in script)


def test_keys_of_older_name_rules_are_read_again_once(homes, ship):
    first, _second, law = homes
    ship(first, [record_naming(first, HAMID)])
    keys = law.conn.execute("SELECT * FROM archive_mention_keys ORDER BY 1, 2, 3").fetchall()
    law.conn.execute("UPDATE archive_mention_keys SET key = 'stale'")
    law.conn.execute("UPDATE settings SET value = 'older' WHERE key = 'persons_rules'")
    assert persons.behind(law.conn)
    assert persons.catch_up(law.conn, law.vault) == 0
    assert law.conn.execute("SELECT * FROM archive_mention_keys ORDER BY 1, 2, 3").fetchall() == keys
    assert not persons.behind(law.conn)


def test_filtered_pages_count_and_order_as_the_list_does(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID, "Abu Muhannad", acts=("abduction", "torture")),
                 record_naming(first, "Salim Khalaf", acts=("torture",))])
    ship(second, [record_naming(second, HAMID_AR, acts=("sexual_slavery",)),
                  record_naming(second, "Salim Khalaf", "Yasser Ali")])
    conn = law.conn
    everyone = corroboration.persons(conn)  # the list's order
    held = {p.id: {("act", a.act) for a in p.acts} | {("source", m.source) for m in p.mentions}
            | {("role", m.role) for m in p.mentions if m.role}
            | {("qualification", code) for a in p.acts for code in person_summary._qualifications(a.act)}
            for p in everyone}
    kinds = {kind: person_summary.values(conn, kind) for kind in person_summary.KINDS}
    choices = [{}, *({kind: value} for kind, values in kinds.items() for value in values),
               *({"act": act, "source": source} for act in kinds["act"] for source in kinds["source"]),
               *({"qualification": code, "source": source, "role": "guard"}
                 for code in kinds["qualification"] for source in kinds["source"])]
    for filters in choices:
        expected = [p.id for p in everyone if set(filters.items()) <= held[p.id]]
        for offset, limit in ((0, 100), (1, 2), (len(expected), 5)):
            rows, total = person_summary.page(conn, filters, None, offset, limit)
            assert [r.id for r in rows] == expected[offset:offset + limit], filters
            assert total == len(expected), filters


def test_a_summary_from_before_the_rank_and_trigram_indexes_gets_them_at_its_migration(homes, ship):
    first, second, law = homes
    ship(first, [record_naming(first, HAMID, aliases=("Abu Muhannad",))])
    ship(second, [record_naming(second, HAMID_AR), record_naming(second, "Salim Khalaf")])
    before = snapshot(law.conn)
    queries = ("ami", "Hamid", "حامد", "uhann", "al", "nobody")
    found = {query: person_search.find(law.conn, query) for query in queries}
    law.conn.execute("DROP INDEX person_facets_by_rank")
    law.conn.execute("ALTER TABLE person_facets DROP COLUMN testimonies")
    law.conn.execute("ALTER TABLE person_facets DROP COLUMN organisations")
    law.conn.execute("DROP TABLE person_folded")
    law.conn.execute("DROP TABLE person_grams")
    for column in ("witnessed", "roles"):  # added by a later migration
        law.conn.execute(f"ALTER TABLE archive_mentions DROP COLUMN {column}")
    undo_handover_migrations(law.conn)
    law.conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_person_summary_indexes)}")
    law.conn.close()
    law.conn = connect(law.config.database_path, law.vault.db_key)
    assert not persons.behind(law.conn)  # filled from the summary, not built again
    assert snapshot(law.conn) == before
    assert {query: person_search.find(law.conn, query) for query in queries} == found
    assert found["Hamid"] and found["uhann"] and not found["nobody"]


def test_combined_filters_intersect_as_the_reference_rules_do(homes, ship):
    """Acts several persons share in pairs (an act and a qualification of other acts, a
    qualification that has three acts), roles and two sources: every pair and triple of filters
    counts and pages as corroboration.persons does."""
    first, second, law = homes
    ship(first, [record_naming(first, HAMID)])
    ship(second, [record_naming(second, "Salim Khalaf")])
    rng = random.Random(13)
    taxonomy = ["abduction", "torture", "rape", "sexual_slavery", "forced_marriage", "killing"]
    names = ["Hamid Khalaf", "Qasim Jabbar", "Faisal Rashid", "Mazin Hatim", "Ziyad Walid",
             "Abu Muhannad", "Nabil Sattar", "Hisham Ghazi", "Tariq Shakir", "Kamal Jasim"]
    sent = [fingerprint(first), fingerprint(second)]
    touched = persons.Touched()
    for number in range(60):
        source = sent[number % 2]
        seq = law.conn.execute(
            "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
            "bundle_id, imported_at, data_key, sealed) SELECT ?, ?, 'trial', ?, 1, bundle_id, "
            "'', x'00', x'00' FROM archive_records WHERE source = ? LIMIT 1",
            (source, f"c{number}", f"W-c{number}", source)).lastrowid
        persons.index_record(law.conn, seq, source, {
            "id": f"c{number}", "witness_code": f"W-c{number}", "document": {"incidents": [{
                "acts": rng.sample(taxonomy, rng.randint(1, 3)),
                "perpetrators": [{"name": name, "role": rng.choice(["guard", "emir", ""])}
                                 for name in rng.sample(names, 2)]}]}}, touched)
    persons.regroup(law.conn, touched)
    conn = law.conn
    assert_summary_right(conn)
    everyone = corroboration.persons(conn)  # the list's order
    held = {p.id: {("act", a.act) for a in p.acts} | {("source", m.source) for m in p.mentions}
            | {("role", m.role) for m in p.mentions if m.role}
            | {("qualification", code) for a in p.acts
               for code in person_summary._qualifications(a.act)} for p in everyone}
    kinds = {kind: person_summary.values(conn, kind) for kind in person_summary.KINDS}
    assert len(person_summary._acts_qualified(conn)["rs:7(1)(g)"]) == 3  # one filter, three acts
    choices = [dict(zip(chosen, values, strict=True))
               for size in (2, 3) for chosen in combinations(person_summary.KINDS, size)
               for values in product(*(kinds[k] for k in chosen))]
    assert any(f.get("act") == "torture" and f.get("qualification") == "rs:7(1)(g)"
               for f in choices)
    found_some = 0
    for filters in choices:
        expected = [p.id for p in everyone if set(filters.items()) <= held[p.id]]
        found_some += bool(expected)
        for offset, limit in ((0, 100), (1, 3), (len(expected) - 1, 2)):
            offset = max(offset, 0)
            rows, total = person_summary.page(conn, filters, None, offset, limit)
            assert [r.id for r in rows] == expected[offset:offset + limit], filters
            assert total == len(expected), filters
    assert found_some > len(choices) // 2  # the filters meet: most combinations find persons
