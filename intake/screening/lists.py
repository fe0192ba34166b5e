"""Reading a list to screen (an amnesty or release list, a prison's or a court's): the rows
and the problems of the rows that could not be read, by their number.

A list is a CSV file with a header (RFC 4180 quoting; comma, semicolon or tab, whichever the
header is written with) whose ``name`` column is required, or plain text with one name per
line (a file, or text pasted into the page). Bytes are decoded by intake/textfiles.py: UTF-8,
UTF-8 with a byte-order mark, or UTF-16 with one (what Excel's "Unicode text" writes). The
optional columns are :data:`COLUMNS`; other columns are ignored, and the headers may also be
written in Arabic (:data:`_ARABIC_HEADERS`), as lists from Iraqi offices are.

A row is known by its line number in the file, the number a spreadsheet shows (the header is
row 1). A row that cannot be read (a quote never closed, more cells than the header, no name, a
cell too long) is reported by that number and left out; a birth year that is not a year is
reported and dropped, and the row is still screened. Blank lines are skipped. Nothing is
written anywhere: the list is read from memory into memory.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field

from intake.records.folding import fold
from intake.textfiles import decode_text

COLUMNS = ("id", "name", "father", "grandfather", "tribe", "mother", "kunya", "birth_year",
           "case", "prison", "notes")
MAX_ROWS = 100_000
MAX_CELL = 1_000  # characters; a name or a note longer than this is not one
PROBLEMS = ("unclosed_quote", "extra_cells", "no_name", "too_long", "bad_birth_year")
_DELIMITERS = (",", ";", "\t")
_QUOTED_LINES = 50  # a quoted cell (a note) may span this many lines before it is refused

# Headers as Iraqi lists write them, folded like the English ones (:func:`_header`).
_ARABIC_HEADERS = {
    "الاسم": "name", "الاسم الكامل": "name", "اسم": "name", "اسم الاب": "father",
    "اسم الجد": "grandfather", "اللقب": "tribe", "العشيره": "tribe", "القبيله": "tribe",
    "اسم الام": "mother", "الكنيه": "kunya", "سنه الولاده": "birth_year", "المواليد": "birth_year",
    "التولد": "birth_year", "رقم الدعوى": "case", "الدعوى": "case", "القضيه": "case",
    "السجن": "prison", "ملاحظات": "notes", "الملاحظات": "notes", "ت": "id", "التسلسل": "id",
}
# Marks that Arabic spreadsheets carry and that are not part of a name: bidi controls, zero
# widths, the byte-order mark inside a file.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
                                    "\u202e\u2066\u2067\u2068\u2069\ufeff"))
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class ListError(Exception):
    """The list as a whole cannot be read: ``code`` says why (:data:`LIST_ERRORS`), the
    message says it in English."""

    def __init__(self, code: str):
        super().__init__(LIST_ERRORS[code])
        self.code = code


LIST_ERRORS = {
    "encoding": "not UTF-8 or UTF-16 text: save the list as CSV UTF-8",
    "binary": "not a text file",
    "empty": "the list is empty",
    "no_rows": "the list has a header but no rows",
    "too_many_rows": f"more than {MAX_ROWS:,} rows: split the list",
    "nothing_given": "choose a file or paste the names",
}


@dataclass(frozen=True)
class ListedPerson:
    """One row of the list, as given; empty strings where the list says nothing."""

    row: int
    name: str
    id: str = ""
    father: str = ""
    grandfather: str = ""
    tribe: str = ""
    mother: str = ""
    kunya: str = ""
    birth_year: int | None = None
    case: str = ""
    prison: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RowProblem:
    """A row reported by its number; ``skipped`` when it is not screened at all. ``problem``
    is a code: unclosed_quote, extra_cells, no_name, too_long, bad_birth_year."""

    row: int
    problem: str
    skipped: bool = True


@dataclass
class ReadList:
    rows: list[ListedPerson] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: tuple[str, ...] = ("name",)  # the known columns the list has


def read_list(data: bytes) -> ReadList:
    """The rows of a list file (module docstring). Raises :class:`ListError`."""
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise ListError("encoding") from exc
    if "\x00" in text:
        raise ListError("binary")
    return read_text(text)


def read_text(text: str) -> ReadList:
    """The rows of a list given as text: CSV with a ``name`` header, or one name per line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((n for n, line in enumerate(lines) if _clean(line)), None)
    if first is None:
        raise ListError("empty")
    header = _find_header(lines[first])
    read = _read_csv(lines, first, *header) if header else _read_lines(lines)
    if not read.rows and not read.problems:
        raise ListError("no_rows")
    return read


