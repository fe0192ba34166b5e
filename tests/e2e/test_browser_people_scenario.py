"""The legal team's whole way through the People pages in the system Chromium, in Arabic and in
Kurmanji: trial bundles from two field laptops of two organisations are imported through the
page; their survivors name the same man in Arabic, Kurmanji and French spellings. A record is
read as a statement; the man's page shows his acts, their qualifications, the bars to amnesty
and two independent witnesses from two organisations; a kunya alone is merged in with the
page's button and split out again; and once the second laptop is marked compromised since a
day before its bundle, its testimony drops out of his counts. Screenshots of the People list,
the person and the record in ar, ckb, ku and syr go to screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.archive.conftest import JUNE, MARCH
from tests.archive.test_persons import record_naming
from tests.archive_homes import export_for, make_archive, make_home
from tests.e2e.test_browser import browser, choose_language, page, shot, sign_in  # noqa: F401
from tests.server import Server

KHALID_AR = "خالد حسن علي الجبوري"  # four parts: given, father, grandfather, nisba
KUNYA_AR = "أبو خالد"
KHALID_KU = "Xalid Hesen Elî el-Cibûrî"
KUNYA_KU = "Ebû Xalid"
KUNYA_FR = "Abou Khalid"
FIRST_ORG, SECOND_ORG = "منظمة الميدان", "Komela Şengalê"


@pytest.fixture
def bundles(tmp_path, monkeypatch):
    """The archive's home (nothing imported yet) and the two laptops' bundles, the second's
    exported in June."""
    first, second = make_home(tmp_path / "a", FIRST_ORG), make_home(tmp_path / "b", SECOND_ORG)
    law = make_archive(tmp_path / "law")
    made = []
    for field, name, alias, acts, when in (
            (first, KHALID_AR, KUNYA_AR, ("abduction", "sexual_slavery"), MARCH),
            (second, KHALID_KU, KUNYA_KU, ("sexual_slavery", "trafficking"), JUNE)):
        ids = [record_naming(field, name, acts=acts, aliases=(alias,))]
        if field is second:
            ids.append(record_naming(field, KUNYA_FR, acts=("rape",)))
        out = tmp_path / f"{len(made)}.intake.age"
        export_for(field, law, out, monkeypatch, exported_at=when, ids=ids)
        made.append(out)
    for home in (first, second, law):
        home.close()
    return law.config.home, made


def _import(tab: Page, url: str, bundle, organisation: str) -> None:
    tab.goto(url + "/archive/import")
    tab.set_input_files("input[type=file]", str(bundle))
    tab.locator("form.card button[type=submit]").click()
    expect(tab.locator("section.trust")).to_contain_text(organisation, timeout=15000)
    tab.locator("button[value=trust]").click()
    expect(tab.locator("p.flash.success")).to_be_visible(timeout=15000)


def _khalid(tab: Page, url: str) -> None:
    tab.goto(url + "/archive/people/")
    tab.locator("tr", has_text=KHALID_KU).locator("a").first.click()


@pytest.mark.slow
def test_two_laptops_one_man_merge_split_and_a_compromised_source(page, bundles):  # noqa: F811
    home, (first, second) = bundles
    server = Server(home)
    try:
        sign_in(page, server, "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        _import(page, server.url, first, FIRST_ORG)
        _import(page, server.url, second, SECOND_ORG)

        page.goto(server.url + "/archive/people/")
        row = page.locator("tr", has_text=KHALID_KU)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(KHALID_AR)  # one person: both scripts
        expect(page.locator("tr", has_text=KUNYA_FR)).to_have_count(1)  # a kunya alone: apart
        page.fill("input[name=query]", "Abou Khalid")  # a third spelling finds both
        page.locator("form.search button[type=submit]").first.click()
        expect(page.locator("tbody tr")).to_have_count(2)

        _khalid(page, server.url)
        body = page.locator("body")
        expect(page.locator("p.count")).to_contain_text("2")
        expect(body).to_contain_text("الاختطاف")  # abduction, in Arabic
        expect(body).to_contain_text("نظام روما الأساسي")
        beyond = page.locator("ul.grave li").filter(has_text="الاستعباد الجنسي")
        expect(beyond).to_contain_text("2")  # two independent witnesses
        counts = page.locator("table.acts tbody tr").filter(has_text="الاستعباد الجنسي")
        expect(counts.locator("td").nth(1)).to_have_text("2")
        expect(counts.locator("td").nth(2)).to_have_text("2")  # from two organisations
        bars = page.locator("ul.bars li")
        expect(bars).to_have_count(2)  # YSL art. 9 (First), and trafficking under the 2016 law
        expect(bars.first).not_to_contain_text("conditions")  # a Yazidi woman, in captivity

        page.locator("article.incident a[href*='/archive/records/']").first.click()
        expect(page.locator("section.statement-part").first).to_be_visible()
        expect(page.locator("body")).to_contain_text(KUNYA_AR)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

        _khalid(page, server.url)
        candidate = page.locator("article.candidate", has_text=KUNYA_FR)
        candidate.locator("form[action$='/merge'] button").click()
        expect(page.locator("p.flash.success")).to_be_visible()
        expect(page.locator("article.incident")).to_have_count(3)
        page.locator("article.incident", has_text=KUNYA_FR) \
            .locator("form[action$='/split'] button").click()
        expect(page.locator("p.flash.success")).to_be_visible()
        expect(page.locator("article.incident")).to_have_count(2)

        choose_language(page, "ku")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        page.goto(server.url + "/archive/sources")
        source = page.locator("table.sources tbody tr", has_text=SECOND_ORG)
        source.locator("input[type=date]").fill("2026-05-01")  # before its June bundle
        source.locator("form.compromised-form button[type=submit]").click()
        expect(page.locator("table.sources tbody tr.compromised")).to_contain_text("2026-05-01")

        _khalid(page, server.url)
        expect(page.locator("article.incident.compromised")).to_have_count(1)
        counts = page.locator("table.acts tbody tr").filter(has_text="Koletiya zayendî")
        expect(counts.locator("td").nth(1)).to_have_text("1")
        expect(counts.locator("td").nth(2)).to_have_text("1")
        expect(page.locator("ul.bars li")).to_have_count(1)  # trafficking: only the second's

        record = page.locator("article.incident a[href*='/archive/records/']").first
        record_url = server.url + record.get_attribute("href")
        person_url = page.url
        for lang in ("ar", "ckb", "ku", "syr"):
            choose_language(page, lang)
            page.goto(server.url + "/archive/people/")
            shot(page, f"scenario-{lang}-people")
            page.goto(person_url)
            shot(page, f"scenario-{lang}-person")
            page.goto(record_url)
            shot(page, f"scenario-{lang}-record")
    finally:
        server.stop()
