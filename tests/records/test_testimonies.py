"""Sealed testimonies: swap and rollback refused, crypto-shredding, search, access, consent."""

import json

import pytest

from intake.records import testimonies
from intake.records.schema import DocumentError
from intake.vault.crypto import CryptoError
from tests.conftest import full_record


def test_round_trip_and_witness_codes(conn, vault, admin):
    first = testimonies.create(conn, vault, admin, full_record())
    second = testimonies.create(conn, vault, admin, full_record())
    assert (first.witness_code, second.witness_code) == ("W-0001", "W-0002")
    loaded = testimonies.load(conn, vault, first.id, admin)
    assert loaded.document["incidents"][0]["perpetrators"][0]["aliases"] == ["al-Ansari"]
    assert loaded.status == "draft"


def test_ciphertext_cannot_move_to_another_row(conn, vault, admin):
    a = testimonies.create(conn, vault, admin, full_record())
    b = testimonies.create(conn, vault, admin, full_record(notes="other"))
    sealed_a, key_a = conn.execute("SELECT sealed, data_key FROM testimonies WHERE id = ?",
                                   (a.id,)).fetchone()
    conn.execute("UPDATE testimonies SET sealed = ?, data_key = ? WHERE id = ?",
                 (sealed_a, key_a, b.id))
    with pytest.raises(CryptoError):
        testimonies.load(conn, vault, b.id, admin)
    conn.execute("UPDATE testimonies SET sealed = ? WHERE id = ?", (sealed_a, b.id))
    with pytest.raises(CryptoError):
        testimonies.load(conn, vault, b.id, admin)


