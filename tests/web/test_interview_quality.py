"""The statement-quality fields in the interview's steps (issue 16): who was present, whether the
statement was read back and given freely, each earlier statement's kind and copy; per incident
how she knows of it and from whom, per perpetrator what he did. Posted, they are saved; saved,
they are shown again; and a link to an earlier testimony, which this form cannot set, survives
every save of the step."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from intake.records import testimonies
from tests.conftest import csrf_token


def _new(client) -> tuple[str, str, str]:
    """A new testimony's step-2 address, its id and a CSRF token."""
    token = csrf_token(client.get("/testimonies/new").get_data(as_text=True))
    step2 = client.post("/testimonies/new", data={"csrf_token": token, "record": "yes"}).location
    record_id = re.search(r"/testimonies/([0-9a-f]{32})/", step2).group(1)
    return step2, record_id, token


def _document(conn, vault, admin, record_id: str) -> dict:
    return testimonies.load(conn, vault, record_id, admin).document


INTERVIEW = {"date": "2024-03-12", "interviewer": "Dilan",
             "persons_present": "Layla Khalaf, interpreter\r\nher mother\r\n",
             "read_back_confirmed": "yes", "given_freely": "unknown",
             "earlier_interviews-0-organisation": "Yazda",
             "earlier_interviews-0-date": "2019",
             "earlier_interviews-0-kind": "ngo",
             "earlier_interviews-0-copy_available": "no",
             "go": "stay"}


def test_the_interview_step_saves_and_shows_the_new_answers(signed_in, conn, vault, admin):
    step2, record_id, token = _new(signed_in)
    saved = signed_in.post(step2, data={"csrf_token": token, **INTERVIEW})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    interview = _document(conn, vault, admin, record_id)["interview"]
    assert interview["persons_present"] == ["Layla Khalaf, interpreter", "her mother"]
    assert interview["read_back_confirmed"] is True
    assert interview["given_freely"] is None
    assert interview["earlier_interviews"] == [
        {"organisation": "Yazda", "date": "2019", "kind": "ngo", "copy_available": False}]

    page = signed_in.get(step2).get_data(as_text=True)
    assert "Layla Khalaf, interpreter\nher mother</textarea>" in page
    assert re.search(r'<input[^>]*checked[^>]*name="read_back_confirmed"[^>]*value="yes"|'
                     r'<input[^>]*name="read_back_confirmed"[^>]*value="yes"[^>]*checked', page)
    assert re.search(r'name="given_freely"[^>]*value="unknown"[^>]*checked|'
                     r'checked[^>]*name="given_freely"[^>]*value="unknown"', page)
    assert re.search(r'<option selected value="ngo">|<option value="ngo" selected>', page)
    assert re.search(r'name="earlier_interviews-0-copy_available"[^>]*value="no"[^>]*checked|'
                     r'checked[^>]*name="earlier_interviews-0-copy_available"[^>]*value="no"', page)


def test_a_linked_earlier_testimony_survives_every_save_of_the_step(signed_in, conn, vault, admin):
    step2, record_id, token = _new(signed_in)
    signed_in.post(step2, data={"csrf_token": token, **INTERVIEW})
    # The prior-statements register links an earlier testimony of this organisation.
    document = _document(conn, vault, admin, record_id)
    linked = {"organisation": "Field Org", "date": "2021", "kind": "ngo", "copy_available": True,
              "witness_code": "W-0001", "record_id": "a" * 32}
    document["interview"]["earlier_interviews"].append(linked)
    testimonies.save(conn, vault, admin, record_id, document)

    # The page carries the link in the row's hidden fields, and posting the page back keeps it.
    page = signed_in.get(step2).get_data(as_text=True)
    assert re.search(r'name="earlier_interviews-1-witness_code"[^>]*value="W-0001"', page)
    form = {name: value for name, value in re.findall(
        r'<input[^>]*name="(earlier_interviews-1-(?:witness_code|record_id))"[^>]*value="([^"]*)"',
        page)}
    assert form == {"earlier_interviews-1-witness_code": "W-0001",
                    "earlier_interviews-1-record_id": "a" * 32}
    again = {**INTERVIEW, "earlier_interviews-0-organisation": "Yazda (Duhok)",
             "earlier_interviews-1-organisation": "Field Org", "earlier_interviews-1-date": "2021",
             "earlier_interviews-1-kind": "ngo", "earlier_interviews-1-copy_available": "yes",
             **form}
    assert signed_in.post(step2, data={"csrf_token": token, **again}).status_code == 302
    earlier = _document(conn, vault, admin, record_id)["interview"]["earlier_interviews"]
    assert earlier[0]["organisation"] == "Yazda (Duhok)" and "witness_code" not in earlier[0]
    assert earlier[1] == linked

    # A link the form sends that the schema cannot hold is not saved: the saved one stays.
    forged = {**again, "earlier_interviews-1-record_id": "../../etc/passwd",
              "earlier_interviews-1-witness_code": "W" * 65}
    signed_in.post(step2, data={"csrf_token": token, **forged})
    assert _document(conn, vault, admin, record_id)["interview"]["earlier_interviews"][1] == linked


