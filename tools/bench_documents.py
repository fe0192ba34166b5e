"""`make bench`: printing a document (docs/documents.md) through the real pages, in each of the
six languages: the consent form, the witness statement and the claim pack of one synthetic
testimony with the longest narrative tools/bench_data.py writes (20 KB), each generated in
memory, audited and streamed. Figures: the median time of a few prints, the pages and the size
of the PDF, and the process's peak resident memory at the end."""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from intake.records import testimonies
from intake.web.app import create_app
from intake.web.i18n import LANGUAGES
from tests.archive_homes import make_home
from tests.conftest import csrf_token, sign_in
from tools.bench_data import testimony

ROUNDS = 3


def _record(rng: random.Random) -> dict:
    """The longest of a few synthetic testimonies, with consent to both trial and reparations."""
    document = max((testimony(rng) for _ in range(20)),
                   key=lambda d: sum(len(b["text"]) for b in d["narrative"]))
    document["consent"].update(trial=True, reparations=True)
    document["ysl"] = {"category": "yazidi_female_captivity", "abduction_date": "2014-08-03",
                       "extract": document["narrative"][0]["text"][:600]}
    document["survivor"]["sex"] = "female"
    return document


def _pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.decode().splitlines()
                    if line.startswith("Pages:")))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        field = make_home(Path(folder) / "field", "Field Org")
        record = testimonies.create(field.conn, field.vault, field.user,
                                    _record(random.Random(7)), completed=True)
        client = create_app(field.config).test_client()
        assert sign_in(client).status_code == 302
        token = csrf_token(client.get(f"/testimonies/{record.id}").get_data(as_text=True))
        routes = {"consent form": f"/testimonies/{record.id}/consent-form",
                  "witness statement": f"/testimonies/{record.id}/statement",
                  "claim pack": f"/claims/{record.id}/pack"}
        print("\n### Printed documents (one 20 KB testimony)\n")
        print("| document | language | median | pages | size |")
        print("| --- | --- | --- | --- | --- |")
        for name, url in routes.items():
            for language in LANGUAGES:
                times, data = [], b""
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    response = client.post(url, data={"csrf_token": token, "language": language})
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, (url, response.status_code)
                    data = response.data
                print(f"| {name} | {language} | {statistics.median(times) * 1000:.0f} ms | "
                      f"{_pages(data)} | {len(data) / 1024:.0f} KB |")
        field.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
