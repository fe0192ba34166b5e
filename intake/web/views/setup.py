"""First-run set-up: a field laptop or an archive (home/mode.py), organisation, first user and
passphrase, then the recovery key shown once.

Nothing is written to disk until the user has typed the recovery key back, so a key that was
never written down cannot become the only way back into the archive.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.home.instance import initialise, require_first_passphrase, unlock
from intake.home.passphrase_policy import WeakPassphrase
from intake.vault.crypto import same_bytes
from intake.vault.recovery_key import RecoveryKeyError, new_recovery_key, normalise_recovery_key
from intake.web import labels
from intake.web.forms import RecoveryKeyConfirmForm, SetupForm
from intake.web.request import config, sign_in

bp = Blueprint("setup", __name__, url_prefix="/setup")


@bp.route("", methods=["GET", "POST"])
def start() -> ResponseReturnValue:
    if config().is_initialised:
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        try:
            require_first_passphrase(form.organisation.data, form.name.data, form.passphrase.data)
        except WeakPassphrase as exc:
            form.passphrase.errors.append(str(labels.PASSPHRASE_PROBLEMS[exc.problem]))
        else:
            session["setup"] = {"mode": form.mode.data,
                                "organisation": form.organisation.data.strip(),
                                "name": form.name.data.strip(),
                                "passphrase": form.passphrase.data,
                                "recovery_key": new_recovery_key()}
            return redirect(url_for("setup.recovery_key"))
    return render_template("setup.html", form=form, hint=labels.PASSPHRASE_HINT)


@bp.route("/recovery-key", methods=["GET", "POST"])
def recovery_key() -> ResponseReturnValue:
    pending = session.get("setup")
    if config().is_initialised or not pending:
        return redirect(url_for("setup.start"))
    form = RecoveryKeyConfirmForm()
    if form.validate_on_submit():
        try:
            typed = normalise_recovery_key(form.recovery_key.data)
        except RecoveryKeyError:
            typed = ""
        if not same_bytes(typed.encode(), pending["recovery_key"].encode()):
            form.recovery_key.errors.append(
                _("This does not match the recovery key above. Check each group of four."))
        else:
            initialise(config(), pending["organisation"], pending["name"], pending["passphrase"],
                       pending["recovery_key"], mode=pending["mode"])
            vault, user = unlock(config(), pending["name"], pending["passphrase"])
            sign_in(vault, user)
            session["organisation"] = pending["organisation"]
            flash(_("The archive is ready. Keep the recovery key somewhere safe, away from "
                    "this laptop."), "success")
            return redirect(url_for("testimonies.index"))
    return render_template("recovery_key.html", form=form,
                           recovery_key=pending["recovery_key"])
