"""The legal qualifications of the taxonomy's acts (data/qualifications.json, checked once when
first read): each act's Rome Statute articles (data/acts.json, through taxonomy.py) and the
provisions of Iraqi law it may fall under, and which of those bar amnesty for what a record
says. Reference for lawyers, never a finding: a bar whose conditions the record does not show
is flagged, not asserted (docs/archive.md, "The legal data")."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import edtf

from intake.records.taxonomy import acts as taxonomy_acts

FILE = "data/qualifications.json"
# The communities of the testimony schema (survivor.community) a provision may name.
COMMUNITIES = ("yazidi", "turkmen", "shabak", "christian")
_TOP = ("description", "sources", "rome_statute", "provisions", "acts")
_PROVISION = ("law", "number", "year", "article", "covers", "conditions", "bars_amnesty",
              "needs_reading", "sources")
_CONDITIONS = ("victim_community", "victim_female", "victim_under_18", "incident_from",
               "incident_within", "during_captivity", "not_in_record")
_CODE = re.compile(r"[a-z0-9_]+")
_NOT_CONFIRMED = "article not confirmed"


@dataclass(frozen=True)
class Conditions:
    """What must hold of an incident for a provision to apply; an unset one is not required.
    ``not_in_record`` names facts no field of the record holds (the charge, the victims being
    Speicher cadets): a provision with any is never shown to apply by the record alone."""

    victim_community: tuple[str, ...] = ()
    victim_female: bool | None = None
    victim_under_18: bool | None = None
    incident_from: str | None = None  # EDTF: the incident is on or after this day
    incident_within: str | None = None  # EDTF: the incident lies inside this date or interval
    during_captivity: bool | None = None
    not_in_record: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provision:
    """One provision of Iraqi law, as the data file cites and summarises it."""

    id: str
    law: str
    number: int
    year: int
    article: str | None  # None: not confirmed (needs_reading says so)
    covers: str
    conditions: Conditions
    bars_amnesty: bool
    needs_reading: str | None
    sources: tuple[str, ...]
    acts: tuple[str, ...]  # the acts that refer to it, in the taxonomy's order


@dataclass(frozen=True)
class RomeStatuteArticle:
    article: str  # as data/acts.json writes it, e.g. "7(1)(g)"
    covers: str


Qualification = RomeStatuteArticle | Provision


@dataclass(frozen=True)
class Context:
    """What a record says about one incident; None or "" where it says nothing."""

    victim_community: str | None = None  # survivor.community code
    victim_sex: str | None = None  # survivor.sex code
    victim_under_18: bool | None = None
    incident_date: str = ""  # EDTF
    captivity: bool | None = None


@dataclass(frozen=True)
class Bar:
    """A provision barring amnesty that the given acts fall under. ``not_shown`` names the
    conditions the record does not show: empty means the record shows them all."""

    provision: Provision
    acts: tuple[str, ...]
    not_shown: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return not self.not_shown


@dataclass(frozen=True)
class _Table:
    rome_statute: dict[str, str]
    provisions: dict[str, Provision]
    acts: dict[str, tuple[str, ...]]  # act code → provision ids


def qualifications(act: str) -> list[Qualification]:
    """The act's Rome Statute articles (in data/acts.json's order), then its provisions."""
    table = _table()
    if act not in table.acts:
        raise KeyError(f"{act!r}: not an act of the taxonomy")
    return [*(RomeStatuteArticle(a, table.rome_statute[a]) for a in taxonomy_acts()[act]),
            *(table.provisions[p] for p in table.acts[act])]


def provisions() -> dict[str, Provision]:
    """Every provision, by id, in the data file's order."""
    return dict(_table().provisions)


def amnesty_bars(acts: Iterable[str], context: Context) -> list[Bar]:
    """The provisions barring amnesty that any of the acts fall under, unless the record
    contradicts one of their conditions; those it does not show are flagged in each Bar."""
    table = _table()
    chosen = set(acts)
    if unknown := sorted(chosen - set(table.acts)):
        raise KeyError(f"{', '.join(unknown)}: not an act of the taxonomy")
    found = []
    for provision in table.provisions.values():
        matched = tuple(a for a in provision.acts if a in chosen)
        if not provision.bars_amnesty or not matched:
            continue
        checks = _assess(provision.conditions, context)
        if False not in checks.values():
            found.append(Bar(provision, matched,
                             tuple(name for name, met in checks.items() if met is None)))
    return found


