"""The users of a home (the ``users`` table) and their roles; their key slots are in
vault/keyslots.py, changed through home/passphrases.py."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from intake.clock import now_utc
from intake.home.errors import InstanceError
from intake.store.connection import Connection

ROLES = ("interviewer", "supervisor", "admin")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    label: str

    @property
    def sees_all(self) -> bool:
        return self.role in ("supervisor", "admin")


def clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise InstanceError("A user name must be 1 to 100 printable characters.")
    return name


def insert_user(conn: Connection, label: str, name: str, role: str) -> None:
    if role not in ROLES:
        raise InstanceError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    conn.execute("INSERT INTO users (label, name, role, created_at) VALUES (?, ?, ?, ?)",
                 (label, name, role, now_utc()))


def user_by_label(conn: Connection, label: str) -> User | None:
    row = conn.execute("SELECT id, name, role, label FROM users WHERE label = ?",
                       (label,)).fetchone()
    return User(*row) if row else None


def list_users(conn: Connection) -> list[User]:
    rows = conn.execute("SELECT id, name, role, label FROM users ORDER BY name").fetchall()
    return [User(*row) for row in rows]
