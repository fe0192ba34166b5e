"""A reparations claim read from a record: the documents checklist from the attached files, the
warnings when the category contradicts the record, what the claim lacks, the consent's date and
method, and the application's status saved in the sealed testimony and audited."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.bundles.profiles import profile
from intake.home import audit
from intake.records import attachments, claims, testimonies
from intake.records.attachments import Attachment
from intake.records.schema import validate
from tests.conftest import full_record


def _file(kind: str, number: int = 1) -> Attachment:
    return Attachment(f"{number:032x}", kind, 10, "2024-01-01", "ab" * 32, "scan.pdf",
                      "application/pdf")


def _claim_record(**ysl) -> dict:
    record = full_record()
    record["ysl"] = {**record["ysl"], "age_at_abduction": 17, "extract": "Taken from Kocho.",
                     "investigation": {"office": "Sinjar court", "file_number": "118/2019",
                                       "date": "2019-04"}, **ysl}
    return record


def test_every_checklist_kind_is_an_attachment_kind_a_reparations_bundle_carries():
    kinds = {kind for kind in claims.DOCUMENTS.values() if kind}
    assert kinds <= set(attachments.KINDS)
    assert kinds <= set(profile("reparations").attachment_kinds(False))
    assert not kinds & set(profile("research").attachment_kinds(True))


def test_the_checklist_marks_what_is_attached_and_the_claim_lacks_the_rest():
    files = [_file("id_document", 1), _file("investigation_papers", 2),
             _file("investigation_papers", 3), _file("audio", 4)]
    found = claims.assess(_claim_record(), files)
    by_code = {d.code: d for d in found.documents}
    assert by_code["civil_id"].present and by_code["civil_id"].files == (files[0].id,)
    assert by_code["investigation"].files == (files[1].id, files[2].id)
    assert by_code["extract"].present
    assert found.missing_documents == ("civil_documents", "medical")
    assert found.missing_fields == ()
    assert found.lacks == ("civil_documents", "medical")
    assert found.warnings == () and found.status == ""


def test_an_empty_record_lacks_every_document_and_fact():
    found = claims.assess({"consent": {"record": True}}, [])
    assert found.missing_documents == tuple(claims.DOCUMENTS)
    assert set(found.missing_fields) == set(claims.FIELDS) - {"abduction_date", "release_date"}
    assert found.warnings == ("no_consent",)


@pytest.mark.parametrize(("change", "warning"), [
    ({"survivor": {"sex": "male"}}, "category_sex"),
    ({"survivor": {"sex": "other"}}, "category_sex"),
    ({"survivor": {"sex": ""}}, "sex_not_recorded"),
    ({"survivor": {"community": "christian"}}, "category_community"),
    ({"ysl": {"category": "minority_female_captivity"}}, "category_community"),
    ({"ysl": {"category": "child_abducted", "age_at_abduction": 18}}, "child_age"),
    ({"ysl": {"category": "child_abducted", "age_at_abduction": None}}, "child_age_unknown"),
    ({"ysl": {"age_at_abduction": 30}}, "age_mismatch"),
    ({"ysl": {"release_date": "2013"}}, "release_before_abduction"),
    ({"ysl": {"category": "not_eligible"}}, "not_eligible"),
    ({"consent": {"reparations": False}}, "no_consent"),
])
def test_a_category_the_record_contradicts_is_a_warning(change, warning):
    record = _claim_record()
    for section, values in change.items():
        record[section] = {**record[section], **values}
    assert warning in claims.warnings(record)
    assert claims.warnings(_claim_record()) == ()


@given(sex=st.sampled_from(["", "female", "male", "other", "prefer_not_to_say"]),
       category=st.sampled_from(["", *claims.PROVISIONS, "not_eligible", "unknown"]),
       age=st.one_of(st.none(), st.integers(0, 130)))
def test_the_warnings_say_exactly_when_sex_or_age_contradict_the_category(sex, category, age):
    record = full_record()
    record["survivor"] = {**record["survivor"], "sex": sex, "date_of_birth": ""}
    record["ysl"] = {"category": category, "age_at_abduction": age}
    found = claims.warnings(record)
    female = category in ("yazidi_female_captivity", "minority_female_captivity")
    assert ("category_sex" in found) == (female and sex in ("male", "other"))
    assert ("sex_not_recorded" in found) == (female and sex in ("", "prefer_not_to_say"))
    child = category == "child_abducted"
    assert ("child_age" in found) == (child and age is not None and age >= 18)
    assert ("child_age_unknown" in found) == (child and age is None)
    assert set(found) <= set(claims.WARNINGS)


def test_the_consent_date_and_method_come_from_the_last_yes_to_reparations():
    record = full_record()
    record["consent"]["history"] = [
        {"purpose": "reparations", "value": True, "at": "2024-03-12T09:00:00+00:00",
         "method": "written"},
        {"purpose": "trial", "value": True, "at": "2024-03-13T09:00:00+00:00"}]
    assert claims.consent_given_at(record) == "2024-03-12T09:00:00+00:00"
    assert claims.consent_method(record) == "written"
    record["consent"]["reparations"] = False
    assert claims.consent_given_at(record) == ""


def test_the_new_fields_are_in_the_schema_and_a_record_with_them_is_valid():
    record = _claim_record(application={"number": "GDSA-1", "submitted": "2024-05-02",
                                        "status": "returned", "decision_date": "",
                                        "note": "asked for the ID card"})
    assert validate(record)["ysl"]["application"]["status"] == "returned"
    bad = _claim_record(application={"status": "lost"})
    with pytest.raises(ValueError):
        validate(bad)
    with pytest.raises(ValueError):
        validate(_claim_record(extract="x" * 3001))


def test_the_reparations_profile_carries_the_claim_and_scrubs_its_extract():
    record = _claim_record(extract="Abu Muhannad sold me; call 0750 123 4567.")
    record["redactions"] = [{"text": "sold me"}]
    kept, _ = profile("reparations").apply(record)
    assert kept["ysl"]["investigation"]["file_number"] == "118/2019"
    assert kept["relatives"] == record["relatives"]
    assert kept["consent"]["method"] == "verbal"
    assert "narrative" not in kept and "restricted_narrative" not in kept
    assert "Abu Muhannad" not in kept["ysl"]["extract"]
    assert "0750" not in kept["ysl"]["extract"] and "sold me" not in kept["ysl"]["extract"]
    for purpose in ("trial", "research"):
        other, _ = profile(purpose).apply(record)
        assert "extract" not in other.get("ysl", {}) and "application" not in other.get("ysl", {})


def test_a_status_change_is_saved_sealed_and_audited_without_the_note(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, _claim_record(), completed=True)
    claims.update_application(conn, vault, admin, record.id,
                              {"number": "GDSA-77", "submitted": "2024-05-02",
                               "status": "submitted", "decision_date": "", "note": "by hand"})
    saved = testimonies.load(conn, vault, record.id, admin)
    assert saved.document["ysl"]["application"]["status"] == "submitted"
    assert saved.document["ysl"]["extract"] == "Taken from Kocho."  # the rest is kept
    assert saved.status == "complete"
    entry = [e for e in audit.entries(conn) if e.event == "claim_updated"][-1]
    assert entry.detail == {"record_id": record.id, "witness_code": record.witness_code,
                            "old_status": "", "new_status": "submitted"}
    assert "GDSA-77" not in str(audit.entries(conn)) and "by hand" not in str(audit.entries(conn))
    with pytest.raises(ValueError, match="unknown claim status"):
        claims.update_application(conn, vault, admin, record.id, {"status": "lost"})


def test_another_interviewers_testimony_is_not_found(conn, vault, admin, interviewer):
    record = testimonies.create(conn, vault, admin, _claim_record())
    with pytest.raises(testimonies.NotFound):
        claims.update_application(conn, vault, interviewer, record.id, {"status": "prepared"})
