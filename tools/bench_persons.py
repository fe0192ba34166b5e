"""Measuring the perpetrator index (intake/archive/persons.py) in a real store: indexing
200,000 synthetic mentions (two a record, names from tools/bench_names.py), a regroup of all of
them, and the regroup an import of 50 new records causes, which groups only the mentions those
touch. `python -m tools.bench_persons [--size N]`."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from intake.archive import persons
from intake.store.connection import Connection, connect
from intake.store.transactions import transaction
from tools.bench_names import synthetic


def _record(conn: Connection, number: int) -> int:
    return conn.execute(
        "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
        "bundle_id, imported_at, data_key, sealed) VALUES ('F0', ?, 'trial', ?, 1, 'b', '', "
        "x'00', x'00')", (f"r{number}", f"W-{number}")).lastrowid


def _envelope(number: int, names: list[str]) -> dict:
    return {"id": f"r{number}", "witness_code": f"W-{number}", "document": {"incidents": [
        {"acts": ["abduction"], "date": "2014-08", "place": "Sinjar",
         "perpetrators": [{"name": name} for name in names]}]}}


def run(size: int, folder: Path) -> None:
    conn = connect(folder / "bench.db", os.urandom(32))
    conn.execute("INSERT INTO sources (fingerprint, organisation, public_key, trusted_at) "
                 "VALUES ('F0', 'Org', '', '')")
    conn.execute("INSERT INTO bundles VALUES ('b', 'F0', 'trial', 1, '', '', NULL, 0, 0, '')")
    names = [m.name for m in synthetic(size + 100)]
    touched = persons.Touched()
    started = time.perf_counter()
    with transaction(conn):
        for number in range(size // 2):
            pair = names[2 * number:2 * number + 2]
            persons.index_record(conn, _record(conn, number), "F0",
                                 _envelope(number, pair), touched)
    indexed = time.perf_counter() - started
    started = time.perf_counter()
    with transaction(conn):
        persons.regroup(conn)
    everything = time.perf_counter() - started
    touched = persons.Touched()
    started = time.perf_counter()
    with transaction(conn):
        for number in range(size // 2, size // 2 + 50):
            pair = names[2 * number:2 * number + 2]
            persons.index_record(conn, _record(conn, number), "F0",
                                 _envelope(number, pair), touched)
        persons.regroup(conn, touched)
    one_import = time.perf_counter() - started
    reached = len(persons.reachable(conn, touched))
    (count,) = conn.execute("SELECT count(DISTINCT person) FROM archive_mentions").fetchone()
    print(f"{size} mentions indexed in {indexed:.1f} s; all regrouped in {everything:.1f} s "
          f"({count} persons); an import of 50 records (100 mentions) indexed and regrouped in "
          f"{one_import:.2f} s, reaching {reached} mentions")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.size, Path(folder))


if __name__ == "__main__":
    main()
