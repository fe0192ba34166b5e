"""An A4 document written in memory (``Paper``): headings, paragraphs, label-and-value rows,
tables, tick boxes and signature boxes, in one language's direction, with the organisation's name
at the top of every page and the page number (and, for a statement, the custody reference) at
the foot. fpdf2 writes the PDF; HarfBuzz (uharfbuzz) shapes Arabic, Sorani and Syriac, and fpdf2
applies the Unicode bidirectional algorithm (UAX #9), so a Latin name inside an Arabic line keeps
its order. A character the language's own face lacks is drawn from the other shipped faces
(printing/fonts.py). Nothing is written to disk: ``Paper.bytes`` is the whole file."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from intake.printing import fonts

# fpdf2 reports a character no face has on this logger; the tests check every character has one.
logging.getLogger("fpdf").setLevel(logging.ERROR)

RIGHT_TO_LEFT = frozenset({"ar", "ckb", "syr"})
_BODY = 10.5
_LINE = 5.6  # mm per line of body text
_GREY = (90, 90, 90)
# fpdf2's markdown, with markers no typed text holds (private-use characters, removed from the
# text first), so that a survivor's "**", "--", backslash or "[text](link)" prints as typed.
_BOLD, _ITALICS, _STRIKE, _UNDERLINE, _ESCAPE = "\ue000\ue000", "\ue001\ue001", "\ue002\ue002", \
    "\ue003\ue003", "\ue004"
_PRIVATE = re.compile("[\ue000-\ue004]")


def _starts_right_to_left(text: str) -> bool | None:
    """Whether the first strong character of ``text`` is right-to-left (None: it has none)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return None


