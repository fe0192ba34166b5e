"""`make bench`: figures for unlock, store open, sealing saves, the list/search page, and
exporting, verifying and importing a bundle of 1,000 testimonies.

Run with production Argon2id parameters for unlock; everything else on a throw-away home in a
temporary directory. Prints a small table; docs/benchmarks.md quotes it with the machine.
"""

from __future__ import annotations

import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

from intake import agefile, archive, bundle_reader, create_app, exports, keyring, testimonies
from intake.config import Config
from intake.crypto import KdfParams
from intake.instance import initialise, unlock
from intake.store import connect

from .conftest import full_record

PASSPHRASE = "amber river lantern seven"


def timed(action, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<44} median {statistics.median(samples):9.2f} ms   p95 {p95:9.2f} ms"
          f"   n={len(samples)}")


def main() -> None:
    print(f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(home=Path(tmp) / "home", kdf=KdfParams())
        initialise(config, "Bench Org", "Bench", PASSPHRASE)
        report("unlock (Argon2id 64 MiB, t=3, p=4)",
               timed(lambda: unlock(config, "Bench", PASSPHRASE)[0].close(), 5))
        vault, user = unlock(config, "Bench", PASSPHRASE)
        report("open store with raw key",
               timed(lambda: connect(config.database_path, vault.db_key).close(), 200))
        conn = connect(config.database_path, vault.db_key)
        record = testimonies.create(conn, vault, user, full_record())
        report("save one testimony (seal + write + index)",
               timed(lambda: testimonies.save(conn, vault, user, record.id, full_record(),
                                              draft=True), 200))
        report("load one testimony (read + open)",
               timed(lambda: testimonies.load(conn, vault, record.id, user), 200))
        for _ in range(999):
            testimonies.create(conn, vault, user, full_record(), completed=True)
        report("list page at 1,000 records",
               timed(lambda: testimonies.summaries(conn, user, page=3), 50))
        report("search at 1,000 records",
               timed(lambda: testimonies.summaries(conn, user, query="ناديه"), 50))

        app = create_app(Config(home=config.home, kdf=config.kdf))
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"csrf_token": token, "name": "Bench",
                                    "passphrase": PASSPHRASE})
        url = f"/testimonies/{record.id}/step/4"
        page = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "narrative-0-language": "ar",
                "narrative-0-text": "أخذونا من كوجو " * 200}
        check = client.post(url, data=form, headers={"X-Autosave": "1"})
        assert check.status_code == 200 and check.is_json, check.status_code
        report("autosave of a step through Flask (in process)",
               timed(lambda: client.post(url, data=form, headers={"X-Autosave": "1"}), 100))
        bundles(Path(tmp), conn, vault, user)
        conn.close()
        vault.close()


def bundles(tmp: Path, conn, vault, user) -> None:
    """Export the 999 complete records for trial, then verify and import them on an archive."""
    law = Config(home=tmp / "law", kdf=KdfParams(memory_kib=64, time_cost=1, parallelism=1))
    initialise(law, "Bench Law", "Bench", PASSPHRASE)
    law_vault, law_user = unlock(law, "Bench", PASSPHRASE)
    law_conn = connect(law.database_path, law_vault.db_key)
    keyring.create_identity(law_conn, law_vault)
    identity = keyring.identities(law_conn, law_vault)[0]
    recipient = keyring.add_recipient(conn, "Bench Law", agefile.public_key(identity))
    plan = exports.plan(conn, vault, user, "trial", [recipient])
    out = tmp / "bench.intake.age"
    seconds = timed(lambda: exports.write(conn, vault, user, plan, [recipient], out), 1)[0] / 1000
    size = out.stat().st_size / 1e6
    count = len(plan.included)
    print(f"{'export (trial) of ' + str(count) + ' records':<44} {seconds:9.2f} s     "
          f"{count / seconds:7.0f} records/s  {size / seconds:6.1f} MB/s  ({size:.1f} MB)")
    seconds = timed(lambda: bundle_reader.verify(out, [identity]), 1)[0] / 1000
    print(f"{'verify':<44} {seconds:9.2f} s     {count / seconds:7.0f} records/s")
    trust = keyring.signing_key(conn, vault).fingerprint
    seconds = timed(lambda: archive.import_bundle(law_conn, law_vault, law_user, out, [identity],
                                                  trust=trust), 1)[0] / 1000
    print(f"{'import (verify, then write)':<44} {seconds:9.2f} s     {count / seconds:7.0f} records/s")
    law_conn.close()
    law_vault.close()


if __name__ == "__main__":
    main()
