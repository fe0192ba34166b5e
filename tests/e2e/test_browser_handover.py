"""A field supervisor and the organisation's own archive in the system Chromium, each with a real
server: the laptop, in Arabic, interviews four survivors, ticks its archive on the Keys page and
hands them over; one testimony is edited afterwards; the archive, in Kurmanji, imports the
hand-over and downloads its receipt; the laptop, in Syriac, applies it after comparing the
archive's fingerprint, and keeps only the testimony edited since. Afterwards the destroyed
survivors' names are not readable under the laptop's home nor in the temp folders. Screenshots
go to screenshots/ for a person to look at (docs/bundle-format.md, "Hand-over and receipts")."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from intake.bundles import fingerprints, own_keys
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.store.connection import connect
from intake.vault.agefile import public_key
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE
from tests.e2e.test_browser import (  # noqa: F401
    browser,
    choose_language,
    page,
    press,
    shot,
    sign_in,
    temp_files_holding,
)
from tests.leak_scan import text_needles
from tests.server import Server

RUN_WORD = f"run{secrets.token_hex(6)}"
SURVIVORS = ["Khalida Khalaf Murad", "Nasima Haji Ilyas", "Bushra Qasim Hassan",
             "Layla Elias Khudeda"]


@pytest.fixture
def homes(tmp_path):
    law = Config(home=tmp_path / "law", kdf=CHEAP_KDF)
    initialise(law, "Legal Team", ADMIN, PASSPHRASE, mode="archive")
    vault, _ = unlock(law, ADMIN, PASSPHRASE)
    conn = connect(law.database_path, vault.db_key)
    key = public_key(own_keys.identities(conn, vault)[0]) if own_keys.identities(conn, vault) \
        else own_keys.create_identity(conn, vault)
    archive_fingerprint = own_keys.signing_key(conn, vault).fingerprint
    conn.close()
    vault.close()
    field = Config(home=tmp_path / "field", kdf=CHEAP_KDF)
    initialise(field, "Field Org", ADMIN, PASSPHRASE)
    servers = Server(field.home), Server(law.home)
    yield servers, key, archive_fingerprint
    for server in servers:
        server.stop()


def _interview(page: Page, server: Server, name: str) -> str:  # noqa: F811
    """A short testimony through the steps: consent, the survivor's name, complete."""
    page.goto(server.url + "/testimonies/new")
    for purpose in ["record", "trial", "reparations"]:
        page.check(f"input[name='{purpose}'][value='yes']")
    for purpose in ["audio", "identity_to_prosecutors", "international", "research", "recontact"]:
        page.check(f"input[name='{purpose}'][value='no']")
    page.select_option("#method", "verbal")
    press(page, "next")
    expect(page).to_have_url(re.compile(r"/step/2$"))
    record_id = page.url.split("/")[-3]
    press(page, "next")
    page.fill("#full_name", name)
    page.fill("#other_names", f"{name.split()[0]}{RUN_WORD}")
    page.fill("#date_of_birth", "1996")
    press(page, "stay")
    page.goto(server.url + f"/testimonies/{record_id}")
    page.locator("form[action$='/complete'] button").click()
    expect(page.locator(".status.complete")).to_have_count(1)
    return record_id


