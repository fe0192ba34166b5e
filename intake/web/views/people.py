"""The People pages of an archive (supervisors and administrators): the persons of the perpetrator
index listed from its summary (archive/person_summary.py), searched in any spelling
(archive/person_search.py) and filtered by act, qualification, role and source;
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

from intake.archive import (
    corroboration,
    grouping,
    legal_context,
    person_decisions,
    person_search,
    person_summary,
    persons,
)
from intake.archive.corroboration import IndexedMention, Person
from intake.bundles import fingerprints
from intake.records import qualifications
from intake.store.connection import Connection
from intake.web import dates, labels
from intake.web.forms import ConfirmForm, SearchForm
from intake.web.request import config, current_vault, db, login_required, signed_in_user

bp = Blueprint("people", __name__, url_prefix="/archive/people")

_GRAVE_ARTICLES = ("7", "8")  # crimes against humanity, war crimes


@dataclass(frozen=True)
class Incident:
    mention: IndexedMention
    acts: list[tuple[str, list[str]]]  # each act's name and its qualifications, in words
    date: str
    records: list[int]  # the archive records naming it
    witnessed: str  # whether the survivor saw it or heard of it, in words; empty when not said
    roles: list[str]  # what he did in it, in words


@dataclass(frozen=True)
class Candidate:
    person: Person
    agree: list[str]
    conflict: list[str]


@dataclass(frozen=True)
class Grave:
    act: str
    testimonies: int


def _catch_up() -> None:
    """A store made before the index has records not indexed yet, or keys of older name rules:
    catch up now, so the People pages never miss what the archive's testimonies name."""
    if persons.behind(db()):
        persons.catch_up(db(), current_vault())


@bp.route("/")
@login_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    _catch_up()
    conn = db()
    options = {kind: _ordered(kind, person_summary.values(conn, kind))
               for kind in person_summary.KINDS}
    filters = {kind: request.args.get(kind, "") for kind in person_summary.KINDS}
    filters = {kind: value for kind, value in filters.items() if value in options[kind]}
    query = session.get("people_query", "")
    among = person_search.find(conn, query) if query else None
    size = config().page_size
    rows, total = person_summary.page(conn, filters, among, (page - 1) * size, size)
    return render_template("archive/people.html", rows=rows, total=total, page=page,
                           pages=max(1, math.ceil(total / size)), filters=filters,
                           act=filters.get("act", ""), acts=options["act"],
                           role=filters.get("role", ""), roles=options["role"],
                           qualification=filters.get("qualification", ""),
                           qualifications=[(code, _qualification(code))
                                           for code in options["qualification"]],
                           source=filters.get("source", ""),
                           sources=_sources(conn, options["source"]),
                           names={code: str(name) for code, name in labels.ACTS.items()},
                           readable=fingerprints.readable,
                           search=SearchForm(data={"query": query}))


def _ordered(kind: str, values: list[str]) -> list[str]:
    """A filter's values in the order the page lists them: acts in the taxonomy's order,
    qualifications the Rome Statute's articles first, then Iraqi law's provisions."""
    if kind == "act":
        return sorted((v for v in values if v in labels.ACTS), key=list(labels.ACTS).index)
    if kind == "qualification":
        provisions = list(labels.PROVISIONS)
        return sorted(values, key=lambda code: (
            code.startswith("iq:"), provisions.index(code[3:]) if code[3:] in provisions else 0,
            [(int(part), "") if part.isdigit() else (0, part) for part in _PART.findall(code)]))
    return values


_PART = re.compile(r"\d+|[^\d()]+")


def _qualification(code: str) -> str:
    """A qualification's code (person_summary.qualification_code) in words."""
    if code.startswith("iq:"):
        return str(labels.PROVISIONS.get(code[3:], code[3:]))
    return _("Rome Statute") + ", " + _("art. %(article)s", article=code[3:])


def _sources(conn: Connection, fingerprints: list[str]) -> list[tuple[str, str]]:
    """The sources some person is named by, with their organisation, by organisation."""
    organisation = dict(conn.execute("SELECT fingerprint, organisation FROM sources"))
    return sorted(((fp, organisation.get(fp, "")) for fp in fingerprints),
                  key=lambda item: (item[1], item[0]))


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
    _catch_up()
    found = corroboration.persons(db(), person_id)
    if not found:
        abort(404)
    shown = found[0]
    bars = legal_context.person_bars(db(), current_vault(), shown.mentions)
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


def _grave_article(act: str) -> bool:
    return any(isinstance(q, qualifications.RomeStatuteArticle)
               and q.article.startswith(_GRAVE_ARTICLES) for q in qualifications.qualifications(act))


def _incidents(person: Person) -> list[Incident]:
    return [Incident(m, [(str(labels.ACTS.get(a, a)), labels.qualified(a)) for a in m.acts],
                     dates.in_words(m.date), _records(m), _said(labels.WITNESSED, m.witnessed),
                     [_said(labels.PERPETRATOR_ROLES, r) for r in m.roles])
            for m in person.mentions]


def _said(table: dict, code: str) -> str:
    """A code's label; "(unknown)" for a code without one, never the code itself."""
    if not code:
        return ""
    return str(table[code]) if code in table else dates.unknown()


def _records(mention: IndexedMention) -> list[int]:
    return legal_context.usable_records(db(), mention)


def _group(person: Person) -> grouping.Group:
    return grouping.Group(tuple(grouping.Mention(m.id, m.name, m.aliases)
                                for m in sorted(person.mentions, key=lambda m: m.id)))


def _candidates(person: Person) -> list[Candidate]:
    """The persons this one may be the same as, with the parts of their names that agree and
    those that conflict: grouping.candidates around this person, among the persons sharing one
    of its keys (person_summary.neighbours), which are the only ones it can pair it with."""
    around = {p.id: p for p in corroboration.persons_in(
        db(), {person.id, *person_summary.neighbours(db(), person.id)})}
    groups = [_group(p) for p in around.values()]
    owner = {g.mentions[0].id: pid for pid, g in zip(around, groups, strict=True)}
    known = {m.id for g in groups for m in g.mentions}
    found = []
    for candidate in grouping.candidates(groups, persons.decisions(db(), known),
                                         limit=person_summary.CANDIDATE_LIMIT,
                                         around=groups[list(around).index(person.id)]):
        first, second = (owner[g.mentions[0].id] for g in (candidate.first, candidate.second))
        other = around[second if first == person.id else first]
        found.append(Candidate(other, _parts(candidate.comparison.agree),
                               _parts(candidate.comparison.conflict)))
    return found


def _parts(parts: tuple[str, ...]) -> list[str]:
    return [str(labels.NAME_PARTS[part]) for part in parts]
