"""The People pages: one man named by two organisations in two spellings is one person with two
independent testimonies, found in either script; his page names the acts with their legal
qualifications, dates in words and the records; merge, split and "not the same" go through
posted forms, change the grouping and are audited."""

from __future__ import annotations

import re

import pytest

from intake.archive import corroboration
from intake.home import audit
from intake.records import testimonies
from intake.web.app import create_app
from tests.archive.test_persons import HAMID, HAMID_AR, Sender, record_naming
from tests.archive_homes import make_archive, make_home
from tests.conftest import csrf_token, full_record, sign_in
from tests.web.test_archive_record import visible

ACTS = ("abduction", "sexual_slavery")


@pytest.fixture
def law(tmp_path, monkeypatch):
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "Second Org")
    archive = make_archive(tmp_path / "law")
    ship = Sender(tmp_path, monkeypatch, archive)
    ship(first, [record_naming(first, HAMID, acts=ACTS)])
    ship(second, [record_naming(second, HAMID_AR, acts=ACTS),
                  record_naming(second, "Hamid al-Dulaimi")])
    yield archive
    for home in (first, second, archive):
        home.close()


@pytest.fixture
def client(law):
    made = create_app(law.config).test_client()
    assert sign_in(made).status_code == 302
    return made


def hamid(law) -> corroboration.Person:
    return next(p for p in corroboration.persons(law.conn) if HAMID in p.names)


