"""Archive pages (a legal team's instance; supervisors and administrators): import a bundle by
upload (in pieces from the page's script, web/uploads.py; whole from the plain form up to
``max_content_length``), confirm a new source's fingerprint, list imported bundles with the
receipt of each hand-over (archive/receipts.py), and browse and search records across bundles
with their provenance; a record reads as a statement (web/statement.py), its restricted
narrative shown only when asked for, and audited. Search words stay in the server-side session."""

from __future__ import annotations

import io
import math
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from intake.archive import catalogue, importer, receipts
from intake.bundles import fingerprints, own_keys
from intake.bundles.reader import BundleError
from intake.home import audit
from intake.records import attachments
from intake.records.attachments import AttachmentError
from intake.records.consent import BUNDLE_PURPOSES, CRIMINAL_PURPOSES
from intake.web import labels, statement, uploads
from intake.web.bundle_forms import ImportForm
from intake.web.forms import ConfirmForm, SearchForm
from intake.web.request import config, current_vault, db, login_required, signed_in_user
from intake.web.views.attachments import streamed

bp = Blueprint("archive", __name__, url_prefix="/archive")


@bp.route("/")
@login_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    purpose = request.args.get("purpose", "")
    purpose = purpose if purpose in BUNDLE_PURPOSES else ""
    query = session.get("archive_query", "")
    rows, total, hidden = catalogue.search(db(), query=query, purpose=purpose, page=page,
                                         per_page=config().page_size)
    return render_template("archive/index.html", rows=rows, total=total, hidden=hidden,
                           page=page, pages=max(1, math.ceil(total / config().page_size)),
                           purpose=purpose, purposes=labels.BUNDLE_PURPOSES,
                           search=SearchForm(data={"query": query}), readable=fingerprints.readable)


@bp.route("/search", methods=["POST"])
@login_required("supervisor", "admin")
def search() -> ResponseReturnValue:
    form = SearchForm()
    if form.validate_on_submit():
        session["archive_query"] = (form.query.data or "").strip()
    return redirect(url_for("archive.index"))


@bp.route("/records/<int:seq>")
@login_required("supervisor", "admin")
def record(seq: int) -> ResponseReturnValue:
    return _record(seq, show_restricted=False)


@bp.route("/records/<int:seq>/restricted", methods=["GET", "POST"])
@login_required("supervisor", "admin")
def restricted(seq: int) -> ResponseReturnValue:
    """The record with its restricted narrative, asked for on purpose (a posted form, never a
    link or a reload); each viewing is audited."""
    if request.method != "POST" or not ConfirmForm().validate_on_submit():
        return redirect(url_for("archive.record", seq=seq))
    return _record(seq, show_restricted=True)


def _record(seq: int, show_restricted: bool) -> ResponseReturnValue:
    try:
        found, envelope, history = catalogue.load(db(), current_vault(), seq)
    except LookupError:
        abort(404)
    event = "restricted_viewed" if show_restricted else "view"
    audit.record(db(), current_vault(), signed_in_user(), event, archive_record=seq,
                 record_id=found.record_id, witness_code=found.witness_code)
    files = attachments.listing(db(), current_vault(), catalogue.owner(db(), seq))
    shown = [block for name in envelope.get("restricted_fields", []) if show_restricted
             for block in statement.blocks(envelope["document"].get(name, []))]
    return render_template("archive/record.html", r=found, s=statement.statement(envelope),
                           restricted=shown, history=history,
                           bundle=catalogue.bundle(db(), found.bundle_id),
                           purposes=labels.BUNDLE_PURPOSES, readable=fingerprints.readable,
                           criminal=found.purpose in CRIMINAL_PURPOSES, files=files,
                           kinds=labels.ATTACHMENT_KINDS, confirm=ConfirmForm(),
                           language_tag=envelope["document"].get("interview", {}).get("language", ""))


@bp.route("/records/<int:seq>/attachments/<attachment_id>")
@login_required("supervisor", "admin")
def attachment(seq: int, attachment_id: str) -> ResponseReturnValue:
    try:
        found = attachments.get(db(), current_vault(), catalogue.owner(db(), seq), attachment_id)
    except (LookupError, AttachmentError):
        abort(404)
    audit.record(db(), current_vault(), signed_in_user(), "attachment_viewed", archive_record=seq,
                 attachment=attachment_id)
    return streamed(found)


@bp.route("/bundles")
@login_required("supervisor", "admin")
def bundles() -> ResponseReturnValue:
    return render_template("archive/bundles.html", bundles=catalogue.bundles(db()),
                           purposes=labels.BUNDLE_PURPOSES, readable=fingerprints.readable,
                           handovers=receipts.handovers(db()), confirm=ConfirmForm())


