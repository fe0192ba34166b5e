"""The one clock: UTC, to the second, ISO 8601 (what every stored time uses)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
