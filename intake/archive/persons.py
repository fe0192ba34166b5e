"""The perpetrator index: each perpetrator a usable archive record names (a *mention*), and the
persons they are grouped into (archive/grouping.py). What people decide about them is
archive/person_decisions.py; counting is archive/corroboration.py.

A mention is known by ``SOURCE:RECORD_ID:INCIDENT:PERPETRATOR`` (the source's fingerprint, the
record's id there, and 0-based positions), so one survivor's record imported for two purposes
is one mention. The importer rebuilds a record's mentions inside its transaction when a new
version arrives (:func:`index_record`) and erases them when consent is withdrawn for that
record (:func:`drop_withdrawn`); then the mentions touched are grouped again (:func:`regroup`)
and each group keeps the person id most of its mentions had (ties: the oldest id), never one
another group kept; a new group gets a new id, and an id is never reused. Records from a
compromised source stay indexed and grouped (nothing is hidden: docs/archive.md); they are not
counted. Each regroup refreshes the summary of the persons it changed, inside the same
transaction (archive/person_summary.py).

Grouping compares only mentions that share a blocking key, so only the mentions reachable from
those touched (through a shared key, a person, or a decision) are grouped again: the same
groups a regroup of everything would give, without reading 200,000 mentions for each import
(docs/benchmarks.md, "The perpetrator index").
"""

from __future__ import annotations

import gc
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from intake.archive import catalogue, person_summary
from intake.archive.grouping import (
    Decisions,
    Group,
    Mention,
    group,
    strong_keys,  # the blocking grouping uses
)
from intake.archive.names import read_name
from intake.clock import now_utc
from intake.store.connection import Connection
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault.crypto import CryptoError
from intake.vault.keys import Vault


@dataclass
class Touched:
    """What changed in the index: mention ids, the blocking keys of mentions added or erased,
    and the persons that lost a mention."""

    mentions: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.mentions or self.keys or self.persons)


def mention_id(source: str, record_id: str, incident: int, perpetrator: int) -> str:
    return f"{source}:{record_id}:{incident}:{perpetrator}"


def index_record(conn: Connection, seq: int, source: str, envelope: dict,
                 touched: Touched, *, marked: bool = False, new: bool = False) -> None:
    """Replace the record's mentions with those of this version (none once it is withdrawn);
    a mention named again keeps its person until the next :func:`regroup`. ``marked``: the
    caller wrote the record's row with ``persons_indexed = 1`` already (the importer, which
    writes it anyway), so that its sealed document is not written a second time here.
    ``new``: the caller has just inserted the row, which has no mentions to replace."""
    before = {} if new else dict(conn.execute("SELECT mention_id, person FROM archive_mentions "
                                              "WHERE record_seq = ?", (seq,)).fetchall())
    if not new:
        _erase(conn, [seq], touched)
    if not marked:
        conn.execute("UPDATE archive_records SET persons_indexed = 1 WHERE seq = ?", (seq,))
    if conn.execute("SELECT 1 FROM archive_records r JOIN archive_withdrawals w ON "
                    "w.source = r.source AND w.record_id = r.record_id AND w.purpose = r.purpose "
                    "WHERE r.seq = ?", (seq,)).fetchone():
        return
    record_id, witness_code = envelope["id"], envelope["witness_code"]
    rows, keys = [], []
    for i, incident in enumerate(envelope["document"].get("incidents") or []):
        for j, named in enumerate(incident.get("perpetrators") or []):
            name = str(named.get("name") or "").strip()
            aliases = [str(a).strip() for a in named.get("aliases") or [] if str(a).strip()]
            if not name and not aliases:
                continue
            key = mention_id(source, record_id, i, j)
            rows.append((seq, i, j, key, source, record_id, witness_code, name,
                         _listed(aliases), str(named.get("role") or ""),
                         _listed(list(incident.get("acts") or [])),
                         str(incident.get("date") or ""), str(incident.get("place") or ""),
                         str(incident.get("witnessed") or ""),
                         _listed([str(r) for r in named.get("roles") or []]),
                         before.get(key)))
            keys += [(seq, key, block) for block in _blocks(name, aliases)]
            touched.mentions.add(key)
    conn.executemany(
        "INSERT INTO archive_mentions (record_seq, incident, perpetrator, mention_id, source, "
        "record_id, witness_code, name, aliases, role, acts, date, place, witnessed, roles, "
        "person) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO archive_mention_keys (record_seq, mention_id, key) "
                     "VALUES (?, ?, ?)", keys)
    touched.keys.update(block for _seq, _key, block in keys)


def _listed(values: list) -> str:
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def drop_withdrawn(conn: Connection, source: str, record_id: str, purpose: str,
                   touched: Touched) -> None:
    """A record whose consent was withdrawn leaves the index (its rows are overwritten)."""
    _erase(conn, [seq for (seq,) in conn.execute(
        "SELECT seq FROM archive_records WHERE source = ? AND record_id = ? AND purpose = ?",
        (source, record_id, purpose))], touched)


