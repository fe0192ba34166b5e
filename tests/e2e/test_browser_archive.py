"""An archive in the system Chromium, in Arabic: the menu is the archive's, the sources page shows
the field laptop it imported from, and an administrator's compromised mark flags that laptop's
later records. Screenshots go to screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from intake.bundles import fingerprints
from tests.archive_homes import fingerprint, make_archive, make_home, send
from tests.e2e.test_browser import browser, page, shot, sign_in  # noqa: F401
from tests.server import Server
from tests.web.test_workspace import ARCHIVE_MENU


@pytest.fixture
def archive(tmp_path, monkeypatch):
    field, law = make_home(tmp_path / "field", "منظمة الميدان"), make_archive(tmp_path / "law")
    send(field, law, tmp_path / "old.age", monkeypatch, exported_at="2026-03-01T10:00:00+00:00")
    send(field, law, tmp_path / "new.age", monkeypatch, exported_at="2026-06-01T10:00:00+00:00")
    signer = fingerprint(field)
    field.close()
    law.close()
    server = Server(law.config.home)
    yield server, signer
    server.stop()


def test_an_archive_in_arabic_shows_its_menu_and_its_sources(page, archive):  # noqa: F811
    server, signer = archive
    sign_in(page, server, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    links = page.locator("header nav a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ARCHIVE_MENU
    page.locator("header nav a[href='/archive/sources']").click()
    row = page.locator("table.sources tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("منظمة الميدان")
    expect(row.locator("td.fingerprint")).to_have_text(fingerprints.readable(signer))
    row.locator("input[type=date]").fill("2026-05-01")
    row.locator("form.compromised-form button[type=submit]").click()
    expect(page.locator("table.sources tbody tr.compromised")).to_contain_text("2026-05-01")
    shot(page, "ar-archive-sources")
    page.goto(server.url + "/testimonies/new")
    expect(page).to_have_url(server.url + "/archive/")
    expect(page.locator("table tbody tr .status.refused")).to_have_count(1)
    shot(page, "ar-archive-records-flagged")
