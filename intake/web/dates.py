"""Dates in words: an EDTF value (docs/testimony-schema.md, Dates) as a reader says it, in the
interface language ("around August 2014", "from 3 August 2014 to May 2016", "perhaps 2014",
"summer 2014"), never with EDTF's own signs (~ ? % / .. X). Parsed by the edtf library, month and
day names from Babel's locale data, the words around them from the catalogue."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache

import edtf
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from edtf.appsettings import SEASON_L2_MONTHS_RANGE
from edtf.parser import parser_classes as p
from flask_babel import get_locale
from flask_babel import gettext as _

from intake.records.schema import is_edtf

_SEASONS = {"21": "spring", "22": "summer", "23": "autumn", "24": "winter",
            "25": "spring", "26": "summer", "27": "autumn", "28": "winter"}


def unknown() -> str:
    """What is shown for a value that has no name: never the value itself."""
    return _("(unknown)")


def in_words(value: str) -> str:
    """``value`` (an EDTF date, interval or set; empty when unknown) in words."""
    if not value:
        return ""
    if not is_edtf(value):
        return unknown()
    return _words(_parse(value))


@lru_cache(maxsize=1024)
def _parse(value: str) -> p.EDTFObject:
    return edtf.parse_edtf(value)


def _words(value: object) -> str:  # noqa: C901, PLR0911 - one branch per kind of EDTF value
    if isinstance(value, p.OneOfASet | p.MultipleDates):
        joined = _("%(earlier)s or %(later)s") if isinstance(value, p.OneOfASet) else \
            _("%(earlier)s and %(later)s")
        words = [_words(item) for item in value.objects]
        text = words[0] if words else unknown()
        for word in words[1:]:
            text = joined % {"earlier": text, "later": word}
        return text
    if isinstance(value, p.Interval):
        return _interval(value.lower, value.upper)
    if isinstance(value, p.UncertainOrApproximate):
        return _qualified(_words(value.date), value)
    if isinstance(value, p.DateAndTime):
        return _moment(value)
    if isinstance(value, p.LongYear):
        return _number(value._precise_year())  # noqa: SLF001 - the library's only accessor
    if isinstance(value, p.Season):
        return _season(value.year, value.season)
    if isinstance(value, p.Unspecified):
        return _qualified(_unspecified(value.year, value.month, value.day), value)
    if isinstance(value, p.PartialUncertainOrApproximate):
        if value.season:
            return _qualified(_words(value.season), value)
        return _qualified(_calendar(int(value.year), _int(value.month), _int(value.day)), value)
    if isinstance(value, p.Date):
        text = _calendar(int(value.year), _int(value.month), _int(value.day))
        return _("around %(date)s") % {"date": text} if value.significant_digits else text
    return unknown()


def _interval(lower: object, upper: object) -> str:
    start = None if lower is None or isinstance(lower, p.UnspecifiedIntervalSection) else _words(lower)
    end = None if upper is None or isinstance(upper, p.UnspecifiedIntervalSection) else _words(upper)
    if start and end:
        return _interval_words(start, end)
    if start:
        if _is_open(upper):
            return _("from %(start)s onwards") % {"start": start}
        return _("from %(start)s to an unknown date") % {"start": start}
    if end:
        if _is_open(lower):
            return _("up to %(end)s") % {"end": end}
        return _("from an unknown date to %(end)s") % {"end": end}
    return unknown()


def _is_open(end: object) -> bool:
    """An open end (``..``, or a missing bound of a range in a set), not an unknown one."""
    return end is None or bool(getattr(end, "is_open", False))


def _qualified(text: str, value: object) -> str:
    uncertain = getattr(value, "is_uncertain", False)
    approximate = getattr(value, "is_approximate", False)
    if getattr(value, "is_uncertain_and_approximate", False) or (uncertain and approximate):
        return _("perhaps around %(date)s") % {"date": text}
    if approximate:
        return _("around %(date)s") % {"date": text}
    if uncertain:
        return _("perhaps %(date)s") % {"date": text}
    return text


def _season(year: str, season: str) -> str:
    name = _SEASONS.get(season)
    if name == "spring":
        return _("spring %(year)s") % {"year": _calendar(int(year))}
    if name == "summer":
        return _("summer %(year)s") % {"year": _calendar(int(year))}
    if name == "autumn":
        return _("autumn %(year)s") % {"year": _calendar(int(year))}
    if name == "winter":
        return _("winter %(year)s") % {"year": _calendar(int(year))}
    first, last = SEASON_L2_MONTHS_RANGE[int(season)]
    return _interval_words(_calendar(int(year), first), _calendar(int(year), last))


def _interval_words(start: str, end: str) -> str:
    return _("from %(start)s to %(end)s") % {"start": start, "end": end}


def _unspecified(year: str, month: str | None, day: str | None) -> str:
    """A date with unspecified digits (``201X``, ``2014-XX``, ``2014-08-XX``): the span it lies in."""
    if "X" in year:
        if not year.strip("-").rstrip("X"):
            return unknown()
        return _("some time between %(start)s and %(end)s") % {
            "start": _calendar(int(year.replace("X", "0"))),
            "end": _calendar(int(year.replace("X", "9")))}
    months = _matching(month, 12)
    if len(months) != 1:
        return _calendar(int(year)) if len(months) == 12 else _("some time between %(start)s and %(end)s") % {
            "start": _calendar(int(year), months[0]), "end": _calendar(int(year), months[-1])}
    days = _matching(day, _month_length(int(year), months[0]))
    if len(days) == 1:
        return _calendar(int(year), months[0], days[0])
    if day is None or "X" * len(day) == day or not days:
        return _calendar(int(year), months[0])
    return _("some time between %(start)s and %(end)s") % {
        "start": _calendar(int(year), months[0], days[0]),
        "end": _calendar(int(year), months[0], days[-1])}


def _matching(digits: str | None, most: int) -> list[int]:
    """The numbers from 1 to ``most`` that the two digits (X for any) can stand for."""
    if digits is None or not digits.strip("X"):
        return list(range(1, most + 1))
    pattern = re.compile(digits.replace("X", "[0-9]"))
    return [n for n in range(1, most + 1) if pattern.fullmatch(f"{n:02d}")]


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year if 1 <= year <= 9999 else 2000, month)[1]


def _calendar(year: int, month: int | None = None, day: int | None = None) -> str:
    """A year, month or day in the reader's calendar words."""
    locale = get_locale()
    if not 1 <= year <= 9999 or (month and not 1 <= month <= 12):
        return _number(year)
    if month is None:
        return format_skeleton("y", date(year, 1, 1), locale=locale)
    if day is None:
        return format_skeleton("yMMMM", date(year, month, 1), locale=locale)
    return format_date(date(year, month, min(day, _month_length(year, month))), "long",
                       locale=locale)


def _moment(value: p.DateAndTime) -> str:
    try:
        moment = datetime.fromisoformat(f"{value.date}T{value.time}")
    except ValueError:
        return _words(value.date)
    return format_datetime(moment, "long", locale=get_locale())


def _number(year: int) -> str:
    return format_decimal(year, format="0", locale=get_locale())


def _int(digits: str | None) -> int | None:
    return int(digits) if digits else None
