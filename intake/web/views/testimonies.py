"""The interview pages: list and search, the eight steps, autosave, review, complete, delete.

Views stay thin: forms live in web/interview.py, records in records/testimonies.py. Every step posts to
itself; the same handler serves a button press (redirect) and an autosave (JSON), so the form
works without JavaScript and loses nothing with it.
"""

from __future__ import annotations

import math
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_datetime, format_time
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup

from intake.archive import receipts, register
from intake.clock import today_local
from intake.home import audit, backup_reminder
from intake.home.instance import organisation
from intake.records import attachments, consent, testimonies, withdrawal
from intake.records.schema import DocumentError
from intake.records.taxonomy import acts
from intake.web import consent_form
from intake.web.bundle_forms import WithdrawForm
from intake.web.dates import in_words
from intake.web.forms import AttachmentForm, ConfirmForm, SearchForm
from intake.web.i18n import LANGUAGES, select_locale, text_direction
from intake.web.interview import (
    COMMUNITIES,
    NEEDS,
    RELATIVE_STATUSES,
    SEXES,
    STATUS_NAMES,
    STEPS,
    YSL_CATEGORIES,
    ConsentForm,
    Step,
    add_entry,
    make_form,
    savable_document,
    with_interview_defaults,
)
from intake.web.labels import (
    ACTS,
    ATTACHMENT_KINDS,
    EARLIER_INTERVIEW_KINDS,
    PERPETRATOR_ROLES,
    PURPOSE_SHORT_NAMES,
    PURPOSES,
    WITNESSED,
)
from intake.web.request import config, current_vault, db, login_required, signed_in_user

SURVIVOR_STEP = 3  # web/interview.py STEPS: where her names are asked
bp = Blueprint("testimonies", __name__)


def _load(record_id: str) -> testimonies.Testimony:
    try:
        return testimonies.load(db(), current_vault(), record_id, signed_in_user())
    except testimonies.NotFound:
        abort(404)


bp.add_app_template_filter(in_words, "in_words")  # an EDTF date in words (web/dates.py)


@bp.app_template_filter("when")
def when(iso: str) -> str:
    """A stored UTC time, shown in the interface language."""
    return format_datetime(datetime.fromisoformat(iso), "medium") if iso else ""


@bp.route("/")
@login_required()
def index() -> ResponseReturnValue:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = session.get("query", "")
    rows, total = testimonies.summaries(db(), signed_in_user(), query=query, page=page,
                                        per_page=config().page_size)
    search = SearchForm(data={"query": query})
    backup = backup_reminder.reminder(db(), config().backup_reminder_days)
    states = receipts.handover_states(db())
    (held,) = db().execute("SELECT count(*) FROM testimonies").fetchone()
    only_here = held - sum(state == "handed_over" for state in states.values())
    return render_template("index.html", rows=rows, total=total, page=page, search=search,
                           pages=max(1, math.ceil(total / config().page_size)),
                           purposes=PURPOSES, last_backup=backup.last_backup,
                           backup_due=backup.due, handover_states=states, only_here=only_here)


@bp.route("/search", methods=["POST"])
@login_required()
def search() -> ResponseReturnValue:
    # Search words may be names: they stay in the server-side session, never in a URL.
    form = SearchForm()
    if form.validate_on_submit():
        session["query"] = (form.query.data or "").strip()
    return redirect(url_for("testimonies.index"))


@bp.app_context_processor
def labels() -> dict:
    return {"communities": COMMUNITIES, "status_names": STATUS_NAMES, "sexes": SEXES,
            "short_names": PURPOSE_SHORT_NAMES}


def _consent_page(form: ConsentForm, testimony: testimonies.Testimony | None) -> str:
    """The consent step, with the script to read aloud in the survivor's language, which may
    differ from the interviewer's."""
    script_lang = request.args.get("script", "")
    if script_lang not in LANGUAGES:
        script_lang = select_locale()
    with force_locale(script_lang):
        script = render_template("interview/consent_script.html", purposes=PURPOSES,
                                 paragraphs=consent_form.script(session.get("organisation", "")))
    return render_template(STEPS[0].template, form=form, step=STEPS[0], steps=STEPS,
                           testimony=testimony, script=Markup(script),  # noqa: S704
                           script_lang=script_lang, script_dir=text_direction(script_lang))


