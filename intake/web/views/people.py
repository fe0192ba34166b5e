"""The People pages of an archive (supervisors and administrators): the persons of the perpetrator
index (archive/corroboration.py) listed, searched in any spelling and filtered by act and role;
and one person with every incident and its legal qualifications, the bars to amnesty, the
persons they may be the same as, and the forms that merge, split and part them
(archive/person_decisions.py). Search words stay in the server-side session."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.archive import corroboration, grouping, legal_context, person_decisions, persons
from intake.archive.corroboration import IndexedMention, Person
from intake.archive.names import fold_arabic, read_word, same_word
from intake.records import qualifications
from intake.records.qualifications import Bar, Provision
from intake.web import dates, labels
from intake.web.forms import ConfirmForm, SearchForm
from intake.web.i18n import left_to_right
from intake.web.request import config, current_vault, db, login_required, signed_in_user

bp = Blueprint("people", __name__, url_prefix="/archive/people")

_WORD = re.compile(r"\w+")
_GRAVE_ARTICLES = ("7", "8")  # crimes against humanity, war crimes


@dataclass(frozen=True)
class Incident:
    mention: IndexedMention
    acts: list[tuple[str, list[str]]]  # each act's name and its qualifications, in words
    date: str
    records: list[int]  # the archive records naming it


@dataclass(frozen=True)
class Candidate:
    person: Person
    agree: list[str]
    conflict: list[str]


@dataclass(frozen=True)
class Grave:
    act: str
    testimonies: int


@bp.route("/")
@login_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    everyone = corroboration.persons(db())
    acts = sorted({a.act for p in everyone for a in p.acts}, key=list(labels.ACTS).index)
    roles = sorted({m.role for p in everyone for m in p.mentions if m.role})
    act = request.args.get("act", "")
    act = act if act in acts else ""
    role = request.args.get("role", "")
    role = role if role in roles else ""
    query = session.get("people_query", "")
    found = [p for p in everyone if _matches(query, p)
             and (not act or any(a.act == act for a in p.acts))
             and (not role or any(m.role == role for m in p.mentions))]
    size = config().page_size
    return render_template("archive/people.html", rows=found[(page - 1) * size:page * size],
                           total=len(found), page=page, pages=max(1, math.ceil(len(found) / size)),
                           act=act, acts=acts, role=role, roles=roles, names=labels.ACTS,
                           search=SearchForm(data={"query": query}))


@bp.route("/search", methods=["POST"])
@login_required("supervisor", "admin")
def search() -> ResponseReturnValue:
    form = SearchForm()
    if form.validate_on_submit():
        session["people_query"] = (form.query.data or "").strip()
    return redirect(url_for("people.index"))


@bp.route("/<person_id>")
@login_required("supervisor", "admin")
def person(person_id: str) -> ResponseReturnValue:
    found = corroboration.persons(db(), person_id)
    if not found:
        abort(404)
    shown = found[0]
    bars = _bars(shown.mentions)
    barred = {act for bar in bars for act in bar.acts}
    grave = [Grave(a.act, a.testimonies) for a in shown.acts
             if a.act in barred or _grave_article(a.act)]
    spellings = list(dict.fromkeys([*shown.names, *(a for m in shown.mentions for a in m.aliases)]))
    return render_template("archive/person.html", p=shown, spellings=spellings,
                           incidents=_incidents(shown),
                           bars=bars, grave=grave, candidates=_candidates(shown),
                           names=labels.ACTS, provisions=labels.PROVISIONS,
                           conditions=labels.CONDITIONS, facts=labels.RECORD_FACTS,
                           confirm=ConfirmForm())


@bp.route("/<person_id>/merge", methods=["POST"])
@login_required("supervisor", "admin")
def merge(person_id: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("people.person", person_id=person_id))
    try:
        kept = person_decisions.merge(db(), current_vault(), signed_in_user(),
                                      [person_id, request.form.get("other", "")])
    except person_decisions.PersonError as exc:
        flash(_("Refused: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("people.person", person_id=person_id))
    flash(_("The two persons are now one."), "success")
    return redirect(url_for("people.person", person_id=kept))


@bp.route("/<person_id>/split", methods=["POST"])
@login_required("supervisor", "admin")
def split(person_id: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("people.person", person_id=person_id))
    try:
        person_decisions.split(db(), current_vault(), signed_in_user(), person_id,
                               request.form.get("mention", ""))
    except person_decisions.PersonError as exc:
        flash(_("Refused: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("people.person", person_id=person_id))
    flash(_("The mention is now a person of its own."), "success")
    if not corroboration.persons(db(), person_id):  # it was their only mention
        return redirect(url_for("people.index"))
    return redirect(url_for("people.person", person_id=person_id))


@bp.route("/<person_id>/distinct", methods=["POST"])
@login_required("supervisor", "admin")
def distinct(person_id: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("people.person", person_id=person_id))
    try:
        person_decisions.distinct(db(), current_vault(), signed_in_user(), person_id,
                                  request.form.get("other", ""))
    except person_decisions.PersonError as exc:
        flash(_("Refused: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("people.person", person_id=person_id))
    flash(_("The two persons are marked as not the same."), "success")
    return redirect(url_for("people.person", person_id=person_id))


def _matches(query: str, person: Person) -> bool:
    """Whether every word of the query spells a word of one of the person's names or aliases,
    in any script (archive/names.py), or the folded query is part of one of them."""
    if not query:
        return True
    folded = fold_arabic(query)
    asked = [read_word(word) for word in _WORD.findall(query)]
    for mention in person.mentions:
        for text in (mention.name, *mention.aliases):
            if folded in fold_arabic(text):
                return True
            words = [read_word(word) for word in _WORD.findall(text)]
            if asked and all(any(same_word(a, w) for w in words) for a in asked):
                return True
    return False


def _qualified(act: str) -> list[str]:
    """The act's Rome Statute articles and Iraqi provisions, in words."""
    said = []
    for found in qualifications.qualifications(act):
        if isinstance(found, Provision):
            said.append(str(labels.PROVISIONS[found.id]))
        else:
            article = left_to_right(found.article)
            said.append(_("Rome Statute") + ", " + _("art. %(article)s", article=article))
    return said


