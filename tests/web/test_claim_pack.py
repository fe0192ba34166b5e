"""The claim pack in each of the six languages, read back with poppler's pdftotext as a person's
tools would: the organisation, the names, the dates in words, the legal basis and each attached
file's SHA-256 are there, in reading order; every character has a glyph in a shipped face; the
summary is Arabic whatever the language; and neither the narrative nor the restricted narrative
is in it. Pages of the Arabic pack are written as PNGs for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import gettext as _

from intake.archive.reparations import Claim
from intake.bundles.profiles import profile
from intake.records import claims
from intake.records.attachments import Attachment
from intake.web import claim_pack, labels
from intake.web.dates import in_words
from intake.web.documents import in_language
from intake.web.i18n import LANGUAGES
from tests.conftest import full_record
from tests.pdf_tools import page_images, pdf_text, reads, segments, without_glyph

ORGANISATION = "مؤسسة جيان"
EXTRACT = "أخذونا من كوجو إلى تلعفر، ثم بيعت في الرقة. Bi Abu Muhannad."


def _claim() -> Claim:
    record = full_record()
    record["survivor"]["current_location"] = "Sharya camp"
    record["ysl"] = {**record["ysl"], "age_at_abduction": 17, "extract": EXTRACT,
                     "investigation": {"office": "محكمة تحقيق سنجار", "file_number": "118/2019",
                                       "date": "2019-04-02"},
                     "application": {"number": "GDSA-0031", "status": "prepared"}}
    record["relatives"].append({"name": "Xidir Xelîl", "relation": "father", "status": "killed"})
    record["consent"]["history"] = [{"purpose": "reparations", "value": True,
                                     "at": "2024-03-12T09:00:00+00:00", "method": "written"}]
    document, _report = profile("reparations").apply(record)
    files = [Attachment("1" * 32, "id_document", 48213, "2024-03-12", "0a" * 32, "id.jpg",
                        "image/jpeg"),
             Attachment("2" * 32, "investigation_papers", 120044, "2024-03-12", "b7" * 32,
                        "file.pdf", "application/pdf")]
    return Claim("testimony", "x" * 32, "W-0042", "Field Org", "complete", document, files,
                 claims.assess(document, files))


def _squeezed(text: str) -> str:
    """Letters and digits alone: where a line changes direction pdftotext drops or keeps a space
    (between "3" and "أغسطس") or moves a bracket past a digit ("المادة ( 2أولاً)" for "المادة 2
    (أولاً)"), which the page, looked at, does not do (test_the_arabic_pack_as_pages_to_look_at)."""
    return re.sub(r"[\W_]+", "", text)


def _has_date(text: str, words: str) -> bool:
    """``words`` (a date in words) in ``text``: its month's name, with its day and year beside
    it. In a right-to-left line pdftotext gives digit runs in the order they are drawn, so
    "12 مارس 2024" may come back as "2024 مارس12"; the page itself reads right."""
    if _squeezed(words) in text:
        return True
    month = max(re.split(r"[\W\d_]+", words), key=len)
    numbers = re.findall(r"\d+", words)
    for found in re.finditer(re.escape(month), text):
        around = text[max(found.start() - 12, 0):found.end() + 12]
        if all(n in around for n in numbers):
            return True
    return False


def _in_order(text: str, *parts: str) -> None:
    at = -1
    for part in parts:
        # Where a vowel mark may split a line, the longest stretch between marked words.
        found = text.find(max(segments(part), key=len), at + 1)
        assert found > at, (part, text)
        at = found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_claim_pack_reads_back_in_every_language(app, language):
    claim = _claim()
    with in_language(language, app):
        data = claim_pack.build(claim, language=language, organisation=ORGANISATION)
        expected_heading = _("Documents checklist")
        annex = _("Annex: attached files")
        civil_id = str(labels.CLAIM_DOCUMENTS["civil_id"])
        consent_day = in_words("2024-03-12")
    with in_language("ar", app):
        full_name_label = _("Full name")
        abducted = in_words("2014-08-03")
        basis = str(labels.PROVISIONS["ysl_2_1"])
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert without_glyph(text) == set(), language
    squeezed = _squeezed(text)
    for expected in (ORGANISATION, "Nadia Xelîl", "ناديه خليل", "W-0042", "GDSA-0031",
                     "118/2019", "محكمة تحقيق سنجار", "Elias Xelîl", "Xidir Xelîl", "Sharya camp",
                     "0750 123 4567", full_name_label, basis, civil_id, "0a" * 32, "b7" * 32):
        assert reads(text, expected), (language, expected)
    for date in (abducted, consent_day):
        assert _has_date(squeezed, date), (language, date)
    # The cover letter, then the Arabic summary, then the checklist, the extract and the annex.
    _in_order(squeezed, "GDSA-0031", full_name_label, "Xidir Xelîl", expected_heading,
              "أخذونا من كوجو", annex, "0a" * 32, "b7" * 32)
    # The extract as the reparations profile leaves it: the perpetrator's name scrubbed.
    assert "Abu Muhannad" not in text and "[name]" in text
    for narrative in ("Koço birin", "كوجو إلى تلعفر\n", "Hûrguliyên giran", "Sold twice in Raqqa"):
        assert narrative not in text, (language, narrative)


def test_a_contradiction_is_printed_as_a_point_to_check(app):
    claim = _claim()
    claim.document["survivor"]["sex"] = "male"
    claim.assessment = claims.assess(claim.document, claim.files)
    with in_language("en", app):
        text = pdf_text(claim_pack.build(claim, language="en", organisation="Org"))
    assert "Points to check before submitting" in text
    assert "but the survivor is not recorded as female" in text


def test_a_claim_without_files_or_extract_says_so(app):
    claim = _claim()
    claim.document["ysl"]["extract"] = ""
    claim.files = []
    claim.assessment = claims.assess(claim.document, [])
    with in_language("en", app):
        text = pdf_text(claim_pack.build(claim, language="en", organisation="Org"))
    assert "No file is attached." in text and "No extract was written" in text
    assert "Civil ID: missing" in text


def test_the_arabic_pack_as_pages_to_look_at(app, tmp_path):
    with in_language("ar", app):
        data = claim_pack.build(_claim(), language="ar", organisation=ORGANISATION)
    pages = page_images(data, tmp_path, "claim-ar", resolution=60)
    assert len(pages) >= 3 and all(Path(p).stat().st_size > 1000 for p in pages)