@bp.route("/testimonies/new", methods=["GET", "POST"])
@login_required()
def new() -> ResponseReturnValue:
    form = make_form(STEPS[0], {} if request.method == "GET" else None)
    if form.validate_on_submit():
        testimony = testimonies.create(db(), current_vault(), signed_in_user(),
                                       form.to_document({}))
        if testimony.status == "refused":
            flash(_("Consent to record was refused: only that fact is stored."), "info")
            return redirect(url_for("testimonies.view", record_id=testimony.id))
        number = 1 if request.form.get("go") == "stay" else 2
        return redirect(url_for("testimonies.step", record_id=testimony.id, number=number))
    return _consent_page(form, None)


@bp.route("/testimonies/<record_id>/step/<int:number>", methods=["GET", "POST"])
@login_required()
def step(record_id: str, number: int) -> ResponseReturnValue:
    if not 1 <= number <= len(STEPS):
        abort(404)
    testimony = _load(record_id)
    if testimony.status == "refused" and number != 1:
        return redirect(url_for("testimonies.view", record_id=record_id))
    current = STEPS[number - 1]
    if request.method == "GET":
        form = make_form(current, _starting_document(current, testimony))
        return _render_step(current, form, testimony)

    form = make_form(current)
    valid = form.validate()
    if number == 1 and form.record.errors:
        return _render_step(current, form, testimony), 422
    document, refused = savable_document(current, form, testimony.document)
    saved = testimonies.save(db(), current_vault(), signed_in_user(), record_id, document,
                             step=number, draft=True)
    if request.headers.get("X-Autosave"):
        return jsonify(saved_at=format_time(datetime.fromisoformat(saved.updated_at), "short"),
                       version=saved.version,
                       problems=len(form.errors), not_saved=refused)
    added = next((key[4:] for key in request.form if key.startswith("add-")), None)
    if added and add_entry(form, added):
        return _render_step(current, form, saved)
    if refused:
        flash(_("Saved, except the answers marked below: correct them and save again."),
              "warning")
        return _render_step(current, form, saved), 422
    if not valid:
        flash(_("Saved. Some answers need checking before the testimony can be completed."),
              "warning")
        return _render_step(current, form, saved), 422
    if saved.status == "refused":
        return redirect(url_for("testimonies.view", record_id=record_id))
    target = request.form.get("go", "next")
    if target == "back" and number > 1:
        return redirect(url_for("testimonies.step", record_id=record_id, number=number - 1))
    if target == "next" and number < len(STEPS):
        return redirect(url_for("testimonies.step", record_id=record_id, number=number + 1))
    if target.startswith("step-") and target[5:].isdigit():
        return redirect(url_for("testimonies.step", record_id=record_id, number=int(target[5:])))
    if target == "stay":
        flash(_("Saved."), "success")
        return redirect(url_for("testimonies.step", record_id=record_id, number=number))
    return redirect(url_for("testimonies.view", record_id=record_id))


def _starting_document(current: Step, testimony: testimonies.Testimony) -> dict:
    """The saved document; a new testimony's interview step opened by the interviewer who
    made it starts with today's date and their name (web/interview.py)."""
    user = signed_in_user()
    if testimony.owner_id != user.id:
        return testimony.document
    return with_interview_defaults(current, testimony.document, interviewer=user.name,
                                   today=today_local())


def _render_step(current: Step, form: FlaskForm, testimony: testimonies.Testimony) -> str:
    if current.number == 1:
        return _consent_page(form, testimony)
    return render_template(current.template, form=form, step=current, steps=STEPS,
                           testimony=testimony, **_earlier(current, testimony),
                           **_attachments(testimony))


def _earlier(current: Step, testimony: testimonies.Testimony) -> dict:
    """On the survivor step: the earlier testimonies that may be hers (archive/register.py),
    and those already linked. Nothing of them but their witness code and date."""
    if current.number != SURVIVOR_STEP:
        return {}
    found = register.candidates(db(), current_vault(), signed_in_user(), testimony.document,
                                exclude=testimony.id)
    linked = [e for e in testimony.document.get("interview", {}).get("earlier_interviews", [])
              if e.get("record_id")]
    return {"earlier": found, "linked": linked, "link_form": ConfirmForm()}


