"""Comparing mentions with reasons, grouping them into persons, and the candidates left."""

import pytest

from intake.archive.grouping import Decisions, Mention, candidates, compare_mentions, group


def _m(id_, name, *aliases):
    return Mention(id_, name, tuple(aliases))


def _ids(groups):
    return [[m.id for m in g.mentions] for g in groups]


def test_given_name_and_father_agreeing_across_scripts_is_the_same_person():
    result = compare_mentions(_m("a", "Faisal Adnan Mansur al-Hamawi"), _m("b", "فيصل عدنان منصور"))
    assert result.verdict == "same"
    assert {"given", "father", "grandfather"} <= set(result.agree) and not result.conflict


def test_a_conflicting_father_is_another_person():
    result = compare_mentions(_m("a", "Khalid Mahmud al-Ninawi", "Abu Tayyib"),
                              _m("b", "Khalid Ibrahim al-Ninawi", "Abu Tayyib"))
    assert result.verdict == "different"
    assert set(result.agree) == {"given", "kunya", "nisba"} and result.conflict == ("father",)


def test_kunya_and_nisba_agreeing_is_the_same_person():
    result = compare_mentions(_m("a", "Abu Yasir al-Hamawi"), _m("b", "ابو ياسر الحموي"))
    assert result.verdict == "same" and set(result.agree) == {"kunya", "nisba"}


def test_a_shared_kunya_alone_is_only_possibly_the_same():
    result = compare_mentions(_m("a", "Abu Dujana"), _m("b", "Mansur Uthman Adil", "Abu Dujana"))
    assert result.verdict == "possibly" and result.agree == ("kunya",)


def test_the_same_kunya_with_another_nisba_is_another_person():
    result = compare_mentions(_m("a", "Umm Huda al-Faluji"), _m("b", "Umm Huda al-Mawsili"))
    assert result.verdict == "different" and result.conflict == ("nisba",)


def test_the_same_words_in_another_order_are_another_person():
    result = compare_mentions(_m("a", "Omar Hassan Ali al-Jubouri"), _m("b", "Ali Hassan Omar al-Jubouri"))
    assert result.verdict == "different" and "order" in result.conflict


def test_near_namesakes_are_other_persons():
    for a, b in [("Hamid Jasim Khalaf", "حمد جاسم خلف"), ("حامد جاسم خلف", "Hamad Jasim Khalaf"),
                 ("Nasir Salih Abbas", "نصر صالح عباس")]:
        assert compare_mentions(_m("a", a), _m("b", b)).verdict == "different", (a, b)


MENTIONS = [
    _m("1", "Qasim Abbas Jabbar al-Shammari", "Abu Muthanna"),
    _m("2", "قاسم عباس جبار الشمري"),
    _m("3", "Kasim Abbas Cabbar eş-Şammari"),
    _m("4", "Qasim Abbas Jabbar al-Zubaidi"),
    _m("5", "قاسم عباس جبار الزبيدي"),
    _m("6", "Qassim Abbas"),
    _m("7", "Abu Muthanna"),
]


def test_mentions_group_into_persons_and_an_ambiguous_one_joins_neither():
    assert _ids(group(MENTIONS)) == [["1", "2", "3"], ["4", "5"], ["6"], ["7"]]


def test_grouping_does_not_depend_on_the_order_of_the_mentions():
    assert _ids(group(reversed(MENTIONS))) == _ids(group(MENTIONS))


def test_merged_mentions_stay_together_and_split_ones_stand_alone():
    decisions = Decisions(merged=frozenset({("6", "4")}), split=frozenset({"2"}))
    assert _ids(group(MENTIONS, decisions)) == [["1", "3"], ["2"], ["4", "5", "6"], ["7"]]


def test_mentions_said_to_be_different_never_meet_not_even_through_a_third():
    decisions = Decisions(distinct=frozenset({("1", "3")}))
    groups = _ids(group(MENTIONS, decisions))
    assert not any({"1", "3"} <= set(g) for g in groups)


def test_contradicting_decisions_are_refused():
    decisions = Decisions(merged=frozenset({("1", "2")}), distinct=frozenset({("1", "2")}))
    with pytest.raises(ValueError, match="contradict"):
        group(MENTIONS, decisions)


def test_candidates_are_the_pairs_left_for_a_person_with_reasons():
    groups = group(MENTIONS)
    pairs = {(c.first.mentions[0].id, c.second.mentions[0].id): c.comparison for c in candidates(groups)}
    assert set(pairs) == {("1", "6"), ("1", "7"), ("4", "6")}
    assert pairs["1", "7"].verdict == "possibly" and pairs["1", "7"].agree == ("kunya",)
    assert ("1", "4") not in pairs  # the nisba parts them


def test_candidates_decided_apart_are_not_listed_again():
    groups = group(MENTIONS)
    decided = Decisions(distinct=frozenset({("7", "1")}))
    assert [(c.first.mentions[0].id, c.second.mentions[0].id) for c in candidates(groups, decided)] == [
        ("1", "6"), ("4", "6")]


@pytest.mark.parametrize(("first", "second", "persons"), [
    # Turkish spellings of one man in Arabic script: v for و, t for a final d, an inserted vowel.
    ("Nevaf Bekir Mahmut", "نواف بكر محمود", 1),
    ("Xazî Ehmed Silêman", "غازي أحمد سليمان", 1),
    # Latin spellings of two conventions meet too (th / Turkish s, gh / Kurmanji x).
    ("Osman Xazî Mahmut", "Uthman Ghazi Mahmud", 1),
    # The same spellings beside a near-namesake: another father, or one letter apart.
    ("Nevaf Bekir Mahmut", "نواف باقر محمود", 2),
    ("Hamit Nasır Ömer", "حمد ناصر عمر", 2),
    ("Hamit Nasır Ömer", "حامد نصر عمر", 2),
    ("Hamit Nasır Ömer", "حامد ناصر عامر", 2),
    ("Hamit Nasır Ömer", "حامد ناصر عمر", 1),
    ("Osman Samir Heysem", "عثمان ثامر هيثم", 2),
    # A different father's name with the same given name and nisba, in Turkish spelling.
    ("Ahmet Cevat el-Cuburi", "أحمد جواد الجبوري", 1),
    ("Ahmet Cevat el-Cuburi", "أحمد جاسم الجبوري", 2),
])
def test_transliteration_conventions_group_a_man_without_merging_near_namesakes(first, second, persons):
    assert len(group([_m("a", first), _m("b", second)])) == persons
