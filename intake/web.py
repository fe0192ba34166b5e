"""Per-request helpers for the views: who is signed in, their vault, and the store connection."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, session, url_for

from .config import Config
from .instance import User
from .store import Connection, connect
from .vault import Vault


def config() -> Config:
    return current_app.config["INTAKE"]


def current_user() -> User | None:
    vault = session.get("vault")
    data = session.get("user")
    if vault is None or data is None or vault.closed:
        return None
    return User(**data)


def current_vault() -> Vault:
    return session["vault"]


def db() -> Connection:
    """The store connection of this request, opened on first use with the session's key."""
    if "db" not in g:
        g.db = connect(config().database_path, current_vault().db_key)
    return g.db


def close_db(_: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


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
