"""Two instances on one computer in the system Chromium: a field laptop's and an archive, each
with its own home, on two ports of 127.0.0.1. A browser keeps cookies per host, not per port,
so both session cookies reach both servers; each has a name of its own, and signing in to one,
or out of it, leaves the other as it was (docs/security.md, "Sessions")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from intake.config import Config
from intake.home.instance import initialise
from intake.web.sessions import cookie_name
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE
from tests.e2e.test_browser import browser, page  # noqa: F401 - browser and page are fixtures
from tests.server import Server

LAWYER = "Rana Lawyer"


@pytest.fixture
def two_servers(tmp_path):
    field, archive = tmp_path / "field-home", tmp_path / "archive-home"
    initialise(Config(home=field, kdf=CHEAP_KDF), "Field Org", ADMIN, PASSPHRASE)
    initialise(Config(home=archive, kdf=CHEAP_KDF), "Legal Team", LAWYER, OTHER_PASSPHRASE,
               mode="archive")
    servers = Server(field), Server(archive)
    yield servers
    for server in servers:
        server.stop()


def _sign_in(tab: Page, server: Server, name: str, passphrase: str) -> None:
    tab.goto(server.url + "/login")
    tab.fill("#name", name)
    tab.fill("#passphrase", passphrase)
    tab.locator("form.card button[type=submit]").click()
    expect(tab).not_to_have_url(re.compile(r"/login$"))


def _signed_in_as(tab: Page, server: Server, name: str) -> None:
    tab.goto(server.url + "/passphrase")
    expect(tab).to_have_url(re.compile(r"/passphrase$"))
    expect(tab.locator(".who span")).to_have_text(name)


def test_two_instances_keep_their_sessions_apart(page, two_servers):  # noqa: F811
    field, archive = two_servers
    _sign_in(page, field, ADMIN, PASSPHRASE)
    _sign_in(page, archive, LAWYER, OTHER_PASSPHRASE)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert set(cookies) == {cookie_name(field.home), cookie_name(archive.home)}
    assert all(c["domain"] == "127.0.0.1" and c["httpOnly"] and c["sameSite"] == "Strict"
               and c["path"] == "/" for c in cookies.values())
    _signed_in_as(page, field, ADMIN)  # the archive's sign-in did not replace this one
    _signed_in_as(page, archive, LAWYER)

    page.goto(field.url + "/")
    page.locator(".who form:not(#lock-form) button").click()  # Sign out
    expect(page).to_have_url(re.compile(r"/login$"))
    after = {c["name"]: c["value"] for c in page.context.cookies()}
    assert after[cookie_name(archive.home)] == cookies[cookie_name(archive.home)]["value"]
    _signed_in_as(page, archive, LAWYER)  # signing out of one signed nobody out of the other
    page.goto(field.url + "/passphrase")
    expect(page).to_have_url(re.compile(r"/login$"))
