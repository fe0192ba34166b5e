"""Folding text so that spellings of one name match: for search now, and redaction later.

Arabic-script folding follows common practice in Arabic information retrieval (Larkey, Ballesteros
& Connell, "Light Stemming for Arabic IR", 2002): drop harakat and tatweel, unify alef forms
(أ إ آ ٱ → ا), alef maqsura and Persian ya (ى ی → ي), taa marbuta (ة → ه), Persian kaf (ک → ك)
and hamza carriers (ؤ → و, ئ → ي); Sorani ە (the sound of ة/ه at a word's end) → ه. Latin
text is case-folded without diacritics, and Turkish dotless ı folds with i. Arabic-Indic
and Persian digits become ASCII digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CHAR_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و",
    "ة": "ه", "ە": "ه", "ک": "ك", "ـ": None, "ı": "i",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
})
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """A comparison form of ``text``: same letters for every spelling variant listed above."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD splits أ into ا + hamza above (a combining mark), so alef forms fold here too.
    return unicodedata.normalize("NFC", kept).translate(_CHAR_MAP).casefold()


def fold_words(text: str) -> str:
    """``fold(text)`` up to whitespace, for the search index: each whitespace-separated word is
    folded once and remembered, since a long narrative repeats its words (a 20 KB text folds in
    a fraction of the time)."""
    return " ".join(map(_fold_word, text.split()))


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, and for each folded character the index of the
    character of ``text`` it came from (so a match in the folded text maps back to the original).
    Usually every character folds to exactly one, and the offsets are simply 0, 1, 2, …"""
    folded = text.translate(_ONE_BY_ONE)
    if len(folded) == len(text) and not any(char in text for char in _GROWING):
        return folded, list(range(len(text)))  # nothing grew, so nothing vanished either
    pieces = [_ONE_BY_ONE[ord(char)] for char in text]
    return "".join(pieces), [index for index, piece in enumerate(pieces) for _ in piece]


class _FoldTable(dict):
    """The table ``str.translate`` folds with, one character at a time: each character's
    :func:`fold`, worked out the first time it is met. Characters that fold to more than one
    (ß → ss) are noted in ``_GROWING``."""

    def __missing__(self, code: int) -> str:
        global _GROWING  # noqa: PLW0603 - replaced, never changed in place, so threads can read it
        folded = self[code] = fold(chr(code))
        if len(folded) > 1:
            _GROWING = _GROWING | {chr(code)}
        return folded


_ONE_BY_ONE = _FoldTable()
_GROWING: frozenset[str] = frozenset()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))
