"""The sources page of the archive (supervisors and administrators): the field laptops whose keys
are pinned, what came from each, and an administrator's mark of a key compromised since a date
(archive/sources.py says what the mark flags). The archive's pages flag a record with
``from_compromised_source(record)``, which this blueprint gives every template."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from intake.archive import sources
from intake.bundles import fingerprints
from intake.web.forms import CompromisedForm, ConfirmForm
from intake.web.request import current_vault, db, login_required, signed_in_user

bp = Blueprint("sources", __name__, url_prefix="/archive/sources")
bp.add_app_template_global(sources.is_compromised, "from_compromised_source")


@bp.route("")
@login_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    return render_template("archive/sources.html", sources=sources.listing(db()),
                           form=CompromisedForm(), confirm=ConfirmForm(),
                           readable=fingerprints.readable)


@bp.route("/<fingerprint>/compromised", methods=["POST"])
@login_required("admin")
def mark(fingerprint: str) -> ResponseReturnValue:
    source = _source(fingerprint)
    form = CompromisedForm()
    if not form.validate_on_submit() or form.since.data is None:
        return render_template("archive/sources.html", sources=sources.listing(db()), form=form,
                               confirm=ConfirmForm(), readable=fingerprints.readable,
                               invalid=source.fingerprint), 422
    sources.mark(db(), current_vault(), signed_in_user(), source.fingerprint,
                 form.since.data.isoformat())
    return redirect(url_for("sources.index"))


@bp.route("/<fingerprint>/clear", methods=["POST"])
@login_required("admin")
def clear(fingerprint: str) -> ResponseReturnValue:
    source = _source(fingerprint)
    if ConfirmForm().validate_on_submit():
        sources.unmark(db(), current_vault(), signed_in_user(), source.fingerprint)
    return redirect(url_for("sources.index"))


def _source(fingerprint: str) -> sources.Source:
    try:
        return sources.find(db(), fingerprint)
    except sources.SourceError:
        abort(404)
