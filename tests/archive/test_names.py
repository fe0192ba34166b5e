"""Reading one name: folding across scripts and the parts of an Arabic personal name."""

import pytest

from intake.archive.names import fold_arabic, read_name, read_word, relation, same_word


def _word(text):
    return read_word(text)


@pytest.mark.parametrize(("written", "folded"), [
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنه"),  # hamza forms, ta marbuta
    ("مُحَمَّد", "محمد"), ("قـــاسم", "قاسم"),  # tashkeel and shadda, tatweel
    ("مصطفى", "مصطفي"), ("سلوى", "سلوي"),  # alef maqsura written as ي
    ("کەمال", "كمال"), ("ڕەشید", "رشيد"), ("ئەبو", "ابو"), ("ئازاد", "ازاد"), ("گۆران", "كوران"),
    ("ڤیان", "فيان"),
])
def test_arabic_script_folds_hamza_diacritics_tatweel_and_kurdish_letters(written, folded):
    assert fold_arabic(written) == folded


@pytest.mark.parametrize(("a", "b"), [
    ("Mohammed", "Muhammad"), ("Mohamed", "محمد"), ("Qasim", "Kasim"), ("Qasim", "قاسم"),
    ("Khalid", "Xalid"), ("Khaled", "خالد"), ("خالید", "خالد"), ("Shakir", "Şakir"),
    ("Jamal", "Cemal"), ("Hussein", "Hüseyin"), ("Husayn", "حسين"), ("Mahmoud", "Mahmud"),
    ("Yasin", "Yasîn"), ("Yaseen", "ياسين"), ("Hamzah", "حمزة"), ("Hamza", "حمزه"),
    ("Mustafa", "مصطفي"), ("Ali", "علي"), ("Fadhil", "فاضل"), ("Fazıl", "فاضل"), ("Ezîz", "عزيز"),
    ("Ebû", "Abu"),
])
def test_spellings_of_one_name_are_the_same_word(a, b):
    assert same_word(_word(a), _word(b))
    assert same_word(_word(b), _word(a))


@pytest.mark.parametrize(("a", "b"), [
    ("حامد", "حمد"), ("Hamid", "Hamad"), ("Hamid", "حمد"), ("Hamad", "حامد"), ("Hamed", "حمد"),
    ("ناصر", "نصر"), ("Nasir", "نصر"), ("Nasr", "ناصر"), ("عمر", "عامر"), ("Omar", "Amer"),
    ("Omar", "عامر"), ("Hasan", "Husain"), ("حسن", "حسين"), ("Saad", "Said"), ("زيد", "زياد"),
    ("Jamal", "Kamal"), ("Ammar", "Amer"),
])
def test_near_namesakes_one_letter_apart_are_other_names(a, b):
    assert relation(_word(a), _word(b)) == "other"


def test_a_four_part_name_is_given_father_grandfather_and_tribe():
    name = read_name("Ahmad bin Salih Hasan al-Jubouri")
    assert [w.reading for w in name.chains[0]] == ["ahmad", "salih", "hasan"]
    assert [w.reading for w in name.nisbas] == ["juburi"]
    arabic = read_name("أحمد صالح حسن الجبوري")
    assert [w.arabic for w in arabic.chains[0]] == ["احمد", "صالح", "حسن"]
    assert [w.arabic for w in arabic.nisbas] == ["جبوري"]


@pytest.mark.parametrize("text", ["Abu Khalid al-Masri", "أبو خالد المصري", "ابو خالد المصري",
                                  "Abou Khaled el-Masri", "Ebû Xalid el-Masrî", "ئەبو خالید المصري"])
def test_a_kunya_and_nisba_are_read_in_every_script(text):
    name = read_name(text)
    assert not name.chains
    (kunya,) = name.kunyas
    assert kunya.kind == "abu" and same_word(kunya.word, read_word("Khalid"))
    (nisba,) = name.nisbas
    assert same_word(nisba, read_word("Masri"))


def test_umm_is_a_kunya_too():
    (kunya,) = read_name("Oum Houda").kunyas
    assert kunya.kind == "umm"
    (arabic,) = read_name("أم هدى").kunyas
    assert arabic.kind == "umm" and same_word(kunya.word, arabic.word)


@pytest.mark.parametrize("text", ["Abdulrahman Ali", "Abd al-Rahman Ali", "Abdurrahman Ali",
                                  "عبد الرحمن علي", "عبدالرحمن علي"])
def test_abd_compounds_are_one_given_name(text):
    given, father = read_name(text).chains[0]
    assert same_word(given, read_name("Abdul Rahman Ali").chains[0][0])
    assert same_word(father, read_word("Ali"))


