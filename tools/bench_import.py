"""The import of a trial bundle with and without the perpetrator index, on the same bundle in
the same run: does the index, kept inside the import's transaction, keep import throughput
within 1.5× of an import without it? `python -m tools.bench_import [SIZE [ROUNDS]]` (10,000
and 3 by default; `make bench` runs it with IMPORT_BENCH_SIZE); each import runs in a process
of its own (tools/bench_worker.py), into a fresh archive. The records name tools/bench_data.py's invented
perpetrators (four-part names, kunyas and nisbas in Arabic and Latin letters, many named in
several records), so the import's regroup groups what it brings with what it finds. Prints
records/s both ways and their ratio for each round (the two imports one after the other: the
machine's speed drifts by a sixth between runs), the median ratio, each import's peak memory and
the load average."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from intake.bundles import own_keys, recipient_keys
from intake.records import testimonies
from intake.store.transactions import transaction
from intake.vault import agefile
from tools.bench import Home, machine, memory, worker
from tools.bench_data import testimonies as synthetic


def run(size: int, tmp: Path, rounds: int = 3) -> dict[str, str]:
    field = Home(tmp / "field", "Bench Org")
    documents = synthetic(size)
    started = time.perf_counter()
    with transaction(field.conn):
        for _ in range(size):
            testimonies.create(field.conn, field.vault, field.user, next(documents),
                               completed=True)
    created = time.perf_counter() - started
    figures = {"create": f"{size / created:.0f} records/s"}
    law = Home(tmp / "law", "Bench Law")
    own_keys.create_identity(law.conn, law.vault)
    recipient = agefile.public_key(own_keys.identities(law.conn, law.vault)[0])
    recipient_keys.add_recipient(field.conn, "Bench Law", recipient)
    bundle = tmp / "trial.intake.age"
    worker(field.config.home, "export", "trial", str(bundle))
    trust = own_keys.signing_key(field.conn, field.vault).fingerprint
    law.close()
    field.close()
    figures["load average before the imports"] = _load()
    fresh = tmp / "law-fresh"
    shutil.copytree(law.config.home, fresh)  # the same empty archive for each import
    walls: dict[str, list[float]] = {label: [] for label, _op in _IMPORTS}
    cpus: dict[str, list[float]] = {label: [] for label, _op in _IMPORTS}
    for round_ in range(1, rounds + 1):  # the two imports one after the other, each round
        for label, operation in _IMPORTS:
            shutil.rmtree(law.config.home)
            shutil.copytree(fresh, law.config.home)
            got = worker(law.config.home, operation, str(bundle), trust)
            walls[label].append(got["seconds"])
            cpus[label].append(got["cpu_seconds"])
            figures[f"round {round_}: import {label}"] = (
                f"{got['records'] / got['seconds']:.0f} records/s ({got['records']:,} records "
                f"in {got['seconds']:.1f} s, CPU {got['cpu_seconds']:.1f} s), {memory(got)}"
                + (f", {got['mentions']:,} mentions of {got['persons']:,} persons"
                   if got.get("persons") else ""))
        figures[f"round {round_}: ratio"] = (
            f"×{walls['with the index'][-1] / walls['without the index'][-1]:.2f} (CPU time "
            f"×{cpus['with the index'][-1] / cpus['without the index'][-1]:.2f})")
    figures["ratio, the median of the rounds"] = (f"×{_median_ratio(walls):.2f} "
                                                 f"(CPU time ×{_median_ratio(cpus):.2f})")
    figures["load average after"] = _load()
    return figures


_IMPORTS = (("without the index", "import-without-index"), ("with the index", "import"))


def _median_ratio(seconds: dict[str, list[float]]) -> float:
    return median(w / o for w, o in zip(seconds["with the index"], seconds["without the index"],
                                        strict=True))


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as name:
        figures = run(size, Path(name), rounds)
    print(f"\n### Import of {size:,} records, with and without the perpetrator index\n\n"
          "| What | Figure |\n| --- | --- |")
    for name, value in figures.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
