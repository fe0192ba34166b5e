"""Keys and recipients (supervisors and administrators): this laptop's signing fingerprint, the
legal teams it exports to, and, on an archive, the age identity bundles are encrypted to. An
archive's recipients are the teams its onward bundles go to (archive/onward.py), never an own
archive: it hands nothing over."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.bundles import fingerprints, own_keys, recipient_keys
from intake.home.mode import mode
from intake.vault import agefile
from intake.web.bundle_forms import RecipientForm
from intake.web.forms import ConfirmForm
from intake.web.request import current_vault, db, login_required

bp = Blueprint("keys", __name__, url_prefix="/keys")


@bp.route("/", methods=["GET", "POST"])
@login_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    form = RecipientForm()
    own_archive = mode(db()) != "archive"  # an archive hands nothing over: no such tick there
    if not own_archive:
        del form.own_archive
    if form.validate_on_submit():
        try:
            recipient_keys.add_recipient(db(), form.name.data, form.public_key.data,
                                         own_archive=own_archive and form.own_archive.data)
        except fingerprints.KeyringError:
            form.public_key.errors.append(
                _("This is not a valid age public key, or the name or key is already listed."))
        else:
            flash(_("Recipient %(name)s added.", name=form.name.data.strip()), "success")
            return redirect(url_for("keys.index"))
    fingerprint = own_keys.signing_key(db(), current_vault()).fingerprint
    public_keys = [agefile.public_key(i) for i in own_keys.identities(db(), current_vault())]
    return render_template("export/keys.html", form=form, confirm=ConfirmForm(),
                           recipients=recipient_keys.recipients(db()), public_keys=public_keys,
                           short=fingerprints.readable(fingerprint, short=True),
                           full=fingerprints.readable(fingerprint))


@bp.route("/recipients/remove", methods=["POST"])
@login_required("supervisor", "admin")
def remove_recipient() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            recipient_keys.remove_recipient(db(), request.form.get("name", ""))
        except fingerprints.KeyringError:
            flash(_("No such recipient."), "error")
        else:
            flash(_("Recipient removed."), "success")
    return redirect(url_for("keys.index"))


@bp.route("/identity", methods=["POST"])
@login_required("supervisor", "admin")
def create_identity() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        own_keys.create_identity(db(), current_vault())
        flash(_("A new age identity was created. Give its public key to field teams."), "success")
    return redirect(url_for("keys.index"))
