"""The search index under crypto-shredding: what each way of forgetting a record's words costs,
at 10,000 and 100,000 records (`make bench` runs it last; alone:
``python -m tools.bench_index 10000 100000``).

Each candidate is an FTS5 table built directly (no sealing, no audit: only the index is
measured) inside a real SQLCipher store opened by intake/store/connection.py's pragmas, fed the folded bodies
(``testimonies._search_body``) of bench_data's synthetic testimonies, in batches of 1,000 per
transaction. The candidates (docs/security.md, "The search index"):

- ``tombstone``: what the store did before: ``contentless_delete = 1``, a delete adds a tombstone;
- ``tombstone + secure-delete``: the same table with FTS5's ``secure-delete`` option set;
- ``tombstone + optimize``: the same, and ``'optimize'`` (merge every segment into one, which
  drops tombstoned rows' words) after each delete;
- ``secure-delete``: a plain contentless table with ``secure-delete`` on, a row's words removed by
  the ``'delete'`` command given exactly the words indexed (what intake now does);
- ``blind``: the words replaced by keyed hashes (HMAC-SHA256 under a sub-key, 64 bits), as a
  ``contentless_delete`` table: exact words only, no prefix search.

For each: the median and 95th percentile of a delete and of a save (one word of a record changed:
old words out, new words in) in their own transaction, each followed by
``wal_checkpoint(TRUNCATE)`` as intake does, and a save without the checkpoint (so the checkpoint's
own cost shows); a prefix search and a rare-word search; the store's size; and whether a deleted
record's word can still be found in the index's pages (``<table>_data``). Also the one-time
migration of a ``tombstone`` index to ``secure-delete`` (intake/store/connection.py, migration 5).
"""

from __future__ import annotations

import hmac
import os
import random
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from intake.records.testimonies import _search_body
from intake.store.connection import Connection, connect
from intake.store.migrations import MIGRATIONS
from intake.store.transactions import transaction
from tools.bench import machine, ms, timed_ms
from tools.bench_data import testimonies as synthetic

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
REPEAT_DELETE, REPEAT_SAVE, REPEAT_SEARCH = 20, 40, 20
ROWS_PER_CANDIDATE = REPEAT_DELETE + REPEAT_SAVE * 2 + 1
MARKER = "qzresiduemarkerword"


class Bodies:
    """The folded bodies of ``count`` synthetic testimonies, kept compressed in memory (100,000
    bodies are about 1.6 GB as Python strings), made once and read by every candidate."""

    def __init__(self, count: int):
        began = time.perf_counter()
        self.packed = [zlib.compress(_search_body(d).encode(), 1) for d in synthetic(count)]
        self.seconds = time.perf_counter() - began

    def __iter__(self) -> Iterator[str]:
        return (zlib.decompress(p).decode() for p in self.packed)

    def __getitem__(self, rowid: int) -> str:
        return zlib.decompress(self.packed[rowid - 1]).decode()


class Blind:
    """Words as keyed hashes: 16 hex digits of HMAC-SHA256 each."""

    def __init__(self) -> None:
        self.key = os.urandom(32)
        self.cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        return hmac.new(self.key, word.encode(), "sha256").hexdigest()[:16]

    def body(self, body: str, *, cached: bool = True) -> str:
        if not cached:
            return " ".join(self.word(w) for w in body.split())
        out = []
        for w in body.split():
            if (h := self.cache.get(w)) is None:
                h = self.cache[w] = self.word(w)
            out.append(h)
        return " ".join(out)


def build(path: Path, options: str, bodies: Bodies, transform: Callable[[str], str] = str,
          name: str = "testimony_search") -> tuple[Connection, float]:
    conn = connect(path, os.urandom(32))
    conn.execute(f"DROP TABLE {name}")  # the schema's own, replaced by the candidate's
    conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5 (body, content = '', {options}"
                 f"{TOKENIZE})")
    began = time.perf_counter()
    batch: list[tuple[int, str]] = []
    for rowid, body in enumerate(bodies, start=1):
        batch.append((rowid, transform(body)))
        if len(batch) == 1000:
            _insert(conn, name, batch)
            batch = []
    _insert(conn, name, batch)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conn, time.perf_counter() - began


