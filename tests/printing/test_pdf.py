"""The paper every document is printed on (printing/pdf.py), read back with poppler: each
language's text comes out whole and in reading order, drawn only with the shipped fonts, every
character with a glyph; right-to-left pages put the reading side on the right; page numbers
count the pages."""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.printing import fonts
from intake.printing.pdf import Paper
from tests.pdf_tools import page_images, pdf_fonts, pdf_text, plain, reads, without_glyph

SAMPLES = {
    "en": "The survivor agreed on 1 December 2026, verbally.",
    "ar": "وافقت الناجية شفهياً في 1 كانون الأول 2026.",
    "ckb": "ڕزگاربوو لە ١ی کانوونی یەکەمی ٢٠٢٦ بە زارەکی ڕازی بوو.",
    "ku": "Rizgarbûyê di 1ê Kanûna Pêşîn a 2026an de bi devkî qebûl kir.",
    "tr": "Hayatta kalan kişi 1 Aralık 2026'da sözlü olarak onay verdi.",
    "syr": "ܫܠܡܐ ܥܠܘܟܘܢ ܣܗܕܘܬܐ ܕܦܪܘܩܐ 2026",
}


HEADERS = {"ar": "منظمة المثال", "ckb": "ڕێکخراوی نموونە", "syr": "ܟܢܘܫܬܐ"}
SHIPPED = {"NotoSans", "NotoSans-Bold", "NotoSansBold", "NotoNaskhArabic", "NotoNaskhArabic-Bold",
           "NotoNaskhArabicBold", "NotoSansSyriac"}


def paper(language: str, **options) -> Paper:
    return Paper(language=language, title="Test",
                 header_text=HEADERS.get(language, "Example organisation"), **options)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_each_language_comes_back_whole_in_reading_order(language):
    sample = SAMPLES[language]
    document = paper(language)
    document.heading(sample)
    document.paragraph(sample)
    document.field(sample, "W-0042")
    document.grid(["#", sample], [["1", sample]])
    document.tick(sample, True)
    text = pdf_text(document.bytes)
    assert plain(text).count(plain(sample)) >= 4 or reads(text, sample), text
    assert without_glyph(text) == set()
    assert set(pdf_fonts(document.bytes)) <= SHIPPED


def test_a_latin_name_inside_an_arabic_line_keeps_its_order():
    line = "قال الشاهد إن Ebû Xalid (W-0042) كان هناك"
    document = paper("ar")
    document.paragraph(line)
    assert reads(pdf_text(document.bytes), line)


def test_the_fonts_of_a_language_are_its_own_face_first():
    assert fonts.main_face("ar") == "naskh" and fonts.main_face("syr") == "syriac"
    assert fonts.main_face("ku") == "sans" and "sans" in fonts.fallbacks("syr")
    assert ord("ܫ") in fonts.characters("syriac") and ord("ە") in fonts.characters("naskh")


def test_a_character_no_face_has_is_found():
    assert without_glyph("a ☐ ب") == {"☐"}


@pytest.mark.parametrize("language", ["en", "ar", "syr"])
def test_every_page_carries_its_number_of_the_whole_and_the_footer(language):
    document = paper(language, footer_text="Bundle B-1 SHA-256 0f1e")
    for number in range(90):
        document.field(f"Row {number}", SAMPLES[language])
    data = document.bytes
    pages = document.pages_count
    assert pages >= 2
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
                              input=data, capture_output=True, check=True).stdout.decode()
        assert f"{page}/{pages}" in text.replace(" ", "").replace("\u202a", "").replace(
            "\u202c", "")
        assert "SHA-256 0f1e" in text


def _ink_columns(png) -> tuple[int, int]:
    """The leftmost and rightmost column with dark pixels in the page's body."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        body = grey.crop((0, int(height * 0.04), width, int(height * 0.12)))
        columns = [x for x in range(body.width)
                   if min(body.getpixel((x, y)) for y in range(0, body.height, 2)) < 128]
    return columns[0], columns[-1]


def test_a_short_right_to_left_line_starts_at_the_right_margin(tmp_path):
    for language, expect_right in (("ar", True), ("en", False)):
        document = paper(language)
        document.paragraph("كلمة" if language == "ar" else "Word")
        [png] = page_images(document.bytes, tmp_path, language)
        left, right = _ink_columns(png)
        width = 595 * 70 // 72
        assert (width - right < left) is expect_right, (language, left, right)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.sampled_from(sorted(SAMPLES.values())), min_size=1, max_size=4),
       st.sampled_from(sorted(SAMPLES)))
def test_any_mix_of_scripts_prints_without_losing_a_word(parts, language):
    document = paper(language)
    document.paragraph(" ".join(parts))
    text = plain(pdf_text(document.bytes))
    for part in parts:  # each run of letters and of digits (pdftotext may part the two)
        for run in re.findall(r"[^\W\d_]+|\d+", part):
            assert plain(run) in text, (run, text)


@pytest.mark.parametrize("language", ["ar", "syr", "en"])
def test_a_paragraph_after_one_in_a_fallback_face_keeps_its_own_face(language, tmp_path):
    """A Latin name alone in an Arabic or Syriac document is drawn in a fallback face; the next
    paragraph must go back to the document's face (fpdf2 2.8.9 skipped that change, and poppler
    found text with no font: "No font in show")."""
    sample = SAMPLES[language]
    document = Paper(language=language, title="Test")  # no header: the name is the first text
    for text in ("Nadia Xelîl", sample, "ناديه خليل", sample, "ܢܕܝܐ", sample):
        document.paragraph(text)
    data = document.bytes
    drawn = subprocess.run(["pdftoppm", "-r", "20", "-png", "-", str(tmp_path / "page")],
                           input=data, capture_output=True, check=True)
    assert b"Syntax Error" not in drawn.stderr, drawn.stderr
    text = pdf_text(data)
    assert plain(text).count(plain(sample)) == 3 or reads(text, sample)
    for name in ("Nadia Xelîl", "ناديه خليل", "ܢܕܝܐ"):
        assert reads(text, name), (name, text)


def test_every_translation_can_be_printed():
    """Each catalogue's every string has a glyph in a shipped face, so no document in any
    language shows an empty box."""
    import polib

    from intake.resources import translations_folder

    for catalogue in sorted(translations_folder().glob("*/LC_MESSAGES/messages.po")):
        missing = set()
        for entry in polib.pofile(str(catalogue)):
            missing |= without_glyph(entry.msgstr + "".join(entry.msgstr_plural.values()))
        assert missing == set(), (catalogue.parent.parent.name, missing)
