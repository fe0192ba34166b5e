"""Folding text so that spellings of one name match: for search now, and redaction later.

Arabic-script folding follows common practice in Arabic information retrieval (Larkey, Ballesteros
& Connell, "Light Stemming for Arabic IR", 2002): drop harakat and tatweel, unify alef forms
(أ إ آ ٱ → ا), alef maqsura and Persian ya (ى ی → ي), taa marbuta (ة → ه), Persian kaf (ک → ك)
and hamza carriers (ؤ → و, ئ → ي). Latin text is case-folded without diacritics. Arabic-Indic
and Persian digits become ASCII digits.
"""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و",
    "ة": "ه", "ک": "ك", "ـ": None,
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


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))
