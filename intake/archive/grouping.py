"""Grouping perpetrator mentions into persons, conservatively, and the pairs left for a person.

Two mentions are the same person only on strong evidence: given name and father agree (ism and
nasab: an Iraqi name's first two parts), or kunya and nisba agree, with no part in conflict. A
conflicting given name, father, grandfather or nisba, or the same words in another order (the
order of an Iraqi four-part name carries its meaning), means another person. A shared kunya or
given name alone leaves a *candidate* for a person to decide (research notes in
case-building.md, "Names": telling namesakes apart is the standing problem; fuzzy ratios merge
Hamid and Hamad). Decisions people took always hold: mentions merged stay together, mentions
said to be different persons never meet, not even through a third, and a mention split off is
a person of its own.

Grouping is deterministic: mentions are taken in the order of their ids, never the order
given. It never compares all pairs: only mentions that share a blocking key (the consonant
skeletons of given name and father, or of kunya and nisba) are compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, product

from intake.archive.names import Kunya, Name, Word, read_name, relation, same_word


@dataclass(frozen=True)
class Mention:
    """One perpetrator as one testimony names them; ``id`` is unique across what is grouped."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Which parts of two mentions agree, which conflict and which are in doubt (spelled
    closely but not alike), and the verdict: "same", "possibly" (for a person to decide) or
    "different"."""

    verdict: str
    agree: tuple[str, ...]
    conflict: tuple[str, ...]
    doubt: tuple[str, ...] = ()

    @property
    def parted(self) -> bool:
        """Whether the two are surely different persons: given name, father, grandfather or
        their order conflict, or the nisba does where kunya or given name agree (a nisba
        alone says nothing: one person can have a tribe's and a town's)."""
        return bool(_PARTING.intersection(self.conflict)) or (
            "nisba" in self.conflict and bool({"kunya", "given"} & set(self.agree)))


@dataclass(frozen=True)
class Decisions:
    """What people decided: pairs of mention ids merged, pairs that are not the same person,
    and mentions split off to a person of their own."""

    merged: frozenset[tuple[str, str]] = frozenset()
    distinct: frozenset[tuple[str, str]] = frozenset()
    split: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Group:
    """One person: the mentions grouped, in the order of their ids."""

    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Candidate:
    """Two groups that may be one person, with the reasons (their closest mentions compared)."""

    first: Group
    second: Group
    comparison: Comparison


_PARTING = frozenset({"given", "father", "grandfather", "order"})
_CHAIN_PARTS = ("given", "father", "grandfather")


def _relation(ours: Iterable[Word], theirs: Iterable[Word]) -> str:
    """The closest relation between any word of one set and any of the other."""
    found = {relation(x, y) for x, y in product(ours, theirs)}
    return next(r for r in ("same", "close", "other") if r in found)


def _kunyas(ours: Iterable[Kunya], theirs: Iterable[Kunya]) -> str:
    found = {relation(x.word, y.word) if x.kind == y.kind else "other" for x, y in product(ours, theirs)}
    return next(r for r in ("same", "close", "other") if r in found)


def _chains(a: tuple[Word, ...], b: tuple[Word, ...]) -> dict[str, str]:
    parts = {part: relation(x, y) for part, x, y in zip(_CHAIN_PARTS, a, b, strict=False)}
    if len(a) >= 2 and len(b) >= 2 and "other" in parts.values():
        # The same words in another order are another person (an Iraqi name's order is its meaning).
        if sum(1 for x in a if any(same_word(x, y) for y in b)) >= 2:
            parts["order"] = "other"
    return parts


def _score(parts: dict[str, str]) -> tuple[int, int, int]:
    values = list(parts.values())
    return (values.count("other"), values.count("close"), -values.count("same"))


def compare(a: Name, b: Name) -> Comparison:
    """Two read names compared part by part (the closest of their chains when they have more
    than one), with the verdict described in the module's docstring. A part whose spellings
    are close but not alike (``doubt``) keeps the verdict from "same" without parting them."""
    parts: dict[str, str] = {}
    if a.chains and b.chains:
        parts = min((_chains(x, y) for x, y in product(a.chains, b.chains)), key=_score)
    if a.kunyas and b.kunyas:
        parts["kunya"] = _kunyas(a.kunyas, b.kunyas)
    for part, ours, theirs in (("nisba", a.nisbas, b.nisbas), ("laqab", a.laqabs, b.laqabs)):
        if ours and theirs:
            parts[part] = _relation(ours, theirs)
    agree = tuple(p for p, r in parts.items() if r == "same")
    conflict = tuple(p for p, r in parts.items() if r == "other")
    doubt = tuple(p for p, r in parts.items() if r == "close")
    if Comparison("", agree, conflict).parted:
        verdict = "different"
    elif not conflict and not doubt and ({"given", "father"} <= set(agree) or {"kunya", "nisba"} <= set(agree)):
        verdict = "same"
    elif {"given", "kunya"} & set(agree + doubt):
        verdict = "possibly"
    else:
        verdict = "different"
    return Comparison(verdict, agree, conflict, doubt)


def compare_mentions(a: Mention, b: Mention) -> Comparison:
    return compare(_read(a), _read(b))


def _read(mention: Mention) -> Name:
    return read_name(mention.name, tuple(mention.aliases))


def _strong_keys(name: Name) -> Iterator[tuple[str, ...]]:
    """The blocking keys under which a "same" verdict can be found."""
    for chain in name.chains:
        if len(chain) >= 2:
            yield ("gf", chain[0].skeleton, chain[1].skeleton)
    for kunya in name.kunyas:
        for nisba in name.nisbas:
            yield ("kn", kunya.kind, kunya.word.skeleton, nisba.skeleton)


def _weak_keys(name: Name) -> Iterator[tuple[str, ...]]:
    """The blocking keys under which a "possibly" verdict can be found."""
    for chain in name.chains:
        yield ("g", chain[0].skeleton)
    for kunya in name.kunyas:
        yield ("k", kunya.kind, kunya.word.skeleton)


class _Persons:
    """A union-find over mentions that refuses a union joining two groups when a person said
    two of their mentions are different, or when two of their names conflict."""

    def __init__(self, ids: list[str], names: dict[str, Name], distinct: dict[str, set[str]]):
        self.parent = {i: i for i in ids}
        self.members: dict[str, list[str]] = {i: [i] for i in ids}
        self.forbidden = {i: set(distinct.get(i, ())) for i in ids}
        self.names: dict[str, set[Name]] = {i: {names[i]} for i in ids}
        self.verdicts: dict[tuple[Name, Name], Comparison] = {}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compared(self, a: Name, b: Name) -> Comparison:
        key = (a, b)
        if key not in self.verdicts:
            self.verdicts[key] = compare(a, b)
        return self.verdicts[key]

    def union(self, a: str, b: str, *, checked: bool = True) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.forbidden[ra] & set(self.members[rb]):
            return False
        if checked and any(self.compared(x, y).parted
                           for x, y in product(self.names[ra], self.names[rb])):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        self.forbidden[ra] |= self.forbidden.pop(rb)
        self.names[ra] |= self.names.pop(rb)
        return True


def _pairs(decided: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(tuple(sorted(pair)) for pair in decided)  # type: ignore[misc]


def _ambiguous(name: Name, others: set[Name], persons: _Persons) -> bool:
    """Whether a name is the same as two names that surely conflict on a part it does not
    settle ("Qasim Abbas" beside Qasim Abbas al-Shammari and Qasim Abbas al-Zubaidi): it then
    joins neither."""
    for x, y in combinations(sorted(others, key=repr), 2):
        settled = set(persons.compared(name, x).agree) & set(persons.compared(name, y).agree)
        between = persons.compared(x, y)
        if between.parted and (set(between.conflict) - settled):
            return True
    return False


def group(mentions: Iterable[Mention], decisions: Decisions | None = None) -> list[Group]:
    """The mentions grouped into persons, each group's mentions and the groups in id order."""
    decisions = decisions or Decisions()
    by_id = {m.id: m for m in sorted(mentions, key=lambda m: m.id)}
    ids = list(by_id)
    names = {i: _read(by_id[i]) for i in ids}
    distinct: dict[str, set[str]] = defaultdict(set)
    for x, y in decisions.distinct:
        distinct[x].add(y)
        distinct[y].add(x)
    persons = _Persons(ids, names, distinct)
    for x, y in _pairs(decisions.merged):
        if x in decisions.split or y in decisions.split or not persons.union(x, y, checked=False):
            raise ValueError("the decisions contradict each other")
    automatic = [i for i in ids if i not in decisions.split]
    # Mentions written alike are one node; nodes sharing a blocking key are compared.
    nodes: dict[Name, list[str]] = defaultdict(list)
    for i in automatic:
        nodes[names[i]].append(i)
    blocks: dict[tuple[str, ...], list[Name]] = defaultdict(list)
    for name in nodes:
        for key in set(_strong_keys(name)):
            blocks[key].append(name)
    same: dict[Name, set[Name]] = defaultdict(set)
    for key in sorted(blocks):
        for x, y in combinations(blocks[key], 2):
            if persons.compared(x, y).verdict == "same":
                same[x].add(y)
                same[y].add(x)
    unsure = {x for x, ys in same.items() if _ambiguous(x, ys, persons)}
    edges = sorted({tuple(sorted((nodes[x][0], nodes[y][0]))) for x, ys in same.items()
                    if x not in unsure for y in ys if y not in unsure})
    for name, members in nodes.items():
        if any(True for _ in _strong_keys(name)):
            edges += [(members[0], other) for other in members[1:]]
    for x, y in sorted(edges):
        persons.union(x, y)
    groups = [tuple(sorted(members)) for members in persons.members.values()]
    return [Group(tuple(by_id[i] for i in members)) for members in sorted(groups)]


