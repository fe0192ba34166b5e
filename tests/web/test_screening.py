"""The Screening pages: a pasted or uploaded list screened against the index with progress, its
candidates shown with their reasons, decided and audited; the CSV and the brief; a compromised
source supporting nothing; and nothing of the list left readable on disk."""

from __future__ import annotations

import csv
import io
import re
import secrets
import time

import pytest

from intake.archive import corroboration, sources
from intake.home import audit
from intake.web.app import create_app
from tests.archive.conftest import JUNE
from tests.archive.test_persons import HAMID, HAMID_AR, Sender, record_naming
from tests.archive_homes import fingerprint, make_archive, make_home
from tests.conftest import csrf_token, sign_in
from tests.leak_scan import files_holding, temp_folders, text_needles

ACTS = ("abduction", "sexual_slavery")


@pytest.fixture
def law(tmp_path, monkeypatch):
    first, second = make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "Second Org")
    archive = make_archive(tmp_path / "law")
    ship = Sender(tmp_path, monkeypatch, archive)
    ship(first, [record_naming(first, HAMID, acts=ACTS)])
    ship(second, [record_naming(second, HAMID_AR, acts=ACTS)], exported_at=JUNE)
    archive.homes = (first, second)
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


def screen(client, label: str, pasted: str = "", upload: bytes | None = None) -> str:
    """Post a list and follow the job to its results; the results page's URL."""
    token = csrf_token(client.get("/archive/screening/").get_data(as_text=True))
    data = {"csrf_token": token, "label": label, "pasted": pasted}
    if upload is not None:
        data["list_file"] = (io.BytesIO(upload), "list.csv")
    response = client.post("/archive/screening/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert label not in response.location and "Hamid" not in response.location
    for _ in range(200):
        followed = client.get(response.location)
        if followed.status_code == 302 and "/jobs/" not in followed.location:
            return followed.location
        time.sleep(0.05)
    raise AssertionError("the screening did not finish")


def post(client, url: str, **data):
    token = csrf_token(client.get("/archive/screening/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_pasted_list_shows_the_strong_candidate_with_reasons(client, law):
    results = screen(client, "November list", "حامد جاسم خلف الدليمي\nحامد سالم خلف الدليمي\n")
    page = client.get(results).get_data(as_text=True)
    person = hamid(law)
    first_row = page.index('id="row-1"')
    assert page.index(person.id) > first_row
    assert "Strong" in page and "Given name agrees: حامد" in page
    assert "Father&#39;s name differs: سالم / جاسم" in page  # the second row, possible
    assert "Abduction" in page and "Sexual slavery" in page
    assert "Yazidi Survivors Law" in page or "Rome Statute" in page
    (entry,) = [e for e in audit.entries(law.conn) if e.event == "screening_saved"]
    assert entry.detail["rows"] == 2 and entry.detail["strong"] == 1
    assert "حامد" not in str(entry.detail)


def test_an_uploaded_utf16_csv_with_a_broken_row(client, law):
    text = "name\tfather\tgrandfather\r\nHamid\tJasim\tKhalaf\r\n\"broken\tx\r\n"
    results = screen(client, "Excel list", upload=b"\xff\xfe" + text.encode("utf-16-le"))
    page = client.get(results).get_data(as_text=True)
    assert "Row 3: a quotation mark is never closed" in page
    assert hamid(law).id in page


def test_decisions_csv_and_brief(client, law):
    results = screen(client, "Decided list", "Hamid Jasim Khalaf al-Dulaimi\n")
    screening_id = results.rsplit("/", 1)[1]
    person = hamid(law)
    response = post(client, f"/archive/screening/{screening_id}/decide", row="1",
                    person=person.id, decision="confirmed", note="matches case 77/2017")
    assert response.status_code == 302
    page = client.get(results).get_data(as_text=True)
    assert "Confirmed" in page and "matches case 77/2017" in page
    decided = [e.detail for e in audit.entries(law.conn) if e.event == "screening_decided"]
    assert decided == [{"screening": screening_id, "row": 1, "person": person.id,
                        "decision": "confirmed"}]

    download = post(client, f"/archive/screening/{screening_id}/screening.csv")
    assert download.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(download.get_data().decode("utf-8-sig"))))
    assert [(r["row"], r["person"], r["level"], r["decision"]) for r in rows] == [
        ("1", person.id, "strong", "confirmed")]

    brief = client.get(f"/archive/screening/{screening_id}/brief/ar").get_data(as_text=True)
    assert 'dir="rtl"' in brief and 'lang="ar"' in brief
    english = client.get(f"/archive/screening/{screening_id}/brief/en").get_data(as_text=True)
    assert "A name match is not identification." in english
    for home in law.homes:
        assert fingerprint(home) in english
    bundles = {s for (s,) in law.conn.execute("SELECT file_sha256 FROM bundles")}
    assert len(bundles) == 2 and bundles <= set(re.findall(r"[0-9a-f]{64}", english))
    assert "Nadia" not in english  # no consent to disclose identity in these records
    assert {e.detail["kind"] for e in audit.entries(law.conn)
            if e.event == "screening_exported"} == {"csv", "brief-ar", "brief-en"}


def test_a_compromised_source_supports_no_match(client, law):
    second = law.homes[1]
    sources.mark(law.conn, law.vault, law.user, fingerprint(second), JUNE[:10])
    results = screen(client, "After the seizure", "حامد جاسم خلف الدليمي\n")
    page = client.get(results).get_data(as_text=True)
    assert hamid(law).id in page  # still found, through the first laptop's record
    screening_id = results.rsplit("/", 1)[1]
    post(client, f"/archive/screening/{screening_id}/decide", row="1", person=hamid(law).id,
         decision="confirmed")
    brief = client.get(f"/archive/screening/{screening_id}/brief/en").get_data(as_text=True)
    assert fingerprint(law.homes[0]) in brief and fingerprint(second) not in brief


def test_a_short_list_goes_straight_to_its_results(client, law):
    """The list is screened while the request waits (screening_jobs.SHORT_WAIT_SECONDS): the job
    page it redirects to is already finished, and sends on to the results."""
    token = csrf_token(client.get("/archive/screening/").get_data(as_text=True))
    response = client.post("/archive/screening/", data={"csrf_token": token, "label": "Short",
                                                        "pasted": "Hamid Jasim\n"})
    assert response.status_code == 302 and "/jobs/" in response.location
    followed = client.get(response.location)
    assert followed.status_code == 302 and "/jobs/" not in followed.location


def test_nothing_of_the_list_is_left_readable(client, law):
    word = "Qorvandel" + secrets.token_hex(4)
    results = screen(client, "Leak check", f"{word} Jasim\nحامد جاسم\n")
    assert word in client.get(results).get_data(as_text=True)
    assert files_holding(text_needles(word), [law.config.home, *temp_folders()]) == []


def test_a_list_that_cannot_be_read_is_refused_on_the_page(client, law):
    token = csrf_token(client.get("/archive/screening/").get_data(as_text=True))
    response = client.post("/archive/screening/", data={"csrf_token": token, "label": "Empty",
                                                        "pasted": " \n "})
    assert response.status_code == 422
    assert "choose a file or paste the names" in response.get_data(as_text=True)


def test_others_cannot_reach_a_screening(client, law):
    results = screen(client, "Private", "Hamid Jasim\n")
    assert client.get("/archive/screening/S-00000000").status_code == 404
    assert client.get("/archive/screening/not-an-id").status_code == 404
    assert client.get(results.replace("/archive/screening/", "/archive/screening/jobs/")).status_code == 404
