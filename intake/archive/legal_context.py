"""What an archive record shows about one incident's victim, for the bars to amnesty
(records/qualifications.py ``Context``): the survivor's community and sex, whether they were
under 18, the incident's date, and whether the incident happened in captivity.

The conditions come from the provisions of data/qualifications.json: the Yazidi [Female]
Survivors Law No. 8 of 2021, art. 9 (First), bars amnesty for the crimes against Yazidi,
Turkmen, Christian and Shabak women and girls in ISIS captivity since 3 August 2014 (with
art. 2 and art. 1 (First) of the same law); the Speicher Law No. 12 of 2019, art. 5, and the
exclusions of the General Amnesty Law No. 27 of 2016 turn on facts no record holds.

Conservative by design: a field the record leaves empty, or records of one testimony that
disagree, stay None, so the bar is flagged "not shown", never asserted. Captivity is only ever
shown (True), never contradicted: a record's abduction and release dates describe one
captivity, and an incident outside it may belong to another. The decrypted envelopes stay in
memory (docs/archive.md, "The legal data")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from typing import Any

import edtf

from intake.archive import catalogue
from intake.archive.corroboration import IndexedMention
from intake.records.qualifications import Bar, Context, amnesty_bars
from intake.store.connection import Connection
from intake.vault.keys import Vault

# Acts whose Rome Statute qualification presupposes that the victim was held: imprisonment or
# severe deprivation of liberty (7(1)(e)), enslavement, trafficking included (7(1)(c), 7(2)(c)),
# sexual slavery (7(1)(g)). Rape, forced marriage or torture alone do not say where it happened.
CAPTIVE_ACTS = frozenset({"abduction", "captivity", "enslavement", "trafficking",
                          "sexual_slavery"})
# The purposes whose profile carries the survivor's fields and exact dates come first.
_PREFERRED = ("trial", "international", "reparations", "research")

_Span = tuple[datetime.date, datetime.date]


def context(document: dict[str, Any], incident: int, date: str = "") -> Context:
    """What one (decrypted) testimony shows about its ``incident``-th incident; ``date`` stands
    in when the record's incident has no date of its own."""
    incidents = document.get("incidents") or []
    held = incidents[incident] if 0 <= incident < len(incidents) else {}
    survivor = document.get("survivor") or {}
    ysl = document.get("ysl") or {}
    when = str(held.get("date") or "") or date
    return Context(victim_community=str(survivor.get("community") or "") or None,
                   victim_sex=str(survivor.get("sex") or "") or None,
                   victim_under_18=_under_18(document, when),
                   incident_date=when,
                   captivity=_captivity(held.get("acts") or [], when, ysl))


def of_records(conn: Connection, vault: Vault, seqs: Iterable[int], incident: int,
               date: str = "") -> Context:
    """What the archive records of one testimony (``seqs``, one per purpose) show together
    about its ``incident``-th incident: a field one record shows and no other contradicts."""
    loaded = []
    for seq in seqs:
        found, envelope, _history = catalogue.load(conn, vault, seq)
        loaded.append((found.purpose, found.version, envelope["document"]))
    loaded.sort(key=lambda r: (-r[1], _PREFERRED.index(r[0]) if r[0] in _PREFERRED else 9))
    return combine([context(document, incident, date) for _p, _v, document in loaded], date)


def combine(contexts: list[Context], date: str = "") -> Context:
    """One context from several records of the same testimony, the best first: each field as
    the records agree on it (None when two disagree); the incident date of the first that has
    one (the best records carry exact dates), else ``date``."""
    said: dict[str, Any] = {}
    for field in fields(Context):
        if field.name == "incident_date":
            said[field.name] = next((c.incident_date for c in contexts if c.incident_date), date)
            continue
        values = {getattr(c, field.name) for c in contexts} - {None}
        said[field.name] = values.pop() if len(values) == 1 else None
    return Context(**said)


