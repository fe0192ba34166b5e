"""Signing in and out, locking and unlocking, recovery, passphrase change and the language."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.home import audit
from intake.home.errors import InstanceError
from intake.home.instance import load_slots, organisation, unlock, unlock_with_recovery
from intake.home.passphrase_policy import WeakPassphrase
from intake.home.passphrases import require_user_passphrase, set_passphrase
from intake.store.connection import connect
from intake.store.errors import StoreError
from intake.vault.keyslots import UnlockError
from intake.vault.recovery_key import RecoveryKeyError, normalise_recovery_key
from intake.web import labels
from intake.web.forms import LanguageForm, LoginForm, PassphraseChangeForm, RecoverForm, UnlockForm
from intake.web.i18n import LANGUAGES
from intake.web.request import config, current_user, login_required, sign_in, signed_in_user
from intake.web.security_headers import CLEAR_SITE_DATA
from intake.web.sessions import lock as lock_session
from intake.web.state import state
from intake.web.throttle import LoginThrottle

bp = Blueprint("auth", __name__)
_RECOVERY = "\x00recovery"  # throttle key for recovery attempts; no user name can equal it


def _throttle() -> LoginThrottle:
    return state().throttle


def _may_try(key: str) -> bool:
    """Claim an attempt before any key derivation (web/throttle.py), or say how long to wait."""
    wait = _throttle().claim(key)
    if wait:
        flash(_("Too many failed attempts. Wait %(seconds)d seconds and try again.",
                seconds=wait), "error")
    return not wait


def _signed_in(name: str, passphrase: str) -> bool:
    """Unlock and sign in, or count a failure; the message never says which part was wrong. The
    panic passphrase looks like any failure here (instance.unlock has already acted on it)."""
    if not _may_try(name):
        return False
    try:
        vault, user = unlock(config(), name, passphrase)
    except StoreError:
        flash(_("The data on this laptop cannot be opened: the store is damaged. Nothing was "
                "changed. Restore it from a backup."), "error")
        return False
    except UnlockError:
        flash(_("Wrong name or passphrase."), "error")
        return False
    failures = _throttle().succeeded(name)
    sign_in(vault, user)
    conn = connect(config().database_path, vault.db_key)
    try:
        session["organisation"] = organisation(conn)
        if failures:  # counted while the store was locked, written now that it is open
            audit.record(conn, vault, user, "failed_sign_ins", count=failures, via="web")
        audit.record(conn, vault, user, "sign_in", via="web")
    finally:
        conn.close()
    return True


@bp.before_app_request
def lock_if_slot_gone() -> None:
    """Lock a session whose user no longer has a key slot: a panic in another process (a
    command) cannot close this server's vaults, so each session checks at its next request."""
    user = session.get("user")
    if user and "vault" in session and user["label"] not in _slot_labels():
        lock_session(session)
        session.modified = True


def _slot_labels() -> frozenset[str]:
    """The labels in the key-slot file, read again only when the file changes (one stat a
    request); none if it cannot be read, which locks every session."""
    path = config().keyslot_path
    try:
        info = path.stat()
        seen = (info.st_ino, info.st_mtime_ns, info.st_size)
        cached = state().slot_labels
        if cached is None or cached[0] != seen:
            cached = state().slot_labels = (seen, frozenset(load_slots(config()).slots))
    except (OSError, UnlockError, InstanceError):
        return frozenset()
    return cached[1]


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user():
        return redirect(url_for("testimonies.index"))
    form = LoginForm()
    if form.validate_on_submit() and _signed_in(form.name.data, form.passphrase.data):
        return redirect(url_for("testimonies.index"))
    return render_template("login.html", form=form)


@bp.route("/unlock", methods=["GET", "POST"], endpoint="unlock")
def unlock_page() -> ResponseReturnValue:
    name = session.get("locked_user")
    if current_user() or not name:
        return redirect(url_for("testimonies.index"))
    form = UnlockForm()
    if form.validate_on_submit() and _signed_in(name, form.passphrase.data):
        return redirect(url_for("testimonies.index"))
    return render_template("unlock.html", form=form, name=name)


