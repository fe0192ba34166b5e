"""Recording audio in the interview, in the system Chromium with its fake microphone: the
recorder appears only with consent to audio, shows the running time, saves the recording
encrypted when stopped (or before leaving the page), plays it back, and deletes it. Afterwards no
file under the home or in the temp folders holds the recording in plaintext. A 30 MB scan chosen
in the page is sent in pieces and downloads byte for byte. Screenshots in Kurmanji and Arabic."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from intake.config import Config
from tests.conftest import CHEAP_KDF, full_record, home_with, with_audio_consent
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_FLAGS, shot, sign_in, temp_files_holding
from tests.leak_scan import files_holding, samples, temp_folders
from tests.server import Server

FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (run `make test`, which installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_FLAGS + FAKE_MICROPHONE)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def served(tmp_path):
    config = Config(home=tmp_path / "home", kdf=CHEAP_KDF)
    _, made = home_with(config, [with_audio_consent(full_record()), full_record()])
    server = Server(config.home)
    yield server, config.home, made
    server.stop()


def _record(page, seconds: float) -> None:
    page.locator("[data-recorder-start]").click()
    expect(page.locator("[data-recorder-stop]")).to_be_enabled()
    page.wait_for_timeout(seconds * 1000)
    expect(page.locator("[data-recorder-clock]")).not_to_have_text("0:00")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ku", "ar"])
def test_record_play_back_and_delete(page, served, lang):
    server, home, (with_audio, without_audio) = served
    sign_in(page, server, lang)
    page.goto(f"{server.url}/testimonies/{without_audio}/step/4")
    expect(page.locator("[data-recorder]")).to_have_count(0)

    page.goto(f"{server.url}/testimonies/{with_audio}/step/4")
    recorder = page.locator("[data-recorder]")
    expect(recorder).to_be_visible()
    _record(page, 2.2)
    shot(page, f"recording-{lang}")
    page.locator("[data-recorder-stop]").click()
    item = page.locator("li.attachment")
    expect(item).to_have_count(1, timeout=15000)
    # 2.2 s of recording; a busy machine may start the recorder late and stop it a second later.
    expect(item.locator(".duration")).to_have_text(re.compile(r"^0:0[23]$"))
    expect(item.locator("audio")).to_have_attribute("src", f"/testimonies/{with_audio}/attachments/"
                                                    + item.get_attribute("data-attachment"))
    status = page.evaluate("src => fetch(src).then(r => r.status + ' ' + r.headers.get('content-type'))",
                           item.locator("audio").get_attribute("src"))
    assert status.startswith("200 audio/")
    shot(page, f"recorded-{lang}")

    # Leaving the page while recording saves the recording first.
    _record(page, 1.2)
    page.locator("button[name=go][value=next]").click()
    expect(page).to_have_url(f"{server.url}/testimonies/{with_audio}/step/5", timeout=15000)
    expect(page.locator("li.attachment")).to_have_count(2)

    recorded = page.request.get(server.url + item.first.locator("audio").get_attribute("src")).body()
    assert len(recorded) > 1000 and not temp_files_holding(samples(recorded), server.started)

    files = [p for p in (home / "attachments").iterdir()]
    assert len(files) == 2 and all(p.read_bytes().startswith(b"age-encryption.org/v1") for p in files)
    for path in home.rglob("*"):
        if path.is_file():
            assert b"\x1a\x45\xdf\xa3" not in path.read_bytes(), path  # no WebM/Matroska header

    page.locator("li.attachment form button.danger").first.click()
    expect(page.locator("li.attachment")).to_have_count(1)
    expect(page).to_have_url(f"{server.url}/testimonies/{with_audio}/step/5")
    assert len(list((home / "attachments").iterdir())) == 1


@pytest.mark.slow
def test_a_large_scan_is_sent_in_pieces_and_downloads_byte_for_byte(page, served):
    """30 MB of random bytes chosen as a PDF scan: the page sends it in pieces (each encrypted by
    the server as it arrives), lists it, and it downloads byte for byte (into memory, not into a
    downloads folder). Afterwards no file under the home or anywhere in the temp folders, the
    Chromium profile included (nothing needs leaving out: Chromium keeps the chosen file and its
    slices in memory), holds a sample of it."""
    server, home, (_, record_id) = served
    scan = os.urandom(30 * 1000 * 1000)
    sign_in(page, server, "ar")
    pieces = []
    page.on("request", lambda r: pieces.append(r.url) if r.method == "PATCH" else None)
    page.goto(f"{server.url}/testimonies/{record_id}/step/4")
    page.locator("details.upload summary").click()
    page.select_option("#kind", "consent_form")
    page.set_input_files("#file", files=[{"name": "scan.pdf", "mimeType": "application/pdf",
                                          "buffer": scan}])
    page.locator("[data-attachment-form] button[type=submit]").click()
    item = page.locator("li.attachment")
    expect(item).to_have_count(1, timeout=60000)
    expect(page.locator("[data-upload-status]")).to_have_text("شُفِّر الملف وأُرفق.")
    assert len(pieces) >= 8  # 30 MB in pieces of at most 4 MiB
    link = item.locator("a.button").get_attribute("href")
    download = page.request.get(server.url + link)  # into memory, not into a downloads folder
    assert download.status == 200 and download.body() == scan
    assert not files_holding(samples(scan), [home, *temp_folders()])


def _choose(page, kind: str, name: str, mime: str, data: bytes) -> None:
    page.locator("details.upload summary").click()
    page.select_option("#kind", kind)
    page.set_input_files("#file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.locator("[data-attachment-form] button[type=submit]").click()


def test_a_lost_answer_is_resent_from_where_the_server_is_and_refusals_are_translated(page,
                                                                                     served):
    """The answer to the first piece is lost on the way back (the server kept the piece): the
    page sends the piece again, the server answers 409 with its offset, and the page goes on
    from there. A refusal at the end is shown in the interviewer's language."""
    server, home, (with_audio, without_audio) = served
    photo = os.urandom(9 * 1000 * 1000)
    cut = []

    def lose_first_answer(route):  # type: ignore[no-untyped-def]
        if route.request.method == "PATCH" and not cut:
            cut.append(route.request.headers.get("upload-offset"))
            route.fetch()  # the server receives the piece and keeps it...
            route.abort()  # ...but the page never hears back
        else:
            route.continue_()

    sign_in(page, server, "ar")
    page.route("**/attachments/uploads/*", lose_first_answer)
    offsets = []
    page.on("request", lambda r: offsets.append(r.headers.get("upload-offset"))
            if r.method == "PATCH" else None)
    page.goto(f"{server.url}/testimonies/{with_audio}/step/4")
    _choose(page, "photo", "photo.png", "image/png", photo)
    item = page.locator("li.attachment")
    expect(item).to_have_count(1, timeout=60000)
    assert cut == ["0"] and offsets[:3] == ["0", "0", str(4 * 1024 * 1024)]
    assert page.request.get(server.url + item.locator("a.button").get_attribute("href")
                            ).body() == photo

    page.goto(f"{server.url}/testimonies/{without_audio}/step/4")
    _choose(page, "audio", "voice.webm", "audio/webm", os.urandom(5 * 1000 * 1000))
    expect(page.locator("[data-upload-status]")).to_contain_text("لم يوافق الناجي/ة على تسجيل صوتي.",
                                                                 timeout=60000)
    expect(page.locator("li.attachment")).to_have_count(0)
    assert len(list((home / "attachments").iterdir())) == 1
