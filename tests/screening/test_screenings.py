"""Screenings kept for review: sealed, decided, audited, erased."""

import pytest

from intake.home import audit
from intake.screening import screenings
from intake.screening.lists import read_text
from intake.screening.matching import IndexedName, RowResult, match_row
from intake.screening.screenings import ScreeningError
from intake.vault.crypto import CryptoError

NAME = "زياد خلف عدنان"
INDEX = [("P-1", [IndexedName("P-1:0", NAME)]), ("P-2", [IndexedName("P-2:0", "زياد خلف صالح")])]


def _results(text=f"name\n{NAME}\nوليد سعد رشيد\n"):
    read = read_text(text)
    return read, [RowResult(row, tuple(match_row(row, INDEX))) for row in read.rows]


def test_a_screening_is_kept_sealed_and_opens_as_it_was(conn, vault, admin):
    read, results = _results()
    saved = screenings.save(conn, vault, admin, "Nasiriyah list", read, results)
    assert (saved.rows, saved.with_candidates, saved.confirmed) == (2, 1, 0)
    opened = screenings.load(conn, vault, "Nasiriyah list")
    assert opened.results == tuple(results)
    assert screenings.load(conn, vault, saved.id).summary == saved
    (sealed,) = conn.execute("SELECT sealed FROM screenings").fetchone()
    assert NAME.encode() not in sealed and "زياد".encode() not in sealed
    (entry,) = [e for e in audit.entries(conn) if e.event == "screening_saved"]
    assert entry.detail == {"screening": saved.id, "rows": 2, "with_candidates": 1,
                            "candidates": 2, "strong": 1}
    assert NAME not in str(entry.detail)


def test_decisions_are_kept_with_who_and_when_and_audited(conn, vault, admin):
    read, results = _results()
    saved = screenings.save(conn, vault, admin, "list", read, results)
    screenings.decide(conn, vault, admin, saved.id, 2, "P-1", "confirmed", "same tribe, same case")
    screenings.decide(conn, vault, admin, saved.id, 2, "P-2", "unsure")
    screenings.decide(conn, vault, admin, saved.id, 2, "P-2", "rejected", "another grandfather")
    opened = screenings.load(conn, vault, saved.id)
    assert {k: (d.decision, d.note, d.by) for k, d in opened.decisions.items()} == {
        (2, "P-1"): ("confirmed", "same tribe, same case", admin.name),
        (2, "P-2"): ("rejected", "another grandfather", admin.name)}
    assert opened.summary.confirmed == 1
    decided = [e.detail for e in audit.entries(conn) if e.event == "screening_decided"]
    assert decided[-1] == {"screening": saved.id, "row": 2, "person": "P-2", "decision": "rejected"}
    assert all("grandfather" not in str(d) for d in decided)


@pytest.mark.parametrize("row, person, decision", [(2, "P-9", "confirmed"), (3, "P-1", "confirmed"),
                                                   (2, "P-1", "maybe")])
def test_a_decision_about_no_candidate_is_refused(conn, vault, admin, row, person, decision):
    read, results = _results()
    saved = screenings.save(conn, vault, admin, "list", read, results)
    with pytest.raises(ScreeningError):
        screenings.decide(conn, vault, admin, saved.id, row, person, decision)


def test_labels_are_unique_and_not_ids(conn, vault, admin):
    read, results = _results()
    screenings.save(conn, vault, admin, "list", read, results)
    for label in ("list", "  ", "S-0123abcd"):
        with pytest.raises(ScreeningError):
            screenings.save(conn, vault, admin, label, read, results)


def test_a_tampered_screening_does_not_open(conn, vault, admin):
    read, results = _results()
    saved = screenings.save(conn, vault, admin, "list", read, results)
    (sealed,) = conn.execute("SELECT sealed FROM screenings").fetchone()
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    conn.execute("UPDATE screenings SET sealed = ?", (flipped,))
    with pytest.raises(CryptoError):
        screenings.load(conn, vault, saved.id)
    conn.execute("UPDATE screenings SET sealed = ?, version = 2", (sealed,))  # a version replayed
    with pytest.raises(CryptoError):
        screenings.load(conn, vault, saved.id)


def test_deleting_erases_it(conn, vault, admin):
    read, results = _results()
    saved = screenings.save(conn, vault, admin, "list", read, results)
    screenings.delete(conn, vault, admin, "list")
    assert screenings.listing(conn) == []
    with pytest.raises(ScreeningError):
        screenings.load(conn, vault, saved.id)
    assert [e.detail for e in audit.entries(conn) if e.event == "screening_deleted"] == [
        {"screening": saved.id}]
