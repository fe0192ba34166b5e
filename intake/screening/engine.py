"""Screening a list against the perpetrator index: each row compared with the persons it could
be, found through blocking, never with every person (docs/screening.md).

A row's blocking keys are those under which the index looks for "possibly the same" persons
(archive/grouping.candidate_keys: the skeletons of given name, of given name and father, and of
a kunya); the index keeps each person's keys in ``person_blocks`` (archive/persons.py). A key
of a given name alone that more than :data:`GIVEN_NAME_BLOCK` persons share (a very common
name) is left out: the row still meets those persons through its given name and father
together, so a strong match is never lost; only candidates whose father's name conflicts go
unlisted there.

Only what a court could rely on supports a match: a withdrawn record is not in the index, and a
mention whose every record was signed by a source's key on or after the day it was marked
compromised (archive/sources.py) is left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from intake.archive.grouping import Group, Mention, candidate_keys
from intake.archive.sources import signed_after
from intake.screening.lists import ReadList
from intake.screening.matching import IndexedName, RowResult, listed_name, match_row
from intake.store.connection import Connection

GIVEN_NAME_BLOCK = 100
_MENTIONS = (
    "SELECT m.mention_id, m.name, m.aliases, b.exported_at, s.compromised_since "
    "FROM archive_mentions m JOIN archive_records r ON r.seq = m.record_seq "
    "JOIN bundles b ON b.id = r.bundle_id JOIN sources s ON s.fingerprint = m.source "
    "WHERE m.person = ? ORDER BY m.record_seq, m.incident, m.perpetrator")


def screen(conn: Connection, read: ReadList,
           progress: Callable[[int, int], None] | None = None) -> list[RowResult]:
    """Each row of the list with its candidates, in the list's order."""
    mentions: dict[str, list[IndexedName]] = {}
    sizes: dict[str, int] = {}
    results = []
    for done, row in enumerate(read.rows, start=1):
        text, aliases = listed_name(row)
        keys = _usable(conn, candidate_keys(Group((Mention("row", text, aliases),))), sizes)
        persons = _persons(conn, keys)
        for person in persons - mentions.keys():
            mentions[person] = _counted(conn, person)
        results.append(RowResult(row, tuple(match_row(
            row, [(p, mentions[p]) for p in sorted(persons) if mentions[p]]))))
        if progress is not None:
            progress(done, len(read.rows))
    return results


def _usable(conn: Connection, keys: set[str], sizes: dict[str, int]) -> list[str]:
    """The keys to look persons up by: all but a given name alone that too many share."""
    for key in keys - sizes.keys():
        (sizes[key],) = conn.execute("SELECT count(*) FROM person_blocks WHERE key = ?",
                                     (key,)).fetchone()
    return sorted(k for k in keys if not (k.startswith("g\x1f") and k.count("\x1f") == 1
                                          and sizes[k] > GIVEN_NAME_BLOCK))


def _persons(conn: Connection, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for key in keys:
        found.update(p for (p,) in conn.execute("SELECT person FROM person_blocks WHERE key = ?",
                                                (key,)))
    return found


def _counted(conn: Connection, person: str) -> list[IndexedName]:
    """The person's mentions that some record not signed by a compromised key carries."""
    kept: dict[str, IndexedName] = {}
    for mention, name, aliases, exported_at, since in conn.execute(_MENTIONS, (person,)):
        if not signed_after(exported_at, since):
            kept.setdefault(mention, IndexedName(mention, name, tuple(json.loads(aliases))))
    return list(kept.values())