def post(client, url: str, **data: str):
    token = csrf_token(client.get("/archive/people/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_list_shows_one_person_with_two_testimonies_and_organisations(client, law):
    text = visible(client.get("/archive/people/").get_data(as_text=True))
    row = next(line for line in text.split("\n") if HAMID in line)
    assert HAMID_AR in row
    cells = re.findall(r"<tr>.*?</tr>", client.get("/archive/people/").get_data(as_text=True),
                       re.S)
    mine = next(c for c in cells if HAMID in c)
    assert re.findall(r"<td>(\d+)</td>", mine) == ["2", "2"]
    assert "Abduction" in mine and "Sexual slavery" in mine
    assert 'href="/archive/people/"' in client.get("/archive/").get_data(as_text=True)


def test_a_search_in_another_script_finds_him_and_stays_out_of_the_url(client, law):
    response = post(client, "/archive/people/search", query="حامد")
    assert response.status_code == 302 and "حامد" not in response.location
    page = client.get("/archive/people/").get_data(as_text=True)
    assert HAMID in page and "Hamid al-Dulaimi" in page  # the given name: both persons
    post(client, "/archive/people/search", query="Jasim")
    page = client.get("/archive/people/").get_data(as_text=True)
    assert HAMID in page and "Hamid al-Dulaimi" not in page
    post(client, "/archive/people/search", query="Nobody Else")
    assert HAMID not in client.get("/archive/people/").get_data(as_text=True)


def test_filters_by_act_and_role(client, law):
    page = client.get("/archive/people/?act=sexual_slavery").get_data(as_text=True)
    assert HAMID in page and "Hamid al-Dulaimi" not in page
    assert HAMID in client.get("/archive/people/?role=guard").get_data(as_text=True)


def test_the_person_page_names_acts_qualifications_dates_and_records(client, law):
    person = hamid(law)
    page = client.get(f"/archive/people/{person.id}").get_data(as_text=True)
    text = visible(page)
    assert "Sexual slavery" in text and "Rome Statute, art. 7(1)(g)" in text
    assert "Yazidi Survivors Law, art. 9 (First): no amnesty" in text
    assert "August 3, 2014" in text and "2014-08-03" not in text
    assert "Sinjar" in text and "guard" in text
    bars = " ".join(text.split("Bars to amnesty")[1].split("Incidents")[0].split())
    assert "art. 9 (First): no amnesty (Abduction, Sexual slavery)" in bars
    assert "not shown" not in bars  # a Yazidi woman, abducted on August 3, 2014: all shown
    seqs = {seq for (seq,) in law.conn.execute("SELECT seq FROM archive_records")}
    linked = {int(s) for s in re.findall(r'href="/archive/records/(\d+)"', page)}
    assert len(linked) == 2 and linked <= seqs
    beyond = text.split("Beyond membership")[1].split("Corroboration by act")[0]
    assert "Sexual slavery: 2 independent witnesses" in " ".join(beyond.split())
    assert "Given name" in text.split("Possibly the same as")[1]  # the reasons, in words
    assert client.get("/archive/people/P-nosuch").status_code == 404


def test_a_bar_names_the_conditions_its_records_do_not_show(tmp_path, monkeypatch):
    field, archive = make_home(tmp_path / "a", "Field Org"), make_archive(tmp_path / "law")
    unknown = full_record()
    unknown["survivor"] = {**unknown["survivor"], "community": ""}
    unknown["incidents"] = [{"acts": ["rape"], "date": "2014-08-20", "place": "Sinjar",
                             "perpetrators": [{"name": HAMID, "aliases": [], "role": "guard"}]}]
    unknown["ysl"] = {}
    Sender(tmp_path, monkeypatch, archive)(field, [
        testimonies.create(field.conn, field.vault, field.user, unknown, completed=True).id])
    made = create_app(archive.config).test_client()
    assert sign_in(made).status_code == 302
    person = next(p for p in corroboration.persons(archive.conn) if HAMID in p.names)
    text = " ".join(visible(made.get(f"/archive/people/{person.id}").get_data(as_text=True))
                    .split())
    assert ("art. 9 (First): no amnesty (Rape) · conditions not shown in the record: the "
            "survivor's community, that it happened in captivity") in text
    assert ("rape is excluded (Rape) · conditions not shown in the record: a charge for this "
            "crime") in text
    for home in (field, archive):
        home.close()


def test_merge_split_and_distinct_through_the_forms(client, law):
    person = hamid(law)
    other = next(p for p in corroboration.persons(law.conn) if "Hamid al-Dulaimi" in p.names)
    response = post(client, f"/archive/people/{person.id}/merge", other=other.id)
    assert response.status_code == 302
    merged = hamid(law)
    assert "Hamid al-Dulaimi" in merged.names
    assert "The two persons are now one." in client.get(response.location).get_data(as_text=True)

    mention = next(m.id for m in merged.mentions if m.name == "Hamid al-Dulaimi")
    response = post(client, f"/archive/people/{merged.id}/split", mention=mention)
    assert "The mention is now a person of its own." in \
        client.get(response.location).get_data(as_text=True)
    alone = next(p for p in corroboration.persons(law.conn) if "Hamid al-Dulaimi" in p.names)
    assert alone.id != hamid(law).id

    response = post(client, f"/archive/people/{hamid(law).id}/distinct", other=alone.id)
    assert "The two persons are marked as not the same." in \
        client.get(response.location).get_data(as_text=True)
    page = client.get(f"/archive/people/{hamid(law).id}").get_data(as_text=True)
    assert "Possibly the same as" not in page
    assert [e.event for e in audit.entries(law.conn)
            if e.event.startswith(("persons", "mention"))] == [
        "persons_merged", "mention_split", "persons_distinct"]


def test_a_decision_refused_says_why_and_a_form_without_its_token_does_nothing(client, law):
    person = hamid(law)
    response = post(client, f"/archive/people/{person.id}/merge", other=person.id)
    assert "Refused:" in client.get(response.location).get_data(as_text=True)
    before = [p.id for p in corroboration.persons(law.conn)]
    client.post(f"/archive/people/{person.id}/distinct", data={"other": "x"})
    assert [p.id for p in corroboration.persons(law.conn)] == before


def test_filters_by_qualification_and_source_keep_each_other_and_ignore_unknown_values(
        client, law):
    page = client.get("/archive/people/").get_data(as_text=True)
    assert "Rome Statute, art. 7(1)(g)" in page and "All qualifications" in page
    assert "Field Org" in page and "Second Org" in page and "All sources" in page
    slavery = client.get("/archive/people/?qualification=rs:7(1)(g)").get_data(as_text=True)
    assert HAMID in slavery and "Hamid al-Dulaimi" not in slavery
    fields = {fp: org for fp, org in law.conn.execute("SELECT fingerprint, organisation "
                                                      "FROM sources")}
    second = next(fp for fp, org in fields.items() if org == "Second Org")
    first = next(fp for fp, org in fields.items() if org == "Field Org")
    assert "Hamid al-Dulaimi" in client.get(f"/archive/people/?source={second}").get_data(
        as_text=True)
    alone = client.get(f"/archive/people/?source={first}").get_data(as_text=True)
    assert HAMID in alone and "Hamid al-Dulaimi" not in alone
    both = client.get(f"/archive/people/?source={second}&act=abduction&qualification=rs:7(1)(g)"
                      ).get_data(as_text=True)
    assert HAMID in both and "Hamid al-Dulaimi" not in both
    links = re.findall(r'href="(/archive/people/\?[^"]*)"', both)
    assert any(f"source={second}" in link and "qualification=" in link and "act=" in link
               for link in links)  # each filter's links keep the others chosen
    unknown = client.get("/archive/people/?qualification=rs:99&source=nobody&act=x&role=y")
    assert unknown.status_code == 200
    text = unknown.get_data(as_text=True)
    assert HAMID in text and "Hamid al-Dulaimi" in text  # unknown values filter nothing


def test_a_search_and_a_filter_together_page_in_the_store(client, law):
    post(client, "/archive/people/search", query="Hamid")
    page = client.get("/archive/people/?act=sexual_slavery").get_data(as_text=True)
    assert HAMID in page and "Hamid al-Dulaimi" not in page
    assert "1 person" in visible(page)


def test_the_people_pages_index_a_store_from_before_the_index_when_opened(client, law):
    law.conn.execute("DELETE FROM archive_mentions")
    law.conn.execute("DELETE FROM archive_mention_keys")
    for table in ("person_summary", "person_facets", "person_spellings", "person_words",
                  "person_blocks"):
        law.conn.execute(f"DELETE FROM {table}")  # noqa: S608
    law.conn.execute("UPDATE archive_records SET persons_indexed = 0")
    assert corroboration.persons(law.conn) == []
    page = client.get("/archive/people/").get_data(as_text=True)
    assert HAMID in page and "Hamid al-Dulaimi" in page
    assert not law.conn.execute("SELECT 1 FROM archive_records WHERE persons_indexed = 0"
                                ).fetchone()


def test_each_mention_says_how_she_knows_and_what_he_did(tmp_path, monkeypatch):
    """Per act of a person, each testimony's evidence: whether the survivor saw it herself or
    heard of it, and his roles in it, in words (a code without a label never as itself)."""
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "Second Org")
    archive = make_archive(tmp_path / "law")
    ship = Sender(tmp_path, monkeypatch, archive)
    saw = full_record(incidents=[{"acts": ["trafficking"], "date": "2014-09", "place": "Tal Afar",
                                  "witnessed": "saw",
                                  "perpetrators": [{"name": HAMID, "roles": ["bought", "sold"],
                                                    "role": "sold her to a man from Raqqa"}]}])
    heard = full_record(incidents=[{"acts": ["trafficking"], "date": "2014-09", "place": "Tal Afar",
                                    "witnessed": "heard", "heard_from": "her cousin",
                                    "perpetrators": [{"name": HAMID_AR, "roles": ["ordered"]}]}])
    ship(first, [testimonies.create(first.conn, first.vault, first.user, saw, completed=True).id])
    ship(second, [testimonies.create(second.conn, second.vault, second.user, heard,
                                     completed=True).id])
    made = create_app(archive.config).test_client()
    assert sign_in(made).status_code == 302
    person = next(p for p in corroboration.persons(archive.conn) if HAMID in p.names)
    assert {(m.witnessed, m.roles) for m in person.mentions} == {
        ("saw", ("bought", "sold")), ("heard", ("ordered",))}
    page = made.get(f"/archive/people/{person.id}").get_data(as_text=True)
    cards = [" ".join(visible(card).split()) for card in
             re.findall(r'<article class="card incident.*?</article>', page, re.S)]
    by_org = {("Field Org" in card): card for card in cards}
    assert "What he did in this incident Bought, Sold" in by_org[True]
    assert "What he did, in her words sold her to a man from Raqqa" in by_org[True]
    assert "How does she know of it? The survivor saw it" in by_org[True]
    assert "What he did in this incident Gave the order" in by_org[False]
    assert "How does she know of it? The survivor heard of it" in by_org[False]
    for home in (first, second, archive):
        home.close()
