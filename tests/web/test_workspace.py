"""Field laptop or archive in the web interface: the set-up choice, the administrator's change,
each mode's menu, the field pages an archive refuses, and the sources page with its
compromised mark."""

from __future__ import annotations

import re

import pytest

from intake.archive import sources
from intake.bundles import fingerprints
from intake.home import audit
from intake.home.instance import unlock
from intake.home.mode import mode, set_mode
from intake.home.passphrases import add_user
from intake.store.connection import connect
from intake.web.app import create_app
from tests.archive_homes import fingerprint, make_archive, make_home, send
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE, csrf_token, sign_in

FIELD_MENU = ["/", "/testimonies/new", "/export/", "/claims/", "/archive/", "/keys/", "/admin/backup",
              "/admin/users", "/admin/audit", "/passphrase"]
ARCHIVE_MENU = ["/archive/", "/archive/people/", "/archive/screening/", "/claims/",
                "/archive/bundles", "/export/",
                "/archive/sources", "/keys/", "/admin/backup", "/admin/users", "/admin/audit",
                "/passphrase"]


def menu(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


def post(client, url, data=None, page="/admin/users"):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def stored_mode(config) -> str:
    vault, _ = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    try:
        return mode(conn)
    finally:
        conn.close()
        vault.close()


@pytest.mark.parametrize("choice", ["archive", "field", None])
def test_the_set_up_page_makes_the_instance_chosen(client, config, choice):
    page = client.get("/setup").get_data(as_text=True)
    assert 'name="mode" type="radio" value="archive"' in page
    token = csrf_token(page)
    chosen = {"mode": choice} if choice else {}  # an older page posts no mode
    client.post("/setup", data={"csrf_token": token, "organisation": "Org", "name": ADMIN,
                                "passphrase": PASSPHRASE, "confirm": PASSPHRASE, **chosen})
    key = re.search(r'id="recovery-key">([^<]+)<',
                    client.get("/setup/recovery-key").get_data(as_text=True)).group(1)
    done = client.post("/setup/recovery-key", data={"csrf_token": token, "written_down": "y",
                                                    "recovery_key": key})
    assert done.status_code == 302 and config.is_initialised
    assert stored_mode(config) == (choice or "field")
    landing = client.get(done.location)
    expected = "/archive/" if choice == "archive" else None
    assert landing.location == expected


def test_the_set_up_page_refuses_an_unknown_mode(client, config):
    token = csrf_token(client.get("/setup").get_data(as_text=True))
    client.post("/setup", data={"csrf_token": token, "organisation": "Org", "name": ADMIN,
                                "passphrase": PASSPHRASE, "confirm": PASSPHRASE,
                                "mode": "museum"})
    assert client.get("/setup/recovery-key").location.endswith("/setup")


def test_each_mode_has_its_menu(signed_in, conn, vault, admin):
    assert menu(signed_in.get("/keys/").get_data(as_text=True)) == FIELD_MENU
    set_mode(conn, vault, admin, "archive")
    assert menu(signed_in.get("/keys/").get_data(as_text=True)) == ARCHIVE_MENU


def test_an_archive_menu_offers_each_role_only_its_pages(client, config, conn, vault, admin):
    set_mode(conn, vault, admin, "archive")
    add_user(config, vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    app = create_app(config)
    for name, expected in (("Sami", ARCHIVE_MENU[:9] + ["/passphrase"]),
                           ("Dilan", ["/passphrase"])):
        person = app.test_client()
        assert sign_in(person, name, OTHER_PASSPHRASE).status_code == 302
        assert menu(person.get("/passphrase").get_data(as_text=True)) == expected, name


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/testimonies/new"), ("POST", "/testimonies/new"), ("POST", "/export/mark/abc"),
    ("POST", "/export/receipt"), ("GET", "/")])
def test_an_archive_sends_the_field_pages_to_the_archive(signed_in, conn, vault, admin, method,
                                                        path):
    before = conn.execute("SELECT count(*) FROM testimonies").fetchone()
    set_mode(conn, vault, admin, "archive")
    data = {"csrf_token": csrf_token(signed_in.get("/keys/").get_data(as_text=True)),
            "record": "yes"} if method == "POST" else None
    response = signed_in.open(path, method=method, data=data)
    assert (response.status_code, response.location) == (302, "/archive/")
    assert conn.execute("SELECT count(*) FROM testimonies").fetchone() == before


def test_an_interviewer_on_an_archive_is_sent_to_the_list_not_the_form(client, config, conn,
                                                                      vault, admin):
    set_mode(conn, vault, admin, "archive")
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    assert sign_in(client, "Dilan", OTHER_PASSPHRASE).status_code == 302
    assert client.get("/testimonies/new").location == "/"
    assert client.get("/").status_code == 200


