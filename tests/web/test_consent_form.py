"""The consent form as a PDF (docs/documents.md#consent-form): in every interface language the
script read aloud (the same sentences as the consent step), each purpose with its answer, and
the boxes to sign are there, in reading order, drawn in the shipped fonts with no character
left without a glyph; blank before the interview; the guardian's and child's boxes for a minor;
the survivor's copy says how to withdraw and never names the survivor; each printing audited."""

from __future__ import annotations

import html
import unicodedata

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from intake.home import audit
from intake.records import testimonies
from intake.web import consent_form
from intake.web.labels import PURPOSES
from tests.conftest import OTHER_PASSPHRASE, csrf_token, full_record, sign_in
from tests.pdf_tools import page_images, pdf_fonts, pdf_text, without_glyph

LANGUAGES = ("en", "ar", "ckb", "ku", "tr", "syr")
SHIPPED = {"NotoSans", "NotoSansBold", "NotoNaskhArabic", "NotoNaskhArabicBold",
           "NotoSansSyriac"}


def _plain(text: str) -> str:
    """Only the letters and digits, in order. pdftotext reads a right-to-left paragraph's words
    in order, but may move a comma or full stop to the other end of a wrapped line, part a
    lam-alef ligature with a space, and give Syriac's seyame apart from its word: none of that
    is on the page, so the order is checked letter by letter."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _marked(word: str) -> bool:
    return any(unicodedata.category(c) == "Mn" for c in word)


def _in_order(text: str, *parts: str) -> None:
    """Each part after the one before it. pdftotext cannot read a line whose words carry
    combining marks (an Arabic shadda or damma, a Syriac seyame) in order: it takes each mark
    for a word of its own and reorders the line around it, even splitting the word. So a part
    with such a word is checked word by word: each word without a mark must be there after
    the part before; the page images show the marked words and the order."""
    position, plain = 0, _plain(text)
    for part in parts:
        if _marked(part):
            for word in (_plain(w) for w in part.split() if not _marked(w)):
                assert word in plain[position:], (word, part)
            continue
        found = plain.find(_plain(part), position)
        assert found >= 0, (part, plain[position:position + 300])
        position = found + len(_plain(part))


def _print(client, url: str, **data) -> bytes:
    page = client.get("/testimonies/new").get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(page), **data})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    return response.data


def _documents(conn) -> list[dict]:
    return [e.detail for e in audit.entries(conn) if e.event == "document_printed"]


@pytest.fixture
def record(conn, vault, admin):
    document = full_record()
    document["consent"]["language"] = "ku"
    return testimonies.create(conn, vault, admin, document)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consent_form_reads_in_every_language(app, signed_in, conn, record, language):
    data = _print(signed_in, f"/testimonies/{record.id}/consent-form", language=language)
    text = pdf_text(data)
    assert not without_glyph(text)
    assert set(pdf_fonts(data)) <= SHIPPED
    with app.test_request_context(), force_locale(language):
        script = consent_form.script("Field Org")
        _in_order(text, "Field Org", _("Consent form"), _("The organisation's copy"), "W-0001",
                  "Dilan", *script, f"{PURPOSES['record']}: {_('Yes')}",
                  f"{PURPOSES['research']}: {_('No')}", str(PURPOSES["recontact"]),
                  _("Witness to the consent"), "Sara Ali",
                  _("Signature or thumbprint of the survivor"), _("The survivor's copy: keep it"),
                  "W-0001", _("How to withdraw your consent"))
    assert "Nadia" not in text and "0750" not in text
    assert _documents(conn)[-1] == {"kind": "consent", "language": language,
                                    "record_id": record.id, "witness_code": "W-0001"}


def test_the_form_is_in_the_consent_language_unless_another_is_chosen(signed_in, record):
    text = pdf_text(_print(signed_in, f"/testimonies/{record.id}/consent-form"))
    assert "Forma razîbûnê" in text or "Koda şahidê" in text  # Kurmanji, as consent was read


def test_a_blank_form_leaves_every_answer_and_a_minor_s_boxes_for_a_pen(app, signed_in, conn):
    text = pdf_text(_print(signed_in, "/documents/consent", language="en"))
    for purpose in PURPOSES.values():
        assert f"{purpose}:" not in text and str(purpose) in text
    _in_order(text, "Tick the box for yes; cross it for no.", "Minors", "Guardian's name",
              "Signature or thumbprint of the survivor", "Signature or thumbprint of the guardian",
              "The child's own assent")
    assert "W-0001" not in text
    assert _documents(conn)[-1] == {"kind": "consent", "language": "en", "blank": "yes"}


def test_an_adult_s_form_has_no_guardian_boxes_and_a_child_s_has(signed_in, conn, vault, admin):
    adult = testimonies.create(conn, vault, admin, full_record())
    assert "guardian" not in pdf_text(_print(signed_in, f"/testimonies/{adult.id}/consent-form",
                                             language="en"))
    child = full_record(survivor={"minor": True, "community": "yazidi"})
    child["consent"]["guardian"] = {"name": "Xalid Xelîl", "relation": "uncle", "consent": True,
                                    "child_assent": True}
    minor = testimonies.create(conn, vault, admin, child)
    text = pdf_text(_print(signed_in, f"/testimonies/{minor.id}/consent-form", language="en"))
    _in_order(text, "Guardian's name", "Xalid Xelîl", "The guardian consents: Yes",
              "The child agrees too: Yes", "Signature or thumbprint of the guardian")


def test_the_consent_step_says_what_the_form_says(app, signed_in):
    page = html.unescape(signed_in.get("/testimonies/new?script=ar").get_data(as_text=True))
    with app.test_request_context(), force_locale("ar"):
        for sentence in consent_form.script("Field Org"):
            assert sentence in page
    assert 'action="/documents/consent"' in page


def test_an_interviewer_prints_only_their_own_testimonies_form(app, config, conn, vault, admin,
                                                                interviewer):
    others = testimonies.create(conn, vault, admin, full_record())
    own = testimonies.create(conn, vault, interviewer, full_record())
    client = app.test_client()
    assert sign_in(client, "Dilan", OTHER_PASSPHRASE).status_code == 302
    token = csrf_token(client.get("/testimonies/new").get_data(as_text=True))
    assert client.post(f"/testimonies/{others.id}/consent-form",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/testimonies/{own.id}/consent-form",
                       data={"csrf_token": token}).status_code == 200
    assert client.post(f"/testimonies/{own.id}/statement",
                       data={"csrf_token": token}).status_code == 403


def test_without_a_csrf_token_nothing_is_printed(signed_in, conn, record):
    response = signed_in.post(f"/testimonies/{record.id}/consent-form", data={})
    assert response.status_code in (302, 400)
    assert not _documents(conn)


@pytest.mark.parametrize("language", ["ku", "syr"])
def test_the_consent_form_pages_to_look_at(signed_in, record, tmp_path, language):
    """Pages for a person to look at (in the test's own folder)."""
    pages = page_images(_print(signed_in, f"/testimonies/{record.id}/consent-form",
                               language=language), tmp_path, f"consent-{language}")
    assert len(pages) >= 2
