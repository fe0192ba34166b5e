"""Folding spelling variants (property tests): what search uses now and redaction will use."""

from hypothesis import given
from hypothesis import strategies as st

from intake.records.folding import fold, words

ARABIC_VARIANTS = [("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنه"), ("ليلى", "ليلي"),
                   ("مُحَمَّد", "محمد"), ("مــحمد", "محمد"), ("فاطمة", "فاطمه")]


def test_arabic_spelling_variants_fold_together():
    for variant, plain in ARABIC_VARIANTS:
        assert fold(variant) == fold(plain)


def test_digits_of_every_numeral_system_fold_to_ascii():
    assert fold("٠٧٥٠ ١٢٣") == fold("۰۷۵۰ ۱۲۳") == "0750 123"


def test_latin_case_and_diacritics():
    assert words("Şêx XELÎL") == words("sex xelil") == ["sex", "xelil"]


@given(st.text(max_size=200))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(max_size=200))
def test_words_are_folded_and_nonempty(text):
    for word in words(text):
        assert word and fold(word) == word


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=",،؛;\r\n"), min_size=1), max_size=6))
def test_lists_split_on_latin_and_arabic_commas(items):
    from intake.web.interview import split_list

    expected = [item.strip() for item in items if item.strip()]
    assert split_list("،".join(items), ",") == split_list(",".join(items), ",") == expected


@given(st.text())
def test_folding_word_by_word_equals_folding_the_whole_text(text):
    from intake.records.folding import fold_words

    assert fold_words(text).split() == fold(text).split()  # the index ignores whitespace


@given(st.text())
def test_offsets_point_back_to_the_character_each_folded_character_came_from(text):
    from intake.records.folding import fold_with_offsets

    folded, origin = fold_with_offsets(text)
    expected = [(fold(char), index) for index, char in enumerate(text)]
    assert folded == "".join(f for f, _ in expected)
    assert origin == [index for f, index in expected for _ in f]


def test_offsets_when_one_character_grows_and_another_vanishes():
    from intake.records.folding import fold_with_offsets

    text = "ß\u064e"  # ß folds to "ss", a fatha to nothing: the same length, shifted offsets
    assert fold_with_offsets(text) == ("ss", [0, 0])
