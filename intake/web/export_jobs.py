"""Exports started from the web interface run in a background thread, so the page can show
progress for a large export and the request does not time out.

A job opens its own store connection with the vault of the session that started it; if that
session locks, the vault's keys are wiped and the job stops with an error, leaving no file (the
bundle is written to a ``.partial`` name and renamed only when whole, bundles/export.py). Jobs live in
the memory of the application (web/state.py) only and belong to the user who started them.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from intake.bundles import export as exports
from intake.bundles import selection
from intake.bundles.recipient_keys import Recipient
from intake.config import Config
from intake.home.users import User
from intake.store.connection import connect
from intake.vault.keys import Vault
from intake.web.state import state


@dataclass
class Job:
    id: str
    owner_id: int
    path: Path
    total: int
    done: int = 0
    finished: bool = False
    error: str = ""
    summary: exports.ExportSummary | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


def start(config: Config, vault: Vault, user: User, plan: selection.ExportPlan,
          recipients: list[Recipient], name: str,
          write: Callable[..., exports.ExportSummary] = exports.write) -> Job:
    """Start writing the bundle of ``plan`` with ``write`` (a field laptop's testimonies, or an
    archive's onward bundle: archive/onward.write)."""
    config.exports_path.mkdir(mode=0o700, exist_ok=True)
    job = Job(secrets.token_urlsafe(16), user.id, config.exports_path / name, len(plan.included))

    def run() -> None:
        try:
            conn = connect(config.database_path, vault.db_key)
            try:
                job.summary = write(conn, vault, user, plan, recipients, job.path,
                                    progress=lambda done, _total: setattr(job, "done", done))
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - the page shows one line instead
            job.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        finally:
            job.finished = True

    jobs = state()
    with jobs.jobs_lock:
        jobs.jobs[job.id] = job
    job.thread = threading.Thread(target=run, name="export", daemon=True)
    job.thread.start()
    return job


def get(job_id: str, user: User) -> Job | None:
    """The job, if it exists and ``user`` started it."""
    jobs = state()
    with jobs.jobs_lock:
        job = jobs.jobs.get(job_id)
    return job if job is not None and job.owner_id == user.id else None
