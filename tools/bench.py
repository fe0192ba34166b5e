"""`make bench`: Testimony Intake at 1,000, 10,000 and 100,000 synthetic testimonies.

For each size: store open (cold, and from the per-session pool), saving one testimony through
the real HTTP stack (waitress in its own process), the list page and search (FTS5), requests/s
for the interview page under load from `wrk` in a second process; at 1,000 and 10,000 also
export for each purpose, verify and import (each in its own process, for its peak resident
memory). Baselines measured in the same run on the same data: plain `tar` + the `age` CLI over
the same JSON, and plain SQLite (Python's sqlite3, no encryption) for the same inserts and
queries. Then a 1 GiB attachment through encryption and back, against `age` on the same file.
Unlock uses the production Argon2id parameters; everything else a throw-away home with cheap key
derivation (unlocking is measured once, not in every worker).

Last, tools/bench_index.py: the ways the search index can forget a record's words
(INDEX_BENCH_SIZES, 10,000 and 100,000 by default); tools/bench_persons.py, the perpetrator
index and the People pages through the app, and tools/bench_names.py, the name grouping
(PERSONS_BENCH_SIZE mentions, 200,000 by default). The Makefile then runs
tools/bench_screening.py, screening lists against the index (SCREENING_BENCH_SIZE mentions).

Prints Markdown tables (docs/benchmarks.md quotes a run). Needs `age` and `wrk`; as root on
Debian it installs what is missing.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from intake.bundles import own_keys, recipient_keys
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.records.testimonies import _search_body
from intake.store.connection import connect
from intake.store.transactions import transaction
from intake.vault import agefile
from intake.vault.crypto import KdfParams
from intake.web.request import ConnectionPool
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE
from tests.server import Server
from tools.bench_data import testimonies as synthetic
from tools.crash_harness import _TOKEN, Browser

# BENCH_SIZES=300,1000 BENCH_ATTACHMENT_MIB=64 make bench: a quick run while changing this file.
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(","))
BUNDLE_LIMIT = 10_000  # export, verify and import up to this size; 100,000 takes minutes each
PURPOSES = ("trial", "reparations", "research")
ATTACHMENT_MIB = int(os.environ.get("BENCH_ATTACHMENT_MIB", "1024"))


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def timed_ms(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def ms(samples: list[float]) -> str:
    median, p95 = median_p95(samples)
    return f"{median:.2f} ms (p95 {p95:.2f})"


def ensure_tools() -> None:
    missing = [tool for tool in ("age", "wrk") if not shutil.which(tool)]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False,
                       stdout=subprocess.DEVNULL)
    for tool in ("age", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"make bench needs `{tool}` (Debian: apt-get install {tool})")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    with tempfile.TemporaryDirectory() as folder:
        conn = connect(Path(folder) / "probe.db", os.urandom(32))
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
        conn.close()
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 2**20:.0f} GiB memory, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"SQLCipher {version}, SQLite {sqlite3.sqlite_version} (baseline)")


class Home:
    """An unlocked instance home with cheap key derivation."""

    def __init__(self, path: Path, organisation: str):
        self.config = Config(home=path, kdf=CHEAP_KDF)
        initialise(self.config, organisation, ADMIN, PASSPHRASE)
        self.vault, self.user = unlock(self.config, ADMIN, PASSPHRASE)
        self.conn = connect(self.config.database_path, self.vault.db_key)

    def close(self) -> None:
        self.conn.close()
        self.vault.close()


class PlainSqlite:
    """The baseline: the same documents as plain JSON rows and the same FTS5 index, no
    encryption, no sealing, no audit trail."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
            "CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, updated_at TEXT, "
            "community TEXT, body TEXT); CREATE INDEX t_by_update ON t (updated_at DESC);"
            "CREATE VIRTUAL TABLE s USING fts5 (body, content = '', "
            "tokenize = 'unicode61 remove_diacritics 2');")

    def insert(self, documents: list[dict]) -> None:
        self.conn.execute("BEGIN")
        for document in documents:
            seq = self.conn.execute(
                "INSERT INTO t (id, updated_at, community, body) VALUES (?, ?, ?, ?)",
                (os.urandom(16).hex(), time.strftime("%Y-%m-%dT%H:%M:%S"),
                 document["survivor"]["community"], json.dumps(document, ensure_ascii=False))
            ).lastrowid
            self.conn.execute("INSERT INTO s (rowid, body) VALUES (?, ?)",
                              (seq, _search_body(document)))
        self.conn.execute("COMMIT")

    def page(self, query: str = "") -> None:
        where = "WHERE +seq IN (SELECT rowid FROM s WHERE s MATCH ?)" if query else ""
        params = [f'"{query}"*'] if query else []
        self.conn.execute(f"SELECT count(*) FROM t {where}", params).fetchone()  # noqa: S608
        self.conn.execute(f"SELECT id, community FROM t {where} ORDER BY updated_at DESC "  # noqa: S608
                          "LIMIT 25", params).fetchall()


