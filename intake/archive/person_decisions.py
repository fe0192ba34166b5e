"""What people decide about the persons of the perpetrator index (archive/persons.py): two or
more persons are one (:func:`merge`), a mention is a person of its own (:func:`split`), two
persons are not the same (:func:`distinct`).

Each decision is stored as mention ids (every pair across the persons for merge and distinct,
the one mention for split) with who and when, audited, and applied by grouping again, so it
holds across later imports. A later decision replaces an earlier one that contradicts it:
merging undoes the distinct pairs between those mentions and their splits; splitting undoes
the mention's merges.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from intake.archive.persons import Touched, regroup
from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.store.connection import Connection
from intake.store.transactions import transaction
from intake.vault.keys import Vault


class PersonError(ValueError):
    """No such person or mention, or a decision that cannot be taken (one line, safe to show)."""


def mentions_of(conn: Connection, person_id: str) -> list[str]:
    """The ids of a person's mentions, in order."""
    found = [key for (key,) in conn.execute(
        "SELECT DISTINCT mention_id FROM archive_mentions WHERE person = ? ORDER BY mention_id",
        (person_id,))]
    if not found:
        raise PersonError(f"no person {person_id}")
    return found


def person_of(conn: Connection, key: str) -> str:
    """The person a mention is grouped into."""
    row = conn.execute("SELECT person FROM archive_mentions WHERE mention_id = ? LIMIT 1",
                       (key,)).fetchone()
    if row is None or row[0] is None:
        raise PersonError("no such mention")
    return row[0]


def merge(conn: Connection, vault: Vault, user: User, person_ids: Iterable[str]) -> str:
    """The persons are one: every pair of their mentions merged; the id the group keeps."""
    ids = sorted(set(person_ids))
    if len(ids) < 2:
        raise PersonError("name two persons or more to merge")
    with transaction(conn):
        members = {pid: mentions_of(conn, pid) for pid in ids}
        pairs = [_pair(a, b) for p, q in combinations(ids, 2) for a in members[p] for b in members[q]]
        everything = [m for found in members.values() for m in found]
        conn.executemany("DELETE FROM person_decisions WHERE kind = 'distinct' AND first = ? "
                         "AND second = ?", pairs)
        conn.executemany("DELETE FROM person_decisions WHERE kind = 'split' AND first = ?",
                         [(m,) for m in everything])
        _decide(conn, user, "merge", pairs)
        audit.record(conn, vault, user, "persons_merged", persons=ids, mentions=len(everything))
        regroup(conn, Touched(set(everything)))
        return person_of(conn, everything[0])


def split(conn: Connection, vault: Vault, user: User, person_id: str, key: str) -> str:
    """The mention is a person of its own (its merges undone); that person's id."""
    with transaction(conn):
        members = mentions_of(conn, person_id)
        if key not in members:
            raise PersonError(f"the mention is not one of {person_id}'s")
        conn.execute("DELETE FROM person_decisions WHERE kind IN ('merge', 'split') AND "
                     "(first = ? OR second = ?)", (key, key))
        _decide(conn, user, "split", [(key, None)])
        audit.record(conn, vault, user, "mention_split", person=person_id, mention=key)
        regroup(conn, Touched(set(members)))
        return person_of(conn, key)


def distinct(conn: Connection, vault: Vault, user: User, a: str, b: str) -> None:
    """The two persons are not the same: no pair of their mentions may ever meet."""
    if a == b:
        raise PersonError("name two different persons")
    with transaction(conn):
        ours, theirs = mentions_of(conn, a), mentions_of(conn, b)
        _decide(conn, user, "distinct", [_pair(x, y) for x in ours for y in theirs])
        audit.record(conn, vault, user, "persons_distinct", persons=sorted((a, b)))
        regroup(conn, Touched({*ours, *theirs}))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _decide(conn: Connection, user: User, kind: str,
            pairs: Iterable[tuple[str, str | None]]) -> None:
    stamp = now_utc()
    conn.executemany("INSERT INTO person_decisions (kind, first, second, decided_by, decided_at) "
                     "VALUES (?, ?, ?, ?, ?)", [(kind, a, b, user.id, stamp) for a, b in pairs])
