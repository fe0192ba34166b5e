"""`make bench`: a hand-over and its receipt (docs/bundle-format.md, "Hand-over and receipts"),
and the prior-statements register (docs/register.md), on synthetic testimonies
(tools/bench_data.py). Figures: the time to write a hand-over of N testimonies, import it on the
archive, make its receipt and apply it on the laptop (destroying all N), the receipt's size, and
the time the survivor step takes to look for earlier testimonies with the laptop holding
``HELD`` of its own and the register holding N entries from the receipt.

Usage: python -m tools.bench_handover [N]   (default 1000)"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from intake.archive import importer, receipts, register
from intake.bundles import export as exports
from intake.bundles import own_keys, recipient_keys, selection
from intake.records import testimonies
from intake.vault.agefile import public_key
from tests.archive_homes import make_archive, make_home
from tools.bench_data import testimony

HELD = 300


def _seconds(action) -> tuple[float, object]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def main(size: int) -> None:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        field = make_home(Path(folder) / "field", "Field Org")
        law = make_archive(Path(folder) / "law")
        archive = recipient_keys.add_recipient(
            field.conn, "Our archive", public_key(own_keys.identities(law.conn, law.vault)[0]),
            own_archive=True)
        for _ in range(size):
            testimonies.create(field.conn, field.vault, field.user, testimony(rng), completed=True)
        out = Path(folder) / "handover.intake.age"

        def hand_over() -> exports.ExportSummary:
            plan = selection.plan(field.conn, field.vault, field.user, "handover", [archive])
            return exports.write(field.conn, field.vault, field.user, plan, [archive], out)

        written, summary = _seconds(hand_over)
        trust = own_keys.signing_key(field.conn, field.vault).fingerprint
        imported, _ = _seconds(lambda: importer.import_bundle(
            law.conn, law.vault, law.user, out, own_keys.identities(law.conn, law.vault),
            trust=trust))
        made, data = _seconds(lambda: receipts.make(law.conn, law.vault, law.user,
                                                    summary.bundle_id))
        signer = receipts.read(data).signer
        applied, result = _seconds(lambda: receipts.apply(field.conn, field.vault, field.user,
                                                          data, trust=signer))
        assert len(result.shredded) == size
        for _ in range(HELD):
            testimonies.create(field.conn, field.vault, field.user, testimony(rng), completed=True)
        asking = testimony(rng)
        looks = []
        for _ in range(5):
            took, _found = _seconds(lambda: register.candidates(field.conn, field.vault,
                                                                field.user, asking))
            looks.append(took)
        print(f"\n### Hand-over and receipt ({size:,} testimonies)\n")
        print("| What | Figure |\n| --- | --- |")
        print(f"| hand-over written | {written:.1f} s ({out.stat().st_size / 1e6:.1f} MB) |")
        print(f"| imported on the archive | {imported:.1f} s |")
        print(f"| receipt made | {made:.2f} s ({len(data) / 1e3:.0f} KB) |")
        print(f"| receipt applied ({size:,} destroyed) | {applied:.2f} s |")
        print(f"| earlier testimonies looked for ({HELD} here, {size:,} from the receipt) | "
              f"median {statistics.median(looks) * 1000:.0f} ms |")
        for home in (field, law):
            home.conn.close()
            home.vault.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
