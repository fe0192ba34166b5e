"""The fonts every printed document and web page uses, shipped in ``intake/static/fonts`` with
their licence (SIL Open Font License 1.1, ``OFL.txt``): Noto Sans for Latin scripts (English,
Kurmanji, Turkish), Noto Naskh Arabic for Arabic and Sorani, Noto Sans Syriac for Syriac. Nothing
is fetched and no system font is used, so a document looks the same on every laptop."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FOLDER = Path(__file__).resolve().parent.parent / "static" / "fonts"


@dataclass(frozen=True)
class Face:
    family: str  # the name documents use for it
    regular: str  # file names in FOLDER
    bold: str


FACES = (
    Face("sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    Face("naskh", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    # Noto Sans Syriac has no bold; a bold Syriac line is drawn in the regular weight.
    Face("syriac", "NotoSansSyriac-Regular.ttf", "NotoSansSyriac-Regular.ttf"),
)
# The face a language's own text is written in; the others are its fallbacks, in this order.
MAIN_FACE = {"ar": "naskh", "ckb": "naskh", "syr": "syriac"}


def main_face(language: str) -> str:
    return MAIN_FACE.get(language, "sans")


def fallbacks(language: str) -> list[str]:
    """The faces a character missing from the main face is looked for in, in order."""
    main = main_face(language)
    return [face.family for face in FACES if face.family != main]


@cache
def characters(family: str) -> frozenset[int]:
    """The code points a face's regular weight has a glyph for."""
    face = next(face for face in FACES if face.family == family)
    with TTFont(FOLDER / face.regular, lazy=True) as font:
        return frozenset(font.getBestCmap())