def candidates(groups: list[Group], decisions: Decisions | None = None,
               limit: int = 200) -> list[Candidate]:
    """Pairs of groups that may be one person, for a person to decide: groups sharing a given
    name or a kunya whose closest mentions are not in conflict and were not decided apart.
    A blocking key shared by more than ``limit`` groups (a common kunya) is too weak to list."""
    decisions = decisions or Decisions()
    apart = {frozenset(pair) for pair in decisions.distinct}
    names: dict[int, set[Name]] = defaultdict(set)
    blocks: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, found in enumerate(groups):
        for mention in found.mentions:
            name = _read(mention)
            names[index].add(name)
            for key in _weak_keys(name):
                blocks[key].add(index)
    seen: set[tuple[int, int]] = set()
    found_pairs: list[Candidate] = []
    for key in sorted(blocks):
        members = sorted(blocks[key])
        if len(members) > limit:
            continue
        for x, y in combinations(members, 2):
            if (x, y) in seen:
                continue
            seen.add((x, y))
            ids = {m.id for m in groups[x].mentions}, {m.id for m in groups[y].mentions}
            if any(frozenset((i, j)) in apart for i, j in product(*ids)):
                continue
            verdicts = [compare(a, b) for a, b in product(sorted(names[x], key=repr), sorted(names[y], key=repr))]
            if any(v.parted for v in verdicts):
                continue
            best = max(verdicts, key=lambda v: (v.verdict != "different", len(v.agree), -len(v.conflict)))
            if best.verdict != "different":
                found_pairs.append(Candidate(groups[x], groups[y], best))
    return found_pairs