@pytest.mark.slow
def test_hand_over_receipt_and_what_the_laptop_keeps(page, homes, tmp_path):  # noqa: F811
    (field, law), archive_key, archive_fingerprint = homes
    sign_in(page, field, "ar")
    ids = [_interview(page, field, name) for name in SURVIVORS]

    page.goto(field.url + "/keys/")
    page.fill("#name", "Our archive")
    page.fill("#public_key", archive_key)
    page.check("#own_archive")
    page.locator("form.card button[type=submit]").last.click()
    expect(page.locator("p.flash.success")).to_be_visible()
    page.goto(field.url + "/")
    expect(page.locator("p.only-here")).to_contain_text("4")
    shot(page, "handover-01-home-ar")

    page.goto(field.url + "/export/")
    page.locator("input[name=purpose][value=handover]").check()
    page.locator("input[name=recipients][value='Our archive']").check()
    page.locator("form.card button[type=submit]").first.click()
    expect(page.locator("pre.bundle-json").first).to_contain_text(SURVIVORS[0])  # nothing cut
    shot(page, "handover-02-preview-ar")
    page.locator("form.confirm-export button[type=submit]").click()
    link = page.locator("a.button.primary[download]")
    expect(link).to_be_visible(timeout=15000)
    with page.expect_download() as waiting:
        link.click()
    bundle = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(bundle)
    page.goto(field.url + "/")
    expect(page.locator("span.handed-over")).to_have_count(4)
    expect(page.locator("p.only-here")).to_contain_text("0")

    edited = ids[3]  # seen again after the hand-over: her testimony changes
    page.goto(field.url + f"/testimonies/{edited}/step/3")
    page.fill("#full_name", "Layla Elias Khudeda Saydo")
    press(page, "stay")
    page.goto(field.url + "/")
    expect(page.locator("span.handed-over")).to_have_count(3)
    page.locator("form[action='/logout'] button").click()

    sign_in(page, law, "ku")
    page.goto(law.url + "/archive/import")
    page.set_input_files("input[type=file]", str(bundle))
    page.locator("form.card button[type=submit]").click()
    page.locator("button[value=trust]").click()
    expect(page.locator("p.flash.success")).to_be_visible(timeout=15000)
    shot(page, "handover-03-archive-bundles-ku")
    with page.expect_download() as waiting:
        page.locator("form[action$='/bundles/receipt'] button").click()
    receipt = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(receipt)
    assert receipt.name.endswith(".receipt.json")
    assert not any(name.encode() in receipt.read_bytes() for name in SURVIVORS)
    page.goto(law.url + "/archive/")
    expect(page.locator("body")).to_contain_text("W-0001")
    page.locator("form[action='/logout'] button").click()

    sign_in(page, field, "syr")
    page.goto(field.url + "/export/")
    page.set_input_files("input[name=receipt]", str(receipt))
    page.locator("form[action$='/export/receipt'] button[type=submit]").click()
    expect(page.locator("p.fingerprint strong")).to_have_text(
        fingerprints.readable(archive_fingerprint, short=True))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shot(page, "handover-04-trust-syr")
    page.set_input_files("input[name=receipt]", str(receipt))
    page.check("#trust")
    page.locator("form[action$='/export/receipt'] button[type=submit]").click()
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("p.flash.warning[role=status]")).to_contain_text("W-0004")
    rows = page.locator("table.testimonies tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("W-0004")
    shot(page, "handover-05-after-receipt-syr")

    # She comes back: a new interview, her name in Arabic script, finds her earlier testimony,
    # which this laptop no longer holds, through the register entries of the receipt.
    again = _interview(page, field, "خالدة خلف مراد")
    page.goto(field.url + f"/testimonies/{again}/step/3")
    box = page.locator("section.earlier")
    expect(box.locator("form.candidate")).to_have_count(1)
    expect(box).to_contain_text("W-0001")
    shot(page, "handover-06-earlier-syr")
    for lang in ("ar", "ku"):
        choose_language(page, lang)
        expect(page.locator("section.earlier form.candidate p")).to_contain_text("W-0001")
        shot(page, f"handover-06-earlier-{lang}")
    page.locator("section.earlier form.candidate button").click()
    expect(page.locator("section.earlier p.linked")).to_contain_text("W-0001")
    expect(page.locator("section.earlier form.candidate")).to_have_count(0)

    gone = [name.split()[0] for name in SURVIVORS[:3]]
    words = [text.encode(encoding) for text in gone for encoding in ("utf-8", "utf-16-le")]
    for path in Path(field.home).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(word in data for word in words), path
    assert not temp_files_holding(text_needles(RUN_WORD), field.started)
