"""The Screening pages of an archive (supervisors and administrators): a list uploaded or pasted
and screened against the perpetrator index in the background (web/screening_jobs.py), its rows
with their candidates and reasons, the decisions a lawyer takes about each, and its export as
CSV or as a brief for filing (docs/screening.md). Names travel only in request bodies, never in
URLs; every page of a screening is read from its sealed document."""

from __future__ import annotations

import math

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.archive import person_decisions
from intake.home import audit
from intake.home.instance import organisation
from intake.screening import report, screenings
from intake.screening.evidence import Evidence, for_person
from intake.screening.lists import ListError, ReadList, read_list, read_text
from intake.screening.matching import RowResult
from intake.screening.screenings import Screening, ScreeningError
from intake.web import brief, labels, screening_jobs
from intake.web.forms import ConfirmForm, DecisionForm, ScreeningForm
from intake.web.request import config, current_vault, db, login_required, signed_in_user

bp = Blueprint("screening", __name__, url_prefix="/archive/screening")
_ROLES = ("supervisor", "admin")


@bp.route("/", methods=["GET", "POST"])
@login_required(*_ROLES)
def index() -> ResponseReturnValue:
    form = ScreeningForm()
    label = " ".join((form.label.data or "").split())
    if form.validate_on_submit():
        try:
            read = _read(form)
        except ListError as exc:
            flash(_("The list cannot be screened: %(reason)s",
                    reason=labels.LIST_ERRORS[exc.code]), "error")
        else:
            if any(s.label == label for s in screenings.listing(db())):
                flash(_("A screening with this name exists already."), "error")
            else:
                job = screening_jobs.start(config(), current_vault(), signed_in_user(), label, read)
                # A short list is screened in well under a second: its results come at once, and
                # only a longer one shows the progress page (which reloads itself).
                screening_jobs.wait(job, screening_jobs.SHORT_WAIT_SECONDS)
                return redirect(url_for("screening.job", job_id=job.id))
    return render_template("screening/index.html", form=form, rows=screenings.listing(db()),
                           confirm=ConfirmForm()), 422 if form.is_submitted() else 200


def _read(form: ScreeningForm) -> ReadList:
    upload = form.list_file.data
    if upload and getattr(upload, "filename", ""):
        return read_list(upload.read())
    if (form.pasted.data or "").strip():
        return read_text(form.pasted.data or "")
    raise ListError("nothing_given")


@bp.route("/jobs/<job_id>")
@login_required(*_ROLES)
def job(job_id: str) -> ResponseReturnValue:
    found = screening_jobs.get(job_id, signed_in_user())
    if found is None:
        abort(404)
    if found.finished and found.screening_id:
        return redirect(url_for("screening.results", screening_id=found.screening_id))
    return render_template("screening/job.html", job=found)


@bp.route("/<screening_id>")
@login_required(*_ROLES)
def results(screening_id: str) -> ResponseReturnValue:
    found = _screening(screening_id)
    rows = sorted(found.results, key=_strongest_first)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    size = config().page_size
    shown = rows[(page - 1) * size:page * size]
    evidence = _evidence({m.person for r in shown for m in r.matches})
    return render_template("screening/results.html", s=found, rows=shown, page=page,
                           pages=max(1, math.ceil(len(rows) / size)), evidence=evidence,
                           reason=brief.said, problems=labels.LIST_PROBLEMS,
                           levels=labels.MATCH_LEVELS, decisions=labels.SCREENING_DECISIONS,
                           acts=labels.ACTS, provisions=labels.PROVISIONS,
                           qualified=labels.qualified, form=DecisionForm(),
                           confirm=ConfirmForm())


def _strongest_first(result: RowResult) -> tuple[int, float, int]:
    best = result.matches[0] if result.matches else None
    return (0 if best and best.level == "strong" else 1 if best else 2,
            -(best.score if best else 0.0), result.row.row)


def _evidence(person_ids: set[str]) -> dict[str, Evidence | None]:
    return {pid: for_person(db(), current_vault(), pid) for pid in sorted(person_ids)}


@bp.route("/<screening_id>/decide", methods=["POST"])
@login_required(*_ROLES)
def decide(screening_id: str) -> ResponseReturnValue:
    found = _screening(screening_id)
    form = DecisionForm()
    if form.validate_on_submit() and form.row.data is not None:
        try:
            screenings.decide(db(), current_vault(), signed_in_user(), found.summary.id,
                              form.row.data, form.person.data or "", form.decision.data or "",
                              form.note.data or "")
        except ScreeningError as exc:
            flash(_("Refused: %(reason)s", reason=str(exc)), "error")
    else:
        flash(_("Choose a decision."), "error")
    return redirect(url_for("screening.results", screening_id=found.summary.id,
                            page=request.args.get("page", 1, type=int),
                            _anchor=f"row-{form.row.data or 0}"))


@bp.route("/<screening_id>/index", methods=["POST"])
@login_required(*_ROLES)
def to_index(screening_id: str) -> ResponseReturnValue:
    """A row's confirmed person and another of its candidates, confirmed too (merge) or
    rejected (not the same), as a decision in the perpetrator index."""
    found = _screening(screening_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row, first, second = (request.form.get("row", type=int), request.form.get("first", ""),
                          request.form.get("second", ""))
    decided = {found.decisions.get((row or 0, p), None) for p in (first, second)}
    kinds = {d.decision if d else "" for d in decided}
    try:
        if kinds == {"confirmed"} and first != second:
            person_decisions.merge(db(), current_vault(), signed_in_user(), [first, second])
            flash(_("The two persons are now one."), "success")
        elif kinds == {"confirmed", "rejected"}:
            person_decisions.distinct(db(), current_vault(), signed_in_user(), first, second)
            flash(_("The two persons are marked as not the same."), "success")
        else:
            abort(400)
    except person_decisions.PersonError as exc:
        flash(_("Refused: %(reason)s", reason=str(exc)), "error")
    return redirect(url_for("screening.results", screening_id=found.summary.id,
                            _anchor=f"row-{row or 0}"))


@bp.route("/<screening_id>/screening.csv", methods=["POST"])
@login_required(*_ROLES)
def csv(screening_id: str) -> ResponseReturnValue:
    found = _screening(screening_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _exported(found, "csv")
    return Response(report.as_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="screening.csv"',
                             "Cache-Control": "no-store"})


@bp.route("/<screening_id>/brief/<language>")
@login_required(*_ROLES)
def brief_page(screening_id: str, language: str) -> ResponseReturnValue:
    if language not in brief.LANGUAGES:
        abort(404)
    found = _screening(screening_id)
    _exported(found, f"brief-{language}")
    evidence = _evidence(set(report.confirmed_persons(found)))
    return brief.render_brief(found, evidence, language, organisation(db()), linked=True)


@bp.route("/<screening_id>/delete", methods=["POST"])
@login_required(*_ROLES)
def delete(screening_id: str) -> ResponseReturnValue:
    found = _screening(screening_id)
    if ConfirmForm().validate_on_submit():
        screenings.delete(db(), current_vault(), signed_in_user(), found.summary.id)
        flash(_("The screening is erased."), "success")
    return redirect(url_for("screening.index"))


def _screening(screening_id: str) -> Screening:
    if not screenings.is_id(screening_id):
        abort(404)
    try:
        return screenings.load(db(), current_vault(), screening_id)
    except ScreeningError:
        abort(404)


def _exported(found: Screening, kind: str) -> None:
    audit.record(db(), current_vault(), signed_in_user(), "screening_exported",
                 screening=found.summary.id, kind=kind)
