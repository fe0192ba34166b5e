"""Reading one perpetrator's name: its parts, and a comparison form of each word across scripts.

A mention (a name and its aliases, as a testimony's incident lists them) is read into the parts
of an Arabic personal name (Schimmel, *Islamic Names*, 1989; research notes in
case-building.md, "Names"): the kunya ("Abu X", "Umm X"), the ism and nasab in order (given
name, father, grandfather, further ancestors: an Iraqi four-part name ends with the tribe), the
nisba ("al-Masri", "al-Jubouri": origin or tribe, an article and the relational -i ending) and
the laqab (any other epithet: "al-Ahmar", or a one-word alias).

Each word is kept in two forms. Written in Arabic script (Arabic or Sorani), it is folded as in
Arabic information retrieval (Larkey, Ballesteros & Connell 2002, see records/folding.py), with
the Persian and Kurdish letters ک ی ە ھ ێ ۆ ڕ ڵ ڤ پ چ ژ گ taken to their Arabic counterparts.
Every word also gets a *reading*: a Latin skeleton in which the letters that transliterations
spell differently fall together (q/k, dh/z/th, kh/x, sh/ş, j/c, ç/ch, û/u/ou/oo, î/i/ee, ê/e,
w/v: Turkish v for و), and vowels fall into three classes a, i, u (Arabic's three vowels), with
e standing for either a or i (Mohammed/Muhammad, Khaled/Khalid). Some letters agree with more
than one other: Kurmanji x (Hawar x, ẍ) with kh, gh and Turkish h, since it writes خ and, in
common use, غ (Xazî / غازي); th (ث) with Turkish s (Osman / عثمان) and with z, dh and d (Thiab,
Fathil: ذياب, فاضل); Kurmanji j with ژ; a word's last t with d (Turkish Ahmet / أحمد). Vowels
also agree as Turkish and Kurmanji write them: a vowel between a word's last two consonants
(Bekir / Bakr), Kurmanji i for a short u and ê for ay (Mistefa, Hisên); and Sorani script leaves
the short i unwritten (دڵشاد / Dilşad). Arabic script writes only long vowels: a reading from
Arabic marks its other vowels as unknown, so that حامد reads compatibly with "Hamid" and خالد
with "Xalid", while two Arabic spellings still differ by one letter (حامد / حمد). Sorani writes
every vowel, so its readings are as complete as Latin ones. Common given names whose Latin
spelling alone cannot tell the Arabic apart (Hamid حامد / Hamad حمد) are looked up in a short
table, the way nomenklatura's name symbols do; other names are compared by their readings
(the research notes measured that a table alone misses uncommon names and Kurdish or
Turkish transliterations, and that fuzzy ratios merge near-namesakes). A spelling that is none
of a common name's listed ones must have the vowels of one of them to match that name written
in Arabic script, and the vowel Turkish inserts is never read into a common name, so that
Nasır (Turkish for ناصر) stays apart from نصر and Hisên (حسين) from حسن.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from intake.records.folding import fold

# Arabic-script letters folded for comparison: the Persian and Kurdish letters to their Arabic
# counterparts (on top of records/folding.py: hamza forms, ta marbuta, alef maqsura, tatweel).
_ARABIC_FOLD = str.maketrans({
    "ھ": "ه", "ێ": "ي", "ۆ": "و", "ڕ": "ر", "ڵ": "ل", "ڤ": "ف", "پ": "ب", "چ": "ج",
    "ژ": "ز", "گ": "ك", "ء": None,
})
_SORANI_LETTERS = frozenset("ەێۆڕڵڤپچژگھیک")

# Arabic-script letters to reading symbols. Consonant symbols: upper case S (sh), C (ç/ch), D
# (ض: d, dh or Turkish z; Latin dh is Z: ض or ذ), T (ث and Latin th), J (ژ and Latin zh), X
# (Kurmanji x: خ or غ);
# vowels a, i, u, e (a or i); "" for hamza carriers and ayn, whose vowel is not written.
_ARABIC_READING = {
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "ث": "T", "ذ": "z", "ز": "z", "ظ": "z", "ژ": "J",
    "ج": "j", "چ": "C", "ح": "h", "ه": "h", "ھ": "h", "خ": "x", "د": "d", "ض": "D", "ر": "r",
    "ڕ": "r", "س": "s", "ص": "s", "ش": "S", "غ": "g", "گ": "g", "ف": "f", "ڤ": "u", "ق": "k",
    "ك": "k", "ک": "k", "ل": "l", "ڵ": "l", "م": "m", "ن": "n", "و": "u", "ۆ": "u", "ي": "i",
    "ی": "i", "ى": "e", "ێ": "e", "ا": "a", "آ": "a", "ة": "a", "ە": "a", "ؤ": "u", "ئ": "i",
    "أ": "", "إ": "", "ٱ": "a", "ء": "", "ع": "",
}
# Latin letters that stand for one reading symbol (after the digraphs below are taken).
_LATIN_SINGLE = {
    "q": "k", "c": "j", "p": "b", "v": "u", "w": "u", "y": "i", "o": "u", "ç": "C", "ş": "S",
    "š": "S", "ğ": "g", "ı": "i", "ḥ": "h", "ṣ": "s", "ṭ": "t", "ḍ": "d", "ẓ": "z", "ḏ": "z",
    "ṯ": "z", "ž": "z", "ḫ": "x", "ġ": "g", "ʿ": "", "ʾ": "", "'": "", "’": "", "‘": "", "`": "",
}
# Digraphs of English and French transliteration; "ch" is English ç or French sh (W: either).
_LATIN_DIGRAPHS = (("kh", "x"), ("sh", "S"), ("ch", "W"), ("dh", "Z"), ("th", "T"), ("zh", "J"),
                   ("gh", "g"), ("dj", "j"), ("ph", "f"), ("ee", "i"), ("ou", "u"), ("oo", "u"))
_KURMANJI_XW = re.compile("xwe?")
_VOWELS = frozenset("aiue")

# The words that mark a part of the name.
_KUNYA = {"abu": "abu", "abou": "abu", "ebu": "abu", "abo": "abu", "ابو": "abu", "ابي": "abu",
          "umm": "umm", "um": "umm", "om": "umm", "oum": "umm", "ummu": "umm",
          "ام": "umm"}
_NASAB = frozenset({"bin", "ibn", "ben", "bn", "ibnu", "bint", "binti", "kure", "بن", "ابن", "بنت",
                    "كوري"})
_TITLES = frozenset({"sheikh", "shaikh", "sheik", "sex", "haji", "hajji", "hac", "mullah", "mula",
                     "شيخ", "الشيخ", "حاجي", "الحاج", "ملا"})
_ARTICLES = frozenset({"al", "el", "ad", "as", "ash", "at", "az", "ar", "an", "es", "et", "ed",
                       "er", "ez", "en", "ul", "ut", "ud", "us", "ur"})
_ABD = re.compile(r"^abd(?:ul|el|al|ol|ur|ar|er|us|u|e|i)?(?=[a-z]{3})")
_DIN = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:uddin|eddine|eddin|addin|iddin)$")

# Common given names of Iraq and their usual Latin spellings: a Latin or Sorani spelling that
# reads like one of them is taken for that Arabic name, so that names one letter apart in Arabic
# (حامد / حمد, ناصر / نصر, عامر / عمر) stay apart across scripts too.
_COMMON_SPELLINGS = {
    "محمد": "Muhammad Mohammed", "أحمد": "Ahmad", "محمود": "Mahmud", "علي": "Ali",
    "حسن": "Hasan", "حسين": "Husain", "حامد": "Hamid Hamed", "حمد": "Hamad", "خالد": "Khalid",
    "قاسم": "Qasim", "جاسم": "Jasim", "سالم": "Salim Salem", "ناصر": "Nasir Nasser", "نصر": "Nasr",
    "عمر": "Umar", "عامر": "Amir Amer", "صالح": "Salih Saleh", "صلاح": "Salah", "إبراهيم": "Ibrahim",
    "إسماعيل": "Ismail", "يوسف": "Yusuf", "يونس": "Yunus Younis", "عثمان": "Uthman", "عباس": "Abbas",
    "فاضل": "Fadil", "فيصل": "Faisal", "كريم": "Karim", "رشيد": "Rashid", "سعيد": "Said",
    "سعد": "Saad", "خلف": "Khalaf", "جبار": "Jabbar", "ستار": "Sattar", "عادل": "Adil",
    "عدنان": "Adnan", "مصطفى": "Mustafa", "منصور": "Mansur", "ياسين": "Yasin", "زياد": "Ziyad",
    "زيد": "Zaid", "حمزة": "Hamza", "طه": "Taha", "وليد": "Walid", "نبيل": "Nabil", "مهدي": "Mahdi",
    "هادي": "Hadi", "شاكر": "Shakir", "جمال": "Jamal", "كمال": "Kamal",
    "كامل": "Kamil", "عمار": "Ammar", "بشار": "Bashar",
    "بكر": "Bakr Bekir", "باقر": "Baqir Baqer", "ثامر": "Thamir Thamer", "سامر": "Samir Samer",
}


@dataclass(frozen=True)
class Word:
    """One word of a name: its Arabic (folded, if written in Arabic script or if it spells one
    of the common names), whether that Arabic is a common name's, and its reading. ``full`` is
    False when the reading comes from Arabic script without its short vowels; ``sorani`` is
    True when it comes from Sorani script, which writes every vowel but the short i."""

    arabic: str
    reading: str
    full: bool
    common: bool = False
    sorani: bool = False
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.arabic, self.reading, self.full, self.common,
                                                self.sorani)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def identity(self) -> str:
        """What two words share when they surely spell one name: a common name's Arabic, an
        Arabic spelling's folding, a Latin spelling's reading."""
        if self.common:
            return "=" + self.arabic
        return self.arabic if self.arabic else "~" + self.reading

    @property
    def skeleton(self) -> str:
        """The consonants of the reading (of a common name, its usual spelling's), coarsely
        (kh, Kurmanji x and Turkish h together; sh, ç and ch; d, dh, z and th; a last t as
        d): the blocking key."""
        return self.skeletons[0]

    @property
    def skeletons(self) -> tuple[str, ...]:
        """The blocking keys of the word: its skeleton and, when it has a letter that agrees
        with letters of two coarse classes (th with Turkish s, Kurmanji x with gh), the
        skeleton with that letter in the other class too."""
        reading = _CANONICAL[self.arabic] if self.common else self.reading
        return _skeletons(reading)


@lru_cache(maxsize=262144)
def _skeletons(reading: str) -> tuple[str, ...]:
    if len(reading) > 2 and reading[-1] == "h" and reading[-2] in _VOWELS:
        reading = reading[:-1]  # Hamzah / حمزة
    if reading[-1:] == "t":
        reading = reading[:-1] + "d"  # Turkish Ahmet / أحمد: a final d written t
    readings = [reading]
    for letter, other in (("T", "s"), ("X", "g")):  # Osman / عثمان, Xazî / غازي
        if letter in reading:
            readings += [found.replace(letter, other) for found in readings]
    found = ["".join(_COARSE.get(ch, ch) for ch in each if ch not in _VOWELS) for each in readings]
    return tuple(dict.fromkeys(found))


_COARSE = {"x": "h", "X": "h", "C": "S", "W": "S", "z": "d", "D": "d", "Z": "d", "T": "d", "J": "j"}


@dataclass(frozen=True)
class Kunya:
    kind: str  # "abu" or "umm"
    word: Word


@dataclass(frozen=True)
class Name:
    """A mention read into its parts. ``chains`` holds each written ism-and-nasab sequence in
    order (given, father, grandfather, …), the main name's first; the sets hold every kunya,
    nisba and laqab of the name and its aliases."""

    chains: tuple[tuple[Word, ...], ...] = ()
    kunyas: frozenset[Kunya] = field(default_factory=frozenset)
    nisbas: frozenset[Word] = field(default_factory=frozenset)
    laqabs: frozenset[Word] = field(default_factory=frozenset)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.chains, self.kunyas, self.nisbas, self.laqabs)))

    def __hash__(self) -> int:
        return self._hash


def fold_arabic(text: str) -> str:
    """``text`` folded as Arabic script: records/folding.py, then Persian and Kurdish letters
    to their Arabic counterparts, a word's first Kurdish ئ as alef, and Sorani ە dropped
    inside a word (it writes a short vowel Arabic leaves unwritten) but kept at a word's end,
    where it stands for ة."""
    # Kurdish ئ carries a word's first vowel: ئا is Arabic's ا (ئازاد / ازاد), ئە its أ (ئەبو).
    folded = _FIRST_YEH_ALEF.sub("ا", text)
    folded = _FIRST_YEH.sub("ا", folded.translate(_ARABIC_FOLD))
    folded = _INNER_AE.sub("", folded)
    return fold(folded)


_FIRST_YEH_ALEF = re.compile(r"(?<!\w)ئا")
_FIRST_YEH = re.compile(r"(?<!\w)ئ")
_INNER_AE = re.compile(r"ە(?=\w)")


_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _is_arabic(word: str) -> bool:
    return _ARABIC_LETTER.search(word) is not None


def _collapse(symbols: list[str]) -> str:
    """The reading: repeated symbols once (shadda, doubled Latin letters)."""
    out: list[str] = []
    for symbol in symbols:
        if symbol and (not out or out[-1] != symbol):
            out.append(symbol)
    if len(out) > 1 and out[-1] == "e" and out[-2] == "i":
        out.pop()  # الطائي: the nisba's ي after ئ
    return "".join(out)


def _read_arabic(word: str, sorani: bool) -> list[str]:
    letters = [ch for ch in unicodedata.normalize("NFC", word) if ch in _ARABIC_READING]
    symbols = []
    for index, ch in enumerate(letters):
        last = index == len(letters) - 1
        if index == 0 and ch in "اأإٱئ":
            symbols.append("")  # a hamza carrier: the vowel is not written
        elif last and ch == "ه" and index > 0 and letters[index - 1] not in "اوي":
            symbols.append("a")  # ta marbuta written as ه
        elif last and ch in "يى" and not sorani:
            symbols.append("e")  # final ي: Ali's i or, written for ى, Mustafa's a
        else:
            symbols.append(_ARABIC_READING[ch])
    return symbols


def _read_latin(word: str) -> list[str]:
    text = word.lower()
    text = "".join(_LATIN_SINGLE.get(ch, ch) if ch in "çşšğıḥṣṭḍẓḏṯžḫġ" else ch for ch in text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    # Kurmanji x (Hawar ẍ, its diaeresis gone) writes خ and, in common use, غ (Xazî); xw is خو.
    text = _KURMANJI_XW.sub("Xu", text).replace("x", "X")
    for digraph, symbol in _LATIN_DIGRAPHS:
        text = text.replace(digraph, symbol)
    return [_LATIN_SINGLE.get(ch, ch) for ch in text if ch.isalpha() or ch in "'’‘`ʿʾ"]


def _slots(reading: str) -> tuple[list[str], list[str]]:
    """The consonants of a reading, and the vowels before, between and after them."""
    consonants, vowels, current = [], [], ""
    for ch in reading:
        if ch in _VOWELS:
            current += ch
        else:
            vowels.append(current)
            consonants.append(ch)
            current = ""
    vowels.append(current)
    return consonants, vowels


def _vowel(a: str, b: str) -> bool:
    return a == b or "e" in (a, b)


def _full_group(a: str, b: str) -> bool:
    return len(a) == len(b) and all(map(_vowel, a, b))


def _within(written: str, full: str) -> bool:
    """Whether the long vowels Arabic script wrote appear, in order, among a full reading's."""
    position = 0
    for ch in written:
        while position < len(full) and not _vowel(ch, full[position]):
            position += 1
        if position == len(full):
            return False
        position += 1
    return True


def _devoiced(a: str, a_full: bool, b: str, b_full: bool) -> bool:
    """Whether a word's last consonants are a d and a t that Turkish writes for it (Ahmet,
    Mahmut, Davut for أحمد, محمود, داود: a final voiced consonant is written voiceless). Only a
    full reading's t can stand for d: Arabic script writes ت and د apart."""
    return (a == "t" and b == "d" and a_full) or (b == "t" and a == "d" and b_full)


def _turkish_vowel(va: list[str], vb: list[str]) -> bool:
    """Whether two full readings differ only by the vowel Turkish and Kurmanji put between a
    word's last two consonants (Bekir, Sabır for بكر, صبر: Bakr, Sabr), after a short vowel.
    Words in the table of common names are left out: Nasır is ناصر in Turkish, not نصر."""
    if len(va) < 3 or va[-1] or vb[-1] or not all(map(_full_group, va[:-2], vb[:-2])):
        return False
    inserted, empty = (va[-2], vb[-2]) if va[-2] else (vb[-2], va[-2])
    return empty == "" and inserted in ("i", "u") and len(va[-3]) == 1 and len(vb[-3]) == 1


def _kurmanji_group(a: str, b: str) -> bool:
    """Whether two vowel groups (inside a word, not at its end) agree as Kurmanji writes
    Arabic names: its short i for a short u (Mistefa, Mihemed, Silêman: مصطفى, محمد, سليمان)
    and its ê for the diphthong ay (Hisên, Silêman: حسين, سليمان)."""
    if _full_group(a, b):
        return True
    short, other = sorted((a, b), key=len)
    return (short, other) in (("i", "u"), ("u", "i")) or (short == "e" and other in ("ai", "ei"))


_SAME_CONSONANTS = ({"x", "h"}, {"W", "S"}, {"W", "C"}, {"d", "D"}, {"d", "Z"}, {"z", "Z"}, {"z", "D"}, {"D", "Z"},
                    {"X", "x"}, {"X", "h"}, {"X", "g"}, {"T", "z"}, {"T", "Z"}, {"T", "D"}, {"T", "s"},
                    {"J", "j"})


def _consonant(a: str, b: str) -> bool:
    return a == b or {a, b} in _SAME_CONSONANTS


@lru_cache(maxsize=1 << 20)
def relation(a: Word, b: Word) -> str:
    """"same" if two words can be spellings of one name; "other" if they surely are not (two
    Arabic spellings or two common names that differ, or other consonants); "close" if
    they are not spellings of one another but could still be (Latin spellings whose vowels or
    whose d and z differ: Fadil / Fazıl, Tunisi / Tounsi), which neither joins nor parts them."""
    if same_word(a, b):
        return "same"
    if (a.common and b.common) or (a.arabic and b.arabic and not (a.full or b.full)):
        return "other"
    return "close" if set(a.skeletons) & set(b.skeletons) else "other"


@lru_cache(maxsize=1 << 20)
def same_word(a: Word, b: Word) -> bool:
    """Whether two words can be spellings of one name. Two Arabic spellings must fold alike
    (one letter apart is another name: حامد / حمد), and so must two words that spell common
    names; otherwise the readings must have the same consonants and vowels that agree, the
    short vowels Arabic leaves unwritten matching any. A spelling that is none of a common
    name's usual ones, beside that name in Arabic script, must also have the vowels of one of
    them (Kurmanji Hisên is حسين's Husain, not حسن's Hasan, though both agree with its letters)."""
    if a.arabic and a.arabic == b.arabic:
        return True
    if (a.common and b.common) or (a.arabic and b.arabic and not (a.full or b.full)):
        return False
    aligned = _aligned(a, b)
    if aligned is None:
        return False
    va, vb = aligned
    if a.full and b.full:
        return _full_vowels(a, b, va, vb)
    partial, full = (vb, va) if a.full else (va, vb)
    if not (a.full or b.full):
        return all(map(_full_group, va, vb))
    if not all(map(_within, partial, full)):
        return False
    common, other = (b, a) if a.full else (a, b)
    if not common.common:
        return True
    for listed in _LISTED[common.arabic]:
        vowels = _aligned(other, listed, consonants=False)
        if vowels is None:
            continue
        ours, theirs = vowels
        if not ours[0] and len(theirs[0]) == 1:
            theirs = ["", *theirs[1:]]  # a first short vowel left out (Brahim, Smail)
        if _full_vowels(other, listed, ours, theirs):
            return True
    return False


def _aligned(a: Word, b: Word, consonants: bool = True) -> tuple[list[str], list[str]] | None:
    """The vowel groups of two readings whose consonants agree (only their number, without
    ``consonants``), a final h of ta marbuta (Hamzah / حمزة) and a final French e (Yassine)
    left out; None if the consonants do not agree."""
    ca, va = _slots(a.reading)
    cb, vb = _slots(b.reading)
    if len(ca) == len(cb) + 1 and ca[-1] == "h" and va[-1] == "":
        ca, va = ca[:-1], va[:-1]
    elif len(cb) == len(ca) + 1 and cb[-1] == "h" and vb[-1] == "":
        cb, vb = cb[:-1], vb[:-1]
    if vb[-1] == "e" and not va[-1]:
        vb = [*vb[:-1], ""]
    if va[-1] == "e" and not vb[-1]:
        va = [*va[:-1], ""]
    if len(ca) != len(cb):
        return None
    if consonants and not all(map(_consonant, ca[:-1], cb[:-1])):
        return None
    if consonants and ca and not _consonant(ca[-1], cb[-1]) and not (
            va[-1] == vb[-1] == "" and _devoiced(ca[-1], a.full, cb[-1], b.full)):
        return None
    return va, vb


def _full_vowels(a: Word, b: Word, va: list[str], vb: list[str]) -> bool:
    """Whether the vowels of two full readings agree: alike, or as Sorani script leaves the
    short i unwritten (دڵشاد / Dilşad), Turkish inserts a vowel (Bekir / Bakr), or Kurmanji
    writes i for u and ê for ay."""
    if a.sorani != b.sorani:
        sorani, latin = (va, vb) if a.sorani else (vb, va)
        va, vb = [latin_group if (group, latin_group) == ("", "i") else group
                  for group, latin_group in zip(sorani, latin, strict=True)], latin
    if all(map(_full_group, va, vb)):
        return True
    if not (a.common or b.common) and _turkish_vowel(va, vb):
        return True
    return all(map(_kurmanji_group, va[:-1], vb[:-1])) and _full_group(va[-1], vb[-1])


@lru_cache(maxsize=262144)
def read_word(word: str, prefix: str = "") -> Word:
    """One word's comparison forms (``prefix``: the first word of a compound, "عبد" or "abd",
    read with it). A Latin or Sorani spelling of a name in the table of common names takes the
    table's Arabic form, as does the Arabic itself."""
    if _is_arabic(word):
        sorani = any(ch in _SORANI_LETTERS for ch in word)  # Sorani writes every vowel
        folded = fold_arabic(prefix + word)
        reading = _collapse(_read_arabic(prefix, sorani) + _read_arabic(word, sorani))
        if folded in _COMMON:
            return Word(folded, reading, sorani, True, sorani)
        resolved = _resolved(reading) if sorani else ""
        return Word(resolved or folded, reading, sorani, bool(resolved), sorani)
    reading = _collapse(_read_latin(prefix) + _read_latin(word))
    resolved = _resolved(reading)
    return Word(resolved, reading, True, bool(resolved))


def _compound(first: Word, second: Word) -> Word:
    """Two words read as one name: "Salah al-Din", صلاح الدين, "Salahuddin"."""
    arabic = first.arabic + second.arabic if first.arabic and second.arabic else ""
    return Word(arabic, first.reading + second.reading, first.full and second.full, False,
                first.sorani or second.sorani)


_COMMON: set[str] = set()  # folded Arabic
_CANONICAL: dict[str, str] = {}  # folded Arabic: the reading of its first spelling
_RESOLVE: dict[str, str] = {}  # reading of a spelling: folded Arabic
_BY_SKELETON: dict[str, list[tuple[str, str]]] = defaultdict(list)
_LISTED: dict[str, list[Word]] = defaultdict(list)  # folded Arabic: its listed spellings' words
for _arabic, _spellings in _COMMON_SPELLINGS.items():
    for _spelling in _spellings.split():
        _word = Word("", _collapse(_read_latin(_spelling)), True)
        _COMMON.add(fold_arabic(_arabic))
        _CANONICAL.setdefault(fold_arabic(_arabic), _word.reading)
        _RESOLVE.setdefault(_word.reading, fold_arabic(_arabic))
        _BY_SKELETON[_word.skeleton].append((_word.reading, fold_arabic(_arabic)))
        _LISTED[fold_arabic(_arabic)].append(Word(fold_arabic(_arabic), _word.reading, True, True))


def _resolved(reading: str) -> str:
    """The Arabic of the common name a full reading stands for: the one it spells exactly, or
    the only one it can be a spelling of (its e standing for the listed spelling's a or i, but
    not the other way round: "Ammar" is not a spelling of "Amer"); "" if none or several."""
    if reading in _RESOLVE:
        return _RESOLVE[reading]
    if reading[-1:] == "t" and reading[:-1] + "d" in _RESOLVE:
        return _RESOLVE[reading[:-1] + "d"]  # Turkish Hamit, Reşit: Hamid, Rashid
    word = Word("", reading, True)
    found = {arabic for common, arabic in _BY_SKELETON.get(word.skeleton, ())
             if _spells(reading, common) and same_word(word, Word("", common, True))}
    return found.pop() if len(found) == 1 else ""


def _spells(reading: str, listed: str) -> bool:
    """Whether the vowels of ``reading`` are those of a listed spelling, e for a or i."""
    return len(reading) == len(listed) and all(a == b or a == "e" for a, b in zip(reading, listed, strict=True))


_SPLIT = re.compile(r"[\s\-_,;:()\[\]{}\"«»“”/.|]+")
_ALLAH = frozenset({"lah", "llah", "allah", "ullah", "ellah", "alla", "ulla"})
_DIN_WORDS = frozenset({"din", "deen", "dine", "دين"})


@dataclass
class _Parts:
    chain: list[Word] = field(default_factory=list)
    kunyas: set[Kunya] = field(default_factory=set)
    nisbas: set[Word] = field(default_factory=set)
    laqabs: set[Word] = field(default_factory=set)


@lru_cache(maxsize=65536)
def _key(token: str) -> str:
    return fold_arabic(token) if _is_arabic(token) else fold(token).replace("'", "")


def _tokens(text: str) -> list[tuple[bool, str]]:
    """The words of ``text`` with titles and nasab markers ("bin", بن) left out, each with
    whether it had an article (al-, el-, ad-, es-, ال…): "Abd", "Abu" and "Umm" words kept."""
    out: list[tuple[bool, str]] = []
    article = False
    for token in filter(None, _SPLIT.split(text)):
        key = _key(token)
        if key in _ARTICLES:
            article = True
            continue
        if key in _TITLES or key in _NASAB:
            article = False
            continue
        if _is_arabic(token) and key.startswith("ال") and len(key) > 3 and key != "الله":
            out.append((True, token[token.index("ل") + 1:]))
        elif _is_arabic(token) and key.startswith("عبد") and len(key) > 4:
            rest = key[3:]
            out.extend([(article, "عبد"), (False, rest[2:] if rest.startswith("ال") and rest != "الله" else rest)])
        else:
            out.append((article, token))
        article = False
    return out


def _read_part(text: str) -> _Parts:
    parts = _Parts()
    tokens = _tokens(text)
    index = 0
    while index < len(tokens):
        article, token = tokens[index]
        key = _key(token)
        index += 1
        if key in _KUNYA and index < len(tokens):
            word, index = _read_name_word(tokens, index)
            parts.kunyas.add(Kunya(_KUNYA[key], word))
            continue
        word, index = _read_name_word(tokens, index - 1)
        if index < len(tokens) and _key(tokens[index][1]) in _DIN_WORDS:
            word = _compound(word, read_word("din"))
            index += 1
        if article:
            ending = word.reading[-1:]
            (parts.nisbas if ending in ("i", "e") else parts.laqabs).add(word)
        else:
            parts.chain.append(word)
    return parts


def _read_name_word(tokens: list[tuple[bool, str]], index: int) -> tuple[Word, int]:
    """The word at ``index`` (with the next, if it is an "Abd" compound), and the index after."""
    token = tokens[index][1]
    key = _key(token)
    if key in ("abd", "abdul", "abdel", "abdal", "abdur", "abdu", "عبد") and index + 1 < len(tokens):
        rest = tokens[index + 1][1]
        if _key(rest) in _ALLAH:
            rest = "allah"
        return read_word(rest, "عبد" if _is_arabic(token) else "abd"), index + 2
    if not _is_arabic(token):
        glued = _ABD.match(key)
        if glued:
            rest = key[glued.end():]
            return read_word("allah" if rest in _ALLAH else rest, "abd"), index + 1
        din = _DIN.match(key)
        if din:
            return _compound(read_word(din.group("stem")), read_word("din")), index + 1
    return read_word(token), index + 1


def identity(name: Name) -> tuple[object, ...]:
    """What two names share when every part of one surely spells the same part of the other."""
    return (tuple(tuple(w.identity for w in chain) for chain in name.chains),
            frozenset((k.kind, k.word.identity) for k in name.kunyas),
            frozenset(w.identity for w in name.nisbas), frozenset(w.identity for w in name.laqabs))


@lru_cache(maxsize=131072)
def read_name(name: str, aliases: tuple[str, ...] = ()) -> Name:
    """A mention read into its parts: the main name's ism-and-nasab chain first, an alias's
    chain after it if it has two words or more (a one-word alias is a laqab)."""
    chains: list[tuple[Word, ...]] = []
    kunyas: set[Kunya] = set()
    nisbas: set[Word] = set()
    laqabs: set[Word] = set()
    for position, text in enumerate((name, *aliases)):
        parts = _read_part(text)
        kunyas |= parts.kunyas
        nisbas |= parts.nisbas
        laqabs |= parts.laqabs
        if len(parts.chain) >= 2 or (position == 0 and parts.chain):
            chains.append(tuple(parts.chain))
        elif parts.chain:
            laqabs.add(parts.chain[0])
    return Name(tuple(chains), frozenset(kunyas), frozenset(nisbas), frozenset(laqabs))
