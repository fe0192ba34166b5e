"""Measuring the perpetrator-name grouping (intake/archive/grouping.py): B-cubed precision,
recall and F1 and the wrong merges on the test sets in tests/archive/, and the time to group
200,000 synthetic mentions. `python -m tools.bench_names [--size N] [--libraries]`;
``--libraries`` also scores rapidfuzz, rigour/nomenklatura and PyICU/normality on the same
pairs when they can be imported (they are not dependencies of the app)."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from intake.archive.grouping import Group, Mention, candidates, group

SETS = Path(__file__).resolve().parent.parent / "tests" / "archive"


def load(path: Path) -> tuple[list[Mention], dict[str, str]]:
    rows = json.loads(path.read_text("utf-8"))
    return ([Mention(r["id"], r["name"], tuple(r["aliases"])) for r in rows],
            {r["id"]: r["person"] for r in rows})


def bcubed(groups: list[Group], truth: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), and the number of groups
    holding mentions of more than one person (wrong merges) and of pairs of mentions of
    different persons put together."""
    cluster = {m.id: g for g in groups for m in g.mentions}
    sizes = Counter(truth.values())
    precision = recall = 0.0
    for mention, person in truth.items():
        together = [m.id for m in cluster[mention].mentions]
        right = sum(1 for other in together if truth[other] == person)
        precision += right / len(together)
        recall += right / sizes[person]
    precision, recall = precision / len(truth), recall / len(truth)
    wrong_groups = sum(1 for g in groups if len({truth[m.id] for m in g.mentions}) > 1)
    wrong_pairs = sum(1 for g in groups for i, a in enumerate(g.mentions) for b in g.mentions[i + 1:]
                      if truth[a.id] != truth[b.id])
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
            "wrong_merges": wrong_groups, "wrong_pairs": wrong_pairs, "groups": len(groups),
            "persons": len(sizes), "mentions": len(truth)}


def measure(path: Path) -> dict[str, float]:
    mentions, truth = load(path)
    return bcubed(group(mentions), truth)


_GIVEN = ["Faisal", "Hamid", "Hamad", "Nasir", "Umar", "Amir", "Khalid", "Salih", "Qasim", "Jasim",
          "Yusuf", "Ibrahim", "Ismail", "Mahdi", "Hadi", "Taha", "Yasin", "Walid", "Nabil", "Rashid",
          "Karim", "Zaid", "Adil", "Sattar", "Jabbar", "Mansur", "Husain", "Hasan", "Ali", "Saad",
          "Dilshad", "Rebwar", "Shwan", "Sirwan", "Hogr", "Baran", "Azad", "Goran", "Kawa", "Soran"]
_TRIBES = ["Dulaimi", "Jubouri", "Obaidi", "Shammari", "Tikriti", "Hamdani", "Bayati", "Zubaidi",
           "Anbari", "Rawi", "Lahibi", "Halabi", "Ninawi", "Hadidi", "Faluji", "Basrawi"]
_SPELLING = [("a", "e"), ("i", "ee"), ("u", "ou"), ("q", "k"), ("j", "c"), ("kh", "x"), ("sh", "ş")]


def synthetic(size: int, seed: int = 7) -> list[Mention]:
    """``size`` mentions of about size/5 invented persons: four-part names from the lists
    above, each mention a spelling variant of its person, with or without the tribe."""
    rng = random.Random(seed)
    persons = [(rng.choice(_GIVEN), rng.choice(_GIVEN), rng.choice(_GIVEN), rng.choice(_TRIBES))
               for _ in range(size // 5)]
    mentions = []
    for index in range(size):
        given, father, grandfather, tribe = rng.choice(persons)
        words = [given, father, grandfather][: rng.choice((2, 3))]
        variant = []
        for word in words:
            old, new = rng.choice(_SPELLING)
            variant.append(word.lower().replace(old, new, 1).title() if rng.random() < 0.5 else word)
        name = " ".join(variant) + (f" al-{tribe}" if rng.random() < 0.7 else "")
        mentions.append(Mention(f"s{index:06d}", name))
    return mentions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--libraries", action="store_true")
    args = parser.parse_args()
    for label, name in (("tuned", "name_mentions.json"), ("held-out", "name_mentions_heldout.json")):
        path = SETS / name
        if path.exists():
            figures = measure(path)
            print(f"{label}: {figures['mentions']} mentions of {figures['persons']} persons, "
                  f"{figures['groups']} groups; B-cubed precision {figures['precision']:.3f}, "
                  f"recall {figures['recall']:.3f}, F1 {figures['f1']:.3f}; wrong merges "
                  f"{figures['wrong_merges']} (pairs {figures['wrong_pairs']})")
    mentions = synthetic(args.size)
    started = time.perf_counter()
    groups = group(mentions)
    grouped = time.perf_counter() - started
    started = time.perf_counter()
    pairs = candidates(groups)
    listed = time.perf_counter() - started
    print(f"synthetic: {len(mentions)} mentions grouped into {len(groups)} groups in {grouped:.1f} s; "
          f"{len(pairs)} candidate pairs listed in {listed:.1f} s")
    if args.libraries:
        from tools.bench_names_libraries import report

        report(SETS / "name_mentions.json")


if __name__ == "__main__":
    main()
