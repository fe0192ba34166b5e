"""A person's path through the real server (waitress, in its own process) in the system Chromium:
first-run set-up, whole interviews in Arabic and Kurmanji, autosave, lock and unlock, search,
and afterwards no trace of the testimony's text anywhere under the home directory, nor in the
temp folders (where the browser and the server would spill).

Screenshots go to screenshots/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from intake.config import Config
from intake.home.instance import initialise
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE
from tests.leak_scan import another_workers, holds, temp_folders, text_needles
from tests.server import Server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (run `make test`, which installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                              headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def fresh_server(tmp_path):
    server = Server(tmp_path / "fresh-home")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser") / "home"
    initialise(Config(home=home, kdf=CHEAP_KDF), "Field Org", ADMIN, PASSPHRASE)
    running = Server(home)
    yield running
    running.stop()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def choose_language(page: Page, code: str) -> None:
    page.locator(f"form.languages button[value='{code}']").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def sign_in(page: Page, server: Server, lang: str) -> None:
    page.goto(server.url + "/login")
    choose_language(page, lang)
    page.fill("#name", ADMIN)
    page.fill("#passphrase", PASSPHRASE)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("table.testimonies, p.count")).not_to_have_count(0)


def press(page: Page, go: str) -> None:
    page.locator(f"form.interview .actions button[value='{go}']").click()


def test_first_run_set_up_and_recovery_key(page, fresh_server):
    page.goto(fresh_server.url + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    choose_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("#organisation", "منظمة الميدان")
    page.fill("#name", "ليلى")
    page.fill("#passphrase", "password12")
    page.fill("#confirm", "password12")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("p.error")).to_have_count(1)
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#confirm", PASSPHRASE)
    shot(page, "ar-01-setup")
    page.locator("form.card button[type=submit]").click()
    key = page.locator("#recovery-key").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4}-){10}[A-Z2-7]{4}", key)
    shot(page, "ar-02-recovery-key")
    page.check("#written_down")
    page.fill("#recovery_key", key.lower().replace("-", " "))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("header .org")).to_have_text("منظمة الميدان")
    assert key not in page.content()
    assert (fresh_server.home / "keys" / "keyslots.json").exists()


def interview(page: Page, server: Server, lang: str, marker: dict[str, str]) -> str:
    """Record a whole testimony through the eight steps; returns its id."""
    page.goto(server.url + "/testimonies/new")
    expect(page.locator("section.script")).to_have_attribute("dir", "rtl" if lang in ("ar", "ckb", "syr") else "ltr")
    page.locator(".script-languages a[lang='ku']").click()
    expect(page.locator("section.script")).to_have_attribute("lang", "ku")
    shot(page, f"{lang}-03-consent")
    for purpose in ["record", "trial", "identity_to_prosecutors", "reparations", "recontact"]:
        page.check(f"input[name='{purpose}'][value='yes']")
    for purpose in ["audio", "international", "research"]:
        page.check(f"input[name='{purpose}'][value='no']")
    page.select_option("#method", "verbal")
    page.fill("#witness", "Sara")
    press(page, "next")

    expect(page).to_have_url(re.compile(r"/step/2$"))
    record_id = page.url.split("/")[-3]
    expect(page.locator("#date")).to_have_value(date.today().isoformat())
    expect(page.locator("#interviewer")).to_have_value(ADMIN)
    page.fill("#date", "2024-03-12")
    page.fill("#location", "Khanke")
    page.select_option("#language", "ku")
    page.fill("#earlier_interviews-0-organisation", "Yazda")
    page.fill("#earlier_interviews-0-date", "2019~")
    page.select_option("#earlier_interviews-0-kind", "ngo")
    page.check("input[name='earlier_interviews-0-copy_available'][value='no']")
    page.fill("#persons_present", "Layla Khalaf, interpreter")
    page.check("input[name='read_back_confirmed'][value='yes']")
    page.check("input[name='given_freely'][value='yes']")
    shot(page, f"{lang}-04-interview")
    press(page, "next")

    page.fill("#full_name", marker["name"])
    page.fill("#other_names", marker["other_name"])
    page.select_option("#sex", "prefer_not_to_say")
    page.fill("#date_of_birth", "1996~")
    page.select_option("#community", "yazidi")
    page.fill("#phone", marker["phone"])
    page.fill("#id_number", marker["id_number"])
    assert_dates_read_left_to_right(page)
    shot(page, f"{lang}-05-survivor")
    press(page, "next")

    # Autosave: type, wait, and leave without pressing a button.
    page.fill("#narrative-0-text", marker["narrative"])
    page.select_option("#narrative-0-language", lang if lang in ("ar", "ku") else "ku")
    expect(page.locator("#autosave-status")).not_to_be_empty(timeout=10000)
    page.fill("#restricted_narrative-0-text", marker["restricted"])
    shot(page, f"{lang}-06-narrative")
    page.goto(server.url + f"/testimonies/{record_id}/step/4")
    expect(page.locator("#narrative-0-text")).to_have_value(marker["narrative"])
    page.fill("#restricted_narrative-0-text", marker["restricted"])
    press(page, "next")

    page.check("input[name='incidents-0-acts'][value='abduction']")
    page.check("input[name='incidents-0-acts'][value='sexual_slavery']")
    page.fill("#incidents-0-date", "2014-08-03/2017-05")
    page.fill("#incidents-0-place", "Tal Afar")
    page.select_option("#incidents-0-witnessed", "saw")
    page.fill("#incidents-0-perpetrators-0-name", marker["perpetrator"])
    page.check("input[name='incidents-0-perpetrators-0-roles'][value='bought']")
    page.check("input[name='incidents-0-perpetrators-0-roles'][value='guarded']")
    page.locator("button[name='add-incidents-0-perpetrators']").click()
    page.fill("#incidents-0-perpetrators-1-name", "Abu Second")
    page.fill("#incidents-0-description", "sold twice")
    shot(page, f"{lang}-07-incidents")
    press(page, "next")

    page.select_option("#category", "yazidi_female_captivity")
    page.fill("#abduction_date", "2014-08~")
    page.fill("#release_date", "summer 2017")  # not EDTF: kept, flagged, fixed below
    press(page, "next")
    expect(page.locator("p.error")).to_have_count(1)
    expect(page.locator("#release_date")).to_have_value("summer 2017")
    shot(page, f"{lang}-08-ysl-error")
    page.fill("#release_date", "2017-22")
    press(page, "next")

    page.fill("#relatives-0-name", marker["relative"])
    page.fill("#relatives-0-relation", "brother")
    page.select_option("#relatives-0-status", "missing")
    page.check("#psychosocial-needed")
    page.fill("#psychosocial-referred_to", "Jiyan")
    shot(page, f"{lang}-09-relatives")
    press(page, "next")

    page.fill("#notes", marker["notes"])
    shot(page, f"{lang}-10-notes")
    press(page, "review")
    expect(page.locator("div.narrative").first).to_contain_text(marker["narrative"])
    expect(page.locator("main")).to_contain_text("Layla Khalaf, interpreter")
    page.locator("form[action$='/complete'] button").click()
    expect(page.locator(".status.complete")).to_have_count(1)
    shot(page, f"{lang}-11-review")
    return record_id


def assert_dates_read_left_to_right(page: Page) -> None:
    """Each EDTF example shows its characters in typing order, also on right-to-left pages."""
    positions = page.evaluate("""() => [...document.querySelectorAll('.hint code')].map(code => {
        const text = code.firstChild;
        return [...text.data].map((_, i) => {
            const range = document.createRange();
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            return range.getBoundingClientRect().x;
        });
    })""")
    assert positions and all(xs == sorted(xs) for xs in positions), positions


def lock_and_unlock(page: Page) -> None:
    page.locator("#lock-form button").click()
    expect(page).to_have_url(re.compile(r"/unlock$"))
    page.goto(page.url.replace("/unlock", "/"))
    expect(page).to_have_url(re.compile(r"/unlock$"))
    page.fill("#passphrase", PASSPHRASE)
    page.locator("form.card button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/unlock$"))
    page.keyboard.press("Control+Shift+L")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    shot(page, "locked")
    page.fill("#passphrase", PASSPHRASE)
    page.locator("form.card button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/unlock$"))


def search(page: Page, server: Server, words: str) -> list[str]:
    page.goto(server.url + "/")
    page.fill("#query", words)
    with page.expect_navigation():  # the results are read from the page the search opens
        page.locator("form.search button[type=submit]").first.click()
    assert words not in page.url
    return page.locator("table.testimonies td:first-child a").all_inner_texts()


ARABIC = {"name": "ليلى خديدة حسن", "other_name": "ليلي خديده", "phone": "0750 918 2231",
          "id_number": "7731904455", "narrative": "اقتادونا من قرية كوجو إلى مدرسة تلعفر صباحاً",
          "restricted": "تفاصيل مؤلمة لا تُعرض إلا بإذن", "perpetrator": "أبو مهند الأنصاري",
          "relative": "خيري خديدة", "notes": "طلبت استراحة قصيرة بعد الساعة الأولى"}
KURMANJI = {"name": "Nazê Şêxo Berekat", "other_name": "Naze Sexo", "phone": "0751 447 9021",
            "id_number": "5521778043", "narrative": "Em ji gundê Koço birin dibistana Til Afarê",
            "restricted": "Hûrguliyên pir giran ên girtîgehê", "perpetrator": "Ebû Hemze Tunisî",
            "relative": "Xidir Şêxo", "notes": "Dixwest navbereke kurt bide"}
# A word no other run or program has written: the temp folders are shared with every other
# process, so the scan there looks for it (typed with the narratives and notes) rather than for
# the fixed words above, which another program may legitimately hold.
RUN_WORD = f"run{secrets.token_hex(6)}"
for _typed in (ARABIC, KURMANJI):
    for _field in ("narrative", "restricted", "notes"):
        _typed[_field] += f" {RUN_WORD}"


@pytest.mark.slow
def test_whole_interview_in_arabic_and_in_kurmanji(page, server):
    sign_in(page, server, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shot(page, "ar-00-list")
    interview(page, server, "ar", ARABIC)
    choose_language(page, "ku")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    interview(page, server, "ku", KURMANJI)
    shot(page, "ku-12-review")

    lock_and_unlock(page)
    assert search(page, server, "ليلي خديده") == ["W-0001"]   # variant spelling of the name
    assert search(page, server, "koco") == ["W-0002"]  # without the cedilla
    assert search(page, server, "NAZE") == ["W-0002"]
    shot(page, "ku-13-search")

    for lang in ["syr", "ckb", "tr"]:
        choose_language(page, lang)
        page.goto(server.url + "/")
        shot(page, f"{lang}-00-list")
        page.locator("table.testimonies td:first-child a").first.click()
        page.locator("a.edit").nth(3).click()
        shot(page, f"{lang}-06-narrative")
        page.goto(page.url.replace("/step/4", "/step/1"))
        shot(page, f"{lang}-03-consent")

    assert_no_plaintext(server.home, [*ARABIC.values(), *KURMANJI.values()], server.started,
                        RUN_WORD)


def temp_files_holding(needles: list[bytes], since: float) -> list[str]:
    """Files under the temp folders (leak_scan.temp_folders) created or changed since ``since``
    that hold a needle. The Chromium profile and the server's temporary files are included. Left
    out: pytest's own temp root (``pytest-of-<user>``), which holds the inputs and outputs tests
    make in plaintext on purpose (this run's and other runs'); the server's home lies inside it
    and every test scans that home separately. Older files cannot be this test's."""
    pytest_root = f"pytest-of-{getpass.getuser()}"
    found = []
    for root in temp_folders():
        for folder, dirs, files in os.walk(root, onerror=lambda _: None):
            here = Path(folder)
            dirs[:] = [d for d in dirs if d != pytest_root and not another_workers(here / d)]
            for name in files:
                path = here / name
                try:
                    recent = path.is_file() and not path.is_symlink() \
                        and path.stat().st_mtime >= since
                except OSError:
                    continue
                if recent and holds(path, needles):
                    found.append(str(path))
    return found


def assert_no_plaintext(home: Path, texts: list[str], since: float, run_word: str) -> None:
    """No file under the home (store, WAL, key slots, anything else) holds any typed text, and
    no file written to the temp folders since the server started holds the run's own word."""
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "intake.db" for p in files)
    needles = []
    for text in texts:
        for word in [text, *text.split()]:
            if len(word) >= 5 and not word.isdigit():
                needles += [word.encode("utf-8"), word.encode("utf-16-le")]
    assert not temp_files_holding(text_needles(run_word), since)
    for path in files:
        data = path.read_bytes()
        if path.name == "intake.db":
            assert not data.startswith(b"SQLite format 3")
        for needle in needles:
            assert needle not in data, (path.name, needle.decode("utf-8", "replace"))
