"""The People pages in the system Chromium: in Arabic and in Kurmanji, one man named by two
organisations in two scripts is one person, found by either spelling, whose page shows his acts
with their qualifications and the statements they come from. Screenshots go to screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.archive.test_persons import HAMID, HAMID_AR
from tests.e2e.test_browser import browser, page, shot, sign_in  # noqa: F401 - fixtures
from tests.server import Server
from tests.web.test_people import law  # noqa: F401 - fixture


@pytest.mark.slow
def test_a_person_named_in_two_scripts_in_arabic_and_kurmanji(page, law):  # noqa: F811
    server = Server(law.config.home)
    try:
        sign_in(page, server, "ar")
        page.goto(f"{server.url}/archive/people/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        row = page.locator("tr", has_text=HAMID)
        expect(row).to_contain_text(HAMID_AR)
        shot(page, "ar-people")
        page.fill("input[name=query]", HAMID_AR.split()[0])
        page.locator("form.search button[type=submit]").first.click()
        expect(page.locator("tr", has_text=HAMID)).to_have_count(1)
        page.locator("tr", has_text=HAMID).locator("a").first.click()
        body = page.locator("body")
        expect(body).to_contain_text("الاختطاف")  # the act, named in Arabic
        expect(body).to_contain_text("نظام روما الأساسي")
        expect(page.locator("a[href*='/archive/records/']").first).to_be_visible()
        shot(page, "ar-person")
        page.locator("form.languages button[value='ku']").click()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(body).to_contain_text("Revandin")
        shot(page, "ku-person")
    finally:
        server.stop()
