"""Reading lists to screen: formats, encodings, delimiters and malformed rows reported by number."""

import codecs
import csv
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.screening.lists import MAX_ROWS, ListError, _header, read_list, read_text

NAME_LETTERS = st.characters(codec="utf-8", categories=("L", "M", "Zs", "Nd"),
                             exclude_characters="\u200f\u200e")
NAMES = st.text(NAME_LETTERS, min_size=1, max_size=40).filter(lambda t: t.split() and not _header(t))


def cleaned(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16")  # Python's utf-16 writes a byte-order mark


def _csv(rows, delimiter, header=("name", "father", "notes")):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@given(st.lists(st.tuples(NAMES, NAMES, st.text(max_size=30).filter(lambda t: "\x00" not in t)),
                min_size=1, max_size=20),
       st.sampled_from((",", ";", "\t")), st.sampled_from(ENCODINGS))
def test_every_row_of_a_csv_comes_back_in_its_row(rows, delimiter, encoding):
    read = read_list(_csv(rows, delimiter).encode(encoding))
    assert [r.name for r in read.rows] == [cleaned(n) for n, _f, _n in rows]
    assert [r.father for r in read.rows] == [cleaned(f) for _n, f, _no in rows]
    assert read.problems == []
    assert read.columns == ("name", "father", "notes")


@given(st.lists(NAMES, min_size=1, max_size=30), st.sampled_from(ENCODINGS))
def test_plain_text_is_one_name_a_line(names, encoding):
    text = "\n".join(names)
    read = read_list(text.encode(encoding))
    assert [r.name for r in read.rows] == [cleaned(n) for n in names]
    assert [r.row for r in read.rows] == [n + 1 for n in range(len(names))]


@given(st.lists(NAMES, min_size=2, max_size=15), st.data())
def test_a_broken_row_is_reported_by_its_number_and_the_rest_is_read(names, data):
    broken = data.draw(st.integers(0, len(names) - 1))
    lines = ["name,father"]
    for index, name in enumerate(names):
        cell = '"' + name.replace('"', "") if index == broken else '"' + name.replace('"', '""') + '"'
        lines.append(cell + ",x")
    read = read_text("\n".join(lines))
    assert [(p.row, p.problem) for p in read.problems] == [(broken + 2, "unclosed_quote")]
    assert [r.row for r in read.rows] == [n + 2 for n in range(len(names)) if n != broken]


def test_excel_unicode_text_with_arabic_headers():
    text = "ت\tالاسم\tاسم الأب\tاسم الجد\tالعشيرة\tالمواليد\r\n1\tأحمد\tحامد\tسالم\tالجبوري\t١٩٧٩\r\n"
    read = read_list(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (row,) = read.rows
    assert (row.row, row.id, row.name, row.father, row.grandfather, row.tribe, row.birth_year) == \
        (2, "1", "أحمد", "حامد", "سالم", "الجبوري", 1979)


def test_the_delimiter_is_the_one_the_header_uses():
    read = read_text("name;notes\nAli Hasan, al-Jubouri;seen in 2015, Mosul\n")
    assert read.rows[0].name == "Ali Hasan, al-Jubouri"
    assert read.rows[0].notes == "seen in 2015, Mosul"


def test_malformed_rows_each_by_number():
    read = read_text("name,birth_year\n"
                     "Ali,1980\n"
                     ",1975\n"              # no name
                     "Omar,19x0\n"          # a year that is not one: reported, still screened
                     "Bakr,1970,extra\n"    # more cells than the header
                     + "X" * 2000 + ",1990\n"  # not a name
                     "\n"
                     "Hamid,\n")
    assert [(p.row, p.problem, p.skipped) for p in read.problems] == [
        (3, "no_name", True), (4, "bad_birth_year", False), (5, "extra_cells", True),
        (6, "too_long", True)]
    assert [(r.row, r.name, r.birth_year) for r in read.rows] == [
        (2, "Ali", 1980), (4, "Omar", None), (8, "Hamid", None)]


def test_a_quoted_note_may_span_lines_but_a_name_may_not():
    read = read_text('name,notes\nAli,"first line\nsecond line"\n"Omar,x\nHamid,"y"\n')
    assert [(r.row, r.name) for r in read.rows] == [(2, "Ali"), (5, "Hamid")]
    assert read.rows[0].notes == "first line\nsecond line"
    assert [(p.row, p.problem) for p in read.problems] == [(4, "unclosed_quote")]


def test_bidi_marks_and_extra_spaces_are_not_part_of_a_name():
    read = read_text("name\n\u200fعلي\u200f   حسن \u200e\n")
    assert read.rows[0].name == "علي حسن"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"\n \n", "empty"), (b"name,father\n", "no rows"),
    ("أحمد".encode("cp1256"), "UTF-8"), (b"\x00\x01name", "not a text file")])
def test_a_list_that_cannot_be_read_says_why(data, message):
    with pytest.raises(ListError, match=message):
        read_list(data)


def test_a_list_too_long_is_refused_whole():
    with pytest.raises(ListError, match="rows"):
        read_text("\n".join(f"name {n}" for n in range(MAX_ROWS + 1)))
