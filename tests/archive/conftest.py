"""What the archive's tests share: two field laptops of different organisations and an archive,
closed after the test; two export times, for the compromised-since mark; and the check that
the People list's summary is what the mentions give."""

from __future__ import annotations

import pytest

from intake.archive import corroboration, person_summary
from intake.store.connection import Connection
from intake.store.transactions import transaction
from tests.archive_homes import make_archive, make_home

MARCH, JUNE = "2026-03-01T10:00:00+00:00", "2026-06-01T09:30:00+00:00"


@pytest.fixture
def homes(tmp_path):
    made = (make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "Second Org"),
            make_archive(tmp_path / "law"))
    yield made
    for home in made:
        home.close()


def snapshot(conn: Connection) -> dict[str, list[tuple]]:
    """The summary's rows (a folded spelling without its row id, which only ties it to the
    trigram index, whose agreement with its rows is checked here)."""
    conn.execute("INSERT INTO person_grams (person_grams, rank) VALUES ('integrity-check', 1)")
    columns = {"person_folded": "person, folded"}
    return {table: sorted(conn.execute(
        f"SELECT {columns.get(table, '*')} FROM {table}").fetchall())  # noqa: S608
            for table in person_summary.TABLES}


def assert_summary_right(conn: Connection) -> None:
    """The summary kept is the one built from the mentions now, and the list it gives is
    corroboration.persons, in its order."""
    kept = snapshot(conn)
    listed, total = person_summary.page(conn, {}, None, 0, 10**6)
    everyone = corroboration.persons(conn)
    assert [(s.id, s.names, s.testimonies, s.organisations, s.acts) for s in listed] == [
        (p.id, p.names, p.testimonies, p.organisations, p.acts) for p in everyone]
    assert total == len(everyone)
    with transaction(conn):
        person_summary.rebuild(conn)
    assert snapshot(conn) == kept