@bp.route("/lock", methods=["POST"])
def lock() -> ResponseReturnValue:
    lock_session(session)
    session.modified = True
    return redirect(url_for("auth.unlock"))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    lock_session(session)
    session.clear()
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/recover", methods=["GET", "POST"])
def recover() -> ResponseReturnValue:
    form = RecoverForm()
    if form.validate_on_submit():
        problem = _weakness(form.name.data, form.passphrase.data)
        if problem:
            form.passphrase.errors.append(problem)
        elif not _well_formed(form.recovery_key.data):  # costs nothing: not counted
            _recovery_key_refused()
        elif _may_try(_RECOVERY):
            try:
                vault = unlock_with_recovery(config(), form.recovery_key.data)
            except UnlockError:
                _recovery_key_refused()
                return render_template("recover.html", form=form, hint=labels.PASSPHRASE_HINT)
            try:
                set_passphrase(config(), vault, form.name.data, form.passphrase.data)
            except InstanceError:
                flash(_("There is no user with that name."), "error")
                return render_template("recover.html", form=form, hint=labels.PASSPHRASE_HINT)
            finally:
                vault.close()
            _throttle().succeeded(_RECOVERY)
            _throttle().succeeded(form.name.data)  # whoever holds the recovery key may sign in
            if _signed_in(form.name.data, form.passphrase.data):
                flash(_("Your new passphrase is set."), "success")
                return redirect(url_for("testimonies.index"))
    return render_template("recover.html", form=form, hint=labels.PASSPHRASE_HINT)


def _weakness(name: str, passphrase: str) -> str | None:
    """Why ``passphrase`` may not be the user's, in their language: asked before the recovery
    key is tried, so a weak choice costs no attempt."""
    try:
        require_user_passphrase(name, passphrase)
    except WeakPassphrase as exc:
        return str(labels.PASSPHRASE_PROBLEMS[exc.problem])
    return None


def _recovery_key_refused() -> None:
    flash(_("That recovery key does not open this archive. Check each group of four "
            "characters."), "error")


def _well_formed(recovery_key: str) -> bool:
    try:
        normalise_recovery_key(recovery_key)
    except RecoveryKeyError:
        return False
    return True


@bp.route("/passphrase", methods=["GET", "POST"])
@login_required()
def change_passphrase() -> ResponseReturnValue:
    user = signed_in_user()
    form = PassphraseChangeForm()
    if form.validate_on_submit() and _may_try(user.name):
        try:  # through unlock, so the panic passphrase acts here as everywhere
            check, _user = unlock(config(), user.name, form.current.data)
            check.close()
        except UnlockError:
            form.current.errors.append(_("This is not your current passphrase."))
        else:
            _throttle().succeeded(user.name)
            try:
                set_passphrase(config(), session["vault"], user.name, form.passphrase.data)
            except WeakPassphrase as exc:
                form.passphrase.errors.append(str(labels.PASSPHRASE_PROBLEMS[exc.problem]))
            else:
                flash(_("Your new passphrase is set."), "success")
                return redirect(url_for("testimonies.index"))
    return render_template("passphrase.html", form=form, hint=labels.PASSPHRASE_HINT)


@bp.route("/language", methods=["POST"])
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in LANGUAGES:
        session["lang"] = form.lang.data
    return redirect(_local_path(form.next.data or ""))


def _local_path(target: str) -> str:
    """``target`` if it is a path on this server, else the home page. Control characters are
    removed first: browsers drop tabs and newlines inside a URL (WHATWG URL Standard), so
    '/\t/evil.example' would be read as '//evil.example', another site."""
    target = "".join(c for c in target if unicodedata.category(c) != "Cc")
    try:
        parts = urlsplit(target)
    except ValueError:  # a host that NFKC turns into another URL, e.g. '//／'
        return url_for("testimonies.index")
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] == "/" \
            or "\\" in target:
        return url_for("testimonies.index")
    return target

