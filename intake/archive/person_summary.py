"""The People list's summary of each person of the perpetrator index, kept in the store so that
the list, its filters, its search and a person's "possibly the same as" never read every
mention (docs/archive.md, "The perpetrator index"; docs/benchmarks.md).

For each person: their names and counts as archive/corroboration.py gives them
(``person_summary``); what the list filters on (``person_facets``: each act, role and source of
their mentions; a qualification is looked for as the acts it qualifies); their spellings and the
words of them for the search (``person_spellings``, ``person_words``: archive/person_search.py);
and the keys under which they may be the same as another person (``person_blocks``:
grouping.candidate_keys).

The summary is a cache of what corroboration.py computes from the mentions, never a second
truth: :func:`refresh` recomputes the persons given, inside the caller's transaction.
persons.regroup refreshes every person whose mentions it changed or whose mentions were added,
erased or named again; sources.mark and sources.unmark refresh every person a source names
(the compromised mark changes what is counted). A change of the name rules needs
:func:`rebuild` (what the migration that made these tables ran).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from intake.archive import corroboration, grouping
from intake.archive.corroboration import ActCount, Person
from intake.archive.names import fold_arabic
from intake.archive.person_search import word_keys
from intake.records import qualifications
from intake.store.connection import Connection

TABLES = ("person_summary", "person_facets", "person_spellings", "person_folded", "person_words",
          "person_blocks")
BATCH = 2000  # persons built at once by rebuild: what it holds in memory
KINDS = ("act", "qualification", "role", "source")
CANDIDATE_LIMIT = 50  # grouping.candidates' default: a key more persons share is too weak

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Summary:
    """One row of the People list."""

    id: str
    names: tuple[str, ...]
    testimonies: int
    organisations: int
    acts: tuple[ActCount, ...]


def qualification_code(found: qualifications.Qualification) -> str:
    """A qualification as the list's filter writes it: ``rs:7(1)(g)`` for a Rome Statute
    article, ``iq:`` and the provision's id for Iraqi law."""
    if isinstance(found, qualifications.Provision):
        return "iq:" + found.id
    return "rs:" + found.article


def _qualifications(act: str) -> list[str]:
    try:
        return [qualification_code(q) for q in qualifications.qualifications(act)]
    except KeyError:  # not an act of the taxonomy: nothing to qualify it by
        return []


def _acts_qualified(conn: Connection) -> dict[str, list[str]]:
    """Each qualification some person's acts have, with those acts (a person has a
    qualification when one of their acts has it: the acts are what is stored)."""
    found: dict[str, list[str]] = {}
    for act in values(conn, "act"):
        for code in _qualifications(act):
            found.setdefault(code, []).append(act)
    return found


