"""An imported record as a statement a lawyer reads: the envelope (docs/bundle-format.md) turned
into labelled, translated display data, in the interface language. Every code becomes its label
(web/labels.py and the interview's tables), every date words (web/dates.py), every yes or no a
word; a code without a label shows as "(unknown)", never as itself. Free text stays as written,
with its redaction markers, for the template to mark. The restricted narrative is not read here:
only whether there is one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from intake.records.consent import PURPOSES
from intake.records.taxonomy import acts
from intake.web import interview, labels
from intake.web.dates import in_words, unknown
from intake.web.i18n import left_to_right

_METHODS = {"verbal": lambda: _("verbally"), "written": lambda: _("in writing"),
            "thumbprint": lambda: _("by thumbprint")}
_ROLES = {"victim": lambda: _("a victim"), "witness": lambda: _("a witness")}


@dataclass
class Row:
    label: str
    value: str
    plain: bool = False  # the value is ours (a translated word), not free text from the record


@dataclass
class Block:
    language: str  # its name for the reader
    tag: str  # BCP 47, for the lang attribute; empty when unknown
    text: str


@dataclass
class ConsentLine:
    answer: str  # "yes", "no" or "withdrawn": how the line is styled
    heading: str
    purposes: list[str]


@dataclass
class Qualification:
    framework: str  # the body of law, e.g. the Rome Statute
    articles: list[str]


@dataclass
class Act:
    name: str
    qualifications: list[Qualification]


@dataclass
class Perpetrator:
    name: str
    aliases: list[str]
    rows: list[Row]


@dataclass
class Incident:
    acts: list[Act]
    rows: list[Row]
    perpetrators: list[Perpetrator]
    others: list[Row]
    description: str


@dataclass
class Statement:
    interview: list[Row]
    earlier_interviews: list[Row]
    consent: list[ConsentLine]
    consent_details: list[Row]
    consent_history: list[str]
    survivor: list[Row]
    narrative: list[Block]
    incidents: list[Incident]
    ysl: list[Row]
    relatives: list[Row]
    needs: list[Row]
    restricted: bool


def statement(envelope: dict) -> Statement:
    """The display data of one envelope."""
    doc = envelope.get("document", {})
    return Statement(
        interview=_interview(doc.get("interview", {})),
        earlier_interviews=[_earlier(e) for e in doc.get("interview", {}).get("earlier_interviews", [])],
        consent=consent_lines(doc.get("consent", {})),
        consent_details=_consent_details(doc.get("consent", {})),
        consent_history=[_history_line(h) for h in doc.get("consent", {}).get("history", [])],
        survivor=_survivor(doc.get("survivor", {})),
        narrative=blocks(doc.get("narrative", [])),
        incidents=[_incident(i) for i in doc.get("incidents", [])],
        ysl=_ysl(doc.get("ysl", {})),
        relatives=[Row(r.get("name", "") or unknown(), ", ".join(
            v for v in (r.get("relation", ""), _label(interview.RELATIVE_STATUSES, r.get("status")))
            if v)) for r in doc.get("relatives", [])],
        needs=[Row(_label(interview.NEEDS, n.get("kind")) or unknown(), n.get("referred_to", ""))
               for n in doc.get("needs", [])],
        restricted=any(doc.get(name) for name in envelope.get("restricted_fields", [])),
    )


def blocks(items: list[dict]) -> list[Block]:
    """Narrative blocks with the name of their language."""
    return [Block(language_name(b.get("language", "")), b.get("language", ""), b.get("text", ""))
            for b in items]


def language_name(tag: str) -> str:
    """A BCP 47 tag's name in the reader's language; "(unknown)" when there is none."""
    if not tag:
        return unknown()
    try:
        name = Locale.parse(tag, sep="-").get_display_name(get_locale())
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    return name or unknown()


def consent_lines(consent: dict) -> list[ConsentLine]:
    """The answers as sentences: one per answer, date, method and witness, naming its purposes."""
    lines: dict[tuple, ConsentLine] = {}
    for purpose in PURPOSES:
        value = consent.get(purpose)
        if not isinstance(value, bool):
            continue
        entry: dict = next((h for h in reversed(consent.get("history", []))
                      if h.get("purpose") == purpose and h.get("value") == value), {})
        withdrawn = entry.get("method") == "withdrawal" and value is False
        method = "" if withdrawn else entry.get("method", consent.get("method", ""))
        witness = entry.get("witness", "") if entry else consent.get("witness", "")
        key = (value, withdrawn, _day(entry.get("at", "")), method, witness)
        if key not in lines:
            answer = "withdrawn" if withdrawn else "yes" if value else "no"
            lines[key] = ConsentLine(answer, _heading(answer, *key[2:]), [])
        lines[key].purposes.append(str(labels.PURPOSES[purpose]))
    return list(lines.values())


def _heading(answer: str, day: str, method: str, witness: str) -> str:
    parts = [{"yes": _("Agreed"), "no": _("Did not agree"), "withdrawn": _("Withdrew consent")}[answer]]
    if day:
        parts[0] = _("%(answer)s on %(date)s", answer=parts[0], date=day)
    if method:
        parts.append(_METHODS[method]() if method in _METHODS else unknown())
    if witness:
        parts.append(_("witnessed by %(witness)s", witness=witness))
    return _("%(answer)s:", answer=", ".join(parts))


def _consent_details(consent: dict) -> list[Row]:
    guardian = consent.get("guardian", {})
    rows = [Row(_("Language"), language_name(consent["language"]), plain=True)
            if consent.get("language") else None,
            Row(_("Guardian's name"), guardian.get("name", "")),
            Row(_("Guardian's relation to the child"), guardian.get("relation", "")),
            Row(_("The guardian consents"), _yes_no(guardian.get("consent")), plain=True),
            Row(_("The child agrees too"), _yes_no(guardian.get("child_assent")), plain=True)]
    return [r for r in rows if r and r.value]


def _history_line(entry: dict) -> str:
    purpose = labels.PURPOSE_SHORT_NAMES.get(entry.get("purpose", ""), unknown())
    answer = _("withdrawn") if entry.get("method") == "withdrawal" else _yes_no(entry.get("value"))
    text = f"{_when(entry.get('at', ''))}: {purpose}: {answer}"
    method = entry.get("method", "")
    if method and method != "withdrawal":
        text += f", {_METHODS[method]() if method in _METHODS else unknown()}"
    if entry.get("witness"):
        text += ", " + _("witnessed by %(witness)s", witness=entry["witness"])
    if entry.get("by"):
        text += ", " + _("recorded by %(user)s", user=entry["by"])
    return text


def _interview(iv: dict) -> list[Row]:
    rows = [Row(_("Date of this interview"), in_words(iv.get("date", "")), plain=True),
            Row(_("Place (general: camp, town or district)"), iv.get("location", "")),
            Row(_("Main language of the interview"), language_name(iv["language"]), plain=True)
            if iv.get("language") else None,
            Row(_("Other languages"), ", ".join(language_name(t) for t in iv.get("other_languages", [])),
                plain=True),
            Row(_("Interviewer"), iv.get("interviewer", "")),
            Row(_("Interpreter"), iv.get("interpreter", "")),
            Row(_("Who else was present"), "; ".join(iv.get("persons_present", []))),
            Row(_("Read back and confirmed"),
                _answer(iv, "read_back_confirmed"), plain=True),
            Row(_("Given freely"), _answer(iv, "given_freely"), plain=True)]
    return [r for r in rows if r and r.value]


def _earlier(entry: dict) -> Row:
    """An earlier statement: who took it (and what kind of body), when, whether there is a copy,
    and the earlier testimony of this organisation it is linked to."""
    copy = {True: _("a copy is available"), False: _("no copy is available"),
            None: _("not known whether a copy is available")}
    parts = [in_words(entry.get("date", "")), _label(labels.EARLIER_INTERVIEW_KINDS, entry.get("kind"))]
    if "copy_available" in entry:
        parts.append(copy.get(entry["copy_available"], unknown()))
    if entry.get("witness_code"):
        parts.append(_("earlier testimony %(code)s", code=entry["witness_code"]))
    return Row(entry.get("organisation", "") or unknown(), ", ".join(p for p in parts if p))


def _survivor(sv: dict) -> list[Row]:
    rows = [Row(_("Full name"), sv.get("full_name", "")),
            Row(_("Other names and spellings (one per line)"), ", ".join(sv.get("other_names", []))),
            Row(_("Sex"), _label(interview.SEXES, sv.get("sex")), plain=True),
            Row(_("Date of birth"), in_words(sv.get("date_of_birth", "")), plain=True),
            Row(_("Age"), str(sv["age"]) if isinstance(sv.get("age"), int) else "", plain=True),
            Row(_("Community"), _label(interview.COMMUNITIES, sv.get("community")), plain=True),
            Row(_("Community"), sv.get("community_other", "")),
            Row(_("Place of origin"), sv.get("place_of_origin", "")),
            Row(_("Where they live now"), sv.get("current_location", "")),
            Row(_("Phone"), sv.get("phone", "")),
            Row(_("National ID number"), sv.get("id_number", "")),
            Row(_("Minors"), _("The survivor is under 18") if sv.get("minor") is True else "",
                plain=True)]
    return [r for r in rows if r.value]


def _incident(incident: dict) -> Incident:
    rome = acts()
    named = [Act(_label(labels.ACTS, code) or unknown(),
                 [Qualification(_("Rome Statute"), [_("art. %(article)s", article=left_to_right(a))
                                                     for a in rome[code]])] if code in rome else [])
             for code in incident.get("acts", [])]
    rows = [Row(_("When"), in_words(incident.get("date", "")), plain=True),
            Row(_("Where"), incident.get("place", "")),
            Row(_("How does she know of it?"), _label(labels.WITNESSED, incident.get("witnessed")),
                plain=True),
            Row(_("Heard it from"), incident.get("heard_from", ""))]
    perpetrators = [Perpetrator(p.get("name", "") or unknown(), p.get("aliases", []),
                                [r for r in (Row(_("Nationality"), p.get("nationality", "")),
                                             Row(_("What he did in this incident"),
                                                 perpetrator_roles(p), plain=True),
                                             Row(_("What he did, in her words"), p.get("role", "")))
                                 if r.value])
                    for p in incident.get("perpetrators", [])]
    others = [Row(o.get("name", "") or unknown(),
                  _ROLES[o["role"]]() if o.get("role") in _ROLES else "")
              for o in incident.get("others", [])]
    return Incident(named, [r for r in rows if r.value], perpetrators, others,
                    incident.get("description", ""))


def perpetrator_roles(perpetrator: dict) -> str:
    """What a perpetrator did in an incident, from the short list, in words."""
    return ", ".join(_label(labels.PERPETRATOR_ROLES, code) for code in perpetrator.get("roles", []))


def _ysl(ysl: dict) -> list[Row]:
    rows = [Row(_("Eligibility category"), _label(interview.YSL_CATEGORIES, ysl.get("category")),
                plain=True),
            Row(_("Date of abduction"), in_words(ysl.get("abduction_date", "")), plain=True),
            Row(_("Date of release or escape"), in_words(ysl.get("release_date", "")), plain=True),
            Row(_("Age at abduction"), str(ysl["age_at_abduction"])
                if isinstance(ysl.get("age_at_abduction"), int) else "", plain=True)]
    return [r for r in rows if r.value]


def _label(table: dict, code: object) -> str:
    """The label of a code; empty for no code; "(unknown)" for a code without a label."""
    if not code:
        return ""
    return str(table[code]) if code in table else unknown()


def _yes_no(value: object) -> str:
    return _("Yes") if value is True else _("No") if value is False else ""


def _answer(holder: dict, key: str) -> str:
    """A yes, no or not known answer; empty when the question was never answered."""
    if key not in holder:
        return ""
    return _yes_no(holder[key]) or (_("Not known") if holder[key] is None else unknown())


def _day(iso: str) -> str:
    try:
        return format_date(datetime.fromisoformat(iso), "long", locale=get_locale()) if iso else ""
    except ValueError:
        return unknown()


def _when(iso: str) -> str:
    try:
        return format_datetime(datetime.fromisoformat(iso), "medium", locale=get_locale()) if iso \
            else unknown()
    except ValueError:
        return unknown()
