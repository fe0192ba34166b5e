"""A supervisor and a legal team in the system Chromium, each with a real server: the field side
previews a trial bundle in Arabic (redactions highlighted), removes one more word, confirms and
downloads; the archive side, in Kurmanji, uploads it, compares the fingerprint, trusts, imports
and browses the record with its provenance. Afterwards no testimony text is readable under
either home, nor in the temp folders. Screenshots go to screenshots/ for a person to look at."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from intake.bundles import fingerprints, own_keys, recipient_keys
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.store.connection import connect
from intake.vault.agefile import public_key
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record
from tests.e2e.test_browser import browser, page, shot, sign_in, temp_files_holding  # noqa: F401
from tests.leak_scan import text_needles
from tests.server import Server

RUN_WORD = f"run{secrets.token_hex(6)}"  # no other program holds it (see test_browser.RUN_WORD)
NARRATIVE = f"أخذوا نادية خليل من كوجو، وهاتفها ٠٧٥٠١٢٣٤٥٦٧، وبيعت في سوق النخاسة {RUN_WORD}"


def _home(path: Path, org: str):
    config = Config(home=path, kdf=CHEAP_KDF)
    initialise(config, org, ADMIN, PASSPHRASE)
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    return config, vault, user, connect(config.database_path, vault.db_key)


@pytest.fixture
def homes(tmp_path):
    law_config, law_vault, _, law_conn = _home(tmp_path / "law", "Legal Team")
    own_keys.create_identity(law_conn, law_vault)
    key = public_key(own_keys.identities(law_conn, law_vault)[0])
    field_config, vault, user, conn = _home(tmp_path / "field", "Field Org")
    recipient_keys.add_recipient(conn, "Lawyers", key)
    record = full_record()
    record["narrative"].append({"language": "ar", "text": NARRATIVE})
    made = testimonies.create(conn, vault, user, record, completed=True)
    fingerprint = own_keys.signing_key(conn, vault).fingerprint
    for c, v in ((conn, vault), (law_conn, law_vault)):
        c.close()
        v.close()
    field, law = Server(field_config.home), Server(law_config.home)
    yield field, law, made, fingerprint
    field.stop()
    law.stop()


@pytest.mark.slow
def test_export_with_preview_then_import_and_browse(page, homes, tmp_path):  # noqa: F811
    field, law, made, fingerprint = homes
    sign_in(page, field, "ar")
    page.goto(field.url + "/export/")
    page.locator("input[name=purpose][value=trial]").check()
    page.locator("input[name=recipients][value=Lawyers]").check()
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    preview = page.locator("pre.bundle-json")
    expect(preview).to_contain_text(made.witness_code)
    expect(page.locator("mark.redacted", has_text="[name]").first).to_be_visible()
    expect(page.locator("mark.redacted", has_text="[phone]").first).to_be_visible()
    expect(preview).not_to_contain_text("نادية")
    expect(preview).not_to_contain_text("٠٧٥٠")
    shot(page, "export-preview-ar")

    page.locator("details.mark summary").click()
    page.fill("#text", "سوق النخاسة")
    page.locator("details.mark select").select_option("private_detail")
    page.locator("details.mark button[type=submit]").click()
    expect(page.locator("pre.bundle-json")).not_to_contain_text("النخاسة", timeout=15000)
    expect(page.locator("mark.redacted", has_text="[redacted]")).to_have_count(1)

    page.locator("form.confirm-export button[type=submit]").click()
    link = page.locator("a.button.primary[download]")
    expect(link).to_be_visible(timeout=15000)
    shot(page, "export-done-ar")
    with page.expect_download() as waiting:
        link.click()
    bundle = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(bundle)
    assert bundle.name.endswith(".intake.age")
    assert bundle.read_bytes().startswith(b"age-encryption.org/v1")

    page.locator("form[action='/logout'] button").click()
    sign_in(page, law, "ku")
    page.goto(law.url + "/archive/import")
    page.set_input_files("input[type=file]", str(bundle))
    page.locator("form.card button[type=submit]").click()
    trust = page.locator("section.trust")
    expect(trust).to_contain_text(fingerprints.readable(fingerprint, short=True), timeout=15000)
    expect(trust).to_contain_text("Field Org")
    shot(page, "archive-trust-ku")
    page.locator("button[value=trust]").click()
    expect(page.locator("p.flash.success")).to_be_visible(timeout=15000)
    shot(page, "archive-bundles-ku")

    page.goto(law.url + "/archive/")
    page.locator("a", has_text=made.witness_code).click()
    expect(page.locator("section.provenance")).to_contain_text(made.id)
    expect(page.locator("body")).to_contain_text("[redacted]")
    expect(page.locator("body")).not_to_contain_text("نادية")
    shot(page, "archive-record-ku")

    words = [text.encode(encoding) for text in ("نادية", "Nadia", "Tebaxa", "النخاسة", RUN_WORD)
             for encoding in ("utf-8", "utf-16-le")]
    for home in (field.home, law.home):
        for path in home.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for word in words:
                    assert word not in data, path
    assert not temp_files_holding(text_needles(RUN_WORD), field.started)
