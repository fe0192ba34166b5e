"""The testimony schema: valid records pass, anything else is refused with a readable line."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from intake.records.schema import DocumentError, is_edtf, problems, validate
from intake.web.interview import EDTF_EXAMPLES
from tests.conftest import full_record

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=12), children, max_size=4),
                    max_leaves=20)


def test_a_full_record_is_valid():
    assert validate(full_record()) == full_record()


@given(JSON)
def test_any_json_gives_problems_or_passes_never_crashes(document):
    found = problems(document)
    assert all(isinstance(line, str) and ": " in line for line in found)
    if found:
        with pytest.raises(DocumentError):
            validate(document)


@given(st.fixed_dictionaries({"consent": st.fixed_dictionaries({"record": st.booleans()})},
                             optional={"interview": st.fixed_dictionaries(
                                 {"date": st.text(max_size=15)})}))
def test_dates_are_checked_as_edtf(document):
    date = document.get("interview", {}).get("date", "")
    assert (not problems(document)) == is_edtf(date)
    assert not problems(document, check_dates=False)


@pytest.mark.parametrize("date", [example for example, _ in EDTF_EXAMPLES] + ["198X", ""])
def test_edtf_examples_shown_to_users_are_valid(date):
    assert is_edtf(date)


@pytest.mark.parametrize("document", [
    {"consent": {}},
    {"consent": {"record": "yes"}},
    {"consent": {"record": True}, "survivor": {"community": "martian"}},
    {"consent": {"record": True}, "interview": {"language": "not a tag!"}},
    {"consent": {"record": True}, "incidents": [{"acts": ["teleportation"]}]},
    {"consent": {"record": True}, "unknown_section": 1},
])
def test_invalid_documents_are_refused(document):
    with pytest.raises(DocumentError):
        validate(document)


def _mutations():
    """A full record with one part replaced by arbitrary JSON, or a text field by arbitrary
    text (newlines and scripts included): near misses, where two validators could disagree."""
    paths = [("survivor", "sex"), ("survivor", "community"), ("interview", "language"),
             ("survivor", "full_name"), ("consent", "record"), ("ysl", "age_at_abduction"),
             ("incidents",), ("relatives",), ("narrative",), ("needs",)]
    return st.tuples(st.sampled_from(paths), JSON | st.text(max_size=12))


@given(_mutations())
@example((("interview", "language"), "ku\n"))  # "$" ends a line in Python, the text in Rust
def test_the_reference_validator_has_the_last_word(mutation):
    """What the fast validator accepts, the reference one accepts too; where the fast one
    refuses, the reference one decides."""
    from intake.records.schema import _fast_validator, _validator

    path, value = mutation
    document = full_record()
    holder = document
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    reference = _validator().is_valid(document)
    assert not _fast_validator().is_valid(document) or reference
    assert reference or problems(document, check_dates=False)


def _quality(**incident_fields) -> dict:
    """A full record with the statement-quality fields a court weighs (issue 16)."""
    record = full_record()
    record["interview"].update(persons_present=["Layla Khalaf, interpreter", "her mother"],
                               read_back_confirmed=True, given_freely=None)
    record["interview"]["earlier_interviews"] = [
        {"organisation": "Yazda", "date": "2019", "kind": "ngo", "copy_available": False},
        {"organisation": "", "date": "2021", "kind": "", "copy_available": None,
         "witness_code": "W-0007", "record_id": "0" * 32}]
    incident = record["incidents"][0]
    incident.update(witnessed="heard", heard_from="her cousin")
    incident["perpetrators"][0].update(roles=["bought", "guarded"], role="kept her in his house")
    incident.update(incident_fields)
    return record


def test_the_statement_quality_fields_are_valid():
    assert validate(_quality()) == _quality()
    assert validate(_quality(witnessed="")) == _quality(witnessed="")


def test_the_schema_holds_the_codes_of_the_records_layer():
    from intake.records import schema as schemas
    from intake.records import taxonomy

    props = schemas.schema()["properties"]
    incident = props["incidents"]["items"]["properties"]
    assert incident["witnessed"]["enum"] == ["", *taxonomy.WITNESSED]
    roles = incident["perpetrators"]["items"]["properties"]["roles"]
    assert roles["items"]["enum"] == list(taxonomy.PERPETRATOR_ROLES)
    earlier = props["interview"]["properties"]["earlier_interviews"]["items"]["properties"]
    assert earlier["kind"]["enum"] == ["", *taxonomy.EARLIER_INTERVIEW_KINDS]


@pytest.mark.parametrize("change", [
    lambda r: r["incidents"][0].update(witnessed="dreamt"),
    lambda r: r["incidents"][0].update(heard_from=["a list"]),
    lambda r: r["incidents"][0].update(heard_from="x" * 1001),
    lambda r: r["incidents"][0]["perpetrators"][0].update(roles=["ordered", "ordered"]),
    lambda r: r["incidents"][0]["perpetrators"][0].update(roles=["beheaded"]),
    lambda r: r["incidents"][0]["perpetrators"][0].update(roles="ordered"),
    lambda r: r["interview"].update(persons_present="her mother"),
    lambda r: r["interview"].update(persons_present=["x" * 1001]),
    lambda r: r["interview"].update(read_back_confirmed="yes"),
    lambda r: r["interview"].update(given_freely=1),
    lambda r: r["interview"]["earlier_interviews"][0].update(kind="police"),
    lambda r: r["interview"]["earlier_interviews"][0].update(copy_available="no"),
    lambda r: r["interview"]["earlier_interviews"][0].update(record_id="not hex"),
    lambda r: r["interview"]["earlier_interviews"][0].update(witness_code="W" * 65),
], ids=["witnessed", "heard_from list", "heard_from long", "roles repeated", "role unknown",
        "roles not a list", "persons_present text", "persons_present long", "read back text",
        "given freely number", "kind unknown", "copy text", "record id", "witness code long"])
def test_the_statement_quality_fields_refuse_what_they_cannot_hold(change):
    record = _quality()
    change(record)
    with pytest.raises(DocumentError):
        validate(record)