def test_the_incidents_step_saves_how_she_knows_and_what_he_did(signed_in, conn, vault, admin):
    _step2, record_id, token = _new(signed_in)
    step5 = f"/testimonies/{record_id}/step/5"
    data = [("csrf_token", token), ("incidents-0-acts", "abduction"),
            ("incidents-0-witnessed", "heard"), ("incidents-0-heard_from", "her cousin Shirin"),
            ("incidents-0-perpetrators-0-name", "Abu Muhannad"),
            ("incidents-0-perpetrators-0-roles", "bought"),
            ("incidents-0-perpetrators-0-roles", "guarded"),
            ("incidents-0-perpetrators-0-role", "kept her in his house in Tal Afar"),
            ("go", "stay")]
    saved = signed_in.post(step5, data=MultiDict(data))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    incident = _document(conn, vault, admin, record_id)["incidents"][0]
    assert (incident["witnessed"], incident["heard_from"]) == ("heard", "her cousin Shirin")
    perpetrator = incident["perpetrators"][0]
    assert perpetrator["roles"] == ["bought", "guarded"]
    assert perpetrator["role"] == "kept her in his house in Tal Afar"

    page = signed_in.get(step5).get_data(as_text=True)
    assert re.search(r'<option selected value="heard">|<option value="heard" selected>', page)
    assert 'value="her cousin Shirin"' in page
    checked = re.findall(r'<input[^>]*name="incidents-0-perpetrators-0-roles"[^>]*>', page)
    assert {re.search(r'value="(\w+)"', tag).group(1) for tag in checked if "checked" in tag} == {
        "bought", "guarded"}
    assert len(checked) == 7

    # A role not on the list is not saved; the saved roles stay.
    forged = [(k, v) for k, v in data if k != "incidents-0-perpetrators-0-roles"]
    forged.append(("incidents-0-perpetrators-0-roles", "beheaded"))
    signed_in.post(step5, data=MultiDict(forged))
    incident = _document(conn, vault, admin, record_id)["incidents"][0]
    assert incident["perpetrators"][0]["roles"] == ["bought", "guarded"]


def test_the_review_page_shows_the_new_answers(signed_in, conn, vault, admin):
    document = {"consent": {"record": True},
                "interview": {"persons_present": ["Layla Khalaf, interpreter"],
                              "read_back_confirmed": True, "given_freely": None,
                              "earlier_interviews": [{"organisation": "UNITAD", "kind": "un",
                                                      "copy_available": False}]},
                "incidents": [{"acts": ["abduction"], "witnessed": "saw",
                               "perpetrators": [{"name": "Abu Muhannad",
                                                 "roles": ["ordered", "transported"]}]}]}
    record = testimonies.create(conn, vault, admin, document)
    page = signed_in.get(f"/testimonies/{record.id}").get_data(as_text=True)
    for shown in ("Layla Khalaf, interpreter", "Read back and confirmed",
                  "Not known", "A United Nations body", "no copy is available",
                  "The survivor saw it", "Gave the order", "Transported"):
        assert shown in page, shown