def _assess(conditions: Conditions, context: Context) -> dict[str, bool | None]:
    """Each condition the provision sets → True (the record shows it), False (the record
    contradicts it) or None (the record does not say)."""
    checks: dict[str, bool | None] = {}
    if conditions.victim_community:
        community = context.victim_community
        checks["victim_community"] = (community in conditions.victim_community
                                      if community in COMMUNITIES else None)
    if conditions.victim_female is not None:
        sex = {"female": True, "male": False}.get(context.victim_sex or "")
        checks["victim_female"] = None if sex is None else sex == conditions.victim_female
    if conditions.victim_under_18 is not None:
        minor = context.victim_under_18
        checks["victim_under_18"] = None if minor is None else minor == conditions.victim_under_18
    if conditions.incident_from is not None:
        checks["incident_from"] = _on_or_after(context.incident_date, conditions.incident_from)
    if conditions.incident_within is not None:
        checks["incident_within"] = _within(context.incident_date, conditions.incident_within)
    if conditions.during_captivity is not None:
        held = context.captivity
        checks["during_captivity"] = None if held is None else held == conditions.during_captivity
    if conditions.not_in_record:
        checks["not_in_record"] = None
    return checks


_Day = tuple[int, int, int]


@lru_cache(maxsize=4096)
def _bounds(text: str) -> tuple[_Day, _Day] | None:
    """The earliest and latest day an EDTF date may mean (uncertainty widens them); None when
    the text is empty, not EDTF, or open-ended. Remembered: the EDTF grammar takes about 30 ms
    a date, and a person's page asks about every incident's."""
    if not text:
        return None
    try:
        parsed = edtf.parse_edtf(text)
        low, high = parsed.lower_fuzzy(), parsed.upper_fuzzy()
        return (low.tm_year, low.tm_mon, low.tm_mday), (high.tm_year, high.tm_mon, high.tm_mday)
    except Exception:  # edtf raises several types for bad or open input  # noqa: BLE001
        return None


def _on_or_after(date: str, day: str) -> bool | None:
    incident, limit = _bounds(date), _bounds(day)
    if incident is None or limit is None:
        return None
    if incident[0] >= limit[0]:
        return True
    return False if incident[1] < limit[0] else None


def _within(date: str, span: str) -> bool | None:
    incident, limit = _bounds(date), _bounds(span)
    if incident is None or limit is None:
        return None
    if limit[0] <= incident[0] and incident[1] <= limit[1]:
        return True
    return False if incident[1] < limit[0] or incident[0] > limit[1] else None


@cache
def _table() -> _Table:
    data = json.loads(resources.files("intake").joinpath(FILE).read_text("utf-8"))
    return _parse(data, taxonomy_acts())


