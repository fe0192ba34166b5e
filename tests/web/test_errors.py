"""No survivor text in logs or error pages (docs/security.md): every interview field carries the
schema's limit (browser and server); an over-long answer is refused with a plain message while
the rest of the step is saved; a refused document is a 422 naming the field and rule, never the
value; the log filter leaves only an exception's type and location; the command line names the
field, not the value. tests/web/test_hostile_server.py does the same against the real server."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Regexp

from intake.cli.main import main
from intake.records import testimonies
from intake.records.schema import DocumentError, limits, problems, validate
from intake.web.interview import STEPS, _all_fields, _EachAtMost
from intake.web.log_filter import WithoutExceptionText, where
from tests.conftest import csrf_token, full_record

MARKER = "Nadia Qx7Marker"
FREE_TEXT_WITHOUT_LIMIT = {"other_languages"}  # language tags: the schema's pattern, no length


def test_every_interview_field_has_the_schema_limit_in_the_browser_and_on_the_server(app):
    checked = 0
    with app.test_request_context():
        for step in STEPS:
            for field in _all_fields(step.form(formdata=None, meta={"csrf": False})):
                if not isinstance(field, (StringField, IntegerField)) or \
                        field.short_name in FREE_TEXT_WITHOUT_LIMIT:
                    continue
                if isinstance(field, HiddenField):  # a link the form carries, never typed
                    held = {type(v) for v in field.validators}
                    assert {Length, Regexp} & held, field.name  # 64 characters, 32 hex digits
                    continue
                lengths = [v.max for v in field.validators if isinstance(v, Length)]
                per_entry = [v.size for v in field.validators if isinstance(v, _EachAtMost)]
                ranges = [(v.min, v.max) for v in field.validators if isinstance(v, NumberRange)]
                assert lengths or per_entry or ranges, field.name
                shown = field()
                if lengths:
                    assert lengths[0] in (100, 1000, 3000, 200_000), field.name
                    assert f'maxlength="{lengths[0]}"' in shown, shown
                if ranges:
                    assert ranges[0] == (0, 130) and 'min="0"' in shown and 'max="130"' in shown
                checked += 1
    assert checked > 30
    assert limits("survivor/full_name") == {"maxLength": 1000}
    assert limits("incidents/perpetrators/aliases") == {"items": {"maxLength": 1000}}


def _step(signed_in, number: int) -> tuple[str, str]:
    token = csrf_token(signed_in.get("/testimonies/new").get_data(as_text=True))
    made = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"})
    path = made.headers["Location"].replace("/step/2", f"/step/{number}")
    return path, csrf_token(signed_in.get(path).get_data(as_text=True))


def test_an_over_long_name_is_refused_by_name_and_the_rest_of_the_step_is_saved(signed_in, conn,
                                                                                vault, admin):
    path, token = _step(signed_in, 3)
    page = signed_in.get(path).get_data(as_text=True)
    assert re.search(r'<input[^>]*maxlength="1000"[^>]*name="full_name"', page)
    first = {"csrf_token": token, "full_name": "Nadia", "place_of_origin": "Kocho"}
    assert signed_in.post(path, data=first, headers={"X-Autosave": "1"}).status_code == 200
    long_name = MARKER + "x" * (1026 - len(MARKER))
    body = {**first, "full_name": long_name, "place_of_origin": "Sinjar", "age": "12"}
    saved = signed_in.post(path, data=body, headers={"X-Autosave": "1"})
    assert saved.status_code == 200 and saved.json["not_saved"] == ["full_name"]
    record_id = path.split("/")[2]
    survivor = testimonies.load(conn, vault, record_id, admin).document["survivor"]
    assert (survivor["full_name"], survivor["place_of_origin"], survivor["age"]) == \
        ("Nadia", "Sinjar", 12)
    shown = signed_in.post(path, data={**body, "go": "next"})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 422 and "At most 1000 characters." in text
    assert f'value="{long_name}"' in text  # what was typed stays in the page
    assert "except the answers marked below" in text


def test_a_huge_number_or_a_wrong_choice_is_not_saved_and_is_no_server_error(signed_in, conn,
                                                                            vault, admin):
    path, token = _step(signed_in, 6)
    body = {"csrf_token": token, "age_at_abduction": "9" * 400, "category": "martian",
            "abduction_date": "2014-08-03"}
    saved = signed_in.post(path, data=body, headers={"X-Autosave": "1"})
    assert saved.status_code == 200
    assert sorted(saved.json["not_saved"]) == ["age_at_abduction", "category"]
    ysl = testimonies.load(conn, vault, path.split("/")[2], admin).document["ysl"]
    assert ysl == {"category": "", "abduction_date": "2014-08-03", "release_date": "",
                   "age_at_abduction": None}


def test_a_line_break_counts_once_as_the_browser_counts_it(signed_in, conn, vault, admin):
    path, token = _step(signed_in, 8)
    notes = "a line!\r\n" * 25_000  # 200,000 characters once each CR LF is one LF
    saved = signed_in.post(path, data={"csrf_token": token, "notes": notes},
                           headers={"X-Autosave": "1"})
    assert saved.status_code == 200 and saved.json["not_saved"] == []
    stored = testimonies.load(conn, vault, path.split("/")[2], admin).document["notes"]
    assert len(stored) == 200_000 - 1 and "\r" not in stored  # (the last LF is stripped)


BAD_DOCUMENTS = [
    {"consent": {"record": MARKER}},
    {"consent": {"record": True}, "survivor": {"full_name": MARKER * 100}},
    {"consent": {"record": True}, "survivor": {"sex": MARKER, "age": MARKER}},
    {"consent": {"record": True}, "interview": {"language": MARKER, "date": MARKER}},
    {"consent": {"record": True}, "incidents": [{"acts": [MARKER, "qxmarker"]}]},
    {"consent": {"record": True}, "survivor": {MARKER: 1, "zz": 2}},
    {"consent": {"record": True}, "notes": MARKER * 20000},
]


@pytest.mark.parametrize("document", BAD_DOCUMENTS)
def test_a_refused_document_names_the_field_and_rule_never_the_value(document):
    found = problems(document)
    assert found and all(": " in line for line in found)
    assert not any(MARKER in line or "qxmarker" in line for line in found), found
    with pytest.raises(DocumentError) as refused:
        validate(document)
    assert MARKER not in str(refused.value)


def test_problems_say_which_field_and_which_rule():
    long_name = {"consent": {"record": True}, "survivor": {"full_name": "x" * 1001}}
    assert problems(long_name) == ["survivor/full_name: longer than 1000 characters"]
    assert problems({"consent": {}}) == ["consent: missing record"]
    assert problems({"consent": {"record": True}, "interview": {"date": "soon"}}) == \
        ["interview/date: not an EDTF date"]


def test_a_document_error_on_any_save_is_a_422_page_or_json(app):
    with pytest.raises(DocumentError) as refused:
        validate({"consent": {"record": True}, "survivor": {"full_name": MARKER * 100}})
    for headers, kind in (({}, "text/html"), ({"X-Autosave": "1"}, "application/json")):
        with app.test_request_context("/testimonies/x/step/3", method="POST", headers=headers):
            response = app.make_response(app.handle_user_exception(refused.value))
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and response.mimetype == kind
        assert "survivor/full_name: longer than 1000 characters" in body and MARKER not in body


def test_the_log_filter_leaves_the_type_and_place_of_an_exception_only():
    stream = io.StringIO()
    logger = logging.getLogger("intake-test-filter")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.addFilter(WithoutExceptionText())
    try:
        try:
            int(MARKER)
        except ValueError as exc:
            logger.exception("Exception on /testimonies/x/step/3 [POST]")
            logger.error("failed with %s", exc)
            described = where(exc)
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert MARKER not in logged and "Traceback" not in logged
    assert "Exception on /testimonies/x/step/3 [POST]: ValueError at tests/web/test_errors.py:" in logged
    assert "failed with ValueError" in logged
    assert described.startswith("ValueError at tests/web/test_errors.py:") and MARKER not in described


def test_the_app_puts_the_filter_on_the_loggers_a_server_writes_through(app):
    for logger in (app.logger, logging.getLogger(), logging.getLogger("waitress")):
        assert any(isinstance(f, WithoutExceptionText) for f in logger.filters), logger.name


def test_a_bad_import_prints_the_field_and_rule_not_the_value(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    source = tmp_path / "bad.json"
    bad = full_record()
    bad["survivor"]["full_name"] = MARKER + "x" * 1020
    source.write_text(json.dumps([full_record(), bad]), "utf-8")
    result = runner.invoke(main, ["testimony", "import", str(source)])
    assert result.exit_code == 1
    assert result.output == "Error: record 2: survivor/full_name: longer than 1000 characters\n"
