"""Measuring the perpetrator index (intake/archive/persons.py) and the People pages in a real
archive: indexing synthetic mentions (two a record, names from tools/bench_names.py, 200,000 by
default), a regroup of all of them with the People list's summary built
(archive/person_summary.py), the regroup an import of 50 new records causes (only the mentions
those reach), and then, through the Flask app with a signed-in session, the People list (first
page, a filtered page, a deep page) and a name search in Latin and in Arabic letters, with the
process's peak memory. A person's page is not measured here: its bars to amnesty open the records,
and these synthetic ones are not sealed (docs/benchmarks.md measures it on real records).
`python -m tools.bench_persons [--size N]`; `make bench` runs it with PERSONS_BENCH_SIZE
(200,000 by default)."""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from intake.archive import person_summary, persons
from intake.records.taxonomy import acts
from intake.store.connection import Connection
from intake.store.settings import set_setting
from intake.store.transactions import transaction
from intake.web.app import create_app
from tests.archive_homes import make_archive
from tests.conftest import csrf_token, sign_in
from tools.bench_names import _is_arabic, synthetic

SOURCES = (("a" * 64, "Bench Org"), ("b" * 64, "Second Org"))
ROLES = ("guard", "emir", "driver", "judge", "")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _record(conn: Connection, number: int, source: str) -> int:
    return conn.execute(
        "INSERT INTO archive_records (source, record_id, purpose, witness_code, version, "
        "bundle_id, imported_at, data_key, sealed, persons_indexed) VALUES (?, ?, 'trial', ?, 1, "
        "?, '', x'00', x'00', 1)", (source, f"r{number}", f"W-{number}", source[:8])).lastrowid


def _envelope(number: int, names: list[str], rng: random.Random, taxonomy: list[str]) -> dict:
    return {"id": f"r{number}", "witness_code": f"W-{number}", "document": {"incidents": [
        {"acts": rng.sample(taxonomy, rng.randint(1, 3)), "date": "2014-08", "place": "Sinjar",
         "perpetrators": [{"name": name, "role": rng.choice(ROLES)} for name in names]}]}}


def _index(conn: Connection, names: list[str], numbers: range, touched: persons.Touched) -> None:
    rng, taxonomy = random.Random(numbers.start), sorted(acts())
    for number in numbers:
        source = SOURCES[number % 2][0]
        persons.index_record(conn, _record(conn, number, source), source,
                             _envelope(number, names[2 * number:2 * number + 2], rng, taxonomy),
                             touched)


def timed(action: Callable[[], object], repeat: int = 7) -> str:
    """The first call, then the median of ``repeat`` more, in ms."""
    started = time.perf_counter()
    action()
    first = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return f"{statistics.median(samples):.1f} ms (first {first:.1f} ms)"


def run(size: int, folder: Path) -> dict[str, str]:
    law = make_archive(folder / "law")
    conn = law.conn
    for fingerprint, organisation in SOURCES:
        conn.execute("INSERT INTO sources (fingerprint, organisation, public_key, trusted_at) "
                     "VALUES (?, ?, '', '')", (fingerprint, organisation))
        conn.execute("INSERT INTO bundles VALUES (?, ?, 'trial', 1, '2026-01-01', '', NULL, 0, "
                     "0, '')", (fingerprint[:8], fingerprint))
    names = [m.name for m in synthetic(size + 100)[0]]  # the names alone are held
    figures: dict[str, str] = {}
    started = time.perf_counter()
    with transaction(conn):
        _index(conn, names, range(size // 2), persons.Touched())
    figures[f"index {size:,} mentions ({size // 2:,} records)"] = \
        f"{time.perf_counter() - started:.1f} s (peak memory {peak_mb():.0f} MB)"
    started = time.perf_counter()
    with transaction(conn):
        persons.regroup(conn)
        # Keys and groups made under this version's rules: the pages need not catch up.
        set_setting(conn, "persons_rules", persons.RULES)
    (count,) = conn.execute("SELECT count(*) FROM person_summary").fetchone()
    figures[f"group all of them and build the summary ({count:,} persons)"] = \
        f"{time.perf_counter() - started:.1f} s (peak memory {peak_mb():.0f} MB)"
    started = time.perf_counter()
    with transaction(conn):
        person_summary.rebuild(conn)
    figures["of which the summary alone"] = f"{time.perf_counter() - started:.1f} s"
    touched = persons.Touched()
    started = time.perf_counter()
    with transaction(conn):
        _index(conn, names, range(size // 2, size // 2 + 50), touched)
        persons.regroup(conn, touched)
    reached = len(persons.reachable(conn, touched))
    figures["an import of 50 records (100 mentions): indexed, regrouped, summary refreshed"] = \
        f"{time.perf_counter() - started:.2f} s, reaching {reached:,} mentions"
    figures["load average after indexing and grouping"] = _load()
    figures.update(_web(law, conn))
    figures["peak memory at the end"] = f"{peak_mb():.0f} MB"
    figures["load average at the end"] = _load()
    law.close()
    return figures


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def _web(law, conn: Connection) -> dict[str, str]:
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302

    def get(url: str) -> Callable[[], object]:
        def fetch() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return fetch

    def search(query: str) -> Callable[[], object]:
        token = csrf_token(client.get("/archive/people/").get_data(as_text=True))

        def fetch() -> None:
            assert client.post("/archive/people/search", data={
                "csrf_token": token, "query": query}).status_code == 302
            get("/archive/people/")()
        return fetch

    big, = conn.execute("SELECT person FROM person_summary ORDER BY mentions DESC, person "
                        "LIMIT 1").fetchone()
    spellings = [text for (text,) in conn.execute(
        "SELECT text FROM person_spellings WHERE person = ?", (big,))]
    latin = next(t for t in spellings if not _is_arabic(t)).split()
    arabic = next(t for t in spellings if _is_arabic(t)).split()
    figures = {
        "People list, first page": timed(get("/archive/people/")),
        "People list, filtered by act and source": timed(get(
            f"/archive/people/?act=sexual_slavery&source={SOURCES[1][0]}")),
        "People list, filtered by qualification, page 20": timed(get(
            "/archive/people/?qualification=rs:7(1)(g)&page=20")),
        f"name search, Latin ({' '.join(latin[:2])!r}), first page":
            timed(search(" ".join(latin[:2]))),
        f"name search, Arabic ({' '.join(arabic[:2])!r}), first page":
            timed(search(" ".join(arabic[:2]))),
        f"name search, one word ({latin[0]!r})": timed(search(latin[0])),
    }
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(args.size, Path(folder))
    print(f"\n### The perpetrator index, {args.size:,} mentions\n\n| What | Figure |\n"
          "| --- | --- |")
    for name, value in figures.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
