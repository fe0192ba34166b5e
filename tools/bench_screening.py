"""Measuring the screening of a list against the perpetrator index (intake/screening/engine.py)
in a real archive: the index of tools/bench_persons.py (synthetic mentions, two a record, names
from tools/bench_names.py, 200,000 by default) built and grouped, then, in a fresh process that
opens the archive as the server does, engine.screen for a 10-row list and a 10,000-row list
whose names are drawn from tools/bench_names.synthetic with another seed (the same common
names, so many rows meet the index's densest blocks), with that process's peak memory.
`python -m tools.bench_screening [--size N] [--profile]`; `make bench` runs it with
SCREENING_BENCH_SIZE (200,000 by default)."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from intake.archive import persons
from intake.config import Config
from intake.home.instance import unlock
from intake.screening import engine
from intake.screening.lists import ListedPerson, ReadList
from intake.store.connection import connect
from intake.store.transactions import transaction
from tests.archive_homes import make_archive
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE
from tools.bench_names import synthetic
from tools.bench_persons import SOURCES, _index, peak_mb

LISTS = (10, 10_000)
LIST_SEED = 1913  # not bench_names' own seed: other persons, the same common names


def build(size: int, folder: Path) -> tuple[Path, dict[str, str]]:
    """An archive whose index holds ``size`` mentions, grouped; its home and the figures."""
    law = make_archive(folder / "law")
    conn = law.conn
    for fingerprint, organisation in SOURCES:
        conn.execute("INSERT INTO sources (fingerprint, organisation, public_key, trusted_at) "
                     "VALUES (?, ?, '', '')", (fingerprint, organisation))
        conn.execute("INSERT INTO bundles VALUES (?, ?, 'trial', 1, '2026-01-01', '', NULL, 0, "
                     "0, '')", (fingerprint[:8], fingerprint))
    mentions, _truth = synthetic(size)
    started = time.perf_counter()
    with transaction(conn):
        _index(conn, [m.name for m in mentions], range(size // 2), persons.Touched())
        persons.regroup(conn)
    (count,) = conn.execute("SELECT count(*) FROM person_summary").fetchone()
    (blocks,) = conn.execute("SELECT count(*) FROM person_blocks").fetchone()
    figures = {f"index and group {size:,} mentions ({count:,} persons, {blocks:,} block keys)":
               f"{time.perf_counter() - started:.1f} s"}
    home = law.config.home
    law.close()
    return home, figures


def listed(rows: int) -> ReadList:
    """A list of ``rows`` names in one column, as a pasted list reads."""
    mentions, _truth = synthetic(rows, seed=LIST_SEED)
    return ReadList(rows=[ListedPerson(row=n, name=m.name) for n, m in enumerate(mentions, 1)])


def screen_in_this_process(home: Path, rows: int, profile: bool) -> dict[str, object]:
    """Open the archive and screen a list of ``rows``: seconds, candidates, peak MB."""
    config = Config(home=home, kdf=CHEAP_KDF)
    vault, _user = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    read = listed(rows)
    before = peak_mb()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    results = engine.screen(conn, read)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    conn.close()
    vault.close()
    return {"seconds": seconds, "with": sum(bool(r.matches) for r in results),
            "candidates": sum(len(r.matches) for r in results),
            "strong": sum(m.level == "strong" for r in results for m in r.matches),
            "peak": peak_mb(), "opened": before}


def _child(*args: str) -> dict:
    """Run this module in a process of its own (started from this small one: Linux carries a
    parent's resident size into ``ru_maxrss`` across fork and exec); its last line, as JSON."""
    done = subprocess.run([sys.executable, "-m", "tools.bench_screening", *args], check=True,
                          capture_output=True, text=True, env=os.environ)
    if done.stderr:
        print(done.stderr, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(size: int, folder: Path, profile: bool = False) -> dict[str, str]:
    built = _child("--build", str(folder), "--size", str(size))
    home, figures = Path(built["home"]), built["figures"]
    figures["peak memory of building it"] = f"{built['peak']:.0f} MB"
    for rows in LISTS:  # each in a fresh process: its own peak, as the server's screening job
        got = _child("--child", str(home), "--rows", str(rows), *(["--profile"] * profile))
        figures[f"screen a list of {rows:,} rows"] = (
            f"{got['seconds']:.2f} s; {got['with']:,} rows with candidates, "
            f"{got['candidates']:,} candidates ({got['strong']:,} strong)")
        figures[f"peak memory of that process ({rows:,} rows)"] = (
            f"{got['peak']:.0f} MB ({got['opened']:.0f} MB once the archive is open)")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int,
                        default=int(os.environ.get("SCREENING_BENCH_SIZE", "200000")))
    parser.add_argument("--profile", action="store_true", help="cProfile each screening")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        home, figures = build(args.size, args.build)
        print(json.dumps({"home": str(home), "figures": figures, "peak": peak_mb()}))
        return
    if args.child:
        print(json.dumps(screen_in_this_process(args.child, args.rows, args.profile)))
        return
    with tempfile.TemporaryDirectory() as folder:
        figures = run(args.size, Path(folder), args.profile)
    print(f"\n### Screening a list, {args.size:,} mentions in the index\n\n| What | Figure |\n"
          "| --- | --- |")
    for name, value in figures.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