@bp.route("/testimonies/<record_id>/earlier", methods=["POST"])
@login_required()
def link_earlier(record_id: str) -> ResponseReturnValue:
    """Link an earlier testimony of the same survivor, one the register offered, as an earlier
    interview (its id in the form's body, never in the address)."""
    if ConfirmForm().validate_on_submit():
        try:
            chosen = register.link(db(), current_vault(), signed_in_user(), record_id,
                                   request.form.get("earlier", ""), organisation(db()))
        except testimonies.NotFound:
            abort(404)
        except LookupError:
            flash(_("That testimony is not one this survivor may have given before."), "error")
        else:
            flash(_("Linked as an earlier interview: %(code)s.", code=chosen.witness_code),
                  "success")
    return redirect(url_for("testimonies.step", record_id=record_id, number=SURVIVOR_STEP,
                            _anchor="earlier"))


def _attachments(testimony: testimonies.Testimony) -> dict:
    """What the attachment list, upload form and recorder of a page need."""
    owner = testimonies.owner(db(), signed_in_user(), testimony.id)
    return {"files": attachments.listing(db(), current_vault(), owner),
            "attachment_form": AttachmentForm(), "kinds": ATTACHMENT_KINDS,
            "confirm": ConfirmForm(),
            "may_record": consent.consent_given(testimony.document, "audio")}


@bp.route("/testimonies/<record_id>")
@login_required()
def view(record_id: str) -> ResponseReturnValue:
    testimony = _load(record_id)
    audit.record(db(), current_vault(), signed_in_user(), "view", record_id=record_id,
                 witness_code=testimony.witness_code)
    return render_template("review.html", t=testimony, doc=testimony.document, steps=STEPS,
                           purposes=PURPOSES, act_names=ACTS, rome=acts(),
                           needs=NEEDS, statuses=RELATIVE_STATUSES, ysl=YSL_CATEGORIES,
                           witnessed=WITNESSED, perpetrator_roles=PERPETRATOR_ROLES,
                           earlier_kinds=EARLIER_INTERVIEW_KINDS,
                           withdraw=WithdrawForm(),
                           criminal=consent.for_criminal_proceedings(testimony.document),
                           **_attachments(testimony))


@bp.route("/testimonies/<record_id>/withdraw", methods=["POST"])
@login_required()
def withdraw(record_id: str) -> ResponseReturnValue:
    """Withdraw consent for one purpose: later bundles leave the record out and tell the
    recipients of earlier ones."""
    testimony = _load(record_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        withdrawal.withdraw(db(), current_vault(), signed_in_user(), record_id, form.purpose.data,
                         form.note.data or "")
        flash(_("Consent for “%(purpose)s” was withdrawn for %(code)s.",
                purpose=PURPOSES[form.purpose.data], code=testimony.witness_code),
              "success")
    return redirect(url_for("testimonies.view", record_id=record_id))


@bp.route("/testimonies/<record_id>/complete", methods=["POST"])
@login_required()
def complete(record_id: str) -> ResponseReturnValue:
    _load(record_id)
    try:
        testimonies.complete(db(), current_vault(), signed_in_user(), record_id)
    except DocumentError as exc:
        flash(_("Cannot complete yet: %(problem)s", problem=str(exc)), "error")
    else:
        flash(_("The testimony is complete."), "success")
    return redirect(url_for("testimonies.view", record_id=record_id))


@bp.route("/testimonies/<record_id>/delete", methods=["GET", "POST"])
@login_required()
def delete(record_id: str) -> ResponseReturnValue:
    testimony = _load(record_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        testimonies.delete(db(), current_vault(), signed_in_user(), record_id)
        flash(_("Testimony %(code)s was destroyed for good.", code=testimony.witness_code),
              "success")
        return redirect(url_for("testimonies.index"))
    return render_template("delete.html", t=testimony, form=form)
