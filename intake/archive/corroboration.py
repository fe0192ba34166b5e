"""Reading the perpetrator index: each person with their mentions, and how far each act is
corroborated (docs/archive.md, "The perpetrator index").

Independent testimonies are distinct (source, witness code) pairs: one survivor's record imported
for two purposes is one mention already (archive/persons.py), and two records one laptop holds
under the same witness code count once. Organisations are the distinct organisations of the
sources. A record whose consent was withdrawn is not indexed at all; a record its source's key
signed on or after the day the key was marked compromised is listed but never counted
(archive/sources.py), since the mark may come after the import.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from intake.archive.sources import signed_after
from intake.store.connection import Connection


@dataclass(frozen=True)
class IndexedMention:
    id: str
    source: str
    record_id: str
    witness_code: str
    incident: int
    perpetrator: int
    name: str
    aliases: tuple[str, ...]
    role: str
    acts: tuple[str, ...]
    date: str
    place: str
    organisation: str
    counted: bool  # False when every record naming it is from a compromised key
    witnessed: str = ""  # how the survivor knows of the incident: "saw", "heard" or not said
    roles: tuple[str, ...] = ()  # what he did in it (records/taxonomy.py PERPETRATOR_ROLES)


@dataclass(frozen=True)
class ActCount:
    act: str
    testimonies: int
    organisations: int


@dataclass(frozen=True)
class Person:
    id: str
    names: tuple[str, ...]
    testimonies: int
    organisations: int
    acts: tuple[ActCount, ...]
    mentions: tuple[IndexedMention, ...]


_SELECT = (
    "SELECT m.person, m.mention_id, m.source, m.record_id, m.witness_code, m.incident, "
    "m.perpetrator, m.name, m.aliases, m.role, m.acts, m.date, m.place, m.witnessed, m.roles, "
    "s.organisation, "
    "b.exported_at, s.compromised_since FROM archive_mentions m "
    "JOIN archive_records r ON r.seq = m.record_seq JOIN bundles b ON b.id = r.bundle_id "
    "JOIN sources s ON s.fingerprint = m.source WHERE m.person IS NOT NULL")


def persons(conn: Connection, person_id: str | None = None) -> list[Person]:
    """Every person (or the one asked for), the most corroborated first; each person's
    mentions in the order they were imported, their names the most often written first."""
    if person_id is not None:
        return persons_in(conn, [person_id])
    return _persons(conn.execute(_SELECT + _ORDER))


def persons_in(conn: Connection, person_ids: Iterable[str]) -> list[Person]:
    """The persons asked for (reading their mentions alone), in the order of :func:`persons`."""
    ids = sorted(set(person_ids))
    rows: list[tuple] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows += conn.execute(f"{_SELECT} AND m.person IN ({', '.join('?' * len(chunk))})"
                             + _ORDER, chunk).fetchall()
    return _persons(rows)


_ORDER = " ORDER BY m.person, m.record_seq, m.incident, m.perpetrator"


def _persons(rows: Iterable[tuple]) -> list[Person]:
    found: dict[str, dict[str, IndexedMention]] = defaultdict(dict)
    for row in rows:
        person, key, *fields, organisation, exported_at, since = row
        counted = not signed_after(exported_at, since)
        held = found[person].get(key)
        if held is None:
            source, record_id, witness, incident, perpetrator, name, aliases, role, acts, \
                date, place, witnessed, roles = fields
            held = IndexedMention(key, source, record_id, witness, incident, perpetrator, name,
                                  tuple(json.loads(aliases)), role, tuple(json.loads(acts)),
                                  date, place, organisation, counted, witnessed,
                                  tuple(json.loads(roles)))
        elif counted and not held.counted:  # the same mention in a record of another purpose
            held = IndexedMention(**{**held.__dict__, "counted": True})
        found[person][key] = held
    listed = [_person(pid, tuple(mentions.values())) for pid, mentions in found.items()]
    return sorted(listed, key=lambda p: (-p.testimonies, -p.organisations, p.id))


def _person(person_id: str, mentions: tuple[IndexedMention, ...]) -> Person:
    written = Counter(m.name or m.aliases[0] for m in mentions)  # most often first, then first met
    names = tuple(sorted(written, key=lambda name: -written[name]))
    counted = [m for m in mentions if m.counted]
    acts = sorted({act for m in mentions for act in m.acts})
    return Person(person_id, names, *_counts(counted),
                  tuple(ActCount(act, *_counts([m for m in counted if act in m.acts]))
                        for act in acts), mentions)


def _counts(mentions: list[IndexedMention]) -> tuple[int, int]:
    return (len({(m.source, m.witness_code) for m in mentions}),
            len({m.organisation for m in mentions}))
