"""Free-text redaction: remove every name, number and phrase a record knows, in any spelling.

Matching runs on folded text (records/folding.py: Arabic hamza/alef, ى/ي, ة/ه, diacritics, tatweel, Latin
case and diacritics, Arabic-Indic and Persian digits) and maps each match back to the original,
so the rest of the text is left exactly as written. Names match whole and by their parts (not by
particles such as "al", "bin" or "Abu"), also behind Arabic proclitics (و ف ب ل ك, ال) and
Syriac ones (ܘ ܕ ܒ ܠ). Numbers match by their digits alone, whatever the numeral system,
spaces or dashes; a phone number also matches with or without Iraq's +964/0 prefix. Patterns
then catch phone numbers, e-mail addresses and ID numbers the record does not know. Each removal
becomes a marker that names the kind, never the value (docs/redaction.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from intake.records.folding import fold, fold_with_offsets

MARKERS = {"name": "[name]", "phone": "[phone]", "email": "[email]", "id": "[id]",
           "place": "[place]", "redacted": "[redacted]"}
MARKER_PATTERN = re.compile("|".join(re.escape(m) for m in MARKERS.values()))

_PARTICLES = {fold(p) for p in (
    "al", "el", "bin", "ben", "ibn", "bint", "abu", "abo", "umm", "um", "de", "haji", "hajji",
    "sheikh", "sheik", "mullah", "ال", "بن", "ابن", "بنت", "ابو", "أبو", "ام", "أم", "حاجي", "شيخ",
    "ملا", "bav", "dayik", "kak", "kaka", "kake", "mam", "xal", "کاک", "مام")}
_PROCLITIC = "(?:[وفبلك]{0,2}ال|[وفبلك]{1,2}|[ܘܕܒܠ]{1,2})?"  # Arabic و ف ب ل ك ال, Syriac ܘ ܕ ܒ ܠ
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-.()]{0,2}\d)*")  # not "/": 08/2014 is a date
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_IRAQ_PREFIXES = ("00964", "964", "0")


@dataclass
class Terms:
    """What one record knows and a profile hides: names, places, phones, ID numbers, phrases."""

    names: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    phrases: set[str] = field(default_factory=set)
    place_lists: tuple[frozenset[str], ...] = ()  # fixed lists (a gazetteer's towns), compiled once

    def add_name(self, name: str) -> None:
        """A name, and each of its parts that is not a particle."""
        folded = " ".join(fold(name).split())
        if not folded:
            return
        self.names.add(folded)
        for part in re.split(r"[\s\-'’]+", folded):
            if len(part) >= 2 and part not in _PARTICLES and not part.isdigit():
                self.names.add(part)


@dataclass
class RedactedText:
    text: str
    counts: Counter[str]


class Redactor:
    """Matchers for one record's :class:`Terms`; :meth:`redact` applies them to a text.

    A record's own terms are compiled for each text from only those whose every word occurs in
    it (compiling them all took longer than the matching); fixed lists are compiled once."""

    def __init__(self, terms: Terms):
        self._words: list[tuple[str, frozenset[str] | re.Pattern[str]]] = [
            (kind, frozenset(values)) for kind, values in (
                ("redacted", terms.phrases), ("name", terms.names), ("place", terms.places))
            if values]
        self._words += [("place", _alternation(names)) for names in terms.place_lists if names]
        self._phones = {_phone_core(d) for d in map(_digits, terms.phones) if len(d) >= 6}
        self._ids = {d for d in map(_digits, terms.ids) if len(d) >= 6}  # shorter could be a year
        # An ID number with letters in it is matched as a word, like a name.
        letters = {fold(i).strip() for i in terms.ids if not _digits(i) or re.search(r"[^\W\d_]", i)}
        if letters - {""}:
            self._words.append(("id", frozenset(letters - {""})))

    def redact(self, text: str) -> RedactedText:
        folded, origin = fold_with_offsets(text)
        spans: list[tuple[int, int, str]] = []
        for kind, terms in self._words:
            pattern = terms if isinstance(terms, re.Pattern) else _present(terms, folded)
            if pattern:
                spans += [(m.start(1), m.end(1), kind) for m in pattern.finditer(folded)]
        if "@" in folded:
            spans += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(folded)]
        for match in _DIGIT_RUN.finditer(folded):
            number = self._number_kind(match.group())
            if number:
                spans.append((match.start(), match.end(), number))
        return _replace(text, origin, spans)

    def _number_kind(self, run: str) -> str | None:
        digits = _digits(run)
        if digits in self._ids or any(len(i) >= 6 and i in digits for i in self._ids):
            return "id"
        if len(digits) >= 6 and _phone_core(digits) in self._phones:
            return "phone"
        if 9 <= len(digits) <= 15 and run.startswith(("+", "0")):
            return "phone"
        if len(digits) >= 8 and digits == run:
            return "id"  # a long unbroken number: an ID or card number, never a date
        return None


def _present(terms: frozenset[str], folded: str) -> re.Pattern[str] | None:
    """The matcher of the terms that can occur in ``folded`` (each of their words is in it)."""
    present = frozenset(t for t in terms if all(word in folded for word in t.split()))
    return _alternation(present) if present else None


@lru_cache(maxsize=64)
def _alternation(values: frozenset[str]) -> re.Pattern[str]:
    ordered = sorted({v for v in values if v.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in value.split()) for value in ordered)
    return re.compile(rf"(?<!\w){_PROCLITIC}({body})(?!\w)")


def _digits(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isascii() and ch.isdigit())


def _phone_core(digits: str) -> str:
    for prefix in _IRAQ_PREFIXES:
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 6:
            return _phone_core(digits[len(prefix):])
    return digits


def _replace(text: str, origin: list[int], spans: list[tuple[int, int, str]]) -> RedactedText:
    """Replace the spans (in folded coordinates) of ``text``; overlaps keep the earliest, longest."""
    counts: Counter[str] = Counter()
    pieces: list[str] = []
    position = 0
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start == end:
            continue
        first, last = origin[start], origin[end - 1] + 1
        while last < len(text) and (unicodedata.combining(text[last]) or text[last] == "ـ"):
            last += 1  # a trailing diacritic or tatweel belongs to the removed word
        if first < position:
            position = max(position, last)  # overlaps a removal already made: widen it
            continue
        pieces += [text[position:first], MARKERS[kind]]
        counts[kind] += 1
        position = last
    pieces.append(text[position:])
    return RedactedText("".join(pieces), counts)