def test_din_compounds_are_one_name():
    assert same_word(read_name("Salahuddin Omar").chains[0][0], read_name("صلاح الدين عمر").chains[0][0])


def test_aliases_give_kunyas_and_laqabs_and_titles_are_left_out():
    name = read_name("Sheikh Ibrahim Yusuf", ("Abu Bara", "al-Ahmar", "Ahmar"))
    assert [w.reading for w in name.chains[0]] == ["ibrahim", "iusuf"]
    assert {k.kind for k in name.kunyas} == {"abu"}
    assert len(name.laqabs) == 1


def test_spelling_variants_that_are_not_alike_are_close_not_other():
    assert relation(_word("Tunisi"), _word("Tounsi")) == "close"


# Transliteration conventions (Kurmanji Hawar alphabet, Turkish, French, English), one rule each.
@pytest.mark.parametrize(("a", "b"), [
    # Kurmanji x writes خ and, in common use, غ (Hawar ẍ); xw is خو.
    ("Xazî", "غازي"), ("Xazî", "Ghazi"), ("Ẍazî", "غازي"), ("Xanim", "غانم"), ("Xalid", "خالد"),
    ("Xwerşîd", "خورشيد"), ("Xwerşîd", "Khurshid"),
    # Turkish v for و in Arabic names; Kurmanji v for ڤ.
    ("Nevaf", "نواف"), ("Nevaf", "Nawaf"), ("Mervan", "Marwan"), ("Fevzi", "فوزي"), ("Velid", "Walid"),
    ("Viyan", "ڤیان"),
    # Turkish writes a final d as t.
    ("Ahmet", "أحمد"), ("Mahmut", "Mahmud"), ("Davut", "داود"), ("Hamit", "Hamid"), ("Reşit", "رشيد"),
    # Turkish and Kurmanji put a vowel between a word's last two consonants.
    ("Bekir", "Bakr"), ("Bekir", "بكر"), ("Sabır", "Sabr"), ("Sabır", "صبر"),
    # Turkish s for ث; English th for ث, ذ, ظ and ض.
    ("Osman", "عثمان"), ("Osman", "Uthman"), ("Heysem", "Haitham"), ("Leys", "ليث"),
    ("Thiab", "ذياب"), ("Thafir", "ظافر"), ("Fathil", "فاضل"),
    # Kurmanji j and English zh for ژ.
    ("Jiyan", "ژیان"), ("Zhiyan", "ژیان"),
    # Kurmanji short i for u, ê for ay.
    ("Mistefa", "Mustafa"), ("Mihemed", "Muhammad"), ("Hisên", "Husain"), ("Hisên", "حسين"),
    ("Silêman", "سليمان"), ("Silêman", "Sulaiman"),
    # Sorani script leaves the short i unwritten.
    ("دڵشاد", "Dilşad"), ("دڵشاد", "Dilshad"),
    # French dj, ch, ou; a first short vowel left out.
    ("Djamel", "Jamal"), ("Chaker", "Shakir"), ("Mounir", "منير"), ("Brahim", "إبراهيم"),
])
def test_transliteration_conventions_spell_the_same_word(a, b):
    assert same_word(_word(a), _word(b))
    assert same_word(_word(b), _word(a))


@pytest.mark.parametrize(("a", "b"), [
    # Turkish Nasır is ناصر; Nasr is نصر: the inserted vowel does not join them.
    ("Nasır", "Nasr"), ("Nasır", "نصر"), ("Nâsır", "نصر"),
    # Final t for d does not join حامد and حمد, nor does the inserted vowel join باقر and بكر.
    ("Hamit", "Hamad"), ("Hamit", "حمد"), ("Bekir", "باقر"), ("Bakır", "Bakr"), ("Baqir", "بكر"),
    # Kurmanji and Turkish vowels do not join عمر and عامر.
    ("Ömer", "Amer"), ("Ömer", "عامر"), ("Umer", "Amir"),
    # Turkish s for ث does not join ثامر and سامر.
    ("Thamir", "Samir"), ("Samir", "ثامر"), ("Thamer", "سامر"),
    # x for غ does not join غانم with a name without it.
    ("غانم", "خانم"),
])
def test_transliteration_conventions_keep_near_namesakes_apart(a, b):
    assert relation(_word(a), _word(b)) == "other"


@pytest.mark.parametrize(("a", "b"), [("Hisên", "حسن"), ("Hisên", "Hasan"), ("Hamd", "Hamid"),
                                      ("Hamd", "حامد")])
def test_a_spelling_that_could_be_two_names_is_not_the_same_as_the_other(a, b):
    # Kurmanji Hisên spells حسين, not حسن; Hamd is not حامد (no inserted vowel is read into a
    # common name).
    assert not same_word(_word(a), _word(b))