def grow(home: Home, plain: PlainSqlite, documents, count: int) -> tuple[float, float]:
    """Add ``count`` testimonies to both stores in batches; returns records/s for each."""
    ours = theirs = 0.0
    for start in range(0, count, 1000):
        batch = [next(documents) for _ in range(min(1000, count - start))]
        began = time.perf_counter()
        with transaction(home.conn):
            for document in batch:
                testimonies.create(home.conn, home.vault, home.user, document, completed=True)
        ours += time.perf_counter() - began
        began = time.perf_counter()
        plain.insert(batch)
        theirs += time.perf_counter() - began
    return count / ours, count / theirs


def worker(home: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-m", "tools.bench_worker", str(home), *args],
                          check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def shell_seconds(command: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, shell=True, check=True, cwd=cwd,  # noqa: S602 - fixed commands
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def web_figures(home: Home, record_id: str) -> dict[str, str]:
    """Save, list and search through the real server, and wrk against the interview page."""
    home.conn.close()
    server = Server(home.config.home)
    try:
        browser = Browser(server.url)
        browser.post("/login", {"name": ADMIN, "passphrase": PASSPHRASE})
        step = f"/testimonies/{record_id}/step/4"
        token = _TOKEN.search(browser.get(step)).group(1)
        text = "أخذونا من كوجو إلى تلعفر، ثم إلى الرقة. " * 120

        def save() -> None:
            data = urllib.parse.urlencode({"csrf_token": token, "narrative-0-language": "ar",
                                           "narrative-0-text": text}).encode()
            request = urllib.request.Request(server.url + step, data=data,  # noqa: S310
                                             headers={"X-Autosave": "1"})
            with browser.opener.open(request, timeout=30) as response:  # noqa: S310
                response.read()

        figures = {"save through HTTP (autosave)": ms(timed_ms(save, 100)),
                   "list page through HTTP": ms(timed_ms(lambda: browser.get("/"), 30))}
        _search(browser, "Kocho")
        figures["search page through HTTP"] = ms(timed_ms(lambda: browser.get("/"), 30))
        _search(browser, "")
        out = subprocess.run(["wrk", "-t2", "-c8", "-d5s", "-H", f"Cookie: {_cookie(browser)}",
                              server.url + step], check=True, capture_output=True, text=True).stdout
        rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
        figures["interview page under load (wrk, 8 connections)"] = \
            f"{float(rate.group(1)):.0f} requests/s" if rate else "n/a"
    finally:
        server.stop()
        home.conn = connect(home.config.database_path, home.vault.db_key)
    return figures


def _search(browser: Browser, query: str) -> None:
    """Search words are posted (they stay in the session, never in a URL)."""
    token = _TOKEN.search(browser.get("/")).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "query": query}).encode()
    with browser.opener.open(browser.base + "/search", data=data, timeout=30) as response:  # noqa: S310
        response.read()


def _cookie(browser: Browser) -> str:
    for handler in browser.opener.handlers:
        jar = getattr(handler, "cookiejar", None)
        if jar is not None:
            return "; ".join(f"{c.name}={c.value}" for c in jar)
    return ""


