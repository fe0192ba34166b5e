"""Comparing one row of a screening list with the persons of the perpetrator index: a score in
[0, 1], a level and the reasons, part by part (docs/screening.md).

The row's name is read as the index reads a mention (archive/names.py): its ``name`` with the
``father``, ``grandfather`` and ``tribe`` columns after it, in that order, when the name does
not already hold them, and its ``kunya`` as an alias. Each mention of a person is compared with
it (archive/grouping.compare) and the person keeps the comparison of its closest mention.

Levels (issue 14 §2): ``strong`` only when given name and father's name agree and nothing that
both sides have conflicts or is in doubt (a kunya alone, or a kunya and a tribe, is never
strong); ``possible`` when the name is close but a part is missing or uncertain, or when the
given name and another part agree while another conflicts (a list may misspell one part: the
conflict is shown, never hidden). The same words in another order
are another name and are not listed; neither are names whose given name conflicts with no
kunya to agree.

The score weighs each part (given name and father most) that either side has: agreeing parts
count fully, parts in doubt half, missing parts not at all, and a conflict on the given name,
the father's name or the order cuts the score to a third.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from intake.archive.grouping import Comparison, compare
from intake.archive.names import Name, Word, read_name, read_word, same_word
from intake.records.folding import fold
from intake.screening.lists import ListedPerson

STRONG, POSSIBLE = "strong", "possible"
LEVELS = (STRONG, POSSIBLE)
LIMIT = 10  # candidates kept for a row, the closest first
_WEIGHTS = {"given": 3.0, "father": 3.0, "grandfather": 2.0, "nisba": 2.0, "kunya": 1.5,
            "laqab": 1.0}
_CUTTING = frozenset({"given", "father", "order"})
_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|at|az|ar|an|es|et|ed|er|ez|en)[-\s]", re.IGNORECASE)
_KUNYA = re.compile(r"^(?:abu|abou|ebu|ebû|abo|umm|um|om|أبو|ابو|أم|ام|ئەبو)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Reason:
    """One part compared: ``relation`` is agree, conflict, doubt (spelled closely, not alike)
    or missing (one side has it, ``ours`` the list's and ``theirs`` the index's word)."""

    part: str  # given, father, grandfather, nisba (tribe or origin), kunya, laqab, order
    relation: str
    ours: str = ""
    theirs: str = ""


@dataclass(frozen=True)
class Match:
    person: str
    mention: str  # the person's closest mention
    score: float
    level: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RowResult:
    row: ListedPerson
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class IndexedName:
    """A mention of a person of the index: its id, name and aliases as written."""

    mention: str
    name: str
    aliases: tuple[str, ...] = ()


def listed_name(row: ListedPerson) -> tuple[str, tuple[str, ...]]:
    """The row as a mention: its name followed by the name parts given in their own columns,
    in order, and its kunya as an alias (with Abu when the list wrote the name alone)."""
    text = row.name
    for part in (row.father, row.grandfather):
        if part and not _holds(text, part):
            text += " " + part
    if row.tribe and not _holds(text, row.tribe):
        text += " " + _with_article(row.tribe)
    aliases: tuple[str, ...] = ()
    if row.kunya:
        kunya = row.kunya if _KUNYA.match(row.kunya + " ") else _abu(row.kunya) + " " + row.kunya
        aliases = (kunya,)
    return text, aliases


def _holds(text: str, part: str) -> bool:
    return f" {fold(part)} " in f" {fold(text)} "


def _with_article(tribe: str) -> str:
    if re.match("[\u0600-\u06ff]", tribe):
        return tribe if tribe.startswith(("ال", "آل")) else "ال" + tribe
    return tribe if _ARTICLE.match(tribe) else "al-" + tribe


def _abu(word: str) -> str:
    return "أبو" if re.match("[\u0600-\u06ff]", word) else "Abu"


def match_row(row: ListedPerson, persons: Iterable[tuple[str, Iterable[IndexedName]]]) -> list[Match]:
    """The persons that may be the row's, strongest first (at most :data:`LIMIT`)."""
    text, aliases = listed_name(row)
    ours = read_name(text, aliases)
    our_words = _as_written(text, *aliases)
    found = []
    for person, mentions in persons:
        best, chosen = None, None
        for mention in mentions:
            theirs = read_name(mention.name, mention.aliases)
            candidate = _judged(person, mention, ours, theirs, compare(ours, theirs), our_words)
            if candidate and (best is None or _closer(candidate, best, text, mention, chosen)):
                best, chosen = candidate, mention
        if best:
            found.append(best)
    return sorted(found, key=_rank)[:LIMIT]


def _closer(candidate: Match, best: Match, text: str, mention: IndexedName,
            chosen: IndexedName | None) -> bool:
    """Whether ``candidate`` ranks before ``best``; between equals, the one written in the row's
    script, so that the reasons compare like with like ("سالم / جاسم")."""
    if _rank(candidate) != _rank(best):
        return _rank(candidate) < _rank(best)
    return _arabic(mention.name) == _arabic(text) != _arabic(chosen.name if chosen else "")


def _arabic(text: str) -> bool:
    return bool(re.search("[\u0600-\u06ff]", text))


def _rank(found: Match) -> tuple[int, float, str]:
    return (found.level != STRONG, -found.score, found.person)


