"""Administration: the users of this laptop and their roles, whether it is a field laptop or an
archive (home/mode.py), the audit trail, and backups."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from io import RawIOBase
from typing import BinaryIO, cast

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.home import audit, backup
from intake.home.errors import InstanceError
from intake.home.mode import mode, set_mode
from intake.home.passphrase_policy import WeakPassphrase
from intake.home.passphrases import add_user
from intake.home.users import User, list_users
from intake.store.connection import connect
from intake.streams import produced
from intake.web import labels
from intake.web.forms import AddUserForm, BackupForm, ModeForm
from intake.web.request import config, current_vault, db, login_required, signed_in_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@login_required("admin")
def users() -> ResponseReturnValue:
    form = AddUserForm()
    if form.validate_on_submit():
        try:
            add_user(config(), current_vault(), form.name.data, form.role.data,
                     form.passphrase.data)
        except WeakPassphrase as exc:
            form.passphrase.errors.append(str(labels.PASSPHRASE_PROBLEMS[exc.problem]))
        except InstanceError:
            form.name.errors.append(_("A user with this name already exists."))
        else:
            flash(_("User %(name)s added.", name=form.name.data.strip()), "success")
            return redirect(url_for("admin.users"))
    return render_template("users.html", form=form, users=list_users(db()),
                           hint=labels.PASSPHRASE_HINT, role_names=labels.ROLES,
                           mode_form=ModeForm(data={"mode": mode(db())}))


@bp.route("/mode", methods=["POST"])
@login_required("admin")
def change_mode() -> ResponseReturnValue:
    """Turn this instance into an archive or back into a field laptop (audited)."""
    form = ModeForm()
    if form.validate_on_submit():
        set_mode(db(), current_vault(), signed_in_user(), form.mode.data)
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@login_required("admin")
def audit_trail() -> ResponseReturnValue:
    problem = audit.verify(db(), current_vault())
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = audit.page(db(), page, config().page_size)
    return render_template("audit.html", problem=problem, entries=entries, page=page,
                           pages=max(1, math.ceil(total / config().page_size)))


@bp.route("/backup", methods=["GET", "POST"])
@login_required("supervisor", "admin")
def make_backup() -> ResponseReturnValue:
    """The whole home as one encrypted file, downloaded where the person chooses (a USB stick)."""
    form = BackupForm()
    user = signed_in_user()
    if form.validate_on_submit():
        try:
            backup.require_backup_passphrase(user, form.passphrase.data)
        except WeakPassphrase as exc:
            form.passphrase.errors.append(str(labels.PASSPHRASE_PROBLEMS[exc.problem]))
        else:
            name = f"intake-backup-{datetime.now(UTC):%Y%m%d-%H%M}.zip"
            return Response(_streamed_backup(user, form.passphrase.data),
                            mimetype="application/zip",
                            headers={"Content-Disposition": f"attachment; filename={name}"})
    return render_template("backup.html", form=form, hint=labels.PASSPHRASE_HINT)


def _streamed_backup(user: User, passphrase: str) -> Iterator[bytes]:
    """The backup as it is made, on a connection of its own (the request's is returned to the
    pool when the view returns, before the download ends)."""
    settings, vault = config(), current_vault()

    def write(out: RawIOBase) -> None:
        conn = connect(settings.database_path, vault.db_key)
        try:
            backup.write(settings, conn, vault, user, passphrase, cast(BinaryIO, out))  # typeshed: no BinaryIO base
        finally:
            conn.close()

    return produced(write)
