"""A reparations claim in the system Chromium: record a testimony with consent to reparations,
attach a scanned civil ID, write the Yazidi Survivors Law step with the extract, see the claim on
the Claims page with what it still lacks, print its claim pack in Arabic (caught in memory, not
downloaded to a folder), and mark it submitted. Afterwards no file under the home or written to
the temp folders since the server started holds the run's words in plaintext."""

from __future__ import annotations

import os
import re
import secrets

import pytest
from playwright.sync_api import expect

from intake.config import Config
from tests.conftest import CHEAP_KDF, home_with
from tests.e2e.test_browser import (  # noqa: F401 - browser and page are fixtures
    assert_no_plaintext,
    browser,
    page,
    press,
    shot,
    sign_in,
)
from tests.pdf_tools import pdf_text
from tests.server import Server


@pytest.fixture
def served(tmp_path):
    config = Config(home=tmp_path / "home", kdf=CHEAP_KDF)
    home_with(config, [])
    server = Server(config.home)
    yield server, config.home
    server.stop()


@pytest.mark.slow
def test_a_claim_from_testimony_to_submitted(page, served):  # noqa: F811
    server, home = served
    run = secrets.token_hex(4)
    name, extract = f"Nadia Qlm{run}", f"Birin ji Koço {run}xtract"
    sign_in(page, server, "en")

    page.goto(server.url + "/testimonies/new")
    for purpose in ("record", "reparations"):
        page.check(f"input[name='{purpose}'][value='yes']")
    page.select_option("#method", "thumbprint")
    press(page, "next")
    expect(page).to_have_url(re.compile(r"/step/2$"))
    record_id = page.url.split("/")[-3]
    page.goto(f"{server.url}/testimonies/{record_id}/step/3")
    page.fill("#full_name", name)
    page.select_option("#sex", "female")
    page.fill("#date_of_birth", "1999")
    page.select_option("#community", "yazidi")
    press(page, "stay")

    page.goto(f"{server.url}/testimonies/{record_id}/step/6")
    page.select_option("#category", "child_abducted")
    page.fill("#abduction_date", "2014-08-03")
    page.fill("#release_date", "2016-02")
    page.fill("#age_at_abduction", "15")
    page.fill("#investigation-office", "Sinjar investigation court")
    page.fill("#investigation-file_number", "118/2019")
    page.fill("#extract", extract)
    page.select_option("#application-status", "prepared")
    press(page, "stay")
    expect(page.locator("#extract")).to_have_value(extract)

    scan = b"%PDF-1.4\n" + os.urandom(4000)
    page.locator("details.upload summary").click()
    page.select_option("#kind", "id_document")
    page.set_input_files("#file", files=[{"name": "id.pdf", "mimeType": "application/pdf",
                                          "buffer": scan}])
    page.locator("[data-attachment-form] button[type=submit]").click()
    expect(page.locator("li.attachment")).to_have_count(1, timeout=20000)

    page.locator("nav a[href='/claims/']").click()
    row = page.locator("table.claims tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Prepared")
    expect(row).to_contain_text("Other civil documents")  # still missing
    expect(row).to_contain_text("Investigation paperwork")
    expect(row).not_to_contain_text("Civil ID")  # attached
    shot(page, "claims-list")

    row.locator("a").click()
    expect(page.locator("ul.checklist li.present")).to_have_count(2)  # civil ID, extract
    expect(page.locator("ul.checklist li.missing")).to_have_count(3)
    expect(page.locator("#language")).to_have_value("ar")
    caught = {}

    def catch(route):  # type: ignore[no-untyped-def]
        answer = route.fetch()
        caught["type"] = answer.headers.get("content-type")
        caught["cache"] = answer.headers.get("cache-control")
        caught["pdf"] = answer.body()
        route.fulfill(status=204)  # nothing reaches a downloads folder

    page.route(re.compile(r".*/claims/[0-9a-f]+/pack$"), catch)
    page.locator("form.print-pack button[type=submit]").click()
    page.wait_for_timeout(1500)
    assert caught.get("type") == "application/pdf" and "no-store" in caught["cache"]
    text = pdf_text(caught["pdf"])
    assert name in text and "118/2019" in text and "الاسم الكامل" in text

    page.goto(f"{server.url}/claims/{record_id}")
    page.select_option("#application-status", "submitted")
    page.fill("#application-number", f"GDSA-{run}")
    page.fill("#application-submitted", "2024-06-02")
    page.locator("form[action$='/status'] button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("saved")
    shot(page, "claim-submitted")
    page.goto(server.url + "/claims/?status=submitted")
    expect(page.locator("table.claims tbody tr")).to_have_count(1)
    page.goto(server.url + "/claims/?status=prepared")
    expect(page.locator("table.claims tbody tr")).to_have_count(0)

    assert_no_plaintext(home, [name, extract], server.started, run)
