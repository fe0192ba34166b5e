"""Interface languages (docs/README languages section) and how one is chosen for a request.

Codes are CLDR locale ids: Kurmanji is ``ku`` (CLDR has no ``kmr``); Iraqi Turkmen write
Turkish-based ``tr``. Writing direction comes from Babel's CLDR data, not from a list of ours.
"""

from __future__ import annotations

from babel import Locale
from flask import request, session

LANGUAGES = ("en", "ar", "ckb", "ku", "tr", "syr")
DEFAULT_LANGUAGE = "en"


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def text_direction(code: str) -> str:
    """'rtl' or 'ltr', from CLDR."""
    return "rtl" if Locale.parse(code).text_direction == "rtl" else "ltr"


def language_name(code: str) -> str:
    """The language's own name for itself (autonym), as a switcher shows it."""
    name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]


def left_to_right(text: str) -> str:
    """``text`` kept left to right as one unit inside a line of either direction, as a code such
    as 7(1)(e) must be: between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE (Unicode
    bidirectional algorithm, UAX #9), which survive escaping and need no markup."""
    return f"\u2066{text}\u2069"
