"""Screenings started from the web interface run in a background thread, so the page can show
progress for a long list (10,000 rows take tens of seconds) and the request does not time out.

The list was read in the request, into memory; the job screens it with its own store
connection and the vault of the session that started it, then seals it (screening/
screenings.py). If the session locks, the vault's keys are wiped and the job stops with an error,
having kept nothing. Jobs live in the application's memory only (web/state.py) and belong to
the user who started them; a finished job holds only the screening's id.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from intake.archive import persons
from intake.config import Config
from intake.home.users import User
from intake.screening import engine, screenings
from intake.screening.lists import ReadList
from intake.store.connection import connect
from intake.vault.keys import Vault
from intake.web.state import state


@dataclass
class ScreeningJob:
    id: str
    owner_id: int
    total: int
    done: int = 0
    finished: bool = False
    error: str = ""
    screening_id: str = ""
    thread: threading.Thread | None = field(default=None, repr=False)


def start(config: Config, vault: Vault, user: User, label: str, read: ReadList) -> ScreeningJob:
    job = ScreeningJob(secrets.token_urlsafe(16), user.id, len(read.rows))

    def run() -> None:
        try:
            conn = connect(config.database_path, vault.db_key)
            try:
                persons.catch_up(conn, vault)
                results = engine.screen(conn, read,
                                        lambda done, _total: setattr(job, "done", done))
                job.screening_id = screenings.save(conn, vault, user, label, read, results).id
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - the page shows one line instead
            job.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        finally:
            job.finished = True

    jobs = state()
    with jobs.jobs_lock:
        jobs.screening_jobs[job.id] = job
    job.thread = threading.Thread(target=run, name="screening", daemon=True)
    job.thread.start()
    return job


SHORT_WAIT_SECONDS = 5.0


def wait(job: ScreeningJob, seconds: float) -> bool:
    """Wait up to ``seconds`` for the job to end; whether it has."""
    if job.thread is not None:
        job.thread.join(seconds)
    return job.finished


def get(job_id: str, user: User) -> ScreeningJob | None:
    """The job, if it exists and ``user`` started it."""
    jobs = state()
    with jobs.jobs_lock:
        job = jobs.screening_jobs.get(job_id)
    return job if job is not None and job.owner_id == user.id else None