def _judged(person: str, mention: IndexedName, ours: Name, theirs: Name, comparison: Comparison,
            our_words: dict[Word, str]) -> Match | None:
    if "order" in comparison.conflict and not _reordered(ours, theirs):
        comparison = replace(comparison, conflict=tuple(c for c in comparison.conflict
                                                        if c != "order"))
    agree, conflict = set(comparison.agree), set(comparison.conflict)
    if "order" in conflict or ("given" in conflict and "kunya" not in agree):
        return None
    if comparison.verdict == "different" and not ("given" in agree and agree - {"given"}):
        return None
    strong = ("given" in agree and "father" in agree and not conflict and not comparison.doubt)
    reasons = _reasons(ours, theirs, comparison, our_words,
                       _as_written(mention.name, *mention.aliases))
    return Match(person, mention.mention, round(_score(reasons), 3),
                 STRONG if strong else POSSIBLE, tuple(reasons))


def _reordered(ours: Name, theirs: Name) -> bool:
    """Whether a word of one name's chain is a word of the other's in another place, and not in
    its own (grouping counts two shared words as reordered, which Walid Said Rashid and Walid
    Saad Rashid also have: there, one part differs and the order is the same)."""
    for a in ours.chains:
        for b in theirs.chains:
            for i, x in enumerate(a):
                if not (i < len(b) and same_word(x, b[i])) and any(
                        same_word(x, y) for j, y in enumerate(b) if j != i):
                    return True
    return False


def _parts(name: Name) -> dict[str, list[Word]]:
    """The words of each part a name has (its first chain's given, father, grandfather)."""
    parts: dict[str, list[Word]] = {}
    if name.chains:
        for part, word in zip(("given", "father", "grandfather"), name.chains[0], strict=False):
            parts[part] = [word]
    if name.kunyas:
        parts["kunya"] = [k.word for k in name.kunyas]
    if name.nisbas:
        parts["nisba"] = list(name.nisbas)
    if name.laqabs:
        parts["laqab"] = list(name.laqabs)
    return parts


def _reasons(ours: Name, theirs: Name, comparison: Comparison, our_words: dict[Word, str],
             their_words: dict[Word, str]) -> list[Reason]:
    mine, yours = _parts(ours), _parts(theirs)
    relations = {**dict.fromkeys(comparison.agree, "agree"),
                 **dict.fromkeys(comparison.doubt, "doubt"),
                 **dict.fromkeys(comparison.conflict, "conflict")}
    reasons = []
    for part in (*_WEIGHTS, "order"):
        if part in relations:
            reasons.append(Reason(part, relations[part], _spelled(mine.get(part), our_words),
                                  _spelled(yours.get(part), their_words)))
        elif part in mine or part in yours:
            reasons.append(Reason(part, "missing", _spelled(mine.get(part), our_words),
                                  _spelled(yours.get(part), their_words)))
    return reasons


def _spelled(words: list[Word] | None, written: dict[Word, str]) -> str:
    return " / ".join(written.get(w) or w.arabic or w.reading for w in words or ())


def _score(reasons: list[Reason]) -> float:
    total = sum(_WEIGHTS.get(r.part, 0.0) for r in reasons)
    if not total:
        return 0.0
    earned = sum(_WEIGHTS.get(r.part, 0.0) * {"agree": 1.0, "doubt": 0.5}.get(r.relation, 0.0)
                 for r in reasons)
    score = earned / total
    if any(r.relation == "conflict" and r.part in _CUTTING for r in reasons):
        score /= 3
    return min(1.0, max(0.0, score))


def _as_written(*texts: str) -> dict[Word, str]:
    """Each word of the texts as it was written, by its comparison form: single words, words
    after an article (ال…, al-…), and two-word compounds (Abd al-Rahman, عبد الرحمن)."""
    written: dict[Word, str] = {}
    for text in texts:
        tokens = text.split()
        for index, token in enumerate(tokens):
            bare = _bare(token)
            written.setdefault(read_word(bare), token)
            written.setdefault(read_word(token), token)
            if index + 1 < len(tokens):
                written.setdefault(read_word(_bare(tokens[index + 1]), bare),
                                   f"{token} {tokens[index + 1]}")
    return written


def _bare(word: str) -> str:
    """A word without its article."""
    if word.startswith("ال") and len(word) > 3 and word != "الله":
        return word[2:]
    return _ARTICLE.sub("", word.strip("-"), count=1) or word


_PART_NAMES = {"given": "given name", "father": "father's name", "grandfather":
               "grandfather's name", "nisba": "tribe or origin", "kunya": "kunya",
               "laqab": "epithet", "order": "order of the names"}


def in_english(reasons: Iterable[Reason]) -> list[str]:
    """The reasons as the command line says them."""
    said = []
    for reason in reasons:
        part = _PART_NAMES[reason.part]
        if reason.relation == "agree":
            said.append(f"{part} agrees: {reason.ours}")
        elif reason.relation == "conflict":
            said.append(f"{part} differs: {reason.ours} / {reason.theirs}")
        elif reason.relation == "doubt":
            said.append(f"{part} is spelled closely: {reason.ours} / {reason.theirs}")
        elif reason.ours:
            said.append(f"{part} {reason.ours} is not in the index")
        else:
            said.append(f"{part} {reason.theirs} is not on the list")
    return said
