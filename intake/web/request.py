"""Per-request helpers for the views: who is signed in, their vault, and the store connection.

Each unlocked vault keeps a few store connections open between requests (opening one costs about
a millisecond: docs/benchmarks.md); they are closed the moment the vault closes (lock, sign-out,
idle timeout), so no connection holds the key of a locked session. The pools belong to the
application (web/state.py).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import IO, Any

from flask import Request, abort, current_app, g, redirect, session, url_for

from intake.config import Config
from intake.home.users import User
from intake.records import attachments
from intake.store.connection import Connection, connect
from intake.vault.keys import Vault
from intake.web.state import AppState, state

_IDLE_CONNECTIONS = 4


class IntakeRequest(Request):
    """A request whose file parts are never spooled to a temporary file: an attachment is
    encrypted while the form is parsed (attachments.Upload); a file part of any other page stays
    in memory, as the whole body already does (under ``max_content_length``: web/serving.py)."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        if self.endpoint == "attachments.add":
            return attachments.Upload(config().attachments_path)  # type: ignore[return-value]
        return io.BytesIO()


class ConnectionPool:
    """Idle store connections of one unlocked vault."""

    def __init__(self, path: Path, vault: Vault):
        self._path, self._vault = path, vault
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        vault.on_close(self.close)

    def take(self) -> Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return connect(self._path, self._vault.db_key)

    def give(self, conn: Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with self._lock:
            if not self._closed and len(self._idle) < _IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _pool(vault: Vault) -> ConnectionPool:
    """The pool of ``vault`` in this application (web/state.py)."""
    app = state()
    with app.pools_lock:
        pool = app.pools.get(vault)
        if pool is None:
            pool = app.pools[vault] = ConnectionPool(config().database_path, vault)
            vault.on_close(lambda: _forget_pool(app, vault))  # the pool holds the vault
        return pool


def _forget_pool(app: AppState, vault: Vault) -> None:
    with app.pools_lock:
        app.pools.pop(vault, None)


def config() -> Config:
    return current_app.config["INTAKE"]


def current_user() -> User | None:
    vault = session.get("vault")
    data = session.get("user")
    if vault is None or data is None or vault.closed:
        return None
    return User(**data)


def signed_in_user() -> User:
    """The user of a view that ``login_required`` guards (never ``None`` there)."""
    user = current_user()
    assert user is not None  # noqa: S101 - login_required ran first
    return user


def current_vault() -> Vault:
    return session["vault"]


def db() -> Connection:
    """The store connection of this request, taken from the session's pool on first use."""
    if "db" not in g:
        g.db_pool = _pool(current_vault())
        g.db = g.db_pool.take()
    return g.db


def close_db(_: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        g.pop("db_pool").give(conn)


def sign_in(vault: Vault, user: User) -> None:
    """Bind an unlocked vault to this session under a new session id."""
    old = session.pop("vault", None)
    if old is not None and old is not vault:
        old.close()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["vault"] = vault
    session["user"] = {"id": user.id, "name": user.name, "role": user.role, "label": user.label}
    session.rotate = True  # type: ignore[attr-defined]


def login_required(*roles: str) -> Callable:
    """Views behind this need an unlocked session (and one of ``roles``, if given)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if session.get("locked_user"):
                    return redirect(url_for("auth.unlock"))
                return redirect(url_for("auth.login"))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
