"""Export pages (supervisors and administrators): choose a purpose and recipients, preview
exactly what will leave with every redaction highlighted, mark more words to remove, confirm,
watch the progress, and download the bundle; and apply our archive's receipt of a hand-over.
The plan lives in the server-side session only.

On an archive the same pages export its hand-over records onward (archive/onward.py), for the
four export purposes; marking words and applying a receipt stay a field laptop's
(web/workspace.py), since an archive never edits a record it imported."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from intake.archive import onward, receipts
from intake.bundles import export as exports
from intake.bundles import fingerprints, recipient_keys, selection
from intake.bundles.redaction import MARKER_PATTERN
from intake.clock import now_utc
from intake.home.mode import mode
from intake.records import testimonies
from intake.records.consent import HANDOVER
from intake.web import export_jobs, labels
from intake.web.bundle_forms import MARK_REASONS, ExportForm, MarkForm, ReceiptForm
from intake.web.forms import ConfirmForm, options
from intake.web.request import config, current_vault, db, login_required, signed_in_user

bp = Blueprint("export", __name__, url_prefix="/export")
_PREVIEW_PAGE = 10


@bp.app_template_filter("highlight_redactions")
def highlight_redactions(text: str) -> Markup:
    """Escaped text with each redaction marker wrapped in <mark>."""
    pieces, position = [], 0
    for match in MARKER_PATTERN.finditer(text):
        pieces += [escape(text[position:match.start()]),
                   Markup('<mark class="redacted">%s</mark>') % match.group()]
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def _recipients(names: list[str]) -> list[recipient_keys.Recipient]:
    return [recipient_keys.recipient(db(), name) for name in names]


def _on_archive() -> bool:
    return mode(db()) == "archive"


def _purposes() -> dict:
    """The purposes offered: an archive hands nothing over."""
    return labels.EXPORT_PURPOSES if _on_archive() else labels.BUNDLE_PURPOSES


def _plan(purpose: str, names: list[str]) -> selection.ExportPlan:
    planner = onward.plan if _on_archive() else selection.plan
    return planner(db(), current_vault(), signed_in_user(), purpose, _recipients(names))


@bp.route("/", methods=["GET", "POST"])
@login_required("supervisor", "admin")
def start() -> ResponseReturnValue:
    form = ExportForm()
    form.purpose.choices = options(_purposes())
    form.recipients.choices = options((r.name, r.name) for r in recipient_keys.recipients(db()))
    if form.validate_on_submit():
        if form.purpose.data == HANDOVER and not all(
                r.own_archive for r in _recipients(form.recipients.data)):
            form.recipients.errors.append(_("A hand-over goes only to our own archive: choose "
                                            "only recipients marked so on the Keys page."))
        else:
            plan = _plan(form.purpose.data, form.recipients.data)
            session["export"] = {"purpose": plan.purpose, "recipients": form.recipients.data,
                                 "included": plan.included}
            return redirect(url_for("export.preview"))
    past = db().execute("SELECT bundle_id, purpose, created_at, record_count, revocation_count "
                        "FROM exports ORDER BY created_at DESC LIMIT 20").fetchall()
    return render_template("export/start.html", form=form, past=past,
                           purposes=labels.BUNDLE_PURPOSES, receipt=ReceiptForm(),
                           on_archive=_on_archive())


@bp.route("/receipt", methods=["POST"])
@login_required("supervisor", "admin")
def apply_receipt() -> ResponseReturnValue:
    """Apply our archive's receipt of a hand-over: verified, then the testimonies it lists are
    destroyed here (archive/receipts.py). The archive's key is trusted the first time only when
    the person ticks that they compared its fingerprint, which the refusal showed them."""
    form = ReceiptForm()
    if not form.validate_on_submit():
        flash(_("Choose a receipt file."), "error")
        return redirect(url_for("export.start"))
    data = form.receipt.data.read(receipts.MAX_BYTES + 1)
    pending = session.pop("pending_receipt", None)
    trust = pending if form.trust.data and pending else None
    try:
        applied = receipts.apply(db(), current_vault(), signed_in_user(), data, trust=trust)
    except receipts.ReceiptTrustError as exc:
        if not exc.can_trust:
            flash(_("Refused, nothing was destroyed: %(reason)s", reason=str(exc)), "error")
            return redirect(url_for("export.start"))
        session["pending_receipt"] = exc.signer
        return render_template("export/receipt_trust.html", receipt=ReceiptForm(),
                               short=fingerprints.readable(exc.signer, short=True),
                               full=fingerprints.readable(exc.signer))
    except receipts.ReceiptError as exc:
        flash(_("Refused, nothing was destroyed: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("export.start"))
    flash(ngettext("The archive holds it now: %(num)d testimony was destroyed on this laptop.",
                   "The archive holds them now: %(num)d testimonies were destroyed on this laptop.",
                   len(applied.shredded)), "success")
    if applied.kept:
        flash(_("Kept, because edited since the hand-over: %(codes)s. Hand them over again.",
                codes=", ".join(applied.kept)), "warning")
    return redirect(url_for("testimonies.index"))


@bp.route("/preview")
@login_required("supervisor", "admin")
def preview() -> ResponseReturnValue:
    state = session.get("export")
    if not state:
        return redirect(url_for("export.start"))
    plan = _plan(state["purpose"], state["recipients"])
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = plan.included[(page - 1) * _PREVIEW_PAGE:page * _PREVIEW_PAGE]
    previewer = onward.preview if _on_archive() else exports.preview
    items = [(envelope, report, json.dumps(envelope, ensure_ascii=False, indent=2))
             for envelope, report in previewer(db(), current_vault(), signed_in_user(),
                                               plan.purpose, shown)]
    pages = max(1, -(-len(plan.included) // _PREVIEW_PAGE))
    return render_template("export/preview.html", plan=plan, state=state, items=items,
                           page=page, pages=pages, purposes=labels.BUNDLE_PURPOSES,
                           reasons=labels.EXCLUSION_REASONS, mark=MarkForm(), confirm=ConfirmForm(),
                           mark_reasons=MARK_REASONS, on_archive=_on_archive())


@bp.route("/mark/<record_id>", methods=["POST"])
@login_required("supervisor", "admin")
def mark(record_id: str) -> ResponseReturnValue:
    form = MarkForm()
    page = request.args.get("page", 1, type=int)
    if form.validate_on_submit():
        try:
            record = testimonies.load(db(), current_vault(), record_id, signed_in_user())
        except testimonies.NotFound:
            abort(404)
        document = json.loads(json.dumps(record.document))
        document.setdefault("redactions", []).append(
            {"text": form.text.data.strip(), "reason": form.reason.data, "by": signed_in_user().name,
             "at": now_utc()})
        testimonies.save(db(), current_vault(), signed_in_user(), record_id, document,
                         draft=record.status != "complete")
        flash(_("Marked for removal in %(code)s.", code=record.witness_code), "success")
    else:
        flash(_("Type the words to remove."), "error")
    return redirect(url_for("export.preview", page=page))


@bp.route("/run", methods=["POST"])
@login_required("supervisor", "admin")
def run() -> ResponseReturnValue:
    state = session.get("export")
    if not state or not ConfirmForm().validate_on_submit():
        return redirect(url_for("export.start"))
    plan = _plan(state["purpose"], state["recipients"])
    if plan.included != state["included"]:
        state["included"] = plan.included
        flash(_("Consent or records changed since the preview. Check the preview again."),
              "warning")
        return redirect(url_for("export.preview"))
    if not plan.included and not plan.revocations:
        flash(_("Nothing to export: no record has consent for this purpose."), "error")
        return redirect(url_for("export.preview"))
    name = f"{plan.purpose}-{datetime.now(UTC):%Y%m%d-%H%M%S}.intake.age"
    job = export_jobs.start(config(), current_vault(), signed_in_user(), plan,
                            _recipients(state["recipients"]), name,
                            write=onward.write if _on_archive() else exports.write)
    session.pop("export", None)
    return redirect(url_for("export.job", job_id=job.id))


@bp.route("/jobs/<job_id>")
@login_required("supervisor", "admin")
def job(job_id: str) -> ResponseReturnValue:
    found = export_jobs.get(job_id, signed_in_user())
    if found is None:
        abort(404)
    # The job sets its summary, then ``finished``: read in the other order, a job that finishes
    # while the page is made can never show as finished without its summary.
    finished = found.finished
    summary = found.summary
    return render_template("export/job.html", job=found, finished=finished, summary=summary,
                           reasons=labels.EXCLUSION_REASONS, purposes=labels.BUNDLE_PURPOSES)


@bp.route("/jobs/<job_id>/bundle")
@login_required("supervisor", "admin")
def download(job_id: str) -> ResponseReturnValue:
    found = export_jobs.get(job_id, signed_in_user())
    if found is None or not found.finished or found.error or not found.path.exists():
        abort(404)
    return send_file(found.path, as_attachment=True, download_name=found.path.name,
                     mimetype="application/octet-stream")