@lru_cache(maxsize=4096)
def _span(text: str) -> _Span | None:
    """The first and last day an EDTF date may mean (uncertainty widens it); None when empty,
    not EDTF or open-ended. Cached: parsing EDTF takes some 17 ms, the same few dates recur."""
    if not text:
        return None
    try:
        parsed = edtf.parse_edtf(text)
        low, high = parsed.lower_fuzzy(), parsed.upper_fuzzy()
        return (datetime.date(low.tm_year, low.tm_mon, low.tm_mday),
                datetime.date(high.tm_year, high.tm_mon, high.tm_mday))
    except Exception:  # edtf raises several types for bad or open input  # noqa: BLE001
        return None


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth(document: dict[str, Any]) -> _Span | None:
    """The days the survivor may have been born on, from every age the record gives: the date
    of birth, the age at the interview, the age at abduction. None when it gives none, or they
    disagree."""
    survivor, ysl = document.get("survivor") or {}, document.get("ysl") or {}
    spans = [s for s in [_span(str(survivor.get("date_of_birth") or ""))] if s]
    for age, on in ((survivor.get("age"), (document.get("interview") or {}).get("date")),
                    (ysl.get("age_at_abduction"), ysl.get("abduction_date"))):
        when = _span(str(on or ""))
        if isinstance(age, int) and not isinstance(age, bool) and when:
            # age A on a day D: born after D minus A+1 years, and on or before D minus A years
            spans.append((_years_before(when[0], age + 1) + datetime.timedelta(days=1),
                          _years_before(when[1], age)))
    if not spans:
        return None
    low, high = max(s[0] for s in spans), min(s[1] for s in spans)
    return (low, high) if low <= high else None


def _under_18(document: dict[str, Any], date: str) -> bool | None:
    """True when the survivor was under 18 on every day the incident may have been, False when
    18 or older on every one, else None. A survivor who is a minor at the interview was one
    at every earlier incident."""
    incident = _span(date)
    interview = _span(str((document.get("interview") or {}).get("date") or ""))
    if (document.get("survivor") or {}).get("minor") is True and (
            incident is None or interview is None or incident[1] <= interview[1]):
        return True
    born = _birth(document)
    if born is None or incident is None:
        return None
    if _years_before(incident[1], 18) < born[0]:  # even the earliest birth: not yet 18
        return True
    if born[1] <= _years_before(incident[0], 18):  # even the latest birth: already 18
        return False
    return None


def _captivity(acts: list[str], date: str, ysl: dict[str, Any]) -> bool | None:
    """True when the incident's own acts are acts of captivity, or it lies wholly inside the
    record's abduction and release dates, however uncertain they are; else None (never False,
    see the module's note)."""
    if CAPTIVE_ACTS & set(acts):
        return True
    incident = _span(date)
    taken = _span(str(ysl.get("abduction_date") or ""))
    freed = _span(str(ysl.get("release_date") or ""))
    # after the latest day the abduction may have been, before the earliest day of release
    if incident and taken and freed and taken[1] <= incident[0] and incident[1] <= freed[0]:
        return True
    return None


def usable_records(conn: Connection, mention: IndexedMention) -> list[int]:
    """The archive records of the mention's testimony, for each purpose not withdrawn."""
    return [seq for (seq,) in conn.execute(
        "SELECT r.seq FROM archive_records r LEFT JOIN archive_withdrawals w ON "
        "w.source = r.source AND w.record_id = r.record_id AND w.purpose = r.purpose "
        "WHERE r.source = ? AND r.record_id = ? AND w.withdrawn_at IS NULL ORDER BY r.seq",
        (mention.source, mention.record_id))]


def person_bars(conn: Connection, vault: Vault, mentions: Iterable[IndexedMention]) -> list[Bar]:
    """The bars to amnesty of a person's incidents, one per provision: its acts together, and
    the conditions the records do not show (none if one incident's records show them all).
    What each incident shows comes from its own records; a mention not counted (from a
    compromised source) bars nothing, as it corroborates nothing."""
    found: dict[str, Bar] = {}
    for mention in (m for m in mentions if m.counted):
        shown = of_records(conn, vault, usable_records(conn, mention), mention.incident,
                           mention.date)
        for bar in amnesty_bars(mention.acts, shown):
            held = found.get(bar.provision.id)
            if held is None:
                found[bar.provision.id] = bar
                continue
            acts = tuple(a for a in bar.provision.acts if a in {*held.acts, *bar.acts})
            not_shown = min(held.not_shown, bar.not_shown, key=len)
            found[bar.provision.id] = Bar(bar.provision, acts, not_shown)
    return list(found.values())