def test_an_old_version_cannot_be_replayed(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    (old_sealed,) = conn.execute("SELECT sealed FROM testimonies WHERE id = ?",
                                 (record.id,)).fetchone()
    testimonies.save(conn, vault, admin, record.id, full_record(notes="corrected"))
    conn.execute("UPDATE testimonies SET sealed = ? WHERE id = ?", (old_sealed, record.id))
    with pytest.raises(CryptoError):
        testimonies.load(conn, vault, record.id, admin)


def test_a_flipped_byte_in_the_store_is_refused(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    (sealed,) = conn.execute("SELECT sealed FROM testimonies WHERE id = ?", (record.id,)).fetchone()
    tampered = bytearray(sealed)
    tampered[len(tampered) // 2] ^= 0x01
    conn.execute("UPDATE testimonies SET sealed = ? WHERE id = ?", (bytes(tampered), record.id))
    with pytest.raises(CryptoError):
        testimonies.load(conn, vault, record.id, admin)


def test_delete_shreds_the_record_and_its_search_entry(config, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    testimonies.delete(conn, vault, admin, record.id)
    with pytest.raises(testimonies.NotFound):
        testimonies.load(conn, vault, record.id, admin)
    assert testimonies.summaries(conn, admin, query="Nadia")[1] == 0
    assert conn.execute("SELECT count(*) FROM testimony_search").fetchone()[0] == 0


@pytest.mark.parametrize("query", ["نادية", "ناديه", "NADIA", "xelil", "Xelîl", "كوجو", "Koço",
                                   "٠٧٥٠", "Ansari", "tal afar"])
def test_search_matches_across_spellings(conn, vault, admin, query):
    testimonies.create(conn, vault, admin, full_record())
    testimonies.create(conn, vault, admin, full_record(
        survivor={"full_name": "Someone Else"}, narrative=[], incidents=[], relatives=[],
        notes=""))
    rows, total = testimonies.summaries(conn, admin, query=query)
    assert total == 1 and rows[0].witness_code == "W-0001"


def test_search_tolerates_query_syntax(conn, vault, admin):
    """Search syntax is read as plain words: quotes, operators, columns and SQL find what the
    words in them find (every word, as a prefix), nothing fails, and nothing runs."""
    record = testimonies.create(conn, vault, admin, full_record())
    for query in ['"', "*", "(", ")", "-", "^"]:  # no word at all: the whole list
        assert [r.id for r in testimonies.summaries(conn, admin, query=query)[0]] == [record.id]
    for query in ["NEAR(zqx", "zqx:kocho", "kocho AND zqx", "kocho OR zqx", "NOT zqx",
                  "'; DROP TABLE testimonies; --"]:
        assert testimonies.summaries(conn, admin, query=query) == ([], 0), query
    for query in ['"Kocho', "Kocho*", "(Kocho)", "{Kocho}", "^Kocho", "Koc", "Nadia + Kocho",
                  "Nadia: Kocho"]:
        found = testimonies.summaries(conn, admin, query=query)[0]
        assert [r.id for r in found] == [record.id], query
    assert conn.execute("SELECT count(*) FROM testimonies").fetchone() == (1,)


def test_paging(conn, vault, admin):
    for _ in range(7):
        testimonies.create(conn, vault, admin, full_record())
    rows, total = testimonies.summaries(conn, admin, page=2, per_page=3)
    assert total == 7 and [r.witness_code for r in rows] == ["W-0004", "W-0003", "W-0002"]


def test_interviewers_see_only_their_own(conn, vault, admin, interviewer):
    mine = testimonies.create(conn, vault, interviewer, full_record())
    theirs = testimonies.create(conn, vault, admin, full_record())
    assert [r.id for r in testimonies.summaries(conn, interviewer)[0]] == [mine.id]
    with pytest.raises(testimonies.NotFound):
        testimonies.load(conn, vault, theirs.id, interviewer)
    with pytest.raises(testimonies.NotFound):
        testimonies.delete(conn, vault, interviewer, theirs.id)
    assert testimonies.summaries(conn, admin)[1] == 2


def test_without_consent_to_record_only_the_refusal_is_kept(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record(
        consent={"record": False, "trial": True}))
    assert record.status == "refused"
    assert set(record.document) == {"consent"}
    assert testimonies.summaries(conn, admin, query="Nadia")[1] == 0


def test_a_minor_needs_guardian_consent_and_assent(conn, vault, admin):
    from intake.records.consent import consent_given

    document = full_record(survivor={"minor": True})
    assert not consent_given(document, "record")
    document["consent"]["guardian"] = {"name": "Mother", "consent": True, "child_assent": True}
    assert consent_given(document, "record")
    assert testimonies.create(conn, vault, admin, document).status == "draft"


def test_a_minor_without_her_own_assent_stays_refused_for_every_purpose(conn, vault, admin):
    """Only the refusal is kept, and that she is a minor: the guardian's yes alone never reads
    as consent to record or to any purpose, so nothing of hers is listed as able to leave."""
    from intake.records.consent import PURPOSES, consent_given

    document = full_record(survivor={"minor": True})
    document["consent"].update({"international": True, "guardian": {
        "name": "Mother", "consent": True, "child_assent": False}})
    record = testimonies.create(conn, vault, admin, document, completed=True)
    assert record.status == "refused"
    assert record.document["survivor"] == {"minor": True}
    assert set(record.document) == {"consent", "survivor"}
    assert not any(consent_given(record.document, p) for p in PURPOSES)
    assert conn.execute("SELECT consent_summary FROM testimonies WHERE id = ?",
                        (record.id,)).fetchone()[0] == ""


def test_draft_keeps_an_unfinished_date_but_completion_needs_a_valid_one(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    draft = full_record(interview={"date": "summer 2014"})
    saved = testimonies.save(conn, vault, admin, record.id, draft, draft=True)
    assert saved.document["interview"]["date"] == "summer 2014"
    with pytest.raises(DocumentError):
        testimonies.complete(conn, vault, admin, record.id)
    testimonies.save(conn, vault, admin, record.id, full_record(), draft=True)
    assert testimonies.complete(conn, vault, admin, record.id).status == "complete"


def test_import_is_all_or_nothing(conn, vault, admin):
    bad = full_record(interview={"date": "not a date"})
    with pytest.raises(ValueError, match="record 2"):
        testimonies.import_documents(conn, vault, admin, [full_record(), bad])
    assert testimonies.summaries(conn, admin)[1] == 0
    ids = testimonies.import_documents(conn, vault, admin, [full_record(), full_record()])
    assert len(ids) == 2 and testimonies.summaries(conn, admin)[1] == 2


def test_exported_record_imports_again(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    exported = testimonies.load(conn, vault, record.id, admin).as_export()
    (new_id,) = testimonies.import_documents(conn, vault, admin, [exported])
    again = testimonies.load(conn, vault, new_id, admin)
    assert again.document == record.document and again.witness_code == "W-0002"


# ---- consent history, stamped by the domain on every path ----

def _history(record) -> list[dict]:
    return record.document["consent"]["history"]


def test_create_stamps_one_history_entry_per_answered_purpose(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    assert [(e["purpose"], e["value"]) for e in _history(record)] == [
        ("record", True), ("trial", True), ("reparations", True), ("research", False)]
    assert all(e["at"] and e["by"] == admin.name and e["method"] == "verbal"
               and e["witness"] == "Sara Ali" for e in _history(record))


def test_save_stamps_a_changed_answer_once_and_an_unchanged_one_never(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    before = _history(record)
    same = testimonies.save(conn, vault, admin, record.id, record.document)
    assert _history(same) == before
    changed = json.loads(json.dumps(record.document))
    changed["consent"]["research"] = True
    saved = testimonies.save(conn, vault, admin, record.id, changed)
    assert _history(saved)[:-1] == before
    assert {k: _history(saved)[-1][k] for k in ("purpose", "value", "by")} == {
        "purpose": "research", "value": True, "by": admin.name}
    assert _history(testimonies.save(conn, vault, admin, record.id, saved.document)) == \
        _history(saved)


def test_save_keeps_the_history_a_caller_cannot_rewrite(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    rewritten = json.loads(json.dumps(record.document))
    rewritten["consent"]["history"] = []
    assert _history(testimonies.save(conn, vault, admin, record.id, rewritten)) == \
        _history(record)


def test_a_withdrawal_is_kept_once_in_the_history(conn, vault, admin):
    from intake.records import withdrawal

    record = testimonies.create(conn, vault, admin, full_record())
    withdrawn = withdrawal.withdraw(conn, vault, admin, record.id, "trial", "changed her mind")
    assert _history(withdrawn)[:-1] == _history(record)
    assert {k: _history(withdrawn)[-1][k] for k in ("purpose", "value", "method", "note")} == {
        "purpose": "trial", "value": False, "method": "withdrawal", "note": "changed her mind"}
