"""Screenings kept for review: a list, its candidates and the decisions people took about them,
sealed in the store (docs/screening.md, docs/security.md "Screening lists").

A screening is one sealed document under a data key of its own (vault/keys.py), like a
testimony: the list's rows and problems, each row's candidates with their score, level and
reasons, and the decisions (confirmed, rejected or unsure, with a note, who and when). Outside
the seal the store keeps only what the list of screenings shows: its id, the label its user
gave it, when and by whom, and counts. Each decision seals a new version. Deleting a screening
overwrites its data key and sealed document (the store's secure_delete), so nothing of the list
stays readable. Saving, each decision and deleting are audited with the screening's id, row
numbers and person ids, never a name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass

from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.screening.lists import ListedPerson, ReadList, RowProblem
from intake.screening.matching import Match, Reason, RowResult
from intake.store.connection import Connection
from intake.store.transactions import transaction
from intake.vault.keys import Vault

DECISIONS = ("confirmed", "rejected", "unsure")
_ID = re.compile(r"^S-[0-9a-f]{8}$")
MAX_NOTE = 2_000


class ScreeningError(Exception):
    """A screening that does not exist, a label taken, or a decision that cannot be taken."""


@dataclass(frozen=True)
class Decision:
    decision: str
    note: str
    by: str
    at: str


@dataclass(frozen=True)
class Summary:
    id: str
    label: str
    created_at: str
    created_by: str
    rows: int
    with_candidates: int
    confirmed: int


@dataclass(frozen=True)
class Screening:
    summary: Summary
    columns: tuple[str, ...]
    results: tuple[RowResult, ...]
    problems: tuple[RowProblem, ...]
    decisions: dict[tuple[int, str], Decision]  # (row number, person id)


def save(conn: Connection, vault: Vault, user: User, label: str, read: ReadList,
         results: list[RowResult]) -> Summary:
    """Seal a new screening under ``label`` (unique) and audit it."""
    label = " ".join(label.split())[:200]
    if not label or _ID.match(label):
        raise ScreeningError("a screening needs a name (not one like S-1a2b3c4d)")
    screening_id = f"S-{secrets.token_hex(4)}"
    document = {"columns": list(read.columns),
                "rows": [{"row": asdict(r.row), "matches": [_match_out(m) for m in r.matches]}
                         for r in results],
                "problems": [asdict(p) for p in read.problems], "decisions": []}
    with transaction(conn):
        if conn.execute("SELECT 1 FROM screenings WHERE label = ?", (label,)).fetchone():
            raise ScreeningError(f"a screening named {label!r} exists already")
        data_key = vault.new_data_key(_key(screening_id))
        counts = _counts(results)
        conn.execute(
            "INSERT INTO screenings (id, label, created_at, created_by, rows, with_candidates, "
            "confirmed, version, data_key, sealed) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?)",
            (screening_id, label, now_utc(), user.name, len(results), counts["with_candidates"],
             data_key,
             vault.seal_record(_key(screening_id), 1, data_key, document)))
        audit.record(conn, vault, user, "screening_saved", screening=screening_id, **counts)
    return summary(conn, screening_id)


def record_run(conn: Connection, vault: Vault, user: User, results: list[RowResult]) -> None:
    """Audit a screening that is not kept (the command line without ``--save``)."""
    audit.record(conn, vault, user, "screening_run", **_counts(results))


def _counts(results: list[RowResult]) -> dict[str, int]:
    return {"rows": len(results), "with_candidates": sum(1 for r in results if r.matches),
            "candidates": sum(len(r.matches) for r in results),
            "strong": sum(1 for r in results for m in r.matches if m.level == "strong")}


def listing(conn: Connection) -> list[Summary]:
    """Every screening, the newest first."""
    return [Summary(*row) for row in conn.execute(
        "SELECT id, label, created_at, created_by, rows, with_candidates, confirmed "
        "FROM screenings ORDER BY created_at DESC, id")]


def summary(conn: Connection, key: str) -> Summary:
    """The screening whose id or label is ``key``."""
    row = conn.execute("SELECT id, label, created_at, created_by, rows, with_candidates, "
                       "confirmed FROM screenings WHERE id = ? OR label = ?", (key, key)).fetchone()
    if row is None:
        raise ScreeningError(f"no screening {key}")
    return Summary(*row)


def load(conn: Connection, vault: Vault, key: str) -> Screening:
    """The screening whose id or label is ``key``, opened."""
    found = summary(conn, key)
    document = _open(conn, vault, found.id)[1]
    results = tuple(RowResult(ListedPerson(**r["row"]), tuple(_match_in(m) for m in r["matches"]))
                    for r in document["rows"])
    decisions = {(d["row"], d["person"]): Decision(d["decision"], d["note"], d["by"], d["at"])
                 for d in document["decisions"]}
    return Screening(found, tuple(document["columns"]), results,
                     tuple(RowProblem(**p) for p in document["problems"]), decisions)


def decide(conn: Connection, vault: Vault, user: User, key: str, row: int, person: str,
           decision: str, note: str = "") -> None:
    """Confirm, reject or mark unsure one candidate of one row (a new sealed version, audited)."""
    if decision not in DECISIONS:
        raise ScreeningError(f"a decision is one of {', '.join(DECISIONS)}")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ScreeningError(f"a note has at most {MAX_NOTE} characters")
    screening_id = summary(conn, key).id
    with transaction(conn):
        version, document = _open(conn, vault, screening_id)
        candidates = {(r["row"]["row"], m["person"]) for r in document["rows"] for m in r["matches"]}
        if (row, person) not in candidates:
            raise ScreeningError(f"row {row} has no candidate {person}")
        kept = [d for d in document["decisions"] if (d["row"], d["person"]) != (row, person)]
        kept.append({"row": row, "person": person, "decision": decision, "note": note,
                     "by": user.name, "at": now_utc()})
        document["decisions"] = kept
        (data_key,) = conn.execute("SELECT data_key FROM screenings WHERE id = ?",
                                   (screening_id,)).fetchone()
        conn.execute("UPDATE screenings SET version = ?, sealed = ?, confirmed = ? WHERE id = ?",
                     (version + 1, vault.seal_record(_key(screening_id), version + 1, data_key,
                                                     document),
                      sum(1 for d in kept if d["decision"] == "confirmed"), screening_id))
        audit.record(conn, vault, user, "screening_decided", screening=screening_id, row=row,
                     person=person, decision=decision)


def delete(conn: Connection, vault: Vault, user: User, key: str) -> None:
    """Erase a screening: its key and sealed document are overwritten (audited)."""
    screening_id = summary(conn, key).id
    with transaction(conn):
        conn.execute("DELETE FROM screenings WHERE id = ?", (screening_id,))
        audit.record(conn, vault, user, "screening_deleted", screening=screening_id)


def is_id(text: str) -> bool:
    """Whether ``text`` is written like a screening's id."""
    return bool(_ID.match(text))


def _key(screening_id: str) -> str:
    return f"screening {screening_id}"


def _open(conn: Connection, vault: Vault, screening_id: str) -> tuple[int, dict]:
    version, data_key, sealed = conn.execute(
        "SELECT version, data_key, sealed FROM screenings WHERE id = ?", (screening_id,)).fetchone()
    return version, vault.open_record(_key(screening_id), version, data_key, sealed)


def _match_out(match: Match) -> dict:
    return {**asdict(match), "reasons": [asdict(r) for r in match.reasons]}


def _match_in(found: dict) -> Match:
    return Match(**{**found, "reasons": tuple(Reason(**r) for r in found["reasons"])})
