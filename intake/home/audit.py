"""The audit trail: an append-only, tamper-evident log of who did what, inside the encrypted store.

Each entry holds its sequence number, time, actor, event and details (ids, witness codes,
purposes, counts: never testimony content), the MAC of the entry before it, and its own MAC:
HMAC-SHA256 under a key derived from the master key, over the previous MAC and the entry's
canonical JSON (a hash chain, as in RFC 6962's append-only logs, authenticated so that nobody
without the master key can rewrite it). The newest sequence number and MAC are also kept,
authenticated, in the settings table, so that removing entries from the end is caught too.
:func:`verify` names the first entry that does not fit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from intake.store.connection import Connection
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault.crypto import keyed_hash, same_bytes
from intake.vault.keys import Vault

GENESIS = "0" * 64
EVENTS = ("sign_in", "failed_sign_ins", "view", "create", "edit", "complete", "delete",
          "export", "import", "consent_withdrawn", "backup", "user_added", "passphrase_changed",
          "panic_set", "panic_removed", "attachment_added", "attachment_viewed",
          "attachment_removed", "mode_changed", "source_compromised", "source_cleared",
          "restricted_viewed", "persons_merged", "mention_split", "persons_distinct",
          "screening_run", "screening_saved", "screening_decided", "screening_exported",
          "screening_deleted", "document_printed", "claim_updated", "receipt_made",
          "receipt_applied")


class Actor(Protocol):
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    event: str
    detail: dict
    prev: str
    mac: str

    def body(self) -> str:
        return json.dumps({"seq": self.seq, "at": self.at, "actor": self.actor,
                           "event": self.event, "detail": self.detail},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record(conn: Connection, vault: Vault, actor: Actor | None, event: str, **detail: object) -> None:
    """Append one entry (inside the caller's transaction, if there is one)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    with transaction(conn):
        last = conn.execute("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        entry = Entry(seq, at, actor.name if actor else "-", event, detail, prev, "")
        mac = keyed_hash(vault.audit_key, prev + entry.body())
        conn.execute("INSERT INTO audit_log (seq, at, actor, event, detail, prev, mac) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (seq, entry.at, entry.actor, event,
                      json.dumps(detail, ensure_ascii=False, sort_keys=True), prev, mac))
        set_setting(conn, "audit_head", f"{seq}:{mac}:{keyed_hash(vault.audit_key, f'{seq}:{mac}')}")


def entries(conn: Connection, since: str = "") -> list[Entry]:
    """Every entry at or after ``since`` (an ISO date or time; all when empty), oldest first."""
    rows = conn.execute("SELECT seq, at, actor, event, detail, prev, mac FROM audit_log "
                        "WHERE at >= ? ORDER BY seq", (since,)).fetchall()
    return _entries(rows)


def page(conn: Connection, number: int, per_page: int) -> tuple[list[Entry], int]:
    """Page ``number`` (from 1) of the entries, newest first, and how many entries there are.
    Only that page's rows are read and parsed: SQLite walks the sequence numbers backwards."""
    (total,) = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    rows = conn.execute("SELECT seq, at, actor, event, detail, prev, mac FROM audit_log "
                        "ORDER BY seq DESC LIMIT ? OFFSET ?",
                        (per_page, (max(number, 1) - 1) * per_page)).fetchall()
    return _entries(rows), total


def _entries(rows: list[tuple]) -> list[Entry]:
    return [Entry(seq, at, actor, event, json.loads(detail), prev, mac)
            for seq, at, actor, event, detail, prev, mac in rows]


def verify(conn: Connection, vault: Vault) -> str | None:
    """``None`` when the whole chain holds; otherwise one line naming the first broken entry."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in entries(conn):
        if entry.seq != expected_seq:
            return f"entry {expected_seq} is missing (the next one is {entry.seq})"
        if not same_bytes(entry.prev.encode(), expected_prev.encode()):
            return f"entry {entry.seq} does not follow entry {entry.seq - 1}"
        if not same_bytes(entry.mac.encode(), keyed_hash(vault.audit_key,
                                                         entry.prev + entry.body()).encode()):
            return f"entry {entry.seq} was altered"
        expected_prev, expected_seq = entry.mac, entry.seq + 1
    head = get_setting(conn, "audit_head", "")
    if not head and expected_seq == 1:
        return None
    seq, mac, check = (head or "::").split(":")
    if not same_bytes(check.encode(), keyed_hash(vault.audit_key, f"{seq}:{mac}").encode()):
        return "the record of the newest entry was altered"
    if int(seq) != expected_seq - 1 or mac != expected_prev:
        return f"entries after {expected_seq - 1} were removed (the log had {seq})"
    return None
