"""What one application keeps in memory besides its sessions: export and screening jobs, the idle store
connections and the uploads in progress of each unlocked vault, the sign-in throttle and the
key-slot labels last read. It hangs on the app (``app.extensions["intake"]``, made by
``create_app``), so two apps in one process share none of it; each collection keeps its lock."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app

from intake.config import Config
from intake.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from intake.vault.keys import Vault
    from intake.web.export_jobs import Job
    from intake.web.request import ConnectionPool
    from intake.web.screening_jobs import ScreeningJob
    from intake.web.uploads import Uploads

_KEY = "intake"


@dataclass
class AppState:
    throttle: LoginThrottle
    jobs: dict[str, Job] = field(default_factory=dict)
    jobs_lock: threading.Lock = field(default_factory=threading.Lock)
    screening_jobs: dict[str, ScreeningJob] = field(default_factory=dict)
    pools: weakref.WeakKeyDictionary[Vault, ConnectionPool] = field(
        default_factory=weakref.WeakKeyDictionary)
    pools_lock: threading.Lock = field(default_factory=threading.Lock)
    uploads: weakref.WeakKeyDictionary[Vault, Uploads] = field(
        default_factory=weakref.WeakKeyDictionary)
    uploads_lock: threading.Lock = field(default_factory=threading.Lock)
    slot_labels: tuple[tuple[int, int, int], frozenset[str]] | None = None  # (file stat, labels)


def install(app: Flask, config: Config) -> None:
    app.extensions[_KEY] = AppState(LoginThrottle(config.login_backoff_seconds,
                                                  config.login_free_attempts))


def state() -> AppState:
    """The state of the application handling this request."""
    return current_app.extensions[_KEY]
