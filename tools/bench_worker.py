"""One measured operation of `make bench` in a process of its own, so its peak resident memory
(``ru_maxrss``) is its own: export, verify, import, or a large attachment through encryption and
back (and, for tools/bench_import.py, an import without the perpetrator index). Prints one
JSON line. Run by tools/bench.py, not by hand."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from intake.archive import importer
from intake.bundles import export as exports
from intake.bundles import own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.config import Config
from intake.home.instance import unlock
from intake.records import attachments, testimonies
from intake.store.connection import connect
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """Resident memory now (Linux), to tell what the operation adds from what the program is."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def main(home: str, operation: str, *args: str) -> dict:
    config = Config(home=Path(home), kdf=CHEAP_KDF)
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    result: dict = {"before_mb": resident_mb()}
    start, cpu = time.perf_counter(), time.process_time()
    if operation == "export":
        purpose, out = args
        recipients = recipient_keys.recipients(conn)
        plan = selection.plan(conn, vault, user, purpose, recipients)
        exports.write(conn, vault, user, plan, recipients, Path(out))
        result.update(records=len(plan.included), bytes=Path(out).stat().st_size)
    elif operation == "verify":
        bundle = bundle_reader.verify(Path(args[0]), own_keys.identities(conn, vault))
        result["records"] = len(bundle.records)
    elif operation in ("import", "import-without-index"):
        path, trust = args
        if operation == "import-without-index":  # the baseline: the import as before the index
            for name in ("catch_up", "index_record", "drop_withdrawn", "regroup"):
                setattr(importer.persons, name, lambda *_args, **_kwargs: 0)
        imported = importer.import_bundle(conn, vault, user, Path(path),
                                         own_keys.identities(conn, vault), trust=trust)
        result["records"] = sum(imported.counts[k] for k in ("new", "updated", "unchanged"))
        # The import alone, not the counts below; its CPU time too (other work shares the cores).
        result.update(seconds=time.perf_counter() - start, cpu_seconds=time.process_time() - cpu)
        ((result["mentions"], result["persons"]),) = conn.execute(
            "SELECT count(*), count(DISTINCT person) FROM archive_mentions")
    elif operation == "attachment":
        document = full_record()
        document["consent"]["audio"] = True
        record = testimonies.create(conn, vault, user, document)
        start = time.perf_counter()
        with open(args[0], "rb") as source:
            upload = attachments.receive(source, config.attachments_path)
        encrypted = time.perf_counter() - start
        result.update(encrypt_seconds=encrypted, encrypt_peak_mb=peak_mb())
        item = testimonies.attach(conn, vault, user, record.id, upload, kind="audio",
                                  filename="long.ogg", declared_type="audio/ogg")
        decrypting = time.perf_counter()
        for _ in attachments.chunks(conn, item):  # checks the SHA-256 at the end
            pass
        result["decrypt_seconds"] = time.perf_counter() - decrypting
    result.setdefault("seconds", time.perf_counter() - start)
    result["peak_mb"] = peak_mb()
    conn.close()
    vault.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