def _insert(conn: Connection, name: str, rows: list[tuple[int, str]]) -> None:
    with transaction(conn):
        conn.executemany(f"INSERT INTO {name} (rowid, body) VALUES (?, ?)", rows)  # noqa: S608


class Candidate:
    """How one design removes and replaces a row's words."""

    def __init__(self, label: str, *, command: bool, optimize: bool = False,
                 transform: Callable[[str], str] = str):
        self.label, self.command, self.optimize, self.transform = (label, command, optimize,
                                                                   transform)

    def remove(self, conn: Connection, rowid: int, body: str) -> None:
        if self.command:
            conn.execute("INSERT INTO testimony_search (testimony_search, rowid, body) "
                         "VALUES ('delete', ?, ?)", (rowid, self.transform(body)))
        else:
            conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (rowid,))

    def add(self, conn: Connection, rowid: int, body: str) -> None:
        conn.execute("INSERT INTO testimony_search (rowid, body) VALUES (?, ?)",
                     (rowid, self.transform(body)))


def measure(conn: Connection, path: Path, candidate: Candidate, bodies: Bodies,
            rng: random.Random, rows: list[int], search: tuple[str, str]) -> dict[str, str]:
    """``rows``: ``ROWS_PER_CANDIDATE`` records no earlier candidate on this store touched."""
    deletes, saves, bare = (rows[:REPEAT_DELETE], rows[REPEAT_DELETE:REPEAT_DELETE + REPEAT_SAVE],
                            rows[REPEAT_DELETE + REPEAT_SAVE:-1])
    live = {row: bodies[row] for row in deletes + saves + bare}

    def delete(row: int) -> None:
        with transaction(conn):
            candidate.remove(conn, row, live.pop(row))
        if candidate.optimize:
            conn.execute("INSERT INTO testimony_search (testimony_search) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def save(row: int, checkpoint: bool) -> None:
        old = live[row]
        words = old.split()
        words[len(words) // 2] = f"village{rng.randrange(10**6)}"
        live[row] = " ".join(words)
        with transaction(conn):
            candidate.remove(conn, row, old)
            candidate.add(conn, row, live[row])
        if checkpoint:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    figures = {"delete": ms(_each(delete, deletes)),
               "save + TRUNCATE checkpoint": ms(_each(lambda r: save(r, True), saves)),
               "save alone": ms(_each(lambda r: save(r, False), bare))}
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for label, term in zip(("prefix search", "rare word"), search, strict=True):
        query = "SELECT count(*) FROM testimony_search WHERE testimony_search MATCH ?"
        (found,) = conn.execute(query, (term,)).fetchone()
        figures[label] = (ms(timed_ms(lambda t=term, q=query: conn.execute(q, (t,)).fetchone(),
                                      REPEAT_SEARCH)) + f", {found:,} rows")
    figures["store size"] = f"{path.stat().st_size / 1e6:.0f} MB"
    marker_row = rows[-1]  # a record that gets a word of its own, then is destroyed
    live[marker_row] = f"{bodies[marker_row]} {MARKER}"
    with transaction(conn):
        candidate.remove(conn, marker_row, bodies[marker_row])
        candidate.add(conn, marker_row, live[marker_row])
    delete(marker_row)
    tail = candidate.transform(MARKER)[-8:].encode()
    left = any(tail in (block or b"") for (block,) in conn.execute(
        "SELECT block FROM testimony_search_data"))
    figures["deleted word still in the index"] = "yes" if left else "no"
    return figures


def _each(action: Callable[[int], None], rows: list[int]) -> list[float]:
    samples = []
    for row in rows:
        began = time.perf_counter()
        action(row)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def migration_seconds(conn: Connection) -> float:
    """Migration 5 (tombstone index to secure-delete, filled from fts5vocab) on this store."""
    migration = MIGRATIONS[4]
    assert callable(migration)  # noqa: S101 - this benchmark measures that migration
    began = time.perf_counter()
    with transaction(conn):
        migration(conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def run(size: int, folder: Path) -> None:
    bodies = Bodies(size)
    blind = Blind()
    rng = random.Random(size)
    unused = rng.sample(range(1, size + 1), ROWS_PER_CANDIDATE * 5)

    def rows() -> list[int]:
        return [unused.pop() for _ in range(ROWS_PER_CANDIDATE)]

    # A prefix that matches thousands of records, and an ID number that matches one.
    rare_word = next(w for w in bodies[size // 2].split() if w.isdigit() and len(w) == 8)
    prefix, rare = '"kocho"*', f'"{rare_word}"'
    results: dict[str, dict[str, str]] = {}
    builds: dict[str, str] = {}
    tomb = folder / "tombstone.db"
    conn, seconds = build(tomb, "contentless_delete = 1, ", bodies)
    builds["tombstone"] = f"{seconds:.0f} s"
    for candidate, option in ((Candidate("tombstone", command=False), 0),
                              (Candidate("tombstone + secure-delete", command=False), 1),
                              (Candidate("tombstone + optimize", command=False, optimize=True),
                               0)):
        conn.execute("INSERT INTO testimony_search (testimony_search, rank) "
                     "VALUES ('secure-delete', ?)", (option,))
        results[candidate.label] = measure(conn, tomb, candidate, bodies, rng, rows(),
                                           (prefix, rare))
    conn.close()
    tomb.unlink()
    old = folder / "migrated.db"
    conn, _ = build(old, "contentless_delete = 1, ", bodies)  # afresh: optimize merged it all
    migrated = migration_seconds(conn)
    conn.close()
    old.unlink()
    secure = folder / "secure.db"
    conn, seconds = build(secure, "", bodies)
    builds["secure-delete"] = f"{seconds:.0f} s"
    conn.execute("INSERT INTO testimony_search (testimony_search, rank) "
                 "VALUES ('secure-delete', 1)")
    results["secure-delete (intake)"] = measure(conn, secure, Candidate("secure-delete",
                                                                        command=True),
                                                bodies, rng, rows(), (prefix, rare))
    conn.close()
    secure.unlink()
    hashed = folder / "blind.db"
    conn, seconds = build(hashed, "contentless_delete = 1, ", bodies, blind.body)
    builds["blind"] = f"{seconds:.0f} s"
    results["blind (keyed hashes)"] = measure(
        conn, hashed, Candidate("blind", command=False, transform=blind.body), bodies, rng,
        rows(), (f'"{blind.word("kocho")}"', f'"{blind.word(rare_word)}"'))
    conn.close()
    hashed.unlink()
    hashing = timed_ms(lambda: blind.body(bodies[1], cached=False), 20)
    _print(size, bodies, results, builds, migrated, hashing)


def _print(size: int, bodies: Bodies, results: dict[str, dict[str, str]],
           builds: dict[str, str], migrated: float, hashing: list[float]) -> None:
    columns = list(next(iter(results.values())))
    print(f"\n### Search index, {size:,} records\n")
    print("| Candidate | " + " | ".join(columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for label, figures in results.items():
        print(f"| {label} | " + " | ".join(figures[c] for c in columns) + " |")
    print(f"\nFolded bodies made in {bodies.seconds:.0f} s; index built in "
          + ", ".join(f"{k} {v}" for k, v in builds.items())
          + f". Migration 5 (tombstone → secure-delete, from fts5vocab): {migrated:.1f} s. "
          f"Hashing one record's words for the blind index, uncached: {ms(hashing)}.")
    sys.stdout.flush()


def main(sizes: tuple[int, ...] = ()) -> None:
    """Sizes from the arguments, the command line, or INDEX_BENCH_SIZES (10,000 and 100,000)."""
    sizes = sizes or tuple(int(n) for n in sys.argv[1:]) or tuple(
        int(n) for n in os.environ.get("INDEX_BENCH_SIZES", "10000,100000").split(","))
    with tempfile.TemporaryDirectory() as name:
        probe = connect(Path(name) / "probe.db", os.urandom(32))
        (inside,) = probe.execute("SELECT sqlite_version()").fetchone()
        probe.close()
    print(f"Machine: {machine()}; SQLite inside SQLCipher {inside}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as name:
            run(size, Path(name))


if __name__ == "__main__":
    main()
