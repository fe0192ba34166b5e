"""Matching list rows against the persons of the index: the levels' rules as properties, and the
measured figures on an invented held-out-style set (tests/screening/screening_set.json)."""

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from intake.screening.lists import ListedPerson
from intake.screening.matching import POSSIBLE, STRONG, IndexedName, in_english, match_row

SET = json.loads((Path(__file__).parent / "screening_set.json").read_text("utf-8"))
GIVEN = ["أحمد", "حامد", "حمد", "سالم", "خالد", "ناصر", "نصر", "عمر", "عامر", "يونس", "محمود",
         "إبراهيم", "جاسم", "فاضل", "خلف", "كريم", "رشيد", "سعد", "سعيد", "زياد", "وليد", "فيصل"]
TRIBES = ["الجبوري", "العبيدي", "الشمري", "الزبيدي", "الدليمي", "الحمداني"]
WORDS = st.sampled_from(GIVEN)
MARKS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0640"]  # fatha, damma, kasra, shadda, tatweel


def _persons():
    return [(pid, [IndexedName(f"{pid}:{n}", m[0], tuple(m[1:])) for n, m in enumerate(ms)])
            for pid, ms in SET["persons"].items()]


def _row(name="", **parts):
    return ListedPerson(2, name, **parts)


def _one(name, aliases=()):
    return [("P", [IndexedName("P:0", name, tuple(aliases))])]


def test_the_held_out_style_list():
    """Every true person found and first; no wrong person strong (docs/screening.md quotes it)."""
    found = first = wrong_strong = 0
    expected = [row["expect"] for row in SET["rows"]]
    for row, expect in zip(SET["rows"], expected, strict=True):
        matches = match_row(_row(**{k: v for k, v in row.items() if k != "expect"}), _persons())
        found += expect in [m.person for m in matches]
        first += bool(matches) and matches[0].person == expect
        wrong_strong += sum(m.level == STRONG and m.person != expect for m in matches)
    on_list = sum(1 for e in expected if e)
    assert (found, first, wrong_strong) == (on_list, on_list, 0)


def test_reasons_name_the_parts_and_their_words():
    (match,) = [m for m in match_row(_row("وليد سعيد رشيد"), _persons()) if m.person == "P16"]
    assert match.level == POSSIBLE
    assert "father's name differs: سعيد / سعد" in in_english(match.reasons)
    assert "given name agrees: وليد" in in_english(match.reasons)


def test_missing_parts_are_said_on_either_side():
    (match,) = match_row(_row("ناصر يونس"), _persons())[:1]
    assert "grandfather's name محمود is not on the list" in in_english(match.reasons)


def test_a_name_given_in_columns_is_read_in_their_order():
    reversed_columns = _row("حمد", father="احمد", grandfather="سالم", tribe="الجبوري")
    assert not [m for m in match_row(reversed_columns, _persons()) if m.level == STRONG]


@given(WORDS, WORDS, WORDS, st.sampled_from(TRIBES), st.lists(st.sampled_from(MARKS), max_size=3),
       st.booleans())
def test_a_spelling_variant_of_the_indexed_name_is_strong(first, father, grandfather, tribe,
                                                          marks, hamza):
    indexed = f"{first} {father} {grandfather} {tribe}"
    written = first[0] + "".join(marks) + first[1:]
    written = written.replace("أ", "ا").replace("إ", "ا") if hamza else written
    (match,) = match_row(_row(f"{written} {father}", grandfather=grandfather), _one(indexed))
    assert match.level == STRONG


@given(WORDS, WORDS, WORDS, WORDS)
def test_a_different_fathers_name_is_never_strong(first, father, other, grandfather):
    if other == father:
        return
    matches = match_row(_row(f"{first} {other} {grandfather}"), _one(f"{first} {father} {grandfather}"))
    assert all(m.level != STRONG for m in matches)


@given(WORDS, WORDS, WORDS)
def test_the_same_words_in_another_order_are_not_the_name(first, father, grandfather):
    if first == father:
        return
    assert match_row(_row(f"{father} {first} {grandfather}"), _one(f"{first} {father} {grandfather}")) == []


@given(WORDS, st.sampled_from(TRIBES), st.booleans())
def test_a_kunya_alone_is_never_strong(word, tribe, in_column):
    row = _row(word, kunya=word) if in_column else _row(f"أبو {word}")
    matches = match_row(row, _one(f"أبو {word} {tribe}"))
    assert matches and all(m.level == POSSIBLE for m in matches)


@given(st.lists(st.tuples(WORDS, WORDS, WORDS), min_size=1, max_size=8))
def test_scores_are_in_the_unit_interval_and_strong_comes_first(names):
    index = [(f"P{n}", [IndexedName(f"P{n}:0", " ".join(name))]) for n, name in enumerate(names)]
    matches = match_row(_row(" ".join(names[0])), index)
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    levels = [m.level for m in matches]
    assert levels == sorted(levels, key=lambda level: level != STRONG)
