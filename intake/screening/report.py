"""A screening as a CSV file (every row, candidate, level, reason and decision) and the persons
its brief files (the confirmed ones): docs/screening.md, "Export".

The CSV is UTF-8 with a byte-order mark, as Excel opens it, reasons in English. A cell that
begins with = + - @ or a tab is written after an apostrophe, so that a spreadsheet shows a name
from a list as text and never runs it as a formula (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io

from intake.screening.matching import in_english
from intake.screening.screenings import Screening

HEADER = ("row", "name", "father", "grandfather", "tribe", "id", "case", "person", "level",
          "score", "reasons", "decision", "note", "decided_by", "decided_at")


def confirmed_persons(screening: Screening) -> list[str]:
    """The persons confirmed for some row, in id order."""
    return sorted({person for (_row, person), d in screening.decisions.items()
                   if d.decision == "confirmed"})


def as_csv(screening: Screening) -> bytes:
    """One line per candidate; a row without any has one line with no person."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for result in screening.results:
        row = result.row
        given = [str(row.row), row.name, row.father, row.grandfather, row.tribe, row.id, row.case]
        if not result.matches:
            writer.writerow([_cell(c) for c in given] + [""] * 8)
        for m in result.matches:
            d = screening.decisions.get((row.row, m.person))
            decided = (d.decision, d.note, d.by, d.at) if d else ("", "", "", "")
            writer.writerow([_cell(c) for c in (*given, m.person, m.level, f"{m.score:.3f}",
                                                 "; ".join(in_english(m.reasons)), *decided)])
    return out.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
