"""Reading a printed document back as a person's tools would: its text by poppler's pdftotext
(in logical order, the bidi marks pdftotext adds removed), its fonts by pdffonts, and a check,
with fontTools, that each character of a text has a glyph in one of the shipped faces.

pdftotext rebuilds reading order from where each glyph sits, and some of what it gives back is
its own: the bidi marks it adds, brackets it does not mirror in a right-to-left line, spaces and
full stops it drops or moves where a line changes direction. So texts are compared ``plain``:
letters and digits only, in order. And where an Arabic vowel mark (tashkeel) sits above a word,
pdftotext reads the mark as a line of its own and the line splits there: ``reads`` then asks for
each part between such words, each in order, and the marked word itself.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from intake.printing import fonts

_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Arabic tashkeel, Syriac vowels and points, and the combining marks Syriac uses (seyame ̈).
_VOWEL_MARKS = re.compile("[\u064b-\u065f\u0670\u0730-\u074a\u0300-\u036f]")
_NOT_COMPARED = re.compile(r"[\W_]", re.UNICODE)


def plain(text: str) -> str:
    """``text`` as it is compared: its letters and digits, in order, without vowel marks."""
    return _NOT_COMPARED.sub("", _VOWEL_MARKS.sub("", text))


def segments(expected: str) -> list[str]:
    """``expected`` cut where pdftotext may split it: the runs of words between words that carry
    a vowel mark, and those words, each ``plain``."""
    parts, current = [], []
    for word in expected.split():
        if _VOWEL_MARKS.search(word):
            parts += [" ".join(current), word]
            current = []
        else:
            current.append(word)
    parts.append(" ".join(current))
    return [plain(part) for part in parts if plain(part)]


def reads(document_text: str, expected: str) -> bool:
    """Whether ``expected`` is in the document's text in reading order (see above)."""
    found = plain(document_text)
    return all(part in found for part in segments(expected))


def pdf_text(data: bytes) -> str:
    """The document's text, pages in order, each line's words in logical (reading) order, and
    runs of white space made one space."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                            capture_output=True, check=True)
    return re.sub(r"\s+", " ", _BIDI_MARKS.sub("", result.stdout.decode("utf-8")))


def pdf_fonts(data: bytes) -> list[str]:
    """The embedded fonts' names, without their subset prefix."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        lines = subprocess.run(["pdffonts", file.name], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
    return sorted({line.split()[0].split("+")[-1] for line in lines if line.strip()})


def without_glyph(text: str) -> set[str]:
    """The characters of ``text`` no shipped face can draw (white space and marks aside)."""
    covered = set().union(*(fonts.characters(face.family) for face in fonts.FACES))
    return {c for c in text if not c.isspace() and not _BIDI_MARKS.match(c) and ord(c) not in covered}


def page_images(data: bytes, folder: Path, stem: str, resolution: int = 70) -> list[Path]:
    """Each page as a PNG (pdftoppm), for a person to look at; a fault poppler meets drawing them
    fails the test."""
    source = folder / f"{stem}.pdf"
    source.write_bytes(data)
    drawn = subprocess.run(["pdftoppm", "-r", str(resolution), "-png", str(source),
                            str(folder / stem)], check=True, capture_output=True)
    # poppler draws on past a fault ("No font in show") and only says so here.
    assert b"Error" not in drawn.stderr, drawn.stderr.decode(errors="replace")
    source.unlink()
    return sorted(folder.glob(f"{stem}*.png"))
