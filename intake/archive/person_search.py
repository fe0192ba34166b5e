"""Searching the People list for a name in any spelling, through the summary's tables
(archive/person_summary.py) rather than every person.

A person matches a query when its folded form is part of one of their names or aliases (found
under the trigrams of the folded spellings, ``person_grams``), or when
every word of the query spells (names.same_word) a word of one name or alias. The words of every
spelling are stored under :func:`word_keys`, keys two words share whenever ``same_word`` holds
(the Arabic they both spell, or their consonants, read coarsely, with a final h or without): a
query word looks up only the words sharing a key with it, and ``same_word`` then decides for
each. tests/archive/test_person_summary.py checks that the keys never miss a pair of the name
test sets that ``same_word`` joins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from intake.archive.names import fold_arabic, read_word, same_word
from intake.store.connection import Connection

_WORD = re.compile(r"\w+")
_VOWELS = frozenset("aiue")
# The consonants same_word takes for one another, each group under one letter.
_COARSE = {"x": "h", "C": "S", "W": "S", "z": "d", "D": "d", "Z": "d"}


@lru_cache(maxsize=1 << 16)
def word_keys(token: str) -> frozenset[str]:
    """The search keys of one written word."""
    word = read_word(token)
    consonants = "".join(_COARSE.get(ch, ch) for ch in word.reading if ch not in _VOWELS)
    keys = {"c" + consonants, *("c" + skeleton for skeleton in word.skeletons)}
    if consonants.endswith("h"):
        keys.add("c" + consonants[:-1])
    if word.arabic:
        keys.add("a" + word.arabic)
    return frozenset(keys)


def _select_in(conn: Connection, query: str, values: list[str], *params: str) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        rows += conn.execute(query.format(", ".join("?" * len(chunk))), [*chunk, *params])
    return rows


def find(conn: Connection, query: str) -> set[str]:
    """The ids of the persons matching the query (module docstring)."""
    found = _containing(conn, fold_arabic(query))
    asked = _WORD.findall(query)
    if not asked:
        return found
    spelled: list[set[str]] = []  # for each word asked, the written words that spell it
    candidates: set[str] = set()
    for index, token in enumerate(asked):
        word = read_word(token)
        rows = _select_in(conn, "SELECT word, person FROM person_words WHERE key IN ({})",
                          sorted(word_keys(token)))
        written = {w for w in {w for w, _p in rows} if same_word(word, read_word(w))}
        spelled.append(written)
        persons = {p for w, p in rows if w in written}
        candidates = persons if index == 0 else candidates & persons
        if not candidates:
            return found
    texts: dict[str, list[str]] = defaultdict(list)
    for person, text in _select_in(conn, "SELECT person, text FROM person_spellings "
                                   "WHERE person IN ({})", sorted(candidates - found)):
        texts[person].append(text)
    for person, held in texts.items():
        if any(_spells(spelled, text) for text in held):
            found.add(person)
    return found


def _containing(conn: Connection, folded: str) -> set[str]:
    """The persons of whom some folded spelling holds ``folded``: looked up under its trigrams
    (the FTS5 table person_grams) when it has three letters or more, and checked with instr;
    a shorter one is looked for in every spelling."""
    if len(folded) < 3:
        return {person for (person,) in conn.execute(
            "SELECT DISTINCT person FROM person_folded WHERE instr(folded, ?) > 0", (folded,))}
    phrase = '"' + folded.replace('"', '""') + '"'
    return {person for (person,) in conn.execute(
        "SELECT DISTINCT f.person FROM person_grams g JOIN person_folded f ON f.id = g.rowid "
        "WHERE person_grams MATCH ? AND instr(f.folded, ?) > 0", (phrase, folded))}


def _spells(spelled: Iterable[set[str]], text: str) -> bool:
    """Whether every word asked spells a word of this one name or alias."""
    words = set(_WORD.findall(text))
    return all(words & written for written in spelled)