def _grave_article(act: str) -> bool:
    return any(isinstance(q, qualifications.RomeStatuteArticle)
               and q.article.startswith(_GRAVE_ARTICLES) for q in qualifications.qualifications(act))


def _incidents(person: Person) -> list[Incident]:
    return [Incident(m, [(str(labels.ACTS.get(a, a)), _qualified(a)) for a in m.acts],
                     dates.in_words(m.date), _records(m)) for m in person.mentions]


def _records(mention: IndexedMention) -> list[int]:
    """The archive records of the mention's testimony, for each purpose not withdrawn."""
    return [seq for (seq,) in db().execute(
        "SELECT r.seq FROM archive_records r LEFT JOIN archive_withdrawals w ON "
        "w.source = r.source AND w.record_id = r.record_id AND w.purpose = r.purpose "
        "WHERE r.source = ? AND r.record_id = ? AND w.withdrawn_at IS NULL ORDER BY r.seq",
        (mention.source, mention.record_id))]


def _bars(mentions: tuple[IndexedMention, ...]) -> list[Bar]:
    """The bars to amnesty of every incident's acts, one per provision: its acts together, and
    the conditions the records do not show (none if one incident's record shows them all).
    What each incident shows comes from its own records (archive/legal_context.py); a mention
    not counted (from a compromised source) bars nothing, as it corroborates nothing."""
    found: dict[str, Bar] = {}
    for mention in (m for m in mentions if m.counted):
        context = legal_context.of_records(db(), current_vault(), _records(mention),
                                           mention.incident, mention.date)
        for bar in qualifications.amnesty_bars(mention.acts, context):
            held = found.get(bar.provision.id)
            if held is None:
                found[bar.provision.id] = bar
                continue
            acts = tuple(a for a in bar.provision.acts if a in {*held.acts, *bar.acts})
            not_shown = min(held.not_shown, bar.not_shown, key=len)
            found[bar.provision.id] = Bar(bar.provision, acts, not_shown)
    return list(found.values())


def _group(person: Person) -> grouping.Group:
    return grouping.Group(tuple(grouping.Mention(m.id, m.name, m.aliases)
                                for m in sorted(person.mentions, key=lambda m: m.id)))


def _candidates(person: Person) -> list[Candidate]:
    """The persons this one may be the same as, with the parts of their names that agree and
    those that conflict."""
    everyone = {p.id: p for p in corroboration.persons(db())}
    groups = [_group(p) for p in everyone.values()]
    owner = {g.mentions[0].id: pid for pid, g in zip(everyone, groups, strict=True)}
    known = {m.id for g in groups for m in g.mentions}
    found = []
    for candidate in grouping.candidates(groups, persons.decisions(db(), known),
                                         around=groups[list(everyone).index(person.id)]):
        first, second = (owner[g.mentions[0].id] for g in (candidate.first, candidate.second))
        other = everyone[second if first == person.id else first]
        found.append(Candidate(other, _parts(candidate.comparison.agree),
                               _parts(candidate.comparison.conflict)))
    return found


def _parts(parts: tuple[str, ...]) -> list[str]:
    return [str(labels.NAME_PARTS[part]) for part in parts]
