"""Withdrawing consent for one purpose: kept in the record's consent history (with its time, who
took it down and an optional note) and in ``withdrawals``, which every later export honours
(bundles/export.py carries a revocation notice to each recipient that received the record)."""

from __future__ import annotations

import json

from intake.clock import now_utc
from intake.home import audit
from intake.home.users import User
from intake.records import consent, testimonies
from intake.records.testimonies import Testimony
from intake.store.connection import Connection, scrub_wal
from intake.store.transactions import transaction
from intake.vault.keys import Vault


class WithdrawalError(ValueError):
    """Consent cannot be withdrawn as asked (one line, safe to show)."""


def withdraw(conn: Connection, vault: Vault, user: User, record_id: str, purpose: str,
             note: str = "") -> Testimony:
    """Withdraw consent for one purpose: recorded in the consent history (with ``note``) and
    honoured by every later export."""
    if purpose not in consent.WITHDRAWABLE:
        raise WithdrawalError(f"unknown purpose {purpose!r}")
    record = testimonies.load(conn, vault, record_id, user)
    document = json.loads(json.dumps(record.document))
    given = consent.consent_given(document, purpose)
    entry = {"purpose": purpose, "value": False, "at": now_utc(), "by": user.name,
             "method": "withdrawal", **({"note": note.strip()} if note.strip() else {})}
    document["consent"][purpose] = False
    document["consent"].setdefault("history", []).append(entry)
    with transaction(conn):
        conn.execute("INSERT INTO withdrawals (record_id, purpose, withdrawn_at, withdrawn_by) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     (record_id, purpose, entry["at"], user.id))
        audit.record(conn, vault, user, "consent_withdrawn", record_id=record_id,
                     witness_code=record.witness_code, purpose=purpose)
        saved = record if not given and not note.strip() else testimonies.save(
            conn, vault, user, record_id, document, draft=record.status != "complete")
    scrub_wal(conn)  # the version before the withdrawal must not stay in the WAL
    return saved
