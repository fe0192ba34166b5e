"""JSON import as other tools write it: ``null`` for a question left unanswered (KoBoToolbox,
ODK) counts as not given, and an error names the field and shows a value only as JSON writes it
(``null``, ``true``, ``false``), never as Python would (``None``, ``True``, ``False``)."""

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.records import testimonies
from intake.records.schema import problems
from intake.records.testimonies import without_nulls
from tests.conftest import full_record


def _required(path: tuple) -> bool:
    """What the schema requires (docs/testimony.schema.json, "required")."""
    return path in (("consent",), ("consent", "record")) or path[::2] in (
        ("needs", "kind"), ("narrative", "text"), ("restricted_narrative", "text"))


def _field_paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every field of ``value``'s objects, at any depth, as a path of keys and list indices."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [(*path, key), *_field_paths(item, (*path, key))]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _field_paths(item, (*path, index))
    return found


OPTIONAL = [path for path in _field_paths(full_record()) if not _required(path)]


def _holder(document: dict, path: tuple) -> dict:
    for step in path[:-1]:
        document = document[step]
    return document


def _with(path: tuple, value: object) -> dict:
    document = full_record()
    _holder(document, path)[path[-1]] = value
    return document


def _without(path: tuple) -> dict:
    document = full_record()
    del _holder(document, path)[path[-1]]
    return document


def _stored(conn, vault, admin, document: dict) -> dict:
    (record_id,) = testimonies.import_documents(conn, vault, admin, [document])
    stored = copy.deepcopy(testimonies.load(conn, vault, record_id, admin).document)
    for entry in stored["consent"].get("history", []):
        entry.pop("at")  # the time of each import
    return stored


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(OPTIONAL), min_size=1, max_size=4, unique=True))
def test_a_field_set_to_null_imports_as_if_it_were_absent(conn, vault, admin, paths):
    with_nulls, absent = full_record(), full_record()
    for path in paths:
        if _reachable(absent, path):
            _holder(with_nulls, path)[path[-1]] = None
            del _holder(absent, path)[path[-1]]
    assert without_nulls(with_nulls) == absent
    assert _stored(conn, vault, admin, with_nulls) == _stored(conn, vault, admin, absent)


def _reachable(document: dict, path: tuple) -> bool:
    """Whether ``path`` is still there (an earlier null may have taken its parent)."""
    try:
        return path[-1] in _holder(document, path)
    except (KeyError, IndexError, TypeError):
        return False


def test_an_odk_export_with_nulls_imports(conn, vault, admin):
    document = {"consent": {"record": True, "trial": None, "method": None},
                "interview": {"date": "2024-03-12", "interpreter": None, "language": None},
                "survivor": {"sex": None, "age": None, "minor": None, "other_names": None},
                "incidents": [{"acts": ["abduction"], "date": None, "perpetrators": None}],
                "ysl": None, "notes": None}
    stored = _stored(conn, vault, admin, document)
    assert stored["interview"] == {"date": "2024-03-12"}
    assert stored["survivor"] == {} and "ysl" not in stored and "notes" not in stored
    assert stored["incidents"] == [{"acts": ["abduction"]}]
    assert stored["consent"]["record"] is True and "trial" not in stored["consent"]


@pytest.mark.parametrize(("document", "line"), [
    ({"consent": None}, "(top): missing consent"),
    ({"consent": {"record": None}}, "consent: missing record"),
    ({"consent": {"record": "yes"}}, "consent/record: must be true or false, not text"),
    ({"consent": {"record": 1}}, "consent/record: must be true or false, not a whole number"),
    (full_record(narrative=[None]), "narrative/0: must be an object, not null"),
    (full_record(notes=True), "notes: must be text, not true"),
    (full_record(incidents=[{"acts": [False]}]), "incidents/0/acts/0: must be text, not false"),
    (_with(("survivor", "age"), 12.5),
     "survivor/age: must be a whole number or empty, not a fraction"),
    (_with(("survivor", "sex"), "Female"),
     'survivor/sex: must be one of "", "female", "male", "other", "prefer_not_to_say"'),
    (_with(("survivor", "sex"), False), 'survivor/sex: must be one of "", "female", "male", '
                                        '"other", "prefer_not_to_say", not false'),
    (full_record(schema_version=True), "schema_version: must be 1, not true"),
])
def test_an_error_names_the_field_and_shows_values_as_json(conn, vault, admin, document, line):
    with pytest.raises(ValueError) as refused:
        testimonies.import_documents(conn, vault, admin, [full_record(), document])
    assert str(refused.value) == f"record 2: {line}"
    assert testimonies.summaries(conn, admin)[1] == 0


def test_a_null_record_in_a_list_is_refused_as_null(conn, vault, admin):
    with pytest.raises(ValueError, match=r"^record 1: \(top\): must be an object, not null$"):
        testimonies.import_documents(conn, vault, admin, [None])


# Keys are kept clear of the three words: an unknown field is named by its key, as written.
_KEYS = st.text(max_size=8).filter(lambda key: key not in ("None", "True", "False"))
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=12),
                     lambda children: st.lists(children, max_size=3)
                     | st.dictionaries(_KEYS, children, max_size=3), max_leaves=12)
_PYTHON_REPR = re.compile(r"\b(None|True|False)\b|'")


@settings(max_examples=300)
@given(st.sampled_from([(), *_field_paths(full_record())]), _JSON)
def test_no_error_shows_a_python_repr(path, value):
    document = _with(path, value) if path else value
    for line in problems(without_nulls(document)):
        assert not _PYTHON_REPR.search(line), line


def test_nulls_are_dropped_at_any_depth_without_recursion():
    deep: object = None
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = {"x": deep, "y": [None, 1]}
    cleaned = without_nulls(deep)
    for _ in range(4999):
        assert cleaned["y"] == [None, 1]  # a null in a list stays
        cleaned = cleaned["x"]
    assert cleaned == {"y": [None, 1]}
