"""The web layer through Flask's test client: set-up, sign-in, headers, CSRF, sessions, roles."""

import html
import re
import time
from datetime import date
from pathlib import Path

import pytest

from intake.config import Config
from intake.home.instance import initialise
from intake.web.app import create_app
from intake.web.security_headers import HEADERS
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_first_visit_leads_to_set_up_and_recovery_key_is_confirmed(client, config):
    assert client.get("/").location.endswith("/setup")
    token = csrf_token(client.get("/setup").get_data(as_text=True))
    weak = client.post("/setup", data={"csrf_token": token, "organisation": "Org",
                                       "name": "Ana", "passphrase": "password123",
                                       "confirm": "password123"})
    assert weak.status_code == 200 and "too short" in weak.get_data(as_text=True)
    client.post("/setup", data={"csrf_token": token, "organisation": "Org", "name": "Ana",
                                "passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    page = client.get("/setup/recovery-key").get_data(as_text=True)
    key = re.search(r'id="recovery-key">([^<]+)<', page).group(1)
    wrong = client.post("/setup/recovery-key", data={"csrf_token": token, "written_down": "y",
                                                     "recovery_key": "AAAA-" + key[5:]})
    assert "does not match" in wrong.get_data(as_text=True) and not config.is_initialised
    done = client.post("/setup/recovery-key", data={"csrf_token": token, "written_down": "y",
                                                    "recovery_key": key})
    assert done.status_code == 302 and config.is_initialised
    assert key not in client.get("/").get_data(as_text=True)
    assert client.get("/setup/recovery-key").status_code == 302  # never shown again


def test_every_response_carries_the_security_headers(signed_in):
    for path in ["/", "/testimonies/new", "/passphrase", "/admin/users", "/nowhere",
                 "/static/intake.css"]:
        response = signed_in.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
        response.close()
    csp = HEADERS["Content-Security-Policy"]
    for directive in ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'",
                      "base-uri 'none'"]:
        assert directive in csp


def test_posts_without_csrf_token_are_refused(signed_in):
    response = signed_in.post("/testimonies/new", data={"record": "yes"})
    assert response.status_code == 400
    assert signed_in.post("/lock").status_code == 400


def test_cookie_is_an_opaque_id_only(client, recovery_key):
    response = sign_in(client)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    value = cookies[0].split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)
    assert "HttpOnly" in cookies[0] and "SameSite=Strict" in cookies[0]


def test_session_id_changes_at_sign_in(app, client, recovery_key):
    name = app.session_interface.cookie_name
    client.get("/login")
    before = client.get_cookie(name).value
    sign_in(client)
    assert client.get_cookie(name).value != before


def test_wrong_passphrase_says_one_thing_and_backs_off(client, recovery_key):
    for _ in range(3):
        page = sign_in(client, passphrase="wrong wrong wrong").get_data(as_text=True)
        assert "Wrong name or passphrase." in page
    page = sign_in(client, passphrase="wrong wrong wrong").get_data(as_text=True)
    page = sign_in(client).get_data(as_text=True)  # right passphrase, but too soon
    assert "Too many failed attempts" in page
    time.sleep(2.2)  # four failures with a 1 s base: wait 2 s
    assert sign_in(client).status_code == 302


def test_lock_and_unlock(signed_in):
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    response = signed_in.post("/lock", data={"csrf_token": token})
    assert response.location.endswith("/unlock")
    assert signed_in.get("/").location.endswith("/unlock")
    page = signed_in.get("/unlock").get_data(as_text=True)
    assert ADMIN in page
    token = csrf_token(page)
    bad = signed_in.post("/unlock", data={"csrf_token": token, "passphrase": "nope nope"})
    assert "Wrong name or passphrase." in bad.get_data(as_text=True)
    good = signed_in.post("/unlock", data={"csrf_token": token, "passphrase": PASSPHRASE})
    assert good.status_code == 302 and signed_in.get("/").status_code == 200


def test_idle_session_is_locked(tmp_path, recovery_key, config):
    app = create_app(Config(home=config.home, kdf=CHEAP_KDF, testing=True,
                            idle_timeout_seconds=2))
    client = app.test_client()
    assert sign_in(client).status_code == 302
    assert client.get("/").status_code == 200
    time.sleep(3)
    assert client.get("/").location.endswith("/unlock")


def test_sign_out_clears_site_data_and_its_own_cookie(app, signed_in):
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    response = signed_in.post("/logout", data={"csrf_token": token})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'  # cookies: its own only
    [deleted] = response.headers.getlist("Set-Cookie")
    assert deleted.startswith(f"{app.session_interface.cookie_name}=;") and "Path=/" in deleted
    assert signed_in.get("/").location.endswith("/login")


