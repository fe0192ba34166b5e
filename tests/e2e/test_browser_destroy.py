"""The end of a testimony, as a new user meets it in Chromium, and then the promise checked
everywhere a forensic examiner would look: record two minutes of audio in the interview page,
attach a 30 MB scan, type a word into the narrative, destroy the testimony. Afterwards nothing of
the recording, the scan or the testimony's words is in any file under the home, in any file the
server holds open, in the temp folders, in any page of the store or of its WAL (decrypted with
the key), or in what the server wrote to its output; while a word of a testimony that was kept
is still found in the decrypted pages (so the scan demonstrably reads them)."""

from __future__ import annotations

import base64
import os
import secrets

import pytest
from playwright.sync_api import expect

from intake.config import Config
from tests.conftest import CHEAP_KDF, full_record, home_with, with_audio_consent
from tests.e2e.test_browser import shot, sign_in, temp_files_holding
from tests.e2e.test_browser_attachments import _choose, _record, browser, page  # noqa: F401 - fixtures
from tests.leak_scan import files_holding, open_files_holding, samples, text_needles
from tests.server import Server
from tests.store_pages import decrypted_pages, words_in_store

RECORDING_SECONDS = 120


@pytest.mark.slow
def test_a_destroyed_testimony_leaves_nothing_of_itself_anywhere(page, tmp_path):  # noqa: F811
    words = {k: f"{k[:2]}q{secrets.token_hex(6)}" for k in ("name", "typed", "kept")}
    config = Config(home=tmp_path / "home", kdf=CHEAP_KDF)
    doomed = with_audio_consent(full_record())
    doomed["survivor"]["full_name"] = f"Nadia {words['name']}"
    kept = full_record()
    kept["narrative"][0]["text"] += f" {words['kept']}"
    key, (doomed, _) = home_with(config, [doomed, kept])
    server = Server(config.home, output=tmp_path / "server.out")
    try:
        sign_in(page, server, "ar")
        page.goto(f"{server.url}/testimonies/{doomed}/step/4")
        page.fill("#narrative-0-text", f"قالت إنها رأت {words['typed']} في القرية")
        expect(page.locator("#autosave-status")).not_to_be_empty(timeout=15000)

        _record(page, RECORDING_SECONDS)
        page.locator("[data-recorder-stop]").click()
        expect(page.locator("li.attachment")).to_have_count(1, timeout=60000)
        scan = os.urandom(30 * 1000 * 1000)
        _choose(page, "id_document", "scan.pdf", "application/pdf", scan)
        expect(page.locator("li.attachment")).to_have_count(2, timeout=120000)
        shot(page, "ar-destroy-01-attached")
        src = page.locator("li.attachment audio").get_attribute("src")
        recording = base64.b64decode(page.evaluate(
            """src => fetch(src).then(r => r.arrayBuffer()).then(b => {
                 let s = ""; const u = new Uint8Array(b);
                 for (let i = 0; i < u.length; i += 32768)
                   s += String.fromCharCode(...u.subarray(i, i + 32768));
                 return btoa(s); })""", src))
        assert len(recording) > 100_000  # two minutes of Opus

        page.goto(f"{server.url}/testimonies/{doomed}/delete")
        page.locator("form[action$='/delete'] button[type=submit]").click()
        expect(page).to_have_url(f"{server.url}/")
        expect(page.locator("table.testimonies tbody tr")).to_have_count(1)
        shot(page, "ar-destroy-02-list")

        files = samples(recording, count=16, size=48) + samples(scan, count=16)
        texts = text_needles(words["name"], words["typed"])
        assert list((config.home / "attachments").iterdir()) == []
        assert not files_holding(files + texts, [config.home])
        assert not temp_files_holding(files + texts, server.started)
        assert not open_files_holding(server.process.pid, files + texts)
        assert words_in_store(config.database_path, key, [words["name"], words["typed"]]) == set()
        assert words_in_store(config.database_path, key, [words["kept"]]) == {words["kept"]}
        pages = b"".join(decrypted_pages(config.database_path, key)) + b"".join(
            decrypted_pages(config.home / "intake.db-wal", key))
        assert not [sample for sample in files if sample in pages]
    finally:
        output = server.stop()
    assert words["name"] not in output and words["typed"] not in output
