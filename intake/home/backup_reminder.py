"""The backup reminder: whether the list page should remind the user to back up this laptop,
as plain data (the page words it). Due when there was never a backup, or the last one is older
than the configured number of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from intake.store.connection import Connection
from intake.store.settings import get_setting


@dataclass(frozen=True)
class BackupReminder:
    last_backup: str  # the last backup's UTC time (ISO 8601), "" when there was none
    due: bool


def reminder(conn: Connection, reminder_days: int, *, now: datetime | None = None) -> BackupReminder:
    """When this home was last backed up, and whether a reminder is due ``now``."""
    last = get_setting(conn, "last_backup") or ""
    age = (now or datetime.now(UTC)) - datetime.fromisoformat(last) if last else None
    return BackupReminder(last, age is None or age > timedelta(days=reminder_days))