def store_figures(home: Home, plain: PlainSqlite) -> dict[str, str]:
    pool = ConnectionPool(home.config.database_path, home.vault)

    def pooled() -> None:
        pool.give(pool.take())

    pooled()
    figures = {
        "store open, cold (key, pragmas, schema check)": ms(timed_ms(
            lambda: connect(home.config.database_path, home.vault.db_key).close(), 100)),
        "store open per request (session pool)": ms(timed_ms(pooled, 1000)),
    }
    pool.close()
    for label, query in (("list page 1", ""), ("search (FTS5)", "Kocho")):
        ours = timed_ms(lambda q=query: testimonies.summaries(home.conn, home.user, query=q), 30)
        theirs = timed_ms(lambda q=query: plain.page(q), 30)
        figures[label] = (f"{ms(ours)}; plain SQLite {statistics.median(theirs):.2f} ms, "
                          f"×{statistics.median(ours) / statistics.median(theirs):.1f}")
    deep = max(1, len(home.conn.execute("SELECT seq FROM testimonies").fetchall()) // 25 - 1)
    figures["list page, last page"] = ms(timed_ms(
        lambda: testimonies.summaries(home.conn, home.user, page=deep), 10))
    return figures


def bundle_figures(tmp: Path, field: Home, size: int) -> dict[str, str]:
    """Each purpose's export, then verify and import of the trial bundle on a fresh archive."""
    law = Home(tmp / f"law-{size}", "Bench Law")
    own_keys.create_identity(law.conn, law.vault)
    identity = own_keys.identities(law.conn, law.vault)[0]
    (tmp / "identity.txt").write_text(identity + "\n")
    recipient = agefile.public_key(identity)
    for earlier in recipient_keys.recipients(field.conn):
        recipient_keys.remove_recipient(field.conn, earlier.name)
    recipient_keys.add_recipient(field.conn, "Bench Law", recipient)
    figures = {}
    for purpose in PURPOSES:
        out = tmp / f"{purpose}-{size}.intake.age"
        got = worker(field.config.home, "export", purpose, str(out))
        floor = _tar_age_floor(tmp, out, recipient)
        figures[f"export {purpose}"] = (
            f"{got['records'] / got['seconds']:.0f} records/s, "
            f"{got['bytes'] / 1e6 / got['seconds']:.1f} MB/s ({got['records']} records, "
            f"{got['bytes'] / 1e6:.0f} MB in {got['seconds']:.1f} s), {memory(got)};"
            f" tar + age {floor:.2f} s, ×{got['seconds'] / floor:.1f}")
    trial = tmp / f"trial-{size}.intake.age"
    law.close()
    trust = own_keys.signing_key(field.conn, field.vault).fingerprint
    (tmp / f"open-{size}").mkdir()
    floor = shell_seconds(f"age -d -i identity.txt {trial.name} | tar x -C open-{size}", tmp)
    for operation, args in (("verify", [str(trial)]), ("import", [str(trial), trust])):
        got = worker(law.config.home, operation, *args)
        figures[operation] = (f"{got['records'] / got['seconds']:.0f} records/s "
                              f"({got['seconds']:.1f} s), {memory(got)}; "
                              f"age -d + tar x {floor:.2f} s, ×{got['seconds'] / floor:.1f}")
    shutil.rmtree(tmp / f"open-{size}")
    shutil.rmtree(law.config.home)
    return figures


def memory(got: dict, peak: float | None = None) -> str:
    """A worker's peak resident memory, and how much of it the program held before it began."""
    return f"peak {peak or got['peak_mb']:.0f} MB ({got['before_mb']:.0f} MB before it began)"


def _tar_age_floor(tmp: Path, bundle: Path, recipient: str) -> float:
    """Seconds for plain tar + the age CLI to pack and encrypt the same JSON the bundle holds."""
    folder = tmp / "floor"
    folder.mkdir()
    subprocess.run(f"age -d -i ../identity.txt ../{bundle.name} | tar x", shell=True,  # noqa: S602
                   check=True, cwd=folder)
    seconds = shell_seconds(f"tar c floor | age -r {recipient} > floor.age", tmp)
    shutil.rmtree(folder)
    (tmp / "floor.age").unlink()
    return seconds


def attachment_figures(tmp: Path, field: Home) -> dict[str, str]:
    source = tmp / "recording.bin"
    block = os.urandom(1 << 20)
    with open(source, "wb") as file:
        for index in range(ATTACHMENT_MIB):
            file.write(index.to_bytes(8, "big") + block[8:])
    got = worker(field.config.home, "attachment", str(source))
    identity = agefile.new_identity()
    floor_encrypt = shell_seconds(f"age -r {agefile.public_key(identity)} recording.bin > r.age",
                                  tmp)
    (tmp / "id.txt").write_text(identity + "\n")
    floor_decrypt = shell_seconds("age -d -i id.txt r.age > /dev/null", tmp)
    for name in ("recording.bin", "r.age", "id.txt"):
        (tmp / name).unlink()
    shutil.rmtree(field.config.attachments_path, ignore_errors=True)
    return {
        f"encrypt a {ATTACHMENT_MIB} MiB attachment (hash, age)":
            f"{ATTACHMENT_MIB / got['encrypt_seconds']:.0f} MiB/s, "
            f"{memory(got, got['encrypt_peak_mb'])};"
            f" age CLI {ATTACHMENT_MIB / floor_encrypt:.0f} MiB/s",
        "decrypt it again (age, hash check)":
            f"{ATTACHMENT_MIB / got['decrypt_seconds']:.0f} MiB/s, {memory(got)};"
            f" age CLI {ATTACHMENT_MIB / floor_decrypt:.0f} MiB/s",
    }


def table(title: str, figures: dict[str, str]) -> None:
    print(f"\n### {title}\n\n| What | Figure |\n| --- | --- |")
    for name, value in figures.items():
        print(f"| {name} | {value} |")
    sys.stdout.flush()


def main() -> None:
    ensure_tools()
    began = time.perf_counter()
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        slow = Config(home=tmp / "unlock", kdf=KdfParams())
        initialise(slow, "Bench Org", ADMIN, PASSPHRASE)
        table("Unlock", {"unlock (Argon2id 64 MiB, t=3, p=4)": ms(timed_ms(
            lambda: unlock(slow, ADMIN, PASSPHRASE)[0].close(), 5))})
        field = Home(tmp / "field", "Bench Org")
        plain = PlainSqlite(tmp / "plain.db")
        documents = synthetic(max(SIZES))
        have = 0
        for size in SIZES:
            ours, theirs = grow(field, plain, documents, size - have)
            have = size
            record_id = field.conn.execute("SELECT id FROM testimonies ORDER BY seq DESC "
                                           "LIMIT 1").fetchone()[0]
            figures = {"create (validate, seal, index, audit)":
                       f"{ours:.0f} records/s; plain SQLite {theirs:.0f} records/s, "
                       f"×{theirs / ours:.1f}",
                       "store size": f"{field.config.database_path.stat().st_size / 1e6:.0f} MB "
                       f"(plain SQLite {(tmp / 'plain.db').stat().st_size / 1e6:.0f} MB)"}
            figures.update(store_figures(field, plain))
            figures.update(web_figures(field, record_id))
            if size <= BUNDLE_LIMIT:
                figures.update(bundle_figures(tmp, field, size))
            table(f"{size:,} testimonies", figures)
        table("Attachments", attachment_figures(tmp, field))
        field.close()
    from tools.bench_index import main as index_bench  # it imports this module's helpers
    index_bench(())
    # The perpetrator index and the People pages, then the name grouping (PERSONS_BENCH_SIZE
    # mentions, 200,000 by default; a smaller size for a quick run).
    from tools import bench_names, bench_persons

    persons_size = os.environ.get("PERSONS_BENCH_SIZE", "200000")
    bench_persons.main(["--size", persons_size])
    bench_names.main(["--size", persons_size])
    print(f"\nmake bench took {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
