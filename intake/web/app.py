"""Testimony Intake: the application factory (``create_app``) wiring config, sessions,
CSRF, languages, security headers and the blueprints together."""

from __future__ import annotations

import secrets

from flask import Flask, request, session
from flask import redirect as _redirect
from flask import url_for as _url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from intake.config import Config
from intake.resources import templates_folder, translations_folder
from intake.vault.keyslots import sweep_leftovers as sweep_slot_leftovers
from intake.web import log_filter
from intake.web.host_check import install_host_check
from intake.web.i18n import LANGUAGES, language_name, select_locale, text_direction
from intake.web.request import IntakeRequest, close_db, current_user
from intake.web.security_headers import set_security_headers
from intake.web.sessions import MemorySessionInterface, cookie_name
from intake.web.state import install as install_state
from intake.web.workspace import install_workspace

_OPEN_BEFORE_SETUP = {"setup.start", "setup.recovery_key", "static", "auth.language"}


def create_app(config: Config | None = None) -> Flask:
    """A configured application for one instance home."""
    config = config or Config()
    app = Flask("intake", template_folder=str(templates_folder()))
    app.request_class = IntakeRequest
    log_filter.install(app)  # no exception text in any log (docs/security.md)
    app.config.update(
        INTAKE=config,
        TESTING=config.testing,
        SECRET_KEY=secrets.token_bytes(32),  # signs CSRF tokens; sessions live in memory
        MAX_CONTENT_LENGTH=config.max_content_length,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives and dies with the server-side session
        BABEL_TRANSLATION_DIRECTORIES=str(translations_folder()),
        BABEL_DEFAULT_LOCALE="en",
    )
    app.session_interface = MemorySessionInterface(config.idle_timeout_seconds,
                                                   cookie_name(config.home))
    install_state(app, config)  # jobs, connection pools, uploads, throttle: this app's own
    install_host_check(app)  # first of the request hooks: DNS rebinding (web/host_check.py)

    CSRFProtect(app)
    Babel(app, locale_selector=select_locale)
    app.after_request(set_security_headers)
    app.teardown_appcontext(close_db)
    _sweep_leftovers(config)

    from intake.web.views import (
        admin,
        archive,
        attachments,
        auth,
        claims,
        documents,
        errors,
        export,
        keys,
        people,
        screening,
        setup,
        sources,
        testimonies,
    )

    for blueprint in (setup.bp, auth.bp, testimonies.bp, attachments.bp, export.bp, archive.bp,
                      people.bp, screening.bp, claims.bp, sources.bp, keys.bp, admin.bp,
                      documents.bp, errors.bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def require_setup() -> ResponseReturnValue | None:
        if not config.is_initialised and request.endpoint not in _OPEN_BEFORE_SETUP:
            return _redirect(_url_for("setup.start"))
        return None

    install_workspace(app)  # after the set-up check: a home without a store has no mode

    @app.context_processor
    def page_context() -> dict:
        lang = select_locale()
        return {"lang": lang, "dir": text_direction(lang), "languages": LANGUAGES,
                "language_name": language_name, "user": current_user(),
                "organisation": session.get("organisation", ""), "settings": config}

    return app


def _sweep_leftovers(config: Config) -> None:
    """After a crash: remove half-written bundles, uploads and attachments (all age-encrypted),
    and overwrite a replaced key-slot file left beside the live one (vault/keyslots.py), so nothing
    half-made is ever offered and the start needs no manual repair."""
    sweep_slot_leftovers(config.keyslot_path)
    for leftover in [*config.exports_path.glob("*.partial"), *config.incoming_path.glob("*"),
                     *config.attachments_path.glob("*.partial")]:
        leftover.unlink(missing_ok=True)
