"""Two applications in one process share nothing they keep in memory (web/state.py): export
jobs, the store connections of a vault, uploads in progress and the sign-in throttle each belong
to the app that made them."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask, session

from intake.bundles.selection import ExportPlan
from intake.web import export_jobs, uploads
from intake.web.app import create_app
from intake.web.request import db
from tests.conftest import sign_in

WRONG = "wrong wrong wrong"


def _two_apps(config) -> tuple[Flask, Flask]:
    return create_app(config), create_app(config)


def test_an_export_job_is_found_only_in_the_app_that_started_it(config, vault, admin):
    first, second = _two_apps(config)
    with first.test_request_context():
        job = export_jobs.start(config, vault, admin, ExportPlan("trial", [], [], []), [],
                                "nothing.intake.age")
        assert job.thread is not None
        job.thread.join(timeout=30)
        assert export_jobs.get(job.id, admin) is job
    with second.test_request_context():
        assert export_jobs.get(job.id, admin) is None


def test_each_app_keeps_its_own_connections_and_uploads_for_a_vault(config, vault):
    first, second = _two_apps(config)
    for app in (first, second):
        with app.test_request_context():
            session["vault"] = vault
            db().execute("SELECT 1")
            uploads.current()
    mine, theirs = first.extensions["intake"], second.extensions["intake"]
    assert mine is not theirs
    assert mine.pools[vault] is not theirs.pools[vault]
    assert mine.uploads[vault] is not theirs.uploads[vault]


def test_failed_sign_ins_on_one_app_do_not_slow_another(config, recovery_key):
    config = replace(config, login_backoff_seconds=600)
    first, second = _two_apps(config)
    tried = first.test_client()
    for _ in range(config.login_free_attempts):
        assert sign_in(tried, passphrase=WRONG).status_code == 200
    assert "Too many failed attempts" in sign_in(tried).get_data(as_text=True)
    assert sign_in(second.test_client()).status_code == 302


def test_a_closed_vault_leaves_no_pool_behind(config, vault):
    app = create_app(config)
    with app.test_request_context():
        session["vault"] = vault
        db().execute("SELECT 1")
    assert vault in app.extensions["intake"].pools
    vault.close()
    assert vault not in app.extensions["intake"].pools
