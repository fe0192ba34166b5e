"""An envelope turned into the statement's display data (web/statement.py): labels for every
code, words for every yes or no, "(unknown)" for a code without a label, consent as sentences."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from intake.web.statement import blocks, consent_lines, language_name, statement


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item)]
    if hasattr(value, "__dict__"):
        return _texts(list(vars(value).values()))
    return []


def test_consent_reads_as_sentences_grouped_by_answer_date_and_method(english):
    consent = {"record": True, "trial": True, "identity_to_prosecutors": False,
               "method": "verbal", "witness": "Sara Ali", "history": [
                   {"purpose": "record", "value": True, "at": "2026-12-01T09:00:00+00:00",
                    "method": "verbal", "witness": "Sara Ali"},
                   {"purpose": "trial", "value": True, "at": "2026-12-01T09:00:00+00:00",
                    "method": "verbal", "witness": "Sara Ali"},
                   {"purpose": "identity_to_prosecutors", "value": False,
                    "at": "2026-12-01T09:00:00+00:00", "method": "verbal", "witness": "Sara Ali"}]}
    agreed, refused = consent_lines(consent)
    assert agreed.answer == "yes"
    assert agreed.heading == "Agreed on December 1, 2026, verbally, witnessed by Sara Ali:"
    assert agreed.purposes == ["To record this testimony",
                               "To use it in criminal proceedings (trials)"]
    assert refused.heading == "Did not agree on December 1, 2026, verbally, witnessed by Sara Ali:"
    assert refused.purposes == ["To disclose their identity to prosecutors"]


def test_a_withdrawal_and_an_answer_without_history(english):
    consent = {"record": True, "research": False, "method": "thumbprint", "history": [
        {"purpose": "research", "value": True, "at": "2026-01-02T10:00:00+00:00"},
        {"purpose": "research", "value": False, "at": "2026-03-04T10:00:00+00:00",
         "method": "withdrawal", "by": "Layla"}]}
    kept, withdrawn = consent_lines(consent)
    assert kept.heading == "Agreed, by thumbprint:"
    assert withdrawn.answer == "withdrawn"
    assert withdrawn.heading == "Withdrew consent on March 4, 2026:"


def test_unknown_codes_show_as_unknown_never_as_themselves(english):
    envelope = {"restricted_fields": [], "document": {
        "consent": {"record": True, "method": "smoke_signal"},
        "interview": {"language": "zzz", "date": "2014-08~"},
        "survivor": {"sex": "female", "minor": False},
        "incidents": [{"acts": ["abduction", "levitation"], "date": "2014-08-03/2016-05",
                       "perpetrators": [{"aliases": ["Abu X"], "role": "guard"}],
                       "others": [{"name": "Layla", "role": "witness"}]}],
        "relatives": [{"name": "Elias", "status": "missing"}],
        "needs": [{"kind": "medical"}]}}
    s = statement(envelope)
    texts = _texts(s)
    assert "smoke_signal" not in texts and "levitation" not in texts and "zzz" not in texts
    assert "(unknown)" in texts
    assert [a.name for a in s.incidents[0].acts] == ["Abduction", "(unknown)"]
    assert s.incidents[0].acts[0].qualifications[0].framework == "Rome Statute"
    assert s.incidents[0].acts[0].qualifications[0].articles == [
        "art. \u20667(1)(e)\u2069", "art. \u20668(2)(c)(iii)\u2069"]  # codes read left to right
    assert s.incidents[0].acts[1].qualifications == []
    assert s.incidents[0].rows[0].value == "from August 3, 2014 to May 2016"
    assert s.incidents[0].others[0].value == "a witness"
    assert s.interview[0].value == "around August 2014"
    assert [r.value for r in s.survivor] == ["Female"]  # "not a minor" is no row, never False
    assert s.relatives[0].value == "Missing" and s.needs[0].label == "Medical"
    assert not any(t in ("True", "False", "true", "false") for t in texts)
    assert s.restricted is False


def test_restricted_material_is_only_flagged_and_blocks_name_their_language(english):
    envelope = {"restricted_fields": ["restricted_narrative"], "document": {
        "consent": {"record": True},
        "restricted_narrative": [{"language": "ku", "text": "graphic"}]}}
    s = statement(envelope)
    assert s.restricted is True and "graphic" not in _texts(s)
    assert blocks([{"language": "ar", "text": "نص"}])[0].language == "Arabic"
    assert language_name("") == "(unknown)"


def test_the_statement_quality_fields_read_as_words(english):
    envelope = {"restricted_fields": [], "document": {
        "consent": {"record": True},
        "interview": {"persons_present": ["Layla Khalaf, interpreter", "her mother"],
                      "read_back_confirmed": True, "given_freely": None,
                      "earlier_interviews": [
                          {"organisation": "Investigative court of Duhok", "date": "2019-05",
                           "kind": "investigative_judge", "copy_available": False},
                          {"organisation": "Field Org", "date": "2021", "kind": "ngo",
                           "copy_available": None, "witness_code": "W-0007",
                           "record_id": "a" * 32},
                          {"organisation": "Yazda", "kind": "police"}]},
        "incidents": [{"acts": ["trafficking"], "witnessed": "heard", "heard_from": "her cousin",
                       "perpetrators": [{"name": "Abu Muhannad", "roles": ["bought", "sold"],
                                         "role": "sold her in Raqqa"},
                                        {"name": "Abu Ali", "roles": ["beheaded"]}]},
                      {"acts": ["abduction"], "witnessed": "saw"}]}}
    s = statement(envelope)
    rows = {r.label: r.value for r in s.interview}
    assert rows["Who else was present"] == "Layla Khalaf, interpreter; her mother"
    assert rows["Read back and confirmed"] == "Yes"
    assert rows["Given freely"] == "Not known"
    court, ours, unknown_kind = s.earlier_interviews
    assert court.label == "Investigative court of Duhok"
    assert court.value == "May 2019, An investigative judge, no copy is available"
    assert ours.value == ("2021, A non-governmental organisation, not known whether a copy is "
                          "available, earlier testimony W-0007")
    assert unknown_kind.value == "(unknown)"  # no date, a kind without a label
    heard, saw = s.incidents
    rows = {r.label: r.value for r in heard.rows}
    assert rows["How does she know of it?"] == "The survivor heard of it"
    assert rows["Heard it from"] == "her cousin"
    assert {r.label: r.value for r in saw.rows}["How does she know of it?"] == "The survivor saw it"
    bought, unknown_role = heard.perpetrators
    assert {r.label: r.value for r in bought.rows} == {
        "What he did in this incident": "Bought, Sold",
        "What he did, in her words": "sold her in Raqqa"}
    assert unknown_role.rows[0].value == "(unknown)"
    assert not any(code in _texts(s) for code in ("investigative_judge", "heard", "bought"))


def test_a_statement_without_the_new_fields_says_nothing_of_them(english):
    s = statement({"restricted_fields": [], "document": {
        "consent": {"record": True}, "interview": {"date": "2024-03-12"},
        "incidents": [{"acts": ["abduction"], "perpetrators": [{"name": "Abu Ali"}]}]}})
    assert [r.label for r in s.interview] == ["Date of this interview"]
    assert s.incidents[0].rows == [] and s.incidents[0].perpetrators[0].rows == []
