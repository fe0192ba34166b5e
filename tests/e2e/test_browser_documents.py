"""Printing in the system Chromium, as a new user would: the consent form printed blank before
the interview, the testimony recorded, the form printed again with the answers, and its signed
scan (here: the printed page itself, made an image) attached as the record's consent form; on an
archive, a trial record's statement with its restricted annex. The PDFs come as downloads;
afterwards no file in the temp folders (Chromium's profile included) or under the home holds a
sample of any of them, of the scan, or the word typed into the testimony."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import expect

from intake.config import Config
from tests.archive_homes import make_archive, make_home, send
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, home_with
from tests.e2e.test_browser import browser, choose_language, page, press, temp_files_holding  # noqa: F401
from tests.leak_scan import files_holding, samples, text_needles
from tests.pdf_tools import page_images, pdf_text
from tests.server import Server

GRAPHIC = "Hûrguliyên giran."


def _sign_in(page, server: Server, lang: str) -> None:  # noqa: F811
    page.goto(server.url + "/login")
    choose_language(page, lang)
    page.fill("#name", ADMIN)
    page.fill("#passphrase", PASSPHRASE)
    page.locator("form.card button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _download(page, form: str, tmp_path, name: str) -> bytes:  # noqa: F811
    """Print with the form ``form`` and take the download out of Chromium's hands."""
    with page.expect_download() as info:
        page.locator(f"form[data-print='{form}'] button[type=submit]").click()
    download = info.value
    target = tmp_path / name
    download.save_as(target)
    download.delete()  # Playwright keeps its own copy in the temp folders until told
    return target.read_bytes()


@pytest.mark.slow
def test_print_a_consent_form_record_a_testimony_and_attach_the_signed_scan(page, tmp_path):  # noqa: F811
    config = Config(home=tmp_path / "home", kdf=CHEAP_KDF)
    home_with(config, [])
    server = Server(config.home)
    word = f"Qesr{secrets.token_hex(5)}"
    since = time.time()
    try:
        _sign_in(page, server, "ku")
        page.goto(server.url + "/testimonies/new")
        page.locator(".script-languages a[lang='ku']").click()
        expect(page.locator("#consent-language")).to_have_value("ku")
        blank = _download(page, "consent", tmp_path, "blank.pdf")
        text = pdf_text(blank)
        assert "Beşdarbûn biryara we ye" in text and "W-0001" not in text

        for purpose in ("record", "trial", "reparations"):
            page.check(f"input[name='{purpose}'][value='yes']")
        page.check("input[name='research'][value='no']")
        page.select_option("#method", "thumbprint")
        page.fill("#witness", "Sara")
        press(page, "next")
        expect(page).to_have_url(re.compile(r"/step/2$"))
        record_id = page.url.split("/")[-3]
        page.fill("#date", "2024-03-12")
        page.fill("#location", word)
        page.select_option("#language", "ku")
        press(page, "stay")
        expect(page.locator("#location")).to_have_value(word)

        page.goto(f"{server.url}/testimonies/{record_id}")
        expect(page.locator("#consent-language")).to_have_value("ku")
        filled = _download(page, "consent", tmp_path, "filled.pdf")
        text = pdf_text(filled)
        assert "W-0001" in text and "Sara" in text and ": Erê" in text and ": Na" in text

        scan = page_images(filled, tmp_path, "scan", resolution=100)[0].read_bytes()
        page.locator("details.upload summary").click()
        page.select_option("#kind", "consent_form")
        page.set_input_files("#file", files=[{"name": "consent-scan.png",
                                              "mimeType": "image/png", "buffer": scan}])
        page.locator("[data-attachment-form] button[type=submit]").click()
        expect(page.locator("li.attachment")).to_have_count(1, timeout=30000)
        page.reload()
        expect(page.locator("li.attachment")).to_have_count(1)
    finally:
        server.stop()
    needles = samples(blank) + samples(filled) + samples(scan) + text_needles(word)
    assert not temp_files_holding(needles, since)
    assert not files_holding(needles, [config.home])


@pytest.mark.slow
def test_print_a_statement_on_an_archive(page, tmp_path, monkeypatch):  # noqa: F811
    field = make_home(tmp_path / "field", "Field Org")
    archive = make_archive(tmp_path / "law")
    send(field, archive, tmp_path / "trial.intake.age", monkeypatch,
         exported_at="2026-03-01T10:00:00+00:00")
    (seq,) = archive.conn.execute("SELECT seq FROM archive_records").fetchone()
    field.close()
    archive.close()
    server = Server(archive.config.home)
    since = time.time()
    try:
        _sign_in(page, server, "en")
        page.goto(f"{server.url}/archive/records/{seq}")
        page.select_option("#statement-language", "en")
        page.check("#statement-annex")
        statement = _download(page, "statement", tmp_path, "statement.pdf")
    finally:
        server.stop()
    text = pdf_text(statement)
    assert "Witness statement" in text and "Bundle SHA-256" in text and GRAPHIC in text
    assert text.index(GRAPHIC) > text.index("Read-back and signatures")
    assert not temp_files_holding(samples(statement), since)
