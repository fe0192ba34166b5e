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