@bp.route("/bundles/receipt", methods=["POST"])
@login_required("supervisor", "admin")
def receipt() -> ResponseReturnValue:
    """The signed receipt of one imported hand-over, for the laptop that sent it."""
    bundle_id = request.form.get("bundle_id", "")
    if not ConfirmForm().validate_on_submit() or bundle_id not in receipts.handovers(db()):
        abort(404)
    data = receipts.make(db(), current_vault(), signed_in_user(), bundle_id)
    return send_file(io.BytesIO(data), as_attachment=True, mimetype="application/json",
                     download_name=f"receipt-{bundle_id[:8]}.receipt.json")


@bp.route("/import", methods=["GET", "POST"])
@login_required("supervisor", "admin")
def upload() -> ResponseReturnValue:
    form = ImportForm()
    if form.validate_on_submit():
        config().incoming_path.mkdir(mode=0o700, exist_ok=True)
        path = config().incoming_path / f"{secrets.token_hex(16)}.intake.age"
        form.bundle.data.save(path)
        return _import(path, trust=None)
    pending = session.get("pending_import")
    return render_template("archive/import.html", form=form, confirm=ConfirmForm(),
                           pending=pending, readable=fingerprints.readable)


@bp.route("/import/uploads", methods=["POST"])
@login_required("supervisor", "admin")
def start_upload() -> ResponseReturnValue:
    """Begin a bundle upload in pieces, after checking its size."""
    size = request.form.get("size", "")
    if not size.isdigit() or int(size) == 0:
        return jsonify(error=_("The file is empty.")), 422
    if int(size) > config().max_bundle_bytes:
        return jsonify(error=_("The file is too large.")), 413
    upload = uploads.current().start("bundle", int(size),
                              lambda: uploads.BundleFile(config().incoming_path), {})
    return jsonify(url=url_for("archive.upload_piece", upload_id=upload.id),
                   piece=config().upload_piece_bytes)


@bp.route("/import/uploads/<upload_id>", methods=["PATCH"])
@login_required("supervisor", "admin")
def upload_piece(upload_id: str) -> ResponseReturnValue:
    """One piece of a bundle; after the last, the bundle is checked and imported as if posted
    whole, and the answer says which page shows the outcome."""
    try:
        upload = uploads.receive_piece("bundle", upload_id)
    except uploads.PieceError as exc:
        return uploads.refusal(exc)
    if upload.received < upload.total:
        return jsonify(offset=upload.received)
    assert isinstance(upload.sink, uploads.BundleFile)  # noqa: S101 - made by start_upload()
    return jsonify(location=_import(upload.sink.finish(), trust=None).location)


@bp.route("/import/trust", methods=["POST"])
@login_required("supervisor", "admin")
def trust() -> ResponseReturnValue:
    pending = session.pop("pending_import", None)
    if not pending or not ConfirmForm().validate_on_submit():
        return redirect(url_for("archive.upload"))
    path = Path(pending["path"])
    if request.form.get("decision") != "trust":
        path.unlink(missing_ok=True)
        flash(_("Nothing was imported."), "info")
        return redirect(url_for("archive.upload"))
    return _import(path, trust=pending["fingerprint"])


def _import(path: Path, trust: str | None) -> WerkzeugResponse:
    keep = False
    try:
        identities = own_keys.identities(db(), current_vault())
        if not identities:
            flash(_("This archive has no age identity yet: create one on the Keys page."), "error")
            return redirect(url_for("archive.upload"))
        result = importer.import_bundle(db(), current_vault(), signed_in_user(), path, identities,
                                       trust=trust)
    except importer.TrustError as exc:
        if not exc.can_trust:
            flash(_("Refused: %(reason)s", reason=str(exc)), "error")
            return redirect(url_for("archive.upload"))
        keep = True
        session["pending_import"] = {"path": str(path), "fingerprint": exc.bundle.fingerprint,
                                     "organisation": exc.bundle.organisation,
                                     "purpose": exc.bundle.purpose,
                                     "records": len(exc.bundle.records)}
        return redirect(url_for("archive.upload"))
    except BundleError as exc:
        flash(_("Refused, nothing was imported: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("archive.upload"))
    finally:
        if not keep:
            path.unlink(missing_ok=True)
    if result.already_imported:
        flash(_("This bundle was imported before; nothing changed."), "info")
    else:
        counts = result.counts
        flash(_("Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
                "%(revoked)d withdrawn.", new=counts["new"], updated=counts["updated"],
                unchanged=counts["unchanged"], revoked=counts["revoked"]), "success")
    return redirect(url_for("archive.bundles"))
