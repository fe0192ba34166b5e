"""An archive's sources: the field laptops it pinned, what came from each, and a key marked
compromised since a date flagging exactly the records of the bundles signed from that day on."""

from __future__ import annotations

import pytest

from intake.archive import catalogue, sources
from intake.home import audit
from intake.records import testimonies
from tests.archive.conftest import JUNE, MARCH
from tests.archive_homes import fingerprint, send


@pytest.fixture
def imported(homes, tmp_path, monkeypatch):
    """Field Org sends two records in March and one in June; Second Org one in June."""
    first, second, law = homes
    sent = {"march": send(first, law, tmp_path / "1.age", monkeypatch, exported_at=MARCH,
                          records=2),
            "june": send(first, law, tmp_path / "2.age", monkeypatch, exported_at=JUNE),
            "other": send(second, law, tmp_path / "3.age", monkeypatch, exported_at=JUNE)}
    return first, second, law, sent


def flagged(law) -> dict[str, bool]:
    rows, _, _ = catalogue.search(law.conn)
    return {row.record_id: sources.is_compromised(row) for row in rows}


def test_the_list_names_each_source_with_its_bundles_and_records(imported):
    first, second, law, _ = imported
    listed = {s.organisation: s for s in sources.listing(law.conn)}
    assert set(listed) == {"Field Org", "Second Org"}
    one, two = listed["Field Org"], listed["Second Org"]
    assert (one.fingerprint, two.fingerprint) == (fingerprint(first), fingerprint(second))
    assert (one.records, two.records) == (3, 1)
    imports = [b.imported_at for b in catalogue.bundles(law.conn) if b.source == one.fingerprint]
    assert (one.first_bundle, one.last_bundle) == (min(imports), max(imports))
    assert two.first_bundle == two.last_bundle
    assert one.compromised_since is None and two.compromised_since is None


def test_a_mark_flags_exactly_the_records_signed_from_that_day(imported):
    first, _second, law, sent = imported
    assert not any(flagged(law).values())
    marked = sources.mark(law.conn, law.vault, law.user, fingerprint(first), "2026-05-01")
    assert (marked.compromised_since, marked.compromised_by) == ("2026-05-01", law.user.name)
    assert {r for r, f in flagged(law).items() if f} == set(sent["june"])
    found, _envelope, _history = catalogue.load(law.conn, law.vault, next(
        row.seq for row in catalogue.search(law.conn)[0] if row.record_id == sent["june"][0]))
    assert sources.is_compromised(found)
    entry = audit.entries(law.conn)[-1]
    assert (entry.event, entry.detail) == ("source_compromised", {
        "source": fingerprint(first), "since": "2026-05-01", "flagged": 1})
    assert audit.verify(law.conn, law.vault) is None


def test_the_day_of_export_counts_and_a_later_mark_replaces_an_earlier(imported):
    first, _second, law, sent = imported
    sources.mark(law.conn, law.vault, law.user, fingerprint(first)[:16], "2026-03-01")
    assert {r for r, f in flagged(law).items() if f} == {*sent["march"], *sent["june"]}
    sources.mark(law.conn, law.vault, law.user, fingerprint(first), "2026-06-02")
    assert not any(flagged(law).values())


def test_clearing_the_mark_is_audited_and_unflags(imported):
    first, _second, law, _sent = imported
    sources.mark(law.conn, law.vault, law.user, fingerprint(first), "2026-01-01")
    assert sources.unmark(law.conn, law.vault, law.user, fingerprint(first))
    assert not any(flagged(law).values())
    assert sources.find(law.conn, fingerprint(first)).compromised_since is None
    entry = audit.entries(law.conn)[-1]
    assert (entry.event, entry.detail) == ("source_cleared", {"source": fingerprint(first),
                                                              "since": "2026-01-01"})
    assert not sources.unmark(law.conn, law.vault, law.user, fingerprint(first))
    assert audit.entries(law.conn)[-1].seq == entry.seq


def test_a_newer_version_from_a_compromised_bundle_is_flagged(homes, tmp_path, monkeypatch):
    first, _second, law = homes
    ids = send(first, law, tmp_path / "1.age", monkeypatch, exported_at=MARCH)
    current = testimonies.load(first.conn, first.vault, ids[0], first.user)
    testimonies.save(first.conn, first.vault, first.user, ids[0],
                     {**current.document, "notes": "A second visit."})
    send(first, law, tmp_path / "2.age", monkeypatch, exported_at=JUNE, ids=ids)
    assert catalogue.search(law.conn)[0][0].version == 2
    sources.mark(law.conn, law.vault, law.user, fingerprint(first), "2026-04-01")
    assert flagged(law) == {ids[0]: True}


@pytest.mark.parametrize("exported_at", ["", "yesterday", "0000", "9999-99-99"])
def test_an_export_time_that_is_not_a_date_is_not_believed(exported_at):
    assert sources.signed_after(exported_at, "2026-05-01")
    assert not sources.signed_after(exported_at, None)


def test_a_bad_date_or_an_unknown_source_is_refused(imported):
    first, _second, law, _sent = imported
    for day in ("2026-5-1", "01/05/2026", "tomorrow", "2026-02-30", ""):
        with pytest.raises(sources.SourceError, match="YYYY-MM-DD"):
            sources.mark(law.conn, law.vault, law.user, fingerprint(first), day)
    with pytest.raises(sources.SourceError, match="no source"):
        sources.mark(law.conn, law.vault, law.user, "A" * 64, "2026-05-01")
    with pytest.raises(sources.SourceError, match="hexadecimal"):
        sources.find(law.conn, "not a fingerprint")
    assert all(s.compromised_since is None for s in sources.listing(law.conn))
