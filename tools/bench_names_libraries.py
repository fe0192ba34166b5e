"""What general-purpose name matchers do on the tuned test set (for docs/benchmarks.md): each
scores every pair of mentions; pairs at or above a threshold are joined (single link, as a
union of matches would), and the groups are scored like intake/archive/grouping.py's.
rapidfuzz, normality (PyICU "Any-Latin") and nomenklatura (logic-v2, with followthemoney
and rigour) are not dependencies of the app: install them to a folder of their own and put
it on PYTHONPATH (`pip install --target /tmp/namelibs rapidfuzz nomenklatura normality pyicu`)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from intake.archive.grouping import Group, Mention
from tools.bench_names import bcubed, load


def _text(mention: Mention) -> str:
    return " ".join((mention.name, *mention.aliases))


def _groups(mentions: list[Mention], score: Callable[[Mention, Mention], float], threshold: float) -> list[Group]:
    parent = {m.id: m.id for m in mentions}

    def find(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in combinations(mentions, 2):
        if score(a, b) >= threshold:
            parent[find(a.id)] = find(b.id)
    found: dict[str, list[Mention]] = {}
    for m in mentions:
        found.setdefault(find(m.id), []).append(m)
    return [Group(tuple(ms)) for ms in found.values()]


def _scorers() -> dict[str, tuple[Callable[[Mention, Mention], float], list[float]]]:
    from normality import ascii_text, normalize
    from rapidfuzz import fuzz

    def latin(m: Mention) -> str:
        return normalize(ascii_text(_text(m)) or "", lowercase=True) or ""

    cache: dict[str, str] = {}

    def icu(m: Mention) -> str:
        if m.id not in cache:
            cache[m.id] = latin(m)
        return cache[m.id]

    scorers = {
        "rapidfuzz token_sort_ratio, raw text": (
            lambda a, b: fuzz.token_sort_ratio(_text(a), _text(b)) / 100, [0.95, 0.9, 0.85, 0.8, 0.7]),
        "normality (ICU Any-Latin) + rapidfuzz token_sort_ratio": (
            lambda a, b: fuzz.token_sort_ratio(icu(a), icu(b)) / 100, [0.95, 0.9, 0.85, 0.8, 0.7]),
        "normality (ICU Any-Latin), equal text": (lambda a, b: float(icu(a) == icu(b)), [1.0]),
    }
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return scorers
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    entities = {}

    def entity(m: Mention):  # type: ignore[no-untyped-def]
        if m.id not in entities:
            e = model.make_entity("Person")
            e.id = m.id
            e.add("name", m.name)
            for alias in m.aliases:
                e.add("alias", alias)
            entities[m.id] = e
        return entities[m.id]

    scorers["nomenklatura logic-v2 (rigour)"] = (
        lambda a, b: algorithm.compare(entity(a), entity(b), config).score, [0.9, 0.7, 0.5])
    return scorers


def report(path: Path) -> None:
    mentions, truth = load(path)
    for label, (score, thresholds) in _scorers().items():
        for threshold in thresholds:
            f = bcubed(_groups(mentions, score, threshold), truth)
            print(f"{label} >= {threshold}: B-cubed precision {f['precision']:.3f}, recall {f['recall']:.3f}, "
                  f"F1 {f['f1']:.3f}; wrong merges {f['wrong_merges']} groups ({f['wrong_pairs']} pairs)")


if __name__ == "__main__":
    report(Path(__file__).resolve().parent.parent / "tests" / "archive" / "name_mentions.json")