def refresh(conn: Connection, person_ids: Iterable[str]) -> None:
    """Compute the summary of these persons again (a person left without mentions leaves it).
    Their folded spellings are compared with those held, so that only a spelling gone leaves
    the trigram index and only a new one enters it (each leaving costs FTS5's secure-delete a
    rewrite of the pages holding its trigrams)."""
    ids = sorted(set(person_ids))
    held: dict[tuple[str, str], int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for table in TABLES:
            if table != "person_folded":
                conn.execute(f"DELETE FROM {table} WHERE person IN ({marks})", chunk)  # noqa: S608
        held.update(((person, folded), row) for row, person, folded in conn.execute(
            f"SELECT id, person, folded FROM person_folded WHERE person IN ({marks})",  # noqa: S608
            chunk))
    wanted = _insert(conn, corroboration.persons_in(conn, ids), held)
    gone = [(row, spelling[1]) for spelling, row in held.items() if spelling not in wanted]
    conn.executemany("INSERT INTO person_grams (person_grams, rowid, folded) "
                     "VALUES ('delete', ?, ?)", gone)
    conn.executemany("DELETE FROM person_folded WHERE id = ?", [(row,) for row, _f in gone])


def rebuild(conn: Connection) -> None:
    """The summary of every person, from the mentions, :data:`BATCH` persons at a time."""
    conn.execute("INSERT INTO person_grams (person_grams) VALUES ('delete-all')")
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608
    ids = [person for (person,) in conn.execute(
        "SELECT DISTINCT person FROM archive_mentions WHERE person IS NOT NULL ORDER BY person")]
    for start in range(0, len(ids), BATCH):
        _insert(conn, corroboration.persons_in(conn, ids[start:start + BATCH]), {})


def refresh_source(conn: Connection, fingerprint: str) -> None:
    """Refresh every person the source's records name (its compromised mark changed)."""
    refresh(conn, [p for (p,) in conn.execute(
        "SELECT DISTINCT person FROM archive_mentions WHERE source = ? AND person IS NOT NULL",
        (fingerprint,))])


def _insert(conn: Connection, found: Iterable[Person],
            held: dict[tuple[str, str], int]) -> set[tuple[str, str]]:
    """Write the summary rows of these persons (their other rows deleted already); a folded
    spelling ``held`` is kept as it is. Returns the persons' folded spellings."""
    summaries, facets, spellings, folded, words, blocks = [], [], [], [], [], []
    for p in found:
        summaries.append((p.id, json.dumps(p.names, ensure_ascii=False), p.testimonies,
                          p.organisations,
                          json.dumps([[a.act, a.testimonies, a.organisations] for a in p.acts]),
                          len(p.mentions)))
        values = {("act", a.act) for a in p.acts}
        values |= {("role", m.role) for m in p.mentions if m.role}
        values |= {("source", m.source) for m in p.mentions}
        facets += [(kind, value, p.id, p.testimonies, p.organisations) for kind, value in values]
        forms = {text: fold_arabic(text) for m in p.mentions for text in (m.name, *m.aliases)
                 if text}  # each spelling folded once
        texts = forms.keys()
        spellings += [(p.id, text, form) for text, form in forms.items()]
        folded += [(p.id, form) for form in set(forms.values())]
        tokens = {token for text in texts for token in _WORD.findall(text)}
        words += [(key, token, p.id) for token in tokens for key in word_keys(token)]
        group = grouping.Group(tuple(grouping.Mention(m.id, m.name, m.aliases)
                                     for m in sorted(p.mentions, key=lambda m: m.id)))
        blocks += [(key, p.id) for key in grouping.candidate_keys(group)]
    conn.executemany("INSERT INTO person_summary (person, names, testimonies, organisations, "
                     "acts, mentions) VALUES (?, ?, ?, ?, ?, ?)", summaries)
    conn.executemany("INSERT INTO person_facets (kind, value, person, testimonies, organisations) "
                     "VALUES (?, ?, ?, ?, ?)", facets)
    conn.executemany("INSERT INTO person_spellings (person, text, folded) VALUES (?, ?, ?)",
                     spellings)
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM person_folded").fetchone()
    conn.executemany("INSERT INTO person_folded (person, folded) VALUES (?, ?)",
                     [row for row in folded if row not in held])
    # The new rows' trigrams in one statement (row by row, FTS5 takes twenty times longer).
    conn.execute("INSERT INTO person_grams (rowid, folded) SELECT id, folded FROM person_folded "
                 "WHERE id > ?", (last,))
    conn.executemany("INSERT INTO person_words (key, word, person) VALUES (?, ?, ?)", words)
    conn.executemany("INSERT INTO person_blocks (key, person) VALUES (?, ?)", blocks)
    return set(folded)


def values(conn: Connection, kind: str) -> list[str]:
    """The values of one kind of filter some person has (each distinct value once, read from
    the index one step at a time, not from every row)."""
    if kind == "qualification":
        return sorted(_acts_qualified(conn))
    return [value for (value,) in conn.execute(
        "WITH RECURSIVE v(value) AS (SELECT min(value) FROM person_facets WHERE kind = ?1 "
        "UNION ALL SELECT (SELECT min(value) FROM person_facets WHERE kind = ?1 AND value > "
        "v.value) FROM v WHERE v.value IS NOT NULL) SELECT value FROM v WHERE value IS NOT NULL",
        (kind,))]


_ORDER = "ORDER BY s.testimonies DESC, s.organisations DESC, s.person"
_COLUMNS = "SELECT s.person, s.names, s.testimonies, s.organisations, s.acts FROM person_summary s"


def _where(conn: Connection, filters: dict[str, str]) -> tuple[str, list[str]]:
    clauses, params = [], []
    for kind, value in sorted(filters.items()):
        if kind == "qualification":
            kind, chosen = "act", _acts_qualified(conn).get(value, [])
        else:
            chosen = [value]
        marks = ", ".join("?" * len(chosen))
        clauses.append("EXISTS (SELECT 1 FROM person_facets f WHERE f.kind = ? AND "  # noqa: S608
                       f"f.value IN ({marks}) AND f.person = s.person)")
        params += [kind, *chosen]
    return " AND ".join(clauses), params


def _chosen(conn: Connection, filters: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Each filter as the facet kind and the values it accepts (a qualification: its acts)."""
    chosen = []
    for kind, value in sorted(filters.items()):
        if kind == "qualification":
            chosen.append(("act", _acts_qualified(conn).get(value, [])))
        else:
            chosen.append((kind, [value]))
    return chosen


def _compound(chosen: list[tuple[str, list[str]]], columns: str) -> tuple[str, list[str]]:
    """The persons every filter accepts, as one compound SELECT of ``columns`` of the facet rows:
    each value accepted a range of an index (UNION), each filter's persons intersected with the
    others' (INTERSECT). Compound SELECTs group from left to right, so the filter with several
    values (a qualification's acts) comes first and any other such is a subquery."""
    single = f"SELECT {columns} FROM person_facets WHERE kind = ? AND value = ?"  # noqa: S608
    parts, params = [], []
    for n, (kind, accepted) in enumerate(sorted(chosen, key=lambda c: -len(c[1]))):
        union = " UNION ".join([single] * len(accepted))
        parts.append(union if n == 0 or len(accepted) == 1 else f"SELECT * FROM ({union})")  # noqa: S608
        params += [p for value in accepted for p in (kind, value)]
    return " INTERSECT ".join(parts), params


def _from_facets(conn: Connection, filters: dict[str, str], offset: int,
                 limit: int) -> tuple[list[Summary], int]:
    """A filtered page counted and ordered from the facet rows alone: the persons of each
    filter's values, intersected. The count merges them in the order of the primary key
    (kind, value, person); the page merges them in the list's order, which the index
    person_facets_by_rank (kind, value, testimonies DESC, organisations DESC, person) holds,
    and stops at the page's end."""
    chosen = _chosen(conn, filters)
    if not all(accepted for _kind, accepted in chosen):
        return [], 0
    counted, params = _compound(chosen, "person")
    (total,) = conn.execute(f"SELECT count(*) FROM ({counted})", params).fetchone()  # noqa: S608
    ranked, params = _compound(chosen, "testimonies, organisations, person")
    shown = [person for (_t, _o, person) in conn.execute(
        f"{ranked} ORDER BY 1 DESC, 2 DESC, 3 LIMIT ? OFFSET ?",  # noqa: S608
        [*params, limit, offset])]
    return _rows(conn, shown), total


def _rows(conn: Connection, shown: list[str]) -> list[Summary]:
    rows = {row[0]: row for row in conn.execute(
        f"{_COLUMNS} WHERE s.person IN ({', '.join('?' * len(shown))})", shown)}  # noqa: S608
    return [_summary(rows[person]) for person in shown]


def page(conn: Connection, filters: dict[str, str], among: set[str] | None, offset: int,
         limit: int) -> tuple[list[Summary], int]:
    """One page of the persons with every filter's value (among those found by a search, when
    ``among`` is given), the most independent testimonies first, then organisations, then id;
    and how many there are in all."""
    if among is None and filters:
        return _from_facets(conn, filters, offset, limit)
    where, params = _where(conn, filters)
    if among is None:
        (total,) = conn.execute("SELECT count(*) FROM person_summary s").fetchone()
        rows = conn.execute(f"{_COLUMNS} {_ORDER} LIMIT ? OFFSET ?",  # noqa: S608
                            [limit, offset]).fetchall()
        return [_summary(row) for row in rows], total
    ranked = []
    ids = sorted(among)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        condition = f"s.person IN ({', '.join('?' * len(chunk))})" + (f" AND {where}" if where else "")
        ranked += conn.execute("SELECT s.person, s.testimonies, s.organisations FROM "  # noqa: S608
                               f"person_summary s WHERE {condition}", [*chunk, *params]).fetchall()
    ranked.sort(key=lambda row: (-row[1], -row[2], row[0]))
    shown = [person for person, _t, _o in ranked[offset:offset + limit]]
    return _rows(conn, shown), len(ranked)


def _summary(row: tuple) -> Summary:
    person, names, testimonies, organisations, acts = row
    return Summary(person, tuple(json.loads(names)), testimonies, organisations,
                   tuple(ActCount(*act) for act in json.loads(acts)))


def neighbours(conn: Connection, person_id: str, limit: int = CANDIDATE_LIMIT) -> set[str]:
    """The persons sharing with this one a key under which grouping.candidates compares them
    (a key more than ``limit`` persons share is left out there, and here)."""
    found: set[str] = set()
    for (key,) in conn.execute("SELECT key FROM person_blocks WHERE person = ?",
                               (person_id,)).fetchall():
        members = [p for (p,) in conn.execute(
            "SELECT person FROM person_blocks WHERE key = ? LIMIT ?", (key, limit + 1))]
        if len(members) <= limit:
            found.update(members)
    found.discard(person_id)
    return found