def _second_home(tmp_path) -> Config:
    other = Config(home=tmp_path / "archive-home", kdf=CHEAP_KDF, testing=True)
    initialise(other, "Legal Team", "Rana Lawyer", OTHER_PASSPHRASE, mode="archive")
    return other


def test_two_instances_on_one_computer_keep_their_own_cookies(app, config, recovery_key,
                                                              tmp_path):
    """A field laptop's instance and an archive on other ports: the browser sends both their
    cookies to each (cookies are per host, not per port). Signed in to both, each stays so."""
    archive = create_app(_second_home(tmp_path))
    field_name = app.session_interface.cookie_name
    archive_name = archive.session_interface.cookie_name
    assert field_name != archive_name
    assert re.fullmatch(r"intake_session_[0-9a-f]{12}", field_name)
    assert create_app(config).session_interface.cookie_name == field_name  # stable

    browser = app.test_client()  # one cookie jar for the host, as a browser keeps it
    assert sign_in(browser).status_code == 302
    archive_browser = archive.test_client()
    archive_browser._cookies = browser._cookies  # the same jar: the host's cookies
    assert sign_in(archive_browser, "Rana Lawyer", OTHER_PASSPHRASE).status_code == 302
    assert {key[2] for key in browser._cookies} == {field_name, archive_name}
    assert browser.get("/passphrase").status_code == 200  # still signed in to the field one
    assert archive_browser.get("/passphrase").status_code == 200

    token = csrf_token(browser.get("/").get_data(as_text=True))
    browser.post("/logout", data={"csrf_token": token})
    assert browser.get("/passphrase").location.endswith("/login")
    assert archive_browser.get("/passphrase").status_code == 200  # signing out of one only


def test_the_cookie_keeps_its_flags(app, client, recovery_key):
    response = client.get("/login")
    [cookie] = response.headers.getlist("Set-Cookie")
    name, rest = cookie.split("=", 1)
    assert name == app.session_interface.cookie_name
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip() for part in rest.split(";")}


def test_roles(client, interviewer):
    assert sign_in(client, "Dilan", "quiet mountain orchard nine").status_code == 302
    assert client.get("/admin/users").status_code == 403
    assert client.get("/").status_code == 200


def test_admin_adds_a_user(signed_in):
    token = csrf_token(signed_in.get("/admin/users").get_data(as_text=True))
    response = signed_in.post("/admin/users", data={
        "csrf_token": token, "name": "Hevi", "role": "supervisor",
        "passphrase": "olive window sparrow ten", "confirm": "olive window sparrow ten"})
    assert response.status_code == 302
    assert "Hevi" in signed_in.get("/admin/users").get_data(as_text=True)


def test_search_words_never_enter_a_url(signed_in):
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    response = signed_in.post("/search", data={"csrf_token": token, "query": "Nadia"})
    assert "Nadia" not in response.location
    assert "Nadia" in signed_in.get("/").get_data(as_text=True)  # kept in the session


@pytest.mark.parametrize("lang,direction", [("en", "ltr"), ("ar", "rtl"), ("ckb", "rtl"),
                                            ("ku", "ltr"), ("tr", "ltr"), ("syr", "rtl")])
