"""The Claims pages (supervisors and administrators, the caseworkers): survivors' reparations
claims under the Yazidi Survivors Law by status, with what each still lacks and the warnings; one
claim with its checklist, the application's status (a field laptop's testimonies only: an
imported record is never edited) and the claim pack, printed in memory in the language chosen
(Arabic unless another is asked for) and streamed, never cached, each one audited
(docs/documents.md, "Claim pack"). Domain: records/claims.py and archive/reparations.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField

from intake.archive import reparations
from intake.archive.reparations import Claim
from intake.home.instance import organisation
from intake.records import claims, testimonies
from intake.records.schema import DocumentError
from intake.web import claim_pack, documents, labels
from intake.web.forms import options
from intake.web.i18n import LANGUAGES, language_name
from intake.web.interview import (
    COMMUNITIES,
    RELATIVE_STATUSES,
    SEXES,
    YSL_CATEGORIES,
    ClaimStatusForm,
)
from intake.web.request import current_vault, db, login_required, signed_in_user

bp = Blueprint("claims", __name__, url_prefix="/claims")
CASEWORKERS = ("supervisor", "admin")


class PackForm(FlaskForm):
    language = SelectField(default="ar", choices=[], validate_choice=True)


def _pack_form() -> PackForm:
    form = PackForm()
    form.language.choices = options([(code, language_name(code)) for code in LANGUAGES])
    form.language.label.text = _("Language of the claim pack")
    if not form.is_submitted():
        form.language.data = "ar"
    return form


def _archive() -> bool:
    return g.get("mode") == "archive"


@bp.route("/")
@login_required(*CASEWORKERS)
def index() -> ResponseReturnValue:
    status = request.args.get("status")
    status = status if status in ("", *claims.STATUSES) else None
    found = reparations.archive_claims(db(), current_vault()) if _archive() else \
        reparations.testimony_claims(db(), current_vault(), signed_in_user())
    counts = {code: len(reparations.by_status(found, code)) for code in ("", *claims.STATUSES)}
    return render_template("claims/index.html", claims=reparations.by_status(found, status),
                           status=status, counts=counts, total=len(found), **_labels())


@bp.route("/<record_id>")
@login_required(*CASEWORKERS)
def claim(record_id: str) -> ResponseReturnValue:
    return _page(_testimony_claim(record_id))


@bp.route("/<record_id>/status", methods=["POST"])
@login_required(*CASEWORKERS)
def status(record_id: str) -> ResponseReturnValue:
    found = _testimony_claim(record_id)
    form = ClaimStatusForm()
    if not form.validate_on_submit():
        return _page(found, form), 422
    try:
        claims.update_application(db(), current_vault(), signed_in_user(), record_id,
                                  form.application.form.value())
    except DocumentError:
        flash(_("Not saved: check the dates."), "error")
        return _page(found, form), 422
    flash(_("The application's status is saved."), "success")
    return redirect(url_for("claims.claim", record_id=record_id))


@bp.route("/<record_id>/pack", methods=["POST"])
@login_required(*CASEWORKERS)
def pack(record_id: str) -> ResponseReturnValue:
    return _printed(_testimony_claim(record_id), {"record_id": record_id})


@bp.route("/archive/<int:seq>")
@login_required(*CASEWORKERS)
def archive_claim(seq: int) -> ResponseReturnValue:
    return _page(_archive_claim(seq))


@bp.route("/archive/<int:seq>/pack", methods=["POST"])
@login_required(*CASEWORKERS)
def archive_pack(seq: int) -> ResponseReturnValue:
    return _printed(_archive_claim(seq), {"archive_record": str(seq)})


def _testimony_claim(record_id: str) -> Claim:
    if _archive():
        abort(404)
    try:
        return reparations.testimony_claim(db(), current_vault(), signed_in_user(), record_id)
    except testimonies.NotFound:
        abort(404)


def _archive_claim(seq: int) -> Claim:
    if not _archive():
        abort(404)
    try:
        return reparations.archive_claim(db(), current_vault(), seq)
    except LookupError:
        abort(404)


def _page(found: Claim, form: ClaimStatusForm | None = None) -> str:
    """The claim's page; a testimony's has the status form, filled from the record unless
    ``form`` holds what was just posted."""
    if form is None and found.source == "testimony":
        form = ClaimStatusForm(formdata=None, data={
            "application": found.document.get("ysl", {}).get("application", {})})
    return render_template("claims/claim.html", c=found, form=form, pack_form=_pack_form(),
                           provision=claims.PROVISIONS.get(
                               found.document.get("ysl", {}).get("category", "")), **_labels())


def _printed(found: Claim, about: dict[str, str]) -> ResponseReturnValue:
    form = _pack_form()
    if not form.validate_on_submit():
        return redirect(request.referrer or url_for("claims.index"))
    if not found.consented:
        flash(str(labels.CLAIM_WARNINGS["no_consent"]), "error")
        return _page(found), 409
    language = documents.language_or(form.language.data, "ar")
    data = claim_pack.build(found, language=language, organisation=organisation(db()))
    documents.printed(db(), current_vault(), signed_in_user(), "claim", language=language,
                      witness_code=found.witness_code, **about)
    return documents.pdf_response(data, claim_pack.filename(found))


def _labels() -> dict:
    return {"statuses": labels.CLAIM_STATUSES, "documents": labels.CLAIM_DOCUMENTS,
            "fields": labels.CLAIM_FIELDS, "warnings": labels.CLAIM_WARNINGS,
            "kinds": labels.ATTACHMENT_KINDS, "categories": YSL_CATEGORIES,
            "provisions": labels.PROVISIONS, "sexes": SEXES, "communities": COMMUNITIES,
            "relative_statuses": RELATIVE_STATUSES}