class _Refused(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{FILE}: {where}: {problem}" if where else f"{FILE}: {problem}")


def _keys(where: str, value: Any, required: Iterable[str], optional: Iterable[str] = ()) -> None:
    if not isinstance(value, dict):
        raise _Refused(where, "must be an object")
    required = tuple(required)
    for key in value:
        if key not in required and key not in optional:
            raise _Refused(where, f"unknown key {key!r}")
    for key in required:
        if key not in value:
            raise _Refused(where, f"missing key {key!r}")


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Refused(where, "must be a non-empty string")
    return value


def _parse(data: Any, acts: dict[str, list[str]]) -> _Table:
    """The checked table, or ValueError naming the first problem found."""
    _keys("", data, _TOP)
    _text("description", data["description"])
    sources = data["sources"]
    if not isinstance(sources, dict) or not sources:
        raise _Refused("sources", "must be a non-empty object")
    for key, value in sources.items():
        _text(f"sources: {key}", value)

    def cited(where: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise _Refused(f"{where}: sources", "must be a non-empty list")
        for source in value:
            if source not in sources:
                raise _Refused(f"{where}: sources", f"{source}: no such source")
        return tuple(value)

    rome = data["rome_statute"]
    _keys("rome_statute", rome, ("sources", "articles"))
    cited("rome_statute", rome["sources"])
    articles = rome["articles"]
    if not isinstance(articles, dict):
        raise _Refused("rome_statute: articles", "must be an object")
    named = {article for refs in acts.values() for article in refs}
    if missing := sorted(named - set(articles)):
        raise _Refused("rome_statute: articles", f"{missing[0]}: missing")
    for article, covers in articles.items():
        if article not in named:
            raise _Refused("rome_statute: articles", f"{article}: not named in data/acts.json")
        _text(f"rome_statute: articles: {article}", covers)

    if not isinstance(data["provisions"], dict):
        raise _Refused("provisions", "must be an object")
    entries = {pid: _provision(f"provisions: {pid}", pid, entry, cited)
               for pid, entry in data["provisions"].items()}

    mapping = data["acts"]
    if not isinstance(mapping, dict):
        raise _Refused("acts", "must be an object")
    for act in mapping:
        if act not in acts:
            raise _Refused(f"acts: {act}", "not an act of the taxonomy")
    table: dict[str, tuple[str, ...]] = {}
    for act in acts:
        refs = mapping.get(act)
        if refs is None:
            raise _Refused(f"acts: {act}", "missing")
        if not isinstance(refs, list) or len(set(refs)) != len(refs):
            raise _Refused(f"acts: {act}", "must be a list of distinct provision ids")
        for ref in refs:
            if ref not in entries:
                raise _Refused(f"acts: {act}", f"{ref}: no such provision")
        table[act] = tuple(refs)
    provisions = {}
    for pid, entry in entries.items():
        listing = tuple(act for act, refs in table.items() if pid in refs)
        if not listing:
            raise _Refused(f"provisions: {pid}", "no act refers to it")
        provisions[pid] = Provision(id=pid, acts=listing, **entry)
    return _Table(dict(articles), provisions, table)


def _provision(where: str, pid: str, entry: Any,
               cited: Callable[[str, Any], tuple[str, ...]]) -> dict[str, Any]:
    if not _CODE.fullmatch(pid):
        raise _Refused(where, "an id is lower-case letters, digits and _")
    _keys(where, entry, _PROVISION)
    for key in ("number", "year"):
        if not isinstance(entry[key], int) or isinstance(entry[key], bool):
            raise _Refused(f"{where}: {key}", "must be a whole number")
    if not isinstance(entry["bars_amnesty"], bool):
        raise _Refused(f"{where}: bars_amnesty", "must be true or false")
    reading = entry["needs_reading"]
    if reading is not None:
        _text(f"{where}: needs_reading", reading)
    article = entry["article"]
    if article is None:
        if _NOT_CONFIRMED not in (reading or "").lower():
            raise _Refused(f"{where}: article",
                           f"null without {_NOT_CONFIRMED!r} in needs_reading")
    else:
        _text(f"{where}: article", article)
    return {"law": _text(f"{where}: law", entry["law"]), "number": entry["number"],
            "year": entry["year"], "article": article,
            "covers": _text(f"{where}: covers", entry["covers"]),
            "conditions": _conditions(f"{where}: conditions", entry["conditions"]),
            "bars_amnesty": entry["bars_amnesty"], "needs_reading": reading,
            "sources": cited(where, entry["sources"])}


def _conditions(where: str, value: Any) -> Conditions:
    _keys(where, value, (), _CONDITIONS)
    communities = value.get("victim_community", [])
    if not isinstance(communities, list):
        raise _Refused(f"{where}: victim_community", "must be a list")
    for community in communities:
        if community not in COMMUNITIES:
            raise _Refused(f"{where}: victim_community", f"not a community code: {community}")
    for key in ("victim_female", "victim_under_18", "during_captivity"):
        if key in value and not isinstance(value[key], bool):
            raise _Refused(f"{where}: {key}", "must be true or false")
    for key in ("incident_from", "incident_within"):
        if key in value and (not isinstance(value[key], str) or _bounds(value[key]) is None):
            raise _Refused(f"{where}: {key}", "not an EDTF date")
    facts = value.get("not_in_record", [])
    if not isinstance(facts, list) or not all(isinstance(f, str) and _CODE.fullmatch(f)
                                              for f in facts):
        raise _Refused(f"{where}: not_in_record", "must be a list of codes")
    return Conditions(victim_community=tuple(communities),
                      victim_female=value.get("victim_female"),
                      victim_under_18=value.get("victim_under_18"),
                      incident_from=value.get("incident_from"),
                      incident_within=value.get("incident_within"),
                      during_captivity=value.get("during_captivity"),
                      not_in_record=tuple(facts))