def test_language_switch_sets_lang_and_direction(signed_in, lang, direction):
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    signed_in.post("/language", data={"csrf_token": token, "lang": lang, "next": "/"})
    page = signed_in.get("/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_language_switch_never_redirects_off_site(signed_in):
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    response = signed_in.post("/language", data={"csrf_token": token, "lang": "ar",
                                                  "next": "//evil.example/"})
    assert response.location == "/"


def test_sensitive_inputs_are_not_autocompleted(signed_in):
    from intake.web.interview import STEPS

    page = signed_in.get("/testimonies/new").get_data(as_text=True)
    token = csrf_token(page)
    response = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"})
    survivor = signed_in.get(response.location.removesuffix("/2") + "/3").get_data(as_text=True)
    for name in ["full_name", "phone", "id_number", "other_names", "current_location"]:
        tag = re.search(rf'<[^>]+name="{name}"[^>]*>', survivor).group(0)
        assert 'autocomplete="off"' in tag, name
    assert len(STEPS) == 8


def test_oversized_post_is_refused_with_413(signed_in, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = signed_in.post("/search", data={"query": "x" * 5000})
    assert response.status_code == 413


def test_no_external_url_in_templates_css_or_js():
    """Nothing refers to another site; the style sheet's only url() are the shipped fonts."""
    static = ROOT / "intake" / "static"
    sources = list((ROOT / "templates").rglob("*.html")) + [p for p in static.iterdir() if p.is_file()]
    for path in sources:
        text = path.read_text("utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path
        assert "@import" not in text, path
        for target in re.findall(r"url\(([^)]*)\)", text):
            assert re.fullmatch(r'"fonts/[A-Za-z-]+\.ttf"', target), (path, target)
            assert (static / target.strip('"')).is_file(), target


def test_recover_with_the_recovery_key_in_the_browser_flow(client, recovery_key):
    token = csrf_token(client.get("/recover").get_data(as_text=True))
    form = {"csrf_token": token, "name": ADMIN, "passphrase": "velvet island thunder six",
            "confirm": "velvet island thunder six"}
    wrong = client.post("/recover", data={**form, "recovery_key": "AAAA-" * 10 + "AAAA"})
    assert "does not open this archive" in wrong.get_data(as_text=True)
    right = client.post("/recover", data={**form, "recovery_key": recovery_key})
    assert right.status_code == 302 and client.get("/").status_code == 200
    other = create_app(Config(home=Path(client.application.config["INTAKE"].home),
                              kdf=CHEAP_KDF, testing=True)).test_client()
    assert sign_in(other, ADMIN, PASSPHRASE).status_code == 200  # old passphrase is gone
    assert sign_in(other, ADMIN, "velvet island thunder six").status_code == 302


def test_change_passphrase_needs_the_current_one(signed_in):
    token = csrf_token(signed_in.get("/passphrase").get_data(as_text=True))
    new = "velvet island thunder six"
    bad = signed_in.post("/passphrase", data={"csrf_token": token, "current": "nope",
                                              "passphrase": new, "confirm": new})
    assert "not your current passphrase" in bad.get_data(as_text=True)
    good = signed_in.post("/passphrase", data={"csrf_token": token, "current": PASSPHRASE,
                                               "passphrase": new, "confirm": new})
    assert good.status_code == 302


def test_a_date_copied_from_right_to_left_text_is_accepted(signed_in):
    token = csrf_token(signed_in.get("/testimonies/new").get_data(as_text=True))
    step2 = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"}).location
    saved = signed_in.post(step2, data={"csrf_token": token, "date": "\u20662014?\u2069",
                                        "other_languages": "ku، ar", "go": "next"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = signed_in.get(step2).get_data(as_text=True)
    assert 'value="2014?"' in page and 'value="ku, ar"' in page


def _value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)
    found = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else ""


def test_a_new_interview_step_starts_with_today_and_the_interviewer(signed_in):
    token = csrf_token(signed_in.get("/testimonies/new").get_data(as_text=True))
    step2 = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"}).location
    before = date.today().isoformat()
    page = signed_in.get(step2).get_data(as_text=True)
    assert _value(page, "date") in {before, date.today().isoformat()}
    assert _value(page, "interviewer") == ADMIN
    assert _value(page, "location") == ""  # nothing else is guessed

    # What was saved is what is shown, an answer left empty on purpose included.
    saved = signed_in.post(step2, data={"csrf_token": token, "date": "2014-08~",
                                        "interviewer": "", "go": "stay"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = signed_in.get(step2).get_data(as_text=True)
    assert (_value(page, "date"), _value(page, "interviewer")) == ("2014-08~", "")


def test_only_the_interviewer_who_made_it_gets_the_defaults(conn, vault, admin, interviewer,
                                                            signed_in):
    from intake.records import testimonies

    theirs = testimonies.create(conn, vault, interviewer, {"consent": {"record": True}})
    mine = testimonies.create(conn, vault, admin, {"consent": {"record": True},
                                                   "interview": {"location": "Sharya"}})
    page = signed_in.get(f"/testimonies/{theirs.id}/step/2").get_data(as_text=True)
    assert (_value(page, "date"), _value(page, "interviewer")) == ("", "")  # a supervisor reviewing
    page = signed_in.get(f"/testimonies/{mine.id}/step/2").get_data(as_text=True)
    assert (_value(page, "date"), _value(page, "interviewer"), _value(page, "location")) == (
        "", "", "Sharya")  # an interview section came with it (an import): left as it is


def test_an_abandoned_set_up_forgets_its_secrets(tmp_path):
    app = create_app(Config(home=tmp_path / "home", kdf=CHEAP_KDF, testing=True,
                            idle_timeout_seconds=1))
    client = app.test_client()
    token = csrf_token(client.get("/setup").get_data(as_text=True))
    client.post("/setup", data={"csrf_token": token, "organisation": "Org", "name": "Ana",
                                "passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    assert client.get("/setup/recovery-key").status_code == 200
    time.sleep(1.5)
    assert client.get("/setup/recovery-key").location.endswith("/setup")
