"""Whether an instance is a field laptop or the legal team's archive (docs/archive.md, "The
workspace"): one program and one store format, two workspaces. The mode is a setting; a home made
before there were modes has none and is a field laptop. Only the menus and the field pages
(recording and exporting) depend on it."""

from __future__ import annotations

from intake.home import audit
from intake.store.connection import Connection
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault.keys import Vault

MODES = ("field", "archive")
_SETTING = "mode"


def mode(conn: Connection) -> str:
    """``"field"`` or ``"archive"``."""
    value = get_setting(conn, _SETTING, "field")
    return value if value in MODES else "field"


def require_mode(value: str) -> str:
    if value not in MODES:
        raise ValueError(f"an instance is one of: {', '.join(MODES)}")
    return value


def store_mode(conn: Connection, value: str) -> None:
    """Write the mode without an audit entry: for a new home, before it has a trail."""
    set_setting(conn, _SETTING, require_mode(value))


def set_mode(conn: Connection, vault: Vault, actor: audit.Actor, value: str) -> bool:
    """Change the mode (audited, so that who turned a laptop into an archive is on record);
    False when it was already ``value``."""
    require_mode(value)
    with transaction(conn):
        before = mode(conn)
        if before == value:
            return False
        store_mode(conn, value)
        audit.record(conn, vault, actor, "mode_changed", before=before, after=value)
    return True
