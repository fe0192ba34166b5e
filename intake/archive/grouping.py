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
from functools import cached_property, lru_cache
from itertools import combinations, product

from intake.archive.names import Kunya, Name, Word, identity, read_name, relation, same_word


@dataclass(frozen=True, slots=True)
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

    @cached_property
    def parted(self) -> bool:
        """Whether the two are surely different persons: given name, father, grandfather or
        their order conflict, or the nisba does where kunya or given name agree (a nisba
        alone says nothing: one person can have a tribe's and a town's)."""
        return _parted(self.agree, self.conflict)


def _parted(agree: tuple[str, ...], conflict: tuple[str, ...]) -> bool:
    return any(part in _PARTING for part in conflict) or (
        "nisba" in conflict and ("kunya" in agree or "given" in agree))


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
    parts = {}
    other = False
    for part, x, y in zip(_CHAIN_PARTS, a, b, strict=False):
        parts[part] = found = relation(x, y)
        other = other or found == "other"
    if other and len(a) >= 2 and len(b) >= 2:
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
    if len(a.chains) == 1 and len(b.chains) == 1:
        parts = _chains(a.chains[0], b.chains[0])
    elif a.chains and b.chains:
        parts = min((_chains(x, y) for x, y in product(a.chains, b.chains)), key=_score)
    if a.kunyas and b.kunyas:
        parts["kunya"] = _kunyas(a.kunyas, b.kunyas)
    for part, ours, theirs in (("nisba", a.nisbas, b.nisbas), ("laqab", a.laqabs, b.laqabs)):
        if ours and theirs:
            parts[part] = _relation(ours, theirs)
    agree = tuple(p for p, r in parts.items() if r == "same")
    conflict = tuple(p for p, r in parts.items() if r == "other")
    doubt = tuple(p for p, r in parts.items() if r == "close")
    if conflict and _parted(agree, conflict):
        verdict = "different"
    elif not conflict and not doubt and (("given" in agree and "father" in agree)
                                         or ("kunya" in agree and "nisba" in agree)):
        verdict = "same"
    elif "given" in agree or "kunya" in agree or "given" in doubt or "kunya" in doubt:
        verdict = "possibly"
    else:
        verdict = "different"
    return _comparison(verdict, agree, conflict, doubt)


@lru_cache(maxsize=4096)
def _comparison(verdict: str, agree: tuple[str, ...], conflict: tuple[str, ...],
                doubt: tuple[str, ...]) -> Comparison:
    """One object for each outcome (there are few): grouping keeps the comparison of every pair
    it compared, millions of them for 200,000 mentions."""
    return Comparison(verdict, agree, conflict, doubt)


def compare_mentions(a: Mention, b: Mention) -> Comparison:
    return compare(_read(a), _read(b))


def _read(mention: Mention) -> Name:
    return read_name(mention.name, tuple(mention.aliases))


def strong_keys(name: Name) -> Iterator[tuple[tuple[str, ...], tuple[str, str]]]:
    """The blocking keys under which a "same" verdict can be found, each with a cell: the
    skeletons of grandfather and nisba, "*" where there is none or more than one to tell. Two
    names of a block can be the same only if their cells agree where both are known. A word
    with more than one skeleton (names.Word.skeletons) gives a key for each."""
    nisba = _cell(next(iter(name.nisbas))) if len(name.nisbas) == 1 else "*"
    for chain in name.chains:
        if len(chain) >= 2:
            grandfather = _cell(chain[2]) if len(chain) > 2 and len(name.chains) == 1 else "*"
            for given, father in product(chain[0].skeletons, chain[1].skeletons):
                yield ("gf", given, father), (grandfather, nisba)
    for kunya in name.kunyas:
        for found in name.nisbas:
            for word, other in product(kunya.word.skeletons, found.skeletons):
                yield ("kn", kunya.kind, word, other), ("*", "*")


def _cell(word: Word) -> str:
    """A word's skeleton for a cell, "*" if it has more than one."""
    skeletons = word.skeletons
    return skeletons[0] if len(skeletons) == 1 else "*"


