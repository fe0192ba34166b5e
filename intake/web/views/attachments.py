"""A testimony's attachments on the web: upload (a file, or a recording made in the page),
download or play back (decrypted as it streams, checked against its SHA-256), and destroy.

The page's script sends a file (or a recording) in pieces (web/uploads.py): ``start`` creates the
upload, each ``piece`` is appended to the same encrypting attachments.Upload, and the last one
attaches it and answers the new list entry as JSON. Without the script, the form posts the file
whole, up to ``max_content_length``, encrypted while the form is parsed (web.IntakeRequest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake.records import attachments, testimonies
from intake.records.attachments import AttachmentError, Upload
from intake.web import labels, uploads
from intake.web.forms import AttachmentForm, ConfirmForm
from intake.web.request import config, current_vault, db, login_required, signed_in_user
from intake.web.uploads import PieceError

bp = Blueprint("attachments", __name__, url_prefix="/testimonies/<record_id>/attachments")
_REFUSALS = {
    "refused": _l("Consent to record was refused: nothing else is kept."),
    "no_audio_consent": _l("The survivor has not agreed to an audio recording."),
    "unknown_kind": _l("Choose what kind of file this is."),
    "wrong_type": _l("This kind of attachment cannot be a file of this type."),
    "empty": _l("The file is empty."),
    "too_large": _l("The file is too large."),
}
# Only these types are served as themselves (to play or show); anything else downloads as bytes.
_SERVED_AS_IS = ("audio/", "image/jpeg", "image/png", "image/webp", "application/pdf")


@bp.app_template_filter("duration")
def duration(seconds: float) -> str:
    """A recording's length as m:ss or h:mm:ss."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _back(record_id: str) -> ResponseReturnValue:
    """Back to the interview step the request came from, or to the review page."""
    step = request.form.get("back", "")
    if step.isdigit() and 2 <= int(step) <= testimonies.STEPS:
        return redirect(url_for("testimonies.step", record_id=record_id, number=int(step)))
    return redirect(url_for("testimonies.view", record_id=record_id))


@bp.route("", methods=["POST"])
@login_required()
def add(record_id: str) -> ResponseReturnValue:
    try:
        testimonies.owner(db(), signed_in_user(), record_id)
    except testimonies.NotFound:
        abort(404)
    form = AttachmentForm()
    upload = form.file.data.stream if form.file.data else None
    fetched = request.headers.get("X-Requested-With") == "fetch"
    problem = ""
    if form.validate_on_submit() and isinstance(upload, Upload):
        try:
            added = _attach(record_id, upload, kind=form.kind.data,
                            filename=form.file.data.filename or "",
                            declared_type=form.file.data.mimetype,
                            duration=float(form.duration.data)
                            if form.duration.data is not None else None)
        except AttachmentError as exc:
            problem = str(_REFUSALS.get(exc.reason, exc))
        else:
            if fetched:
                return jsonify(html=_item(record_id, added, request.form.get("back", "")))
            flash(_("The file was encrypted and attached."), "success")
            return _back(record_id)
    problem = problem or "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if fetched:
        return jsonify(error=problem), 422
    flash(_("Not attached: %(problem)s", problem=problem), "error")
    return _back(record_id)


def _attach(record_id: str, upload: Upload, **details: Any) -> attachments.Attachment:
    return testimonies.attach(db(), current_vault(), signed_in_user(), record_id, upload,
                              **details)


def _item(record_id: str, added: attachments.Attachment, back: str) -> str:
    return render_template("attachments/_item.html", a=added, record_id=record_id,
                           kinds=labels.ATTACHMENT_KINDS, confirm=ConfirmForm(), back=back)


@bp.route("/uploads", methods=["POST"])
@login_required()
def start(record_id: str) -> ResponseReturnValue:
    """Begin an upload in pieces: what it is and how large, checked before any byte is sent."""
    try:
        testimonies.owner(db(), signed_in_user(), record_id)
    except testimonies.NotFound:
        abort(404)
    kind, size = request.form.get("kind", ""), request.form.get("size", "")
    try:
        declared_type = attachments.check_type(kind, request.form.get("type", ""))
        duration = _seconds(request.form.get("duration", ""))
        if not size.isdigit() or int(size) == 0:
            raise AttachmentError("the file is empty", "empty")
        if int(size) > config().max_attachment_bytes:
            raise AttachmentError("the file is too large", "too_large")
    except AttachmentError as exc:
        return jsonify(error=str(_REFUSALS.get(exc.reason, exc))), 422
    details = {"record_id": record_id, "kind": kind, "declared_type": declared_type,
               "filename": request.form.get("filename", "")[:200], "duration": duration,
               "back": request.form.get("back", "")}
    upload = uploads.current().start("attachment", int(size), lambda: Upload(
        config().attachments_path, limit=int(size)), details)
    return jsonify(url=url_for("attachments.piece", record_id=record_id, upload_id=upload.id),
                   piece=config().upload_piece_bytes)


def _seconds(value: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise AttachmentError("the duration is not a number of seconds") from None


@bp.route("/uploads/<upload_id>", methods=["PATCH"])
@login_required()
def piece(record_id: str, upload_id: str) -> ResponseReturnValue:
    """One piece, appended at its offset; the last one attaches the file as the form would."""
    try:
        upload = uploads.receive_piece("attachment", upload_id,
                                       lambda u: u.details["record_id"] == record_id)
    except PieceError as exc:
        return uploads.refusal(exc)
    if upload.received < upload.total:
        return jsonify(offset=upload.received)
    details = dict(upload.details)
    back = details.pop("back")
    assert isinstance(upload.sink, Upload)  # noqa: S101 - made by start()
    try:
        added = _attach(details.pop("record_id"), upload.sink, **details)
    except AttachmentError as exc:
        return jsonify(error=str(_REFUSALS.get(exc.reason, exc))), 422
    except testimonies.NotFound:
        abort(404)
    return jsonify(html=_item(record_id, added, back))


@bp.route("/<attachment_id>")
@login_required()
def show(record_id: str, attachment_id: str) -> ResponseReturnValue:
    try:
        found = testimonies.attachment(db(), current_vault(), signed_in_user(), record_id, attachment_id)
    except (testimonies.NotFound, AttachmentError):
        abort(404)
    return streamed(found)


def streamed(found: attachments.Attachment) -> Response:
    """The attachment's plaintext, decrypted as it is sent. Only audio, common images and PDF
    are labelled as themselves; everything is sent as a download, never as a page."""
    pieces = attachments.chunks(db(), found)
    try:
        first = next(pieces, b"")  # a missing file fails here, before any header is sent
    except AttachmentError:
        abort(404)

    def body() -> Iterator[bytes]:
        yield first
        yield from pieces  # a damaged file ends the response early: the download is incomplete

    served = found.media_type if found.media_type.startswith(_SERVED_AS_IS) else \
        "application/octet-stream"
    response = Response(stream_with_context(body()), mimetype=served)
    response.headers["Content-Length"] = str(found.size)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{found.kind}-{found.id[:8]}.{found.extension}"'
    return response


@bp.route("/<attachment_id>/delete", methods=["POST"])
@login_required()
def delete(record_id: str, attachment_id: str) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            testimonies.detach(db(), current_vault(), signed_in_user(), record_id, attachment_id)
        except (testimonies.NotFound, AttachmentError):
            abort(404)
        flash(_("The attachment was destroyed for good."), "success")
    return _back(record_id)
