"""Server-side sessions: the cookie carries only a random id; everything else stays in memory.

Following the OWASP Session Management Cheat Sheet: 256-bit ids, HttpOnly and SameSite=Strict
cookies, a new id at login (no fixation), server state dropped at logout, lock and idle time-out.
Each instance's cookie has a name of its own (:func:`cookie_name`), since browsers keep cookies
per host, not per port (RFC 6265, section 8.5).
The unlocked vault of a session lives here and never leaves the process. A session whose vault
was closed elsewhere (the panic passphrase closes every vault: instance.panic_wipe) is locked
by the next request, as if it had timed out.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

COOKIE_PREFIX = "intake_session_"


def cookie_name(home: Path) -> str:
    """The session cookie's name for the instance at ``home``: a field laptop's instance and an
    archive on other ports of one computer would otherwise share one cookie, and signing in to
    one would sign the other out. A short hash of the home's full path: the same in every
    process serving that home and across restarts, different for two homes (two restored from
    one backup included), and naming nothing (docs/security.md, "Sessions")."""
    path = os.fsencode(home.resolve())
    return COOKIE_PREFIX + hashlib.sha256(b"testimony-intake session cookie\0" + path).hexdigest()[:12]


class ServerSession(CallbackDict, SessionMixin):
    """A session whose content never leaves the server."""

    def __init__(self, sid: str, initial: dict | None = None):
        def on_update(_: object) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.modified = False
        self.rotate = False


FORGET_AFTER_SECONDS = 12 * 3600


class MemorySessionInterface(SessionInterface):
    """Keeps sessions in a dict guarded by a lock. A session idle past ``idle_lock_seconds``, or
    whose vault was closed, is locked (its vault wiped) by the next request or by a reaper
    thread, whichever comes first."""

    def __init__(self, idle_lock_seconds: int, cookie_name: str):
        self._sessions: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self.idle_lock_seconds = idle_lock_seconds
        self.cookie_name = cookie_name
        reaper = threading.Thread(target=self._reap_forever, name="session-reaper", daemon=True)
        reaper.start()

    def _reap_forever(self) -> None:
        while True:
            time.sleep(min(30, max(1, self.idle_lock_seconds // 4)))
            with self._lock:
                self._reap(time.monotonic())

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.cookie_name, "")
        now = time.monotonic()
        with self._lock:
            self._reap(now)
            entry = self._sessions.get(sid)
        if entry is None:
            return ServerSession(secrets.token_urlsafe(32))
        return ServerSession(sid, entry[1])

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)  # noqa: S101 - set by open_session
        with self._lock:
            if session.rotate or not session:
                self._drop(self._sessions.pop(session.sid, None))
            if session.rotate:
                session.sid = secrets.token_urlsafe(32)
                session.rotate = False
            if session:
                self._sessions[session.sid] = (time.monotonic(), dict(session))
        if session:
            response.set_cookie(self.cookie_name, session.sid, httponly=True,
                                samesite="Strict", path="/")
        else:
            response.delete_cookie(self.cookie_name, path="/")

    def _reap(self, now: float) -> None:
        for sid, (seen, data) in list(self._sessions.items()):
            if now - seen > FORGET_AFTER_SECONDS:
                self._drop(self._sessions.pop(sid))
            elif now - seen > self.idle_lock_seconds and ("vault" in data or "setup" in data):
                lock(data)
            elif "vault" in data and data["vault"].closed:
                lock(data)

    @staticmethod
    def _drop(entry: tuple[float, dict] | None) -> None:
        """Wipe the keys of a session that is going away."""
        if entry:
            lock(entry[1])



def lock(data: MutableMapping[str, Any]) -> None:
    """Wipe and forget a session's keys and pending secrets; remember only who was signed in."""
    vault = data.pop("vault", None)
    if vault is not None:
        vault.close()
    user = data.pop("user", None)
    data.pop("setup", None)
    data.pop("query", None)
    if user:
        data["locked_user"] = user["name"]