def _erase(conn: Connection, seqs: list[int], touched: Touched) -> None:
    for seq in seqs:
        for key, person in conn.execute("SELECT mention_id, person FROM archive_mentions "
                                        "WHERE record_seq = ?", (seq,)).fetchall():
            touched.mentions.add(key)
            if person is not None:
                touched.persons.add(person)
        touched.keys.update(block for (block,) in conn.execute(
            "SELECT key FROM archive_mention_keys WHERE record_seq = ?", (seq,)))
        conn.execute("DELETE FROM archive_mentions WHERE record_seq = ?", (seq,))
        conn.execute("DELETE FROM archive_mention_keys WHERE record_seq = ?", (seq,))


def _blocks(name: str, aliases: list[str]) -> set[str]:
    return {"\x1f".join(key) for key, _cell in strong_keys(read_name(name, tuple(aliases)))}


# The name rules the stored blocking keys and groups were made with (archive/names.py,
# archive/grouping.py): when a version changes how a name is read or keyed, this changes too,
# and catch_up reads every mention's keys again and groups everything once.
RULES = "2026-12-02"


def behind(conn: Connection) -> bool:
    """Whether the index must catch up: records not indexed yet, or keys of older rules."""
    return bool(conn.execute("SELECT 1 FROM archive_records WHERE persons_indexed = 0 LIMIT 1")
                .fetchone()) or get_setting(conn, "persons_rules", RULES) != RULES


def catch_up(conn: Connection, vault: Vault) -> int:
    """Index the records imported before the index existed (a store of an earlier version),
    read every mention's blocking keys again if they were made under older rules (:data:`RULES`),
    then group again; how many records were indexed. A record whose seal no longer opens is
    skipped."""
    touched = Touched()
    done = 0
    with transaction(conn):
        stale = get_setting(conn, "persons_rules", RULES) != RULES
        for (seq,) in conn.execute("SELECT seq FROM archive_records WHERE persons_indexed = 0 "
                                   "ORDER BY seq").fetchall():
            try:
                record, envelope, _history = catalogue.load(conn, vault, seq)
            except CryptoError:
                continue
            index_record(conn, seq, record.source, envelope, touched)
            done += 1
        if stale:
            _rekey(conn)
        if done or stale:
            regroup(conn)
        if stale:
            set_setting(conn, "persons_rules", RULES)
    return done


def _rekey(conn: Connection) -> None:
    """Every mention's blocking keys, read again under the current rules."""
    conn.execute("DELETE FROM archive_mention_keys")
    rows = conn.execute("SELECT record_seq, mention_id, name, aliases FROM archive_mentions")
    conn.executemany("INSERT INTO archive_mention_keys (record_seq, mention_id, key) "
                     "VALUES (?, ?, ?)",
                     [(seq, key, block) for seq, key, name, aliases in rows.fetchall()
                      for block in _blocks(name, json.loads(aliases))])


def decisions(conn: Connection, known: set[str]) -> Decisions:
    """The decisions about these mentions (a mention no longer indexed is left out)."""
    found: dict[str, set] = defaultdict(set)
    for kind, first, second in conn.execute("SELECT kind, first, second FROM person_decisions"):
        if first in known and (second is None or second in known):
            found[kind].add(first if second is None else (first, second))
    return Decisions(frozenset(found["merge"]), frozenset(found["distinct"]),
                     frozenset(found["split"]))


def regroup(conn: Connection, touched: Touched | None = None) -> None:
    """Group the mentions reachable from ``touched`` again (all of them when it is None) and
    give each group its person id (module docstring)."""
    if touched is not None and not touched:
        return
    with _cycle_collector_paused():
        _regroup(conn, touched)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Grouping and the summary make hundreds of thousands of small objects and no reference
    cycles: Python's cycle collector scanning them again and again took about a tenth of an
    import's time (docs/benchmarks.md). Memory is freed as usual, by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _regroup(conn: Connection, touched: Touched | None) -> None:
    query = ("SELECT mention_id, name, aliases, person FROM archive_mentions "
             "ORDER BY record_seq, incident, perpetrator")
    found = None if touched is None else reachable(conn, touched)
    rows = conn.execute(query) if found is None else \
        _select_in(conn, query.replace("ORDER", "WHERE mention_id IN ({}) ORDER"), found)
    # Read row by row and held compactly (every mention of the index, for a regroup of all).
    mentions: dict[str, Mention] = {}
    held: dict[str, tuple[str | None, ...]] = {}  # each mention's persons (one mention, 2 records)
    for key, name, aliases, person in rows:
        if key not in held:
            mentions[key] = Mention(key, name, tuple(json.loads(aliases)) if aliases != "[]" else ())
            held[key] = (person,)
        elif person not in held[key]:
            held[key] += (person,)
    groups = group(mentions.values(), decisions(conn, set(mentions)))
    now = {m.id: person for found, person in zip(groups, _ids(conn, groups, held), strict=True)
           for m in found.mentions}
    changed = [(person, key) for key, person in now.items() if set(held[key]) != {person}]
    conn.executemany("UPDATE archive_mentions SET person = ? WHERE mention_id = ?", changed)
    if touched is None:
        person_summary.rebuild(conn)
        return
    # The persons whose mentions changed, were added, erased or named again: their summary.
    affected = set(touched.persons) | {now[key] for key in touched.mentions if key in now}
    affected |= {person for person, key in changed} | {
        person for _person, key in changed for person in held[key] if person is not None}
    person_summary.refresh(conn, affected)


