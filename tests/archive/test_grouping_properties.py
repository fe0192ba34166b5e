"""Properties of grouping: spelling variants group, other fathers and other orders never do,
the order of the input does not matter, and people's decisions hold."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.archive.grouping import Decisions, Mention, candidates, group

# Invented names: (Arabic, Latin). Some are in the table of common names, some are not.
NAMES = [("خالد", "Khalid"), ("محمود", "Mahmoud"), ("يوسف", "Yusuf"), ("قاسم", "Qasim"),
         ("جاسم", "Jasim"), ("شاكر", "Shakir"), ("حمزة", "Hamza"), ("مصطفى", "Mustafa"),
         ("كريم", "Karim"), ("زياد", "Ziyad"), ("نبيل", "Nabil"), ("خلف", "Khalaf"),
         ("سلمان", "Salman"), ("مروان", "Marwan"), ("غازي", "Ghazi"), ("فاضل", "Fadil"),
         ("إسماعيل", "Ismail"), ("عثمان", "Uthman"), ("شوكت", "Shawkat"), ("جلال", "Jalal")]
LATIN_VARIANTS = [("q", "k"), ("kh", "x"), ("sh", "ş"), ("j", "c"), ("u", "ou"), ("i", "ee"), ("a", "e"),
                  ("Q", "K"), ("Kh", "X"), ("Sh", "Ş"), ("J", "C"), ("U", "Ou"), ("I", "Ee")]
MARKS = "ًٌٍَُِّْ"
SETS = Path(__file__).resolve().parent


def _latin_variant(word, data):
    found = [(old, new) for old, new in LATIN_VARIANTS if old in word]
    if not found:
        return word
    old, new = data.draw(st.sampled_from(found))
    return word.replace(old, new, 1)


def _arabic_variant(word, data):
    kind = data.draw(st.sampled_from(["hamza", "marks", "tatweel", "ending"]))
    if kind == "hamza" and word[0] in "اأإ":
        return data.draw(st.sampled_from("اأإ")) + word[1:]
    if kind == "marks":
        at = data.draw(st.integers(1, len(word)))
        return word[:at] + data.draw(st.sampled_from(MARKS)) + word[at:]
    if kind == "tatweel" and len(word) > 2:
        at = data.draw(st.integers(1, len(word) - 1))
        return word[:at] + "ـ" + word[at:]
    if kind == "ending":
        return word[:-1] + {"ة": "ه", "ه": "ة", "ى": "ي", "ي": "ى"}.get(word[-1], word[-1])
    return word


@st.composite
def person(draw):
    """Three different names: given, father, grandfather."""
    return draw(st.lists(st.sampled_from(NAMES), min_size=3, max_size=3, unique=True))


@given(person(), st.integers(2, 3), st.sampled_from(["latin", "arabic", "across"]), st.data())
def test_a_spelling_variant_of_a_name_groups_with_it(parts, length, how, data):
    parts = parts[:length]
    arabic = " ".join(a for a, _ in parts)
    latin = " ".join(w for _, w in parts)
    if how == "latin":
        first, second = latin, " ".join(_latin_variant(w, data) for _, w in parts)
    elif how == "arabic":
        first, second = arabic, " ".join(_arabic_variant(a, data) for a, _ in parts)
    else:
        first, second = arabic, " ".join(_latin_variant(w, data) for _, w in parts)
    groups = group([Mention("a", first), Mention("b", second)])
    assert len(groups) == 1, (first, second)


@given(person(), st.sampled_from(NAMES), st.booleans(), st.booleans())
def test_another_fathers_name_never_groups(parts, other, arabic, tribe):
    if other in parts:
        return
    script = 0 if arabic else 1
    nisba = (" الجبوري" if arabic else " al-Jubouri") if tribe else ""
    first = " ".join(p[script] for p in parts) + nisba
    second = " ".join(p[script] for p in (parts[0], other, parts[2])) + nisba
    assert len(group([Mention("a", first), Mention("b", second, ("Abu Bakr",))])) == 2


@given(person(), st.integers(2, 3), st.booleans())
def test_a_multi_part_name_in_reverse_order_never_groups(parts, length, arabic):
    words = [p[0 if arabic else 1] for p in parts[:length]]
    mentions = [Mention("a", " ".join(words)), Mention("b", " ".join(reversed(words)))]
    assert len(group(mentions)) == 2


TUNED = [Mention(r["id"], r["name"], tuple(r["aliases"]))
         for r in json.loads((SETS / "name_mentions.json").read_text("utf-8"))]


def _ids(groups):
    return [[m.id for m in g.mentions] for g in groups]


@settings(max_examples=30, deadline=None)
@given(st.permutations(TUNED))
def test_grouping_does_not_depend_on_the_order_of_the_input(mentions):
    assert _ids(group(mentions)) == _ids(group(TUNED))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(TUNED[:40]), min_size=2, max_size=40, unique=True), st.data())
def test_decisions_hold(mentions, data):
    ids = [m.id for m in mentions]
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    merged = data.draw(st.lists(pair, max_size=5))
    root = {i: i for i in ids}

    def find(i):
        while root[i] != i:
            i = root[i]
        return i

    for x, y in merged:
        root[find(x)] = find(y)
    distinct = [p for p in data.draw(st.lists(pair, max_size=5)) if find(p[0]) != find(p[1])]
    together = {i for p in merged for i in p}
    split = [i for i in data.draw(st.lists(st.sampled_from(ids), max_size=3)) if i not in together]
    decisions = Decisions(frozenset(merged), frozenset(distinct), frozenset(split))
    where = {m.id: index for index, g in enumerate(group(mentions, decisions)) for m in g.mentions}
    groups = group(mentions, decisions)
    assert all(where[x] == where[y] for x, y in merged)
    assert all(where[x] != where[y] for x, y in distinct)
    assert all(len(groups[where[i]].mentions) == 1 for i in split)


def _pair_ids(found):
    return [(c.first.mentions[0].id, c.second.mentions[0].id, c.comparison) for c in found]


def test_one_groups_candidates_are_those_of_the_whole_list_that_name_it():
    """A person's page asks for its own pairs only (``around``): exactly the pairs of the whole
    list that involve it, with the same reasons."""
    groups = group(TUNED)
    everything = candidates(groups)
    assert everything  # the tuned set leaves pairs for a person to decide
    for one in groups:
        theirs = [c for c in everything if one in (c.first, c.second)]
        assert _pair_ids(candidates(groups, around=one)) == _pair_ids(theirs)


# Names with their spellings by Turkish and Kurmanji conventions (v for و, t for a final d, an
# inserted vowel, s for ث, x for خ and غ, c for ج, ş for ش, Kurmanji i for u and ê for ay).
TRANSLITERATED = [("نواف", ["Nevaf"]), ("بكر", ["Bekir"]), ("داود", ["Davut", "Dawid"]),
                  ("عثمان", ["Osman"]), ("هيثم", ["Heysem"]), ("غانم", ["Ganim", "Xanim"]),
                  ("مروان", ["Mervan", "Merwan"]), ("وليد", ["Velid", "Welîd"]), ("حامد", ["Hamit"]),
                  ("جواد", ["Cevat", "Cewad"]), ("شوكت", ["Şevket", "Şewket"]), ("خالد", ["Halit", "Xalid"]),
                  ("غازي", ["Gazi", "Xazî"]), ("مصطفى", ["Mistefa"]), ("سليمان", ["Süleyman", "Silêman"]),
                  ("حسين", ["Hüseyin", "Hisên"]), ("صبر", ["Sabır"]), ("ليث", ["Leys"]),
                  ("أحمد", ["Ahmet", "Ehmed"]), ("محمود", ["Mahmut", "Mehmûd"])]
# Names one letter apart in Arabic, each with a Turkish or Kurmanji spelling.
NEAR = [(("حامد", "Hamit"), ("حمد", "Hamad")), (("ناصر", "Nasır"), ("نصر", "Nasr")),
        (("عامر", "Amir"), ("عمر", "Ömer")), (("باقر", "Bakır"), ("بكر", "Bekir")),
        (("حسين", "Hisên"), ("حسن", "Hesen")), (("ثامر", "Thamir"), ("سامر", "Samir"))]


@st.composite
def transliterated(draw):
    return draw(st.lists(st.sampled_from(TRANSLITERATED), min_size=3, max_size=3, unique_by=lambda n: n[0]))


@given(transliterated(), st.integers(2, 3), st.data())
def test_a_turkish_or_kurmanji_spelling_groups_with_the_arabic(parts, length, data):
    parts = parts[:length]
    arabic = " ".join(_arabic_variant(a, data) for a, _ in parts)
    latin = " ".join(data.draw(st.sampled_from(spellings)) for _, spellings in parts)
    assert len(group([Mention("a", arabic), Mention("b", latin)])) == 1, (arabic, latin)


@given(transliterated(), st.sampled_from(NEAR), st.booleans(), st.booleans(), st.booleans())
def test_a_near_namesakes_turkish_or_kurmanji_spelling_never_groups(parts, near, flip, position, tribe):
    ours, theirs = near if flip else near[::-1]
    if any(a in (ours[0], theirs[0]) for a, _ in parts):
        return
    at = 1 if position else 0
    nisba = (" الجبوري", " el-Cuburi") if tribe else ("", "")
    arabic = [a for a, _ in parts]
    latin = [spellings[0] for _, spellings in parts]
    arabic[at], latin[at] = ours[0], theirs[1]
    first, second = " ".join(arabic) + nisba[0], " ".join(latin) + nisba[1]
    assert len(group([Mention("a", first), Mention("b", second)])) == 2, (first, second)
