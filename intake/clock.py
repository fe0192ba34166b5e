"""The one clock: UTC, to the second, ISO 8601 (what every stored time uses), and the local
calendar date (what a form offers as "today")."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def today_local() -> str:
    """Today's date where the laptop is, ISO 8601: an interview at 01:00 in Duhok (UTC+3)
    happened on that day, not on the UTC one before it."""
    return date.today().isoformat()