def test_a_field_laptop_keeps_the_field_and_archive_pages(signed_in):
    for path in ("/", "/testimonies/new", "/export/", "/archive/", "/archive/sources"):
        assert signed_in.get(path).status_code == 200, path


def test_an_administrator_changes_the_mode_on_the_users_page(signed_in, conn, vault):
    page = signed_in.get("/admin/users").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="field"', page)
    assert post(signed_in, "/admin/mode", {"mode": "archive"}).location == "/admin/users"
    assert mode(conn) == "archive"
    assert menu(signed_in.get("/admin/users").get_data(as_text=True)) == ARCHIVE_MENU
    assert post(signed_in, "/admin/mode", {"mode": "museum"}).status_code == 302
    assert mode(conn) == "archive"
    post(signed_in, "/admin/mode", {"mode": "field"})
    assert [e.detail for e in audit.entries(conn) if e.event == "mode_changed"] == [
        {"before": "field", "after": "archive"}, {"before": "archive", "after": "field"}]


# ---- the sources page ----

@pytest.fixture
def law(tmp_path, monkeypatch):
    """An archive holding one bundle from each of two field laptops, and its signed-in client."""
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "منظمة")
    archive = make_archive(tmp_path / "law")
    old = send(first, archive, tmp_path / "1.age", monkeypatch,
               exported_at="2026-03-01T10:00:00+00:00")
    new = send(first, archive, tmp_path / "2.age", monkeypatch,
               exported_at="2026-06-01T10:00:00+00:00")
    send(second, archive, tmp_path / "3.age", monkeypatch, exported_at="2026-06-01T10:00:00+00:00")
    client = create_app(archive.config).test_client()
    assert sign_in(client).status_code == 302
    yield client, archive, fingerprint(first), old + new
    for home in (first, second, archive):
        home.close()


def test_the_sources_page_lists_each_source(law):
    client, archive, first, _ = law
    page = client.get("/archive/sources").get_data(as_text=True)
    assert "Field Org" in page and "منظمة" in page
    assert fingerprints.readable(first) in page
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:5] for row in rows]
    assert [(c[0], c[1], c[4]) for c in cells] == [
        (s.organisation, fingerprints.readable(s.fingerprint), str(s.records))
        for s in sources.listing(archive.conn)]
    assert sorted(c[4] for c in cells) == ["1", "2"]
    assert all(c[2].strip() and c[3].strip() for c in cells)  # first and last bundle
    assert page.count("compromised-form") == 2


def test_an_administrator_marks_a_source_and_its_later_records_are_flagged(law):
    client, archive, first, (old, new) = law
    flag = "From a compromised source"
    assert flag not in client.get("/archive/").get_data(as_text=True)
    response = post(client, f"/archive/sources/{first}/compromised", {"since": "2026-05-01"},
                    page="/archive/sources")
    assert response.location == "/archive/sources"
    assert sources.find(archive.conn, first).compromised_since == "2026-05-01"
    listing = client.get("/archive/").get_data(as_text=True)
    assert listing.count(flag) == 1
    seq = dict(archive.conn.execute("SELECT record_id, seq FROM archive_records"))
    assert flag in client.get(f"/archive/records/{seq[new]}").get_data(as_text=True)
    assert flag not in client.get(f"/archive/records/{seq[old]}").get_data(as_text=True)
    page = client.get("/archive/sources").get_data(as_text=True)
    assert "2026-05-01" in page and "Clear the mark" in page
    assert post(client, f"/archive/sources/{first}/clear", page="/archive/sources").status_code \
        == 302
    assert flag not in client.get("/archive/").get_data(as_text=True)
    marks = [(e.event, e.actor, e.detail["since"]) for e in audit.entries(archive.conn)
             if e.event.startswith("source_")]
    assert marks == [("source_compromised", ADMIN, "2026-05-01"),
                     ("source_cleared", ADMIN, "2026-05-01")]


def test_a_mark_needs_a_date(law):
    client, archive, first, _ = law
    response = post(client, f"/archive/sources/{first}/compromised", {"since": "soon"},
                    page="/archive/sources")
    assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)
    assert sources.find(archive.conn, first).compromised_since is None


def test_a_supervisor_sees_the_sources_but_cannot_mark(law):
    client, archive, first, _ = law
    add_user(archive.config, archive.vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    sami = create_app(archive.config).test_client()
    assert sign_in(sami, "Sami", OTHER_PASSPHRASE).status_code == 302
    page = sami.get("/archive/sources").get_data(as_text=True)
    assert "Field Org" in page and "Mark as compromised" not in page
    token = csrf_token(page)
    refused = sami.post(f"/archive/sources/{first}/compromised",
                        data={"csrf_token": token, "since": "2026-05-01"})
    assert refused.status_code == 403
    assert sources.find(archive.conn, first).compromised_since is None
