"""Every route of the URL map, with every role: who may use it, who is refused (403), who is sent
to sign in, and that an interviewer never reaches another person's testimony (404). A new route
fails this test until it is given a rule below."""

from __future__ import annotations

import re

import pytest

from intake.home.instance import unlock
from intake.home.passphrases import add_user
from intake.records import testimonies
from intake.web.app import create_app
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE, full_record, sign_in

EVERYONE = "anyone"  # works without signing in
SIGNED_IN = ("interviewer", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
ADMINS = ("admin",)
RULES = {
    "static": EVERYONE, "setup": EVERYONE, "auth.login": EVERYONE, "auth.unlock": EVERYONE,
    "auth.lock": EVERYONE, "auth.logout": EVERYONE, "auth.recover": EVERYONE,
    "auth.language": EVERYONE, "auth.change_passphrase": SIGNED_IN, "testimonies": SIGNED_IN,
    "export": SUPERVISORS, "archive": SUPERVISORS, "keys": SUPERVISORS, "admin": ADMINS,
    "admin.make_backup": SUPERVISORS, "attachments": SIGNED_IN, "sources": SUPERVISORS,
    "sources.mark": ADMINS, "sources.clear": ADMINS, "people": SUPERVISORS,
    "screening": SUPERVISORS, "claims": SUPERVISORS, "documents.blank_consent": SIGNED_IN,
    "documents.consent_of": SIGNED_IN, "documents.testimony": SUPERVISORS,
    "documents.archive_record": SUPERVISORS,
}
OTHERS_RECORD = {"testimonies.step", "testimonies.view", "testimonies.withdraw",
                 "testimonies.complete", "testimonies.delete", "attachments.add",
                 "attachments.show", "attachments.delete", "attachments.start",
                 "attachments.piece", "documents.consent_of"}


def rule_for(endpoint: str):
    return RULES.get(endpoint, RULES.get(endpoint.split(".")[0]))


@pytest.fixture
def clients(config, recovery_key, vault):
    add_user(config, vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    app = create_app(config)
    made = {"anonymous": app.test_client()}
    for role, name, passphrase in (("admin", ADMIN, PASSPHRASE), ("supervisor", "Sami",
                                   OTHER_PASSPHRASE), ("interviewer", "Dilan", OTHER_PASSPHRASE)):
        made[role] = app.test_client()
        assert sign_in(made[role], name, passphrase).status_code == 302
    return app, made


def url(app, rule, record_id: str) -> str:
    values = {"filename": "intake.css", "record_id": record_id, "number": 2, "seq": 1,
              "job_id": "nosuchjob", "attachment_id": "nosuchattachment",
              "upload_id": "nosuchupload", "fingerprint": "nosuchsource",
              "person_id": "P-nosuchone", "screening_id": "S-00000000", "language": "ar"}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def token(client) -> str:
    page = client.get("/login").get_data(as_text=True) or ""
    found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    if found:
        return found.group(1)
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def test_every_route_with_every_role(clients, config, conn, vault, admin):
    app, made = clients
    record = testimonies.create(conn, vault, admin, full_record())  # the administrator's
    rules = [r for r in app.url_map.iter_rules()]
    assert all(rule_for(r.endpoint) for r in rules), [r.endpoint for r in rules
                                                       if not rule_for(r.endpoint)]
    checked = 0
    for rule in rules:
        allowed = rule_for(rule.endpoint)
        target = url(app, rule, record.id)
        for role, client in made.items():
            for method in sorted(rule.methods & {"GET", "POST", "PATCH"}):
                if rule.endpoint in ("auth.lock", "auth.logout"):
                    continue  # they end the session; test_web covers them
                data = {"csrf_token": token(client)} if method == "POST" else None
                headers = {"X-CSRFToken": token(client), "Upload-Offset": "0"} \
                    if method == "PATCH" else {}
                if method == "PATCH":
                    data = b"a piece"
                if rule.endpoint == "testimonies.delete" and method == "POST" and role != "interviewer":
                    spare = testimonies.create(conn, vault, admin, full_record())  # to destroy
                    target = url(app, rule, spare.id)
                response = client.open(target, method=method, data=data, headers=headers)
                status = response.status_code
                response.close()
                checked += 1
                where = f"{method} {target} as {role}: {status}"
                if allowed == EVERYONE:
                    assert status < 500 and status != 403, where
                elif role == "anonymous":
                    assert status == 302, where
                elif role not in allowed:
                    assert status == 403, where
                elif role == "interviewer" and rule.endpoint in OTHERS_RECORD:
                    assert status == 404, where
                else:
                    assert status in (200, 302, 400, 404, 422), where
    assert checked > 100
    assert testimonies.load(conn, vault, record.id, admin)  # nobody destroyed it by walking
    assert unlock(config, "Dilan", OTHER_PASSPHRASE)
