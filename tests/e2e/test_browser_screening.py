"""The legal team screens a release list in the system Chromium, in Arabic: bundles from two
field laptops name four men in Arabic four-part names (two also in Latin spelling); ten names of
a list are pasted, some of them those men, one a namesake a letter apart, one in another order,
one with another father's name and some no one names. The candidates show with their reasons;
two are confirmed and one rejected with the page's forms; the Arabic brief lists exactly the two
confirmed, with the warning, the witness codes, the bundles' SHA-256 and the signers'
fingerprints, and is printed to PDF and rendered to PNG. Screenshots of the results (ar) and of
the brief (ar, en) go to screenshots/ for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from tests.archive.conftest import JUNE
from tests.archive.test_persons import Sender, record_naming
from tests.archive_homes import fingerprint, make_archive, make_home
from tests.e2e.test_browser import SHOTS, browser, page, shot, sign_in  # noqa: F401
from tests.server import Server

MARWAN = "مروان فاضل عباس الحمداني"
MARWAN_LATIN = "Marwan Fadhil Abbas al-Hamdani"
SALMAN = "سلمان داود كريم الشمري"
SALMAN_LATIN = "Salman Dawood Karim al-Shammari"
YASIR = "ياسر نوري حميد العبيدي"
QASIM = "قاسم رعد جبار السبعاوي"

LIST = [
    MARWAN,                               # 1: strong
    SALMAN_LATIN,                         # 2: strong, in Latin letters
    "قاسم رعد جبار السبعاوي",              # 3: strong
    "قاسم رعد جبر السبعاوي",               # 4: a namesake, the grandfather a letter apart
    "فاضل مروان عباس الحمداني",            # 5: Marwan's words in another order
    "ياسر خليل حميد العبيدي",              # 6: Yasir's name with another father's name
    "عمر صبحي ناجي التكريتي",              # 7-10: no one the testimonies name
    "حسين علي جواد الموسوي",
    "Ahmed Salih Mahdi al-Juburi",
    "ثامر غانم شاكر الزوبعي",
]


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """The archive's home with both laptops' bundles imported; the signers' fingerprints and
    the bundles' SHA-256."""
    first, second = make_home(tmp_path / "a", "منظمة الميدان"), make_home(tmp_path / "b", "Komela")
    law = make_archive(tmp_path / "law")
    ship = Sender(tmp_path, monkeypatch, law)
    ship(first, [record_naming(first, MARWAN, acts=("abduction", "sexual_slavery")),
                 record_naming(first, QASIM, YASIR, acts=("torture",))])
    ship(second, [record_naming(second, MARWAN_LATIN, acts=("sexual_slavery",)),
                  record_naming(second, SALMAN_LATIN, SALMAN, acts=("killing",))],
         exported_at=JUNE)
    signers = {"first": fingerprint(first), "second": fingerprint(second)}
    bundles = {s for (s,) in law.conn.execute("SELECT file_sha256 FROM bundles")}
    for home in (first, second, law):
        home.close()
    return law.config.home, signers, bundles


def _row(tab: Page, number: int):
    return tab.locator(f"article#row-{number}")


def _decide(tab: Page, number: int, decision: str, note: str = "") -> None:
    form = _row(tab, number).locator("section.candidate form.decide").first
    form.locator(f"input[value={decision}]").check()
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    expect(_row(tab, number).locator("p.decision").first).to_be_visible(timeout=15000)


@pytest.mark.slow
def test_a_pasted_list_screened_decided_and_briefed_in_arabic(page, archive, tmp_path):  # noqa: F811
    home, signers, bundles = archive
    server = Server(home)
    try:
        sign_in(page, server, "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.goto(server.url + "/archive/screening/")
        page.fill("input[name=label]", "قائمة الإفراج، تشرين الثاني")
        page.fill("textarea[name=pasted]", "\n".join(LIST) + "\n")
        page.locator("form.screening-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/archive/screening/S[-\w]+$"), timeout=90000)
        assert "مروان" not in page.url and "Marwan" not in page.url
        expect(page.locator("article.screened")).to_have_count(10)

        for number in (1, 2, 3):
            candidate = _row(page, number).locator("section.candidate").first
            expect(candidate).to_have_class(re.compile("level-strong"))
            expect(candidate.locator("ul.reasons li").first).to_be_visible()
        expect(_row(page, 1).locator("section.candidate").first).to_contain_text(MARWAN_LATIN)
        expect(_row(page, 2).locator("section.candidate").first).to_contain_text(SALMAN)
        namesake = _row(page, 4).locator("section.candidate").first
        expect(namesake).not_to_have_class(re.compile("level-strong"))
        expect(namesake.locator("ul.reasons")).to_contain_text("جبر")
        for number in (5, 7, 8, 9, 10):
            expect(_row(page, number).locator("section.candidate.level-strong")).to_have_count(0)
        other_father = _row(page, 6).locator("section.candidate")
        expect(other_father.locator(".level-strong")).to_have_count(0)
        if other_father.count():
            expect(other_father.first.locator("ul.reasons")).to_contain_text("خليل")
        expect(_row(page, 7).locator("section.candidate")).to_have_count(0)
        expect(_row(page, 7).locator("p.meta")).to_be_visible()

        _decide(page, 1, "confirmed", "يطابق القضية 12/2017")
        _decide(page, 2, "confirmed")
        _decide(page, 4, "rejected", "اسم الجد مختلف")
        expect(page.locator("p.decision.confirmed")).to_have_count(2)
        expect(page.locator("p.decision.rejected")).to_have_count(1)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        shot(page, "screening-ar-results")
        results = re.sub(r"[?#].*$", "", page.url)

        for lang in ("ar", "en"):
            page.goto(f"{results}/brief/{lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            matches = page.locator("section.match")
            expect(matches).to_have_count(2)
            text = page.locator("body").inner_text()
            assert MARWAN in text and SALMAN_LATIN in text
            assert "قاسم رعد جبر" not in text and "ياسر" not in text
            expect(page.locator("p.warning")).to_be_visible()
            if lang == "en":
                assert "A name match is not identification." in text
            else:
                expect(page.locator("html")).to_have_attribute("dir", "rtl")
            codes = page.locator("table.statements tbody tr td:first-child").all_inner_texts()
            assert codes and all(code.strip() for code in codes)
            assert bundles <= set(re.findall(r"[0-9a-f]{64}", text))
            assert all(signer in text for signer in signers.values())
            assert "not_in_record" not in text  # the facts the records do not hold, in words
            shot(page, f"screening-{lang}-brief")
            pdf = tmp_path / f"brief-{lang}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            assert pdf.read_bytes().startswith(b"%PDF")
            if shutil.which("pdftoppm"):
                SHOTS.mkdir(exist_ok=True)
                subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf),
                                str(SHOTS / f"screening-{lang}-brief-pdf")], check=True)
                assert list(SHOTS.glob(f"screening-{lang}-brief-pdf*.png"))
    finally:
        server.stop()
