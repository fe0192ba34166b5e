"""The witness statement as a PDF (docs/documents.md#witness-statement): in every interface
language its strings are there, in reading order, drawn in the shipped fonts with no character
left without a glyph; the custody reference is on every page; the witness is named by code
unless they consented to disclose their identity; the restricted narrative is printed only on
its annex, when asked for, for a trial or international record, and each printing is audited."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest

from intake.home import audit
from intake.records import testimonies
from intake.web.app import create_app
from tests.bundles.test_bundles import export, field, fingerprint, import_, law, lawyers  # noqa: F401
from tests.conftest import csrf_token, full_record, sign_in
from tests.pdf_tools import page_images, pdf_fonts, pdf_text, without_glyph

LANGUAGES = ("en", "ar", "ckb", "ku", "tr", "syr")
GRAPHIC = "Hûrguliyên giran."
SHIPPED = {"NotoSans", "NotoSansBold", "NotoNaskhArabic", "NotoNaskhArabicBold",
           "NotoSansSyriac"}


def _archive(field, law, lawyers, tmp_path, document, purpose="trial"):  # noqa: F811
    testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    out = tmp_path / f"{purpose}.intake.age"
    export(field, [lawyers], out, purpose=purpose)
    import_(law, out, trust=fingerprint(field))
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302
    (seq,) = law.conn.execute("SELECT max(seq) FROM archive_records").fetchone()
    return client, seq


@pytest.fixture
def archived(field, law, lawyers, tmp_path):  # noqa: F811
    document = full_record()
    document["narrative"][0]["text"] += " Abu Muhannad took us."
    return (*_archive(field, law, lawyers, tmp_path, document), law)


def _print(client, seq: int, **data) -> bytes:
    url = f"/archive/records/{seq}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/statement", data={"csrf_token": token, **data})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == f'attachment; filename="statement-{seq}.pdf"'
    return response.data


def page_count(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def _printed(side) -> list[dict]:
    return [{"event": e.event, **e.detail} for e in audit.entries(side.conn)
            if e.event in ("document_printed", "restricted_viewed")]


def _plain(text: str) -> str:
    """Without combining marks (pdftotext gives Syriac's seyame after the word, apart)."""
    return re.sub(r" +", " ", "".join(c for c in text if unicodedata.category(c) != "Mn"))


def _in_order(text: str, *parts: str) -> None:
    position, text = 0, _plain(text)
    for part in map(_plain, parts):
        found = text.find(part, position)
        assert found >= 0, (part, text[position:position + 300])
        position = found + len(part)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statement_reads_in_every_language(archived, language):
    client, seq, side = archived
    data = _print(client, seq, language=language)
    text = pdf_text(data)
    assert not without_glyph(text)
    assert set(pdf_fonts(data)) <= SHIPPED
    with create_app(side.config).test_request_context(), _force(language):
        from flask_babel import gettext as _

        _in_order(text, "Legal Team", _("Witness statement"), "W-0001", _("Interview"),
                  "Khanke camp", _("Narrative"), "Di 3ê Tebaxa 2014an de em ji [place] birin.",
                  _("Incidents"), "Tal Afar", "Abu Muhannad", _("Read-back and signatures"))
        narrative = _plain(text)[_plain(text).index(_plain(_("Narrative"))):
                                 _plain(text).index(_plain(_("Incidents")))]
    # A Latin marker inside Arabic text: the page shows the line right (RTL, the marker in its
    # place), but pdftotext reorders such a line's runs on a page of the other direction, so
    # the words either side of the marker are looked for in the narrative, each in its order.
    assert "أخذونا من" in narrative and "إلى تلعفر" in narrative
    bundle = side.conn.execute("SELECT file_sha256 FROM bundles").fetchone()[0]
    assert text.count(bundle) >= page_count(data) >= 1  # the custody reference on every page
    assert GRAPHIC not in text
    assert "Nadia" not in text and "0750" not in text and "19960042" not in text
    assert _printed(side)[-1] == {"event": "document_printed", "kind": "statement",
                                 "language": language, "archive_record": str(seq),
                                 "record_id": _printed(side)[-1]["record_id"],
                                 "witness_code": "W-0001"}


def _force(language):
    from flask_babel import force_locale

    return force_locale(language)


def test_the_restricted_annex_only_when_asked_and_audited(archived):
    client, seq, side = archived
    assert GRAPHIC not in pdf_text(_print(client, seq, language="en"))
    text = pdf_text(_print(client, seq, language="en", restricted_annex="y"))
    assert "Annex: restricted narrative (graphic detail)" in text
    assert text.index(GRAPHIC) > text.index("Read-back and signatures")
    events = _printed(side)[-2:]
    assert events[0]["restricted_annex"] == "yes" and events[0]["kind"] == "statement"
    assert events[1]["event"] == "restricted_viewed" and events[1]["printed"] == "statement"


def test_no_annex_for_a_record_of_another_purpose(field, law, lawyers, tmp_path):  # noqa: F811
    client, seq = _archive(field, law, lawyers, tmp_path, full_record(), purpose="reparations")
    page = client.get(f"/archive/records/{seq}").get_data(as_text=True)
    assert 'name="restricted_annex"' not in page
    token = csrf_token(page)
    response = client.post(f"/archive/records/{seq}/statement",
                           data={"csrf_token": token, "restricted_annex": "y"})
    assert response.status_code == 302
    assert not [e for e in _printed(law) if e.get("restricted_annex")]


def test_an_international_record_prints_its_annex_too(field, law, lawyers, tmp_path):  # noqa: F811
    """UN investigative mechanisms and courts abroad are criminal proceedings as well."""
    document = full_record()
    document["consent"].update({"trial": False, "international": True})
    client, seq = _archive(field, law, lawyers, tmp_path, document, purpose="international")
    text = pdf_text(_print(client, seq, language="en", restricted_annex="y"))
    assert "Annex: restricted narrative (graphic detail)" in text and GRAPHIC in text
    assert "Nadia" not in text
    assert [e["restricted_annex"] for e in _printed(law) if e.get("restricted_annex")] == ["yes"]


def test_a_testimony_shared_only_abroad_offers_the_annex(signed_in, conn, vault, admin):
    document = full_record()
    document["consent"].update({"trial": False, "international": True})
    record = testimonies.create(conn, vault, admin, document)
    page = signed_in.get(f"/testimonies/{record.id}").get_data(as_text=True)
    assert 'name="restricted_annex"' in page
    response = signed_in.post(f"/testimonies/{record.id}/statement", data={
        "csrf_token": csrf_token(page), "language": "en", "restricted_annex": "y"})
    assert response.status_code == 200 and GRAPHIC in pdf_text(response.data)
    document["consent"]["international"] = False
    refused = testimonies.create(conn, vault, admin, document)
    page = signed_in.get(f"/testimonies/{refused.id}").get_data(as_text=True)
    assert 'name="restricted_annex"' not in page


def test_the_name_is_printed_only_with_consent_to_disclose_it(field, law, lawyers, tmp_path):  # noqa: F811
    document = full_record()
    document["consent"]["identity_to_prosecutors"] = True
    client, seq = _archive(field, law, lawyers, tmp_path, document)
    text = pdf_text(_print(client, seq, language="en"))
    assert "Nadia Xelîl" in text and "Kocho" in text
    assert "0750" not in text and "19960042" not in text


def test_a_testimony_prints_as_a_statement_for_a_supervisor(signed_in, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    page = signed_in.get(f"/testimonies/{record.id}").get_data(as_text=True)
    assert 'name="restricted_annex"' in page
    response = signed_in.post(f"/testimonies/{record.id}/statement",
                              data={"csrf_token": csrf_token(page), "language": "ku"})
    assert response.status_code == 200
    text = pdf_text(response.data)
    _in_order(text, "W-0001", "Khanke camp", "Sold twice in Raqqa.", record.id)
    assert "Nadia" not in text and GRAPHIC not in text and "Tired at the end" not in text
    assert text.count(record.id) >= page_count(response.data) >= 1


def test_the_statement_in_english_looks_right(archived, tmp_path):
    """Pages for a person to look at (written to the test's folder)."""
    client, seq, _law = archived
    pages = page_images(_print(client, seq, language="en", restricted_annex="y"), tmp_path,
                        "statement-en", resolution=60)
    assert len(pages) >= 2


def test_the_printed_statement_says_how_she_knows_and_what_he_did(field, law, lawyers, tmp_path):  # noqa: F811
    document = full_record()
    document["interview"].update(persons_present=["Layla Khalaf, interpreter"],
                                 read_back_confirmed=True, given_freely=True)
    document["interview"]["earlier_interviews"][0].update(kind="gdsa", copy_available=True)
    document["incidents"][0].update(witnessed="heard", heard_from="her cousin")
    document["incidents"][0]["perpetrators"][0]["roles"] = ["bought", "guarded"]
    client, seq = _archive(field, law, lawyers, tmp_path, document)
    text = " ".join(pdf_text(_print(client, seq, language="en")).split())
    _in_order(text, "Who else was present", "Layla Khalaf, interpreter",
              "Read back and confirmed", "Yes", "Given freely", "Yes",
              "Earlier interviews by other organisations", "Yazda",
              "The General Directorate for Survivors' Affairs (GDSA), a copy is available",
              "How does she know of it?", "The survivor heard of it",
              "Heard it from", "her cousin",
              "Abu Muhannad (al-Ansari); What he did in this incident: Bought, Guarded; "
              "What he did, in her words: buyer")