def _clean(cell: str) -> str:
    return " ".join(unicodedata.normalize("NFC", cell.translate(_INVISIBLE)).split())


def _header(cell: str) -> str:
    """A header cell's column, if it names one: case, spaces, dashes and Arabic spelling
    variants aside."""
    plain = re.sub(r"[\s\-]+", "_", _clean(cell).lower()).strip("_")
    if plain in COLUMNS:
        return plain
    if plain in ("full_name", "fullname"):
        return "name"
    if plain in ("birthyear", "year_of_birth", "born"):
        return "birth_year"
    return _ARABIC_HEADERS.get(" ".join(fold(_clean(cell)).split()), "")


def _find_header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and the columns of a header line that has a ``name`` column, if it is
    one; with several delimiters that would, the one that gives the most cells."""
    found = []
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([line], delimiter=delimiter))
        columns = [_header(cell) for cell in cells]
        if "name" in columns:
            found.append((len(cells), delimiter, columns))
    if not found:
        return None
    _cells, delimiter, columns = max(found)
    return delimiter, columns


def _read_csv(lines: list[str], first: int, delimiter: str, columns: list[str]) -> ReadList:
    read = ReadList(columns=tuple(c for c in COLUMNS if c in columns))
    index = first + 1
    while index < len(lines):
        number = index + 1
        if not _clean(lines[index]):
            index += 1
            continue
        cells, used = _record(lines, index, delimiter)
        if cells is not None and used > 1 and any(
                "\n" in cell for column, cell in zip(columns, cells, strict=False)
                if column != "notes"):
            cells, used = None, 1  # a stray quote swallowed the next lines into a name
        index += used
        if cells is None:
            read.problems.append(RowProblem(number, "unclosed_quote"))
            continue
        if len(cells) > len(columns) and any(_clean(c) for c in cells[len(columns):]):
            read.problems.append(RowProblem(number, "extra_cells"))
            continue
        given = {}
        for column, cell in zip(columns, cells, strict=False):
            if column and column not in given:
                given[column] = cell if column == "notes" else _clean(cell)
        _add(read, number, given)
    return read


def _record(lines: list[str], index: int, delimiter: str) -> tuple[list[str] | None, int]:
    """The cells of the record starting at line ``index`` and how many lines it took: a quoted
    cell may hold line breaks (a note), up to :data:`_QUOTED_LINES` lines; a quote that is not
    closed by then gives None for one line, and reading goes on from the next."""
    for used in range(1, min(_QUOTED_LINES, len(lines) - index) + 1):
        chunk = "\n".join(lines[index:index + used])
        try:
            rows = list(csv.reader([chunk + "\n"] if used == 1 else chunk.splitlines(keepends=True),
                                   delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        if len(rows) == 1:
            return rows[0], used
    return None, 1


def _read_lines(lines: list[str]) -> ReadList:
    read = ReadList()
    for index, line in enumerate(lines):
        if _clean(line):
            _add(read, index + 1, {"name": _clean(line)})
    return read


def _add(read: ReadList, number: int, given: dict[str, str]) -> None:
    if len(read.rows) >= MAX_ROWS:
        raise ListError("too_many_rows")
    if any(len(value) > MAX_CELL for value in given.values()):
        read.problems.append(RowProblem(number, "too_long"))
        return
    if not given.get("name"):
        read.problems.append(RowProblem(number, "no_name"))
        return
    year = None
    if written := given.pop("birth_year", ""):
        digits = written.translate(_EASTERN_DIGITS)
        if _YEAR.match(digits):
            year = int(digits)
        else:
            read.problems.append(RowProblem(number, "bad_birth_year", skipped=False))
    read.rows.append(ListedPerson(number, birth_year=year, **given))