def _cells_meet(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return all(x == y or "*" in (x, y) for x, y in zip(a, b, strict=True))


def _pairs_of(block: dict[tuple[str, str], list[Name]]) -> Iterator[tuple[Name, Name]]:
    """The pairs of names of one block whose cells meet."""
    cells = sorted(block)
    for index, cell in enumerate(cells):
        yield from combinations(block[cell], 2)
        for other in cells[index + 1:]:
            if _cells_meet(cell, other):
                yield from product(block[cell], block[other])


def _weak_keys(name: Name) -> Iterator[tuple[str, ...]]:
    """The blocking keys under which a "possibly" verdict can be found."""
    for chain in name.chains:
        for given in chain[0].skeletons:
            yield ("g", given)
            if len(chain) >= 2:
                for father in chain[1].skeletons:
                    yield ("gf", given, father)
    for kunya in name.kunyas:
        for word in kunya.word.skeletons:
            yield ("k", kunya.kind, word)


def _distinct_names(group: Group) -> list[Name]:
    """The group's names, one for each identity (the first of its mentions that has it)."""
    kept: dict[tuple[object, ...], Name] = {}
    for mention in group.mentions:
        name = _read(mention)
        kept.setdefault(identity(name), name)
    return list(kept.values())


def candidate_keys(group: Group) -> set[str]:
    """The keys under which :func:`candidates` compares the group with others (each written
    as one string)."""
    return {"\x1f".join(key) for name in _distinct_names(group) for key in _weak_keys(name)}


class _Persons:
    """A union-find over mentions that refuses a union joining two groups when a person said
    two of their mentions are different, or when two of their names conflict."""

    def __init__(self, ids: list[str], names: dict[str, Name], distinct: dict[str, set[str]]):
        self.parent = {i: i for i in ids}
        self.members: dict[str, list[str]] = {i: [i] for i in ids}
        # Held for the groups that have them alone (one set each would be most of the memory
        # of grouping 200,000 mentions): the mentions decided apart from a group's, and a
        # group's names, a tuple while it has one.
        self.forbidden: dict[str, set[str]] = {i: set(distinct[i]) for i in ids if i in distinct}
        self.names: dict[str, set[Name] | tuple[Name]] = {i: (names[i],) for i in ids}
        self.verdicts: dict[tuple[Name, Name], Comparison] = {}
        self.same: dict[Name, set[Name]] = {}  # the names each name was found the same as

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compared(self, a: Name, b: Name) -> Comparison:
        found = self.verdicts.get((a, b))
        if found is None:
            found = self.verdicts[a, b] = compare(a, b)
        return found

    def union(self, a: str, b: str, *, checked: bool = True) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        apart = self.forbidden.get(ra)
        if apart and not apart.isdisjoint(self.members[rb]):
            return False
        if checked:
            verdicts, theirs = self.verdicts, self.names[rb]
            for x in self.names[ra]:
                found_same = self.same.get(x)  # names found the same as x have no conflict
                for y in theirs if not found_same else set(theirs) - found_same:
                    if (verdicts.get((x, y)) or self.compared(x, y)).parted:
                        return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))
        held = self.names[ra]
        if isinstance(held, tuple):
            held = self.names[ra] = set(held)
        held.update(self.names.pop(rb))
        return True


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _pairs(decided: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(_pair(*pair) for pair in decided)


def _ambiguous(name: Name, others: list[Name], persons: _Persons) -> bool:
    """Whether a name is the same as two names that surely conflict on a part it does not
    settle ("Qasim Abbas" beside Qasim Abbas al-Shammari and Qasim Abbas al-Zubaidi): it then
    joins neither. A name that has every part a conflict can be on settles them all."""
    if len(name.chains) == 1 and len(name.chains[0]) >= len(_CHAIN_PARTS) and len(name.nisbas) == 1:
        return False
    # What the name agrees on with each other name, compared once for each (not for each pair).
    # Two names found the same have no conflict: only the other pairs are looked at.
    verdicts, compared = persons.verdicts, persons.compared
    agreed = [frozenset(compared(name, x).agree) for x in others]
    position = {x: i for i, x in enumerate(others)}
    for i, x in enumerate(others):
        for y in position.keys() - persons.same.get(x, set()):
            j = position[y]
            if j <= i:
                continue
            between = verdicts.get((x, y)) or compared(x, y)
            if between.conflict and between.parted and not (agreed[i] & agreed[j]) >= set(between.conflict):
                return True
    return False


def group(mentions: Iterable[Mention], decisions: Decisions | None = None) -> list[Group]:
    """The mentions grouped into persons, each group's mentions and the groups in id order."""
    decisions = decisions or Decisions()
    by_id = {m.id: m for m in sorted(mentions, key=lambda m: m.id)}
    ids = list(by_id)
    # Names whose every part surely spells the other's are one: the first of them stands for all.
    first: dict[tuple[object, ...], Name] = {}
    names = {i: first.setdefault(identity(name), name) for i in ids for name in (_read(by_id[i]),)}
    distinct: dict[str, set[str]] = defaultdict(set)
    for x, y in decisions.distinct:
        distinct[x].add(y)
        distinct[y].add(x)
    persons = _Persons(ids, names, distinct)
    for x, y in _pairs(decisions.merged):
        if x in decisions.split or y in decisions.split or not persons.union(x, y, checked=False):
            raise ValueError("the decisions contradict each other")
    automatic = [i for i in ids if i not in decisions.split]
    # Mentions of one name are one node; nodes sharing a blocking key are compared.
    nodes: dict[Name, list[str]] = defaultdict(list)
    for i in automatic:
        nodes[names[i]].append(i)
    blocks: dict[tuple[str, ...], dict[tuple[str, str], list[Name]]] = defaultdict(lambda: defaultdict(list))
    for name in nodes:
        for key, cell in set(strong_keys(name)):
            blocks[key][cell].append(name)
    same: dict[Name, set[Name]] = defaultdict(set)
    persons.same = same
    for key in sorted(blocks):
        for a, b in _pairs_of(blocks[key]):
            if persons.compared(a, b).verdict == "same":
                same[a].add(b)
                same[b].add(a)
    rank = {name: index for index, name in enumerate(nodes)}
    unsure = {x for x, ys in same.items() if _ambiguous(x, sorted(ys, key=rank.__getitem__), persons)}
    edges: list[tuple[str, str]] = sorted({_pair(nodes[a][0], nodes[b][0]) for a, bs in same.items()
                                           if a not in unsure for b in bs if b not in unsure})
    for name, members in nodes.items():
        if any(True for _ in strong_keys(name)):
            edges += [(members[0], other) for other in members[1:]]
    for x, y in sorted(edges):
        persons.union(x, y)
    groups = [tuple(sorted(members)) for members in persons.members.values()]
    return [Group(tuple(by_id[i] for i in members)) for members in sorted(groups)]


def candidates(groups: list[Group], decisions: Decisions | None = None,
               limit: int = 50, around: Group | None = None) -> list[Candidate]:
    """Pairs of groups that may be one person, for a person to decide: groups sharing a given
    name or a kunya whose closest mentions are not in conflict and were not decided apart.
    A blocking key shared by more than ``limit`` groups (a common kunya) is too weak to list.
    With ``around`` (one of ``groups``), only its pairs: the same ones, found in its blocks
    alone, for one person's page."""
    decisions = decisions or Decisions()
    focus = None if around is None else groups.index(around)
    where = {m.id: index for index, found in enumerate(groups) for m in found.mentions}
    apart = {tuple(sorted((where[x], where[y]))) for x, y in decisions.distinct if x in where and y in where}
    names: list[list[Name]] = []
    blocks: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, found in enumerate(groups):
        names.append(_distinct_names(found))
        for name in names[-1]:
            for key in _weak_keys(name):
                blocks[key].add(index)
    seen: set[tuple[int, int]] = set()
    found_pairs: list[Candidate] = []
    for key in sorted(blocks):
        members = sorted(blocks[key])
        if len(members) > limit or (focus is not None and focus not in members):
            continue
        for x, y in combinations(members, 2):
            if (x, y) in seen or (x, y) in apart or (focus is not None and focus not in (x, y)):
                continue
            seen.add((x, y))
            verdicts = [compare(a, b) for a, b in product(names[x], names[y])]
            if any(v.parted for v in verdicts):
                continue
            best = max(verdicts, key=lambda v: (v.verdict != "different", len(v.agree), -len(v.conflict)))
            if best.verdict != "different":
                found_pairs.append(Candidate(groups[x], groups[y], best))
    return sorted(found_pairs, key=lambda c: (c.first.mentions[0].id, c.second.mentions[0].id))
