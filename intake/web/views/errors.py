"""Error pages in the interface language, each one line that says what happened. None repeats
what was typed: a refused document is named by its field and rule (intake/records/schema.py)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from intake.records.schema import DocumentError
from intake.store.errors import DiskFull, StoreError

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    messages = {
        400: _("This form expired or was incomplete. Go back, reload the page and try again."),
        403: _("Your role does not allow this."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This page cannot be used that way."),
        413: _("That is more than this form accepts."),
    }
    code = error.code or 500
    message = messages.get(code, _("Something went wrong. Everything saved before is safe."))
    return render_template("error.html", message=message), code


@bp.app_errorhandler(DiskFull)
def disk_full(_error: DiskFull) -> tuple[str, int]:
    message = _("The disk is full: this change was not saved. Free some space; everything "
                "saved before is safe.")
    return render_template("error.html", message=message), 507


@bp.app_errorhandler(StoreError)
def store_error(_error: StoreError) -> tuple[str, int]:
    return render_template("error.html", message=_("Something went wrong. Everything saved "
                                                   "before is safe.")), 500


@bp.app_errorhandler(CSRFError)
def csrf_error(_error: CSRFError) -> tuple[str, int]:
    return http_error(_error)


@bp.app_errorhandler(DocumentError)
def document_error(error: DocumentError) -> ResponseReturnValue:
    """Any save the schema refuses (a step, an autosave, consent, a mark for removal) is a 422
    that names the field and the rule; nothing of it was written (validation comes first)."""
    message = _("Not saved: an answer does not fit the testimony format (%(problem)s).",
                problem=str(error))
    if request.headers.get("X-Autosave"):
        return jsonify(error=message), 422
    return render_template("error.html", message=message), 422
