"""Exports and imports killed with SIGKILL at random moments: an export leaves either a whole,
verifiable bundle under its name or none (a `.partial` at most, swept at the next start); an
import leaves the archive with all of a bundle or nothing of it, and the store intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from intake.archive import catalogue
from intake.bundles import own_keys
from intake.bundles import reader as bundle_reader
from intake.records import testimonies
from intake.store.connection import connect
from intake.web.app import create_app
from tests.bundles.test_bundles import add, export, field, identity, law, lawyers  # noqa: F401
from tests.conftest import CHEAP_KDF, PASSPHRASE, full_record


def _intake(*args: str) -> subprocess.Popen:
    env = {**os.environ, "INTAKE_PASSPHRASE": PASSPHRASE, "INTAKE_USER": "Layla Admin",
           "INTAKE_KDF_MEMORY_KIB": str(CHEAP_KDF.memory_kib),
           "INTAKE_KDF_TIME_COST": str(CHEAP_KDF.time_cost),
           "INTAKE_KDF_PARALLELISM": str(CHEAP_KDF.parallelism)}
    return subprocess.Popen([sys.executable, "-m", "intake", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_at_random(process: subprocess.Popen, longest: float) -> None:
    time.sleep(random.uniform(0.05, longest))
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.slow
def test_killed_exports_leave_a_whole_bundle_or_none(field, law, lawyers, tmp_path):  # noqa: F811
    for _ in range(40):
        testimonies.create(field.conn, field.vault, field.user,
                           full_record(notes="x" * 50_000), completed=True)
    out = tmp_path / "out"
    out.mkdir()
    for n in range(6):
        target = out / f"{n}.intake.age"
        _kill_at_random(_intake("--home", str(field.config.home), "export", "--purpose", "trial",
                                "--to", "Lawyers", "--out", str(target), "--all"), 2.5)
        if target.exists():
            assert bundle_reader.verify(target, [identity(law)]).passed
    assert field.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    exports_dir = field.config.exports_path
    exports_dir.mkdir(exist_ok=True)
    (exports_dir / "trial-1.intake.age.partial").write_bytes(b"half")
    create_app(field.config)  # the next start sweeps what a crash left half-written
    assert not list(exports_dir.glob("*.partial"))


@pytest.mark.slow
def test_killed_imports_leave_all_or_nothing(field, law, lawyers, tmp_path):  # noqa: F811
    add(field, 30)
    bundle = tmp_path / "b.intake.age"
    export(field, [lawyers], bundle)
    trust = own_keys.signing_key(field.conn, field.vault).fingerprint
    law.conn.close()
    for _ in range(6):
        _kill_at_random(_intake("--home", str(law.config.home), "import", str(bundle),
                                "--trust", trust), 2.0)
        conn = connect(law.config.database_path, law.vault.db_key)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            bundles = conn.execute("SELECT count(*) FROM bundles").fetchone()[0]
            records = catalogue.search(conn)[1]
            assert (bundles, records) in ((0, 0), (1, 30)), (bundles, records)
        finally:
            conn.close()
    law.conn = connect(law.config.database_path, law.vault.db_key)