def reachable(conn: Connection, touched: Touched) -> set[str] | None:
    """The mentions linked to those touched by a shared blocking key, a person or a decision,
    and so on: everything a full regroup could group with them. None when that is every
    mention (the first import's, say): each one was touched."""
    (total,) = conn.execute("SELECT count(*) FROM archive_mentions").fetchone()
    if len(touched.mentions) >= total and len(_select_values(
            conn, "SELECT mention_id FROM archive_mentions WHERE mention_id IN ({})",
            touched.mentions)) == total:
        return None
    mentions, keys, persons = set(), set(touched.keys), set(touched.persons)
    frontier = set(touched.mentions)
    frontier |= _select_values(conn, "SELECT mention_id FROM archive_mention_keys "
                               "WHERE key IN ({})", keys)
    frontier |= _select_values(conn, "SELECT mention_id FROM archive_mentions "
                               "WHERE person IN ({})", persons)
    while frontier:
        mentions |= frontier
        new_keys = _select_values(conn, "SELECT key FROM archive_mention_keys "
                                  "WHERE mention_id IN ({})", frontier) - keys
        new_persons = _select_values(conn, "SELECT person FROM archive_mentions WHERE "
                                     "mention_id IN ({}) AND person IS NOT NULL", frontier) - persons
        keys |= new_keys
        persons |= new_persons
        found = _select_values(conn, "SELECT mention_id FROM archive_mention_keys "
                               "WHERE key IN ({})", new_keys)
        found |= _select_values(conn, "SELECT mention_id FROM archive_mentions "
                                "WHERE person IN ({})", new_persons)
        found |= _select_values(conn, "SELECT second FROM person_decisions WHERE first IN ({}) "
                                "AND second IS NOT NULL", frontier)
        found |= _select_values(conn, "SELECT first FROM person_decisions WHERE second IN ({})",
                                frontier)
        frontier = found - mentions
    return mentions


def _select_in(conn: Connection, query: str, values: Iterable[str]) -> list[tuple]:
    """``query`` with its ``IN ({})`` bound to ``values``, a few hundred at a time."""
    values = sorted(values)
    rows: list[tuple] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        rows += conn.execute(query.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return rows


def _select_values(conn: Connection, query: str, values: Iterable[str]) -> set[str]:
    return {row[0] for row in _select_in(conn, query, values)}


def _ids(conn: Connection, groups: list[Group],
         held: dict[str, tuple[str | None, ...]]) -> list[str]:
    """Each group's id: the one most of its mentions had (ties: the oldest), not one another
    group kept; otherwise a new one."""
    age = {pid: n for n, (pid,) in enumerate(conn.execute(
        "SELECT id FROM persons ORDER BY created_at, rowid"))}
    votes = []
    for index, found in enumerate(groups):
        counts: Counter[str] = Counter()
        for m in found.mentions:
            previous = [p for p in held[m.id] if p is not None]
            if previous:
                counts[min(previous, key=age.__getitem__)] += 1
        votes += [(-n, age[pid], index, pid) for pid, n in counts.items()]
    kept: dict[int, str] = {}
    taken: set[str] = set()
    for _n, _age, index, pid in sorted(votes):
        if index not in kept and pid not in taken:
            kept[index] = pid
            taken.add(pid)
    new = iter(_new_ids(conn, len(groups) - len(kept)))
    return [kept.get(index) or next(new) for index in range(len(groups))]


def _new_ids(conn: Connection, count: int) -> list[str]:
    """``count`` person ids never given before, each written to ``persons`` in this order."""
    made: list[str] = []
    while len(made) < count:
        drawn = {f"P-{secrets.token_hex(4)}" for _ in range(count - len(made))} - set(made)
        made += sorted(drawn - _select_values(conn, "SELECT id FROM persons WHERE id IN ({})",
                                              drawn))
    stamp = now_utc()
    conn.executemany("INSERT INTO persons (id, created_at) VALUES (?, ?)",
                     [(pid, stamp) for pid in made])
    return made
