"""An imported record in the system Chromium: in Arabic the statement runs right to left with its
dates in words and the restricted narrative behind a click; printed to A4 it keeps only the
statement, with the custody reference on every page. The PDF's pages (through pdftoppm) and the
screenshots in Arabic, Kurmanji and Syriac go to screenshots/ for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from intake.archive import catalogue, importer
from intake.bundles import export as exports
from intake.bundles import own_keys, recipient_keys, selection
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.store.connection import connect
from intake.vault.agefile import public_key
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record
from tests.e2e.test_browser import SHOTS, browser, page, shot, sign_in  # noqa: F401
from tests.server import Server

GRAPHIC = "Hûrguliyên giran."


@pytest.fixture
def archive(tmp_path):
    """A served archive holding one imported trial record with a long narrative, and its seq."""
    homes = {}
    for name, org in (("law", "Legal Team"), ("field", "Field Org")):
        config = Config(home=tmp_path / name, kdf=CHEAP_KDF)
        initialise(config, org, ADMIN, PASSPHRASE)
        vault, user = unlock(config, ADMIN, PASSPHRASE)
        homes[name] = (config, vault, user, connect(config.database_path, vault.db_key))
    law_config, law_vault, law_user, law_conn = homes["law"]
    own_keys.create_identity(law_conn, law_vault)
    identity = own_keys.identities(law_conn, law_vault)[0]
    _, vault, user, conn = homes["field"]
    lawyers = recipient_keys.add_recipient(conn, "Lawyers", public_key(identity))
    document = full_record()
    document["narrative"] += [{"language": "en", "text": "Nadia Xelîl: they took us at night. " * 80}] * 3
    document["incidents"].append({"acts": ["killing", "mass_killing"], "date": "2014-08~",
                                  "place": "Kocho"})
    testimonies.create(conn, vault, user, document, completed=True)
    plan = selection.plan(conn, vault, user, "trial", [lawyers])
    out = tmp_path / "trial.intake.age"
    exports.write(conn, vault, user, plan, [lawyers], out)
    importer.import_bundle(law_conn, law_vault, law_user, out, [identity],
                           trust=own_keys.signing_key(conn, vault).fingerprint)
    seq = catalogue.search(law_conn)[0][0].seq
    for _, v, _, c in homes.values():
        c.close()
        v.close()
    server = Server(law_config.home)
    yield server, seq
    server.stop()


@pytest.mark.slow
def test_the_record_in_arabic_and_printed_on_a4(page, archive):  # noqa: F811
    server, seq = archive
    sign_in(page, server, "ar")
    page.goto(f"{server.url}/archive/records/{seq}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    body = page.locator("body")
    expect(body).to_contain_text("3 أغسطس 2014")
    expect(body).not_to_contain_text("2014-08-03/2017-05")
    expect(body).not_to_contain_text(GRAPHIC)
    expect(page.locator("mark.redacted").first).to_be_visible()
    shot(page, "archive-statement-ar")

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("form.reveal")).to_be_hidden()
    expect(page.locator(".custody")).to_be_visible()
    page.emulate_media(media="null")
    SHOTS.mkdir(exist_ok=True)
    pdf = SHOTS / "archive-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert pages >= 2  # long enough to show the reference repeated on each page

    page.locator("form.reveal button").click()
    expect(body).to_contain_text(GRAPHIC)
    for lang in ("ku", "syr"):
        page.locator(f"form.languages button[value='{lang}']").click()
        page.goto(f"{server.url}/archive/records/{seq}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        shot(page, f"archive-statement-{lang}")

    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "install poppler-utils"
    bundle_id = "".join(page.locator(".custody .key").first.inner_text().split())
    for number in range(1, pages + 1):  # the custody reference is printed on every page
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        assert bundle_id in "".join(text.split()), number
    for old in SHOTS.glob("archive-print-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / "archive-print")],
                   check=True)
    assert len(list(SHOTS.glob("archive-print-*.png"))) == pages