class Paper(FPDF):
    """One document in ``language``. ``header_text`` heads every page; ``footer_text`` (such as a
    custody reference) sits above the page number ("2 / 5": digits read alike in every language)."""

    MARKDOWN_BOLD_MARKER, MARKDOWN_ITALICS_MARKER = _BOLD, _ITALICS
    MARKDOWN_STRIKETHROUGH_MARKER, MARKDOWN_UNDERLINE_MARKER = _STRIKE, _UNDERLINE
    MARKDOWN_MARKERS = (_BOLD, _ITALICS, _STRIKE, _UNDERLINE)
    MARKDOWN_ESCAPE_CHARACTER = _ESCAPE
    MARKDOWN_LINK_REGEX = re.compile(r"(?!)")  # matches nothing

    def __init__(self, *, language: str, title: str, header_text: str = "", footer_text: str = ""):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_text = footer_text
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=24)
        self.set_title(title)
        self.set_lang(language)
        self.set_creator("Testimony Intake")
        for face in fonts.FACES:
            self.add_font(face.family, "", str(fonts.FOLDER / face.regular))
            self.add_font(face.family, "B", str(fonts.FOLDER / face.bold))
        self.switch_language(language)
        self.add_page()

    def switch_language(self, language: str) -> None:
        """Write what follows in ``language``: its face, fallbacks and direction (a section in
        another language than the document's, such as an application summary in Arabic)."""
        self.language = language
        self.right_to_left = language.split("-")[0] in RIGHT_TO_LEFT
        self.set_text_shaping(use_shaping_engine=True,
                              direction="rtl" if self.right_to_left else "ltr")
        self.set_fallback_fonts(fonts.fallbacks(language), exact_match=False)
        self._font(_BODY)

    # The parts of a document

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 16, 2: 13, 3: 11.5}[level]
        if self.will_page_break(size * 0.5 + 25):  # a heading stays with what it heads
            self.add_page()
        self.ln(3 if level > 1 else 0)
        self._font(size, bold=True)
        self._lines(text, size * 0.5)
        self._font(_BODY)
        self.ln(1.5)

    def paragraph(self, text: str, *, bold: bool = False, small: bool = False,
                  marked: re.Pattern[str] | None = None, own_direction: bool = False) -> None:
        """A paragraph; the parts of it that ``marked`` matches (such as redaction markers) are
        drawn bold and underlined. With ``own_direction`` (free text in any script) it runs in
        the direction of its first strong character, as HTML's dir="auto" does."""
        if own_direction and (rtl := _starts_right_to_left(text)) is not None \
                and rtl != self.right_to_left:
            self._set_direction(rtl)
            try:
                self.paragraph(text, bold=bold, small=small, marked=marked)
            finally:
                self._set_direction(not rtl)
            return
        size = 9 if small else _BODY
        self._font(size, bold=bold)
        text = _PRIVATE.sub("", text)
        if marked is None:
            self._lines(text, _LINE * size / _BODY)
        else:
            shown = marked.sub(lambda m: f"{_UNDERLINE}{_BOLD}{m.group()}{_BOLD}{_UNDERLINE}",
                               text)
            self.set_x(self.l_margin)
            self.multi_cell(0, _LINE * size / _BODY, shown, align=self._align, markdown=True,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._font(_BODY)
        self.ln(1)

    def field(self, label: str, value: str, *, label_width: float = 55) -> None:
        """A label and its value side by side (the label on the reading side), kept on one page
        unless the value alone is longer than a page."""
        width = self.epw - label_width
        value = value or "—"
        self._font(_BODY, bold=True)
        label_height = self._height(label_width, label)
        self._font(_BODY)
        value_height = self._height(width, value)
        height = max(label_height, value_height)
        if height < self.eph / 2 and self.will_page_break(height):
            self.add_page()
        top = self.get_y()
        label_x = self.r_margin_x - label_width if self.right_to_left else self.l_margin
        value_x = self.l_margin if self.right_to_left else self.l_margin + label_width
        self._font(_BODY, bold=True)
        self.set_xy(label_x, top)
        self.multi_cell(label_width, _LINE, label, align=self._align, new_x=XPos.LEFT,
                        new_y=YPos.NEXT)
        self._font(_BODY)
        self.set_xy(value_x, top)
        self.multi_cell(width, _LINE, value, align=self._align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if self.page_no() == 1 or self.get_y() > top:  # the value did not run onto a new page
            self.set_y(max(self.get_y(), top + label_height))
        self.set_x(self.l_margin)
        self.ln(0.8)

    def grid(self, headers: Sequence[str], rows: Iterable[Sequence[str]],
             widths: Sequence[float] | None = None) -> None:
        """A table with a header row, its first column on the reading side."""
        share = list(widths or [1] * len(headers))
        order = (lambda cells: list(reversed(cells))) if self.right_to_left else list
        self._font(9.5)
        with self.table(col_widths=order(share), text_align=self._align.replace("R", "RIGHT")
                        .replace("L", "LEFT"), line_height=_LINE, padding=1.2,
                        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))) as table:
            for cells in [list(headers), *(list(row) for row in rows)]:
                line = table.row()
                for cell in order(cells):
                    line.cell(cell or "—")
        self._font(_BODY)
        self.ln(2)

    def tick(self, label: str, checked: bool | None) -> None:
        """A box, ticked (True), crossed (False) or left empty for a pen (None), and its label."""
        size, gap = 3.6, 2.5
        top = self.get_y() + 1
        box_x = self.r_margin_x - size if self.right_to_left else self.l_margin
        self._box(box_x, top, size, checked)
        text_x = self.l_margin if self.right_to_left else self.l_margin + size + gap
        self.set_xy(text_x, self.get_y())
        self.multi_cell(self.epw - size - gap, _LINE, label, align=self._align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.6)

    def signature_box(self, label: str, height: float = 24) -> None:
        """A framed space to sign or press a thumbprint in, its label above it."""
        if self.will_page_break(height + _LINE * 2):
            self.add_page()
        self._font(9.5, bold=True)
        self._lines(label, _LINE)
        self.set_draw_color(0)
        self.rect(self.l_margin, self.get_y(), self.epw, height)
        self.ln(height + 3)
        self._font(_BODY)

    def rule(self) -> None:
        self.set_draw_color(*_GREY)
        self.line(self.l_margin, self.get_y() + 1, self.r_margin_x, self.get_y() + 1)
        self.ln(3)

    def new_page(self) -> None:
        self.add_page()

    @property
    def bytes(self) -> bytes:
        return bytes(self.output())

    # fpdf2's hooks

    def header(self) -> None:
        if not self.header_text:
            return
        self._font(8.5)
        self.set_text_color(*_GREY)
        self.set_y(8)
        self.multi_cell(0, 4.5, self.header_text, align=self._align, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_y(max(self.get_y() + 2, self.t_margin))
        self._font(_BODY)

    def footer(self) -> None:
        self.set_y(-20)
        self._font(7.5)
        self.set_text_color(*_GREY)
        if self.footer_text:
            self.multi_cell(0, 3.6, self.footer_text, align=self._align, new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)
        label = f"{self.page_no()} / {self.str_alias_nb_pages}"
        # Digits need no shaping, and fpdf2 fills in the page count only in unshaped text.
        self.set_text_shaping(False)
        self.font_family = ""  # see _font
        self.set_font("sans", "", 7.5)
        self.multi_cell(0, 4, label, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_shaping(use_shaping_engine=True,
                              direction="rtl" if self.right_to_left else "ltr")
        self.set_text_color(0)

    # Inside

    def _set_direction(self, right_to_left: bool) -> None:
        self.right_to_left = right_to_left
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if right_to_left else "ltr")

    @property
    def r_margin_x(self) -> float:
        return self.w - self.r_margin

    @property
    def _align(self) -> str:
        return "R" if self.right_to_left else "L"

    def _font(self, size: float, *, bold: bool = False) -> None:
        # Selected afresh every time: after a run drawn in a fallback face fpdf2 (2.8.9) takes
        # that face for the current one while its name says otherwise, and would skip the change,
        # drawing the next paragraph's glyphs in the wrong face.
        self.font_family = ""
        self.set_font(fonts.main_face(self.language), "B" if bold else "", size)

    def _lines(self, text: str, height: float) -> None:
        self.set_x(self.l_margin)
        self.multi_cell(0, height, text, align=self._align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _height(self, width: float, text: str) -> float:
        """How tall ``text`` is in a column ``width`` wide, in the current font."""
        height = self.multi_cell(width, _LINE, text, dry_run=True, output="HEIGHT")
        assert isinstance(height, float)  # noqa: S101 (output="HEIGHT" returns the height alone)
        return height

    def _box(self, x: float, y: float, size: float, checked: bool | None) -> None:
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.rect(x, y, size, size)
        if checked is True:  # a tick
            self.line(x + size * 0.18, y + size * 0.55, x + size * 0.42, y + size * 0.8)
            self.line(x + size * 0.42, y + size * 0.8, x + size * 0.85, y + size * 0.2)
        elif checked is False:  # a cross
            self.line(x + size * 0.2, y + size * 0.2, x + size * 0.8, y + size * 0.8)
            self.line(x + size * 0.8, y + size * 0.2, x + size * 0.2, y + size * 0.8)
        self.set_line_width(0.2)
