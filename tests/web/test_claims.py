"""The Claims pages: survivors' claims by status with what each lacks and the warnings, a
claim's checklist, its status saved and audited, the claim pack streamed from memory (never
cached, audited, refused without consent), the interview's new fields, and an archive's claims
from an imported reparations bundle. No plaintext copy of a pack is left in the temp folders."""

from __future__ import annotations

import re
import secrets
from io import BytesIO

import pytest

from intake.home import audit
from intake.home.passphrases import add_user
from intake.records import attachments, testimonies
from intake.web.app import create_app
from tests.archive_homes import make_archive, make_home, send
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE, csrf_token, full_record, sign_in
from tests.leak_scan import files_holding, temp_folders, text_needles
from tests.pdf_tools import pdf_text


def claim_record(**ysl) -> dict:
    record = full_record()
    record["ysl"] = {**record["ysl"], "age_at_abduction": 17, "extract": "Zhe Kocho hatim birin.",
                     **ysl}
    return record


def attach(conn, vault, user, record_id, config, kind="id_document", data=b"%PDF-1.4 scan"):
    upload = attachments.receive(BytesIO(data), config.attachments_path)
    return testimonies.attach(conn, vault, user, record_id, upload, kind=kind,
                              filename="scan.pdf", declared_type="application/pdf")


def post(client, url, data, page):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def events(conn, name):
    return [e for e in audit.entries(conn) if e.event == name]


def test_the_claims_page_lists_claims_by_status_with_what_each_lacks(signed_in, conn, vault,
                                                                      admin, config):
    lacking = testimonies.create(conn, vault, admin, claim_record(category="child_abducted",
                                                                  age_at_abduction=19))
    attach(conn, vault, admin, lacking.id, config)
    no_consent = testimonies.create(conn, vault, admin, full_record(
        consent={"record": True, "reparations": False}))
    page = signed_in.get("/claims/").get_data(as_text=True)
    assert lacking.witness_code in page and no_consent.witness_code not in page
    assert "Other civil documents" in page and "Investigation paperwork" in page
    assert "the investigation file number" in page
    assert "the age at abduction is 18 or more" in page  # the plain warning
    assert "Nadia" not in page  # the list names no survivor
    assert "ID document" not in page.split("<tbody>")[1].split("Still lacks")[0]
    assert lacking.witness_code not in signed_in.get("/claims/?status=submitted").get_data(as_text=True)
    assert lacking.witness_code in signed_in.get("/claims/?status=").get_data(as_text=True)


def test_a_claim_page_shows_the_checklist_and_saves_the_status_audited(signed_in, conn, vault,
                                                                        admin, config):
    record = testimonies.create(conn, vault, admin, claim_record(), completed=True)
    attach(conn, vault, admin, record.id, config)
    page = signed_in.get(f"/claims/{record.id}").get_data(as_text=True)
    assert "Civil ID" in page and "Print claim pack" in page
    assert 'name="application-status"' in page and '<option selected value="ar">' in page
    saved = post(signed_in, f"/claims/{record.id}/status",
                 {"application-status": "submitted", "application-number": "GDSA-9",
                  "application-submitted": "2024-06-01"}, f"/claims/{record.id}")
    assert saved.status_code == 302
    document = testimonies.load(conn, vault, record.id, admin).document
    assert document["ysl"]["application"]["status"] == "submitted"
    assert events(conn, "claim_updated")[-1].detail["new_status"] == "submitted"
    assert record.witness_code in signed_in.get("/claims/?status=submitted").get_data(as_text=True)
    bad = post(signed_in, f"/claims/{record.id}/status",
               {"application-status": "lost"}, f"/claims/{record.id}")
    assert bad.status_code == 422
    bad_date = post(signed_in, f"/claims/{record.id}/status",
                    {"application-status": "approved", "application-decision_date": "soon"},
                    f"/claims/{record.id}")
    assert bad_date.status_code == 422
    assert testimonies.load(conn, vault, record.id, admin).document["ysl"]["application"][
        "status"] == "submitted"


def test_the_claim_pack_streams_from_memory_never_cached_and_audited(signed_in, conn, vault,
                                                                     admin, config):
    # This run's word only, of letters: a run of digits in it could read as a phone number,
    # which the reparations extract rightly scrubs.
    marker = "Qlaim" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(12))
    record = testimonies.create(conn, vault, admin, claim_record(extract=f"Birin {marker}."))
    scan = attach(conn, vault, admin, record.id, config)
    response = post(signed_in, f"/claims/{record.id}/pack", {"language": "en"},
                    f"/claims/{record.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="claim-{record.witness_code}.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    assert "Nadia Xelîl" in text and scan.sha256 in text.replace(" ", "")
    assert "Koço birin" not in text and "Hûrguliyên giran" not in text  # no narrative
    entry = events(conn, "document_printed")[-1]
    assert entry.detail == {"kind": "claim", "language": "en", "record_id": record.id,
                            "witness_code": record.witness_code}
    assert marker in text
    assert files_holding(text_needles(marker), [config.home, *temp_folders()]) == []


def test_the_pack_is_refused_without_consent_to_reparations(signed_in, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record(
        consent={"record": True, "reparations": False}))
    page = signed_in.get(f"/claims/{record.id}").get_data(as_text=True)
    assert "has not agreed to a reparations claim" in page
    refused = post(signed_in, f"/claims/{record.id}/pack", {"language": "ar"},
                   f"/claims/{record.id}")
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert not events(conn, "document_printed")


def test_an_unknown_language_falls_back_to_no_pack(signed_in, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, claim_record())
    answer = post(signed_in, f"/claims/{record.id}/pack", {"language": "fr"},
                  f"/claims/{record.id}")
    assert answer.status_code == 302 and not events(conn, "document_printed")


def test_the_interview_asks_for_the_claims_fields(signed_in, conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    page = signed_in.get(f"/testimonies/{record.id}/step/6").get_data(as_text=True)
    for name in ("investigation-office", "investigation-file_number", "investigation-date",
                 "application-number", "application-status", "extract"):
        assert f'name="{name}"' in page, name
    token = csrf_token(page)
    signed_in.post(f"/testimonies/{record.id}/step/6", data={
        "csrf_token": token, "category": "yazidi_female_captivity",
        "investigation-office": "Sinjar court", "investigation-file_number": "118/2019",
        "investigation-date": "2019-04", "application-status": "prepared",
        "extract": "Short words.", "go": "stay"})
    ysl = testimonies.load(conn, vault, record.id, admin).document["ysl"]
    assert ysl["investigation"] == {"office": "Sinjar court", "file_number": "118/2019",
                                    "date": "2019-04"}
    assert ysl["application"]["status"] == "prepared" and ysl["extract"] == "Short words."


def test_an_interviewer_may_not_open_the_claims(client, config, vault, conn, admin):
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    record = testimonies.create(conn, vault, admin, claim_record())
    app = create_app(config)
    person = app.test_client()
    sign_in(person, "Dilan", OTHER_PASSPHRASE)
    assert person.get("/claims/").status_code == 403
    assert person.get(f"/claims/{record.id}").status_code == 403


@pytest.fixture
def archive_with_claim(tmp_path, monkeypatch):
    field = make_home(tmp_path / "field", "Field Org")
    archive = make_archive(tmp_path / "law")
    record = testimonies.create(field.conn, field.vault, field.user, claim_record(),
                                completed=True)
    attach(field.conn, field.vault, field.user, record.id, field.config, "investigation_papers")
    send(field, archive, tmp_path / "b.age", monkeypatch, exported_at="2024-06-01T00:00:00Z",
         ids=[record.id], purpose="reparations")
    field.close()
    yield archive, record
    archive.close()


def test_an_archive_lists_its_imported_reparations_records_and_prints_their_pack(
        archive_with_claim):
    archive, record = archive_with_claim
    app = create_app(archive.config)
    client = app.test_client()
    assert sign_in(client, ADMIN, PASSPHRASE).status_code == 302
    page = client.get("/claims/").get_data(as_text=True)
    assert record.witness_code in page and "Field Org" in page
    seq = re.search(r'href="/claims/archive/(\d+)"', page).group(1)
    claim = client.get(f"/claims/archive/{seq}").get_data(as_text=True)
    assert "application-status" not in claim  # an imported record is not edited
    assert "as the source recorded it" in claim
    assert client.get(f"/claims/{record.id}").status_code == 404
    pack = post(client, f"/claims/archive/{seq}/pack", {"language": "ar"}, f"/claims/archive/{seq}")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    text = pdf_text(pack.data)
    assert "Nadia Xelîl" in text and "Zhe Kocho hatim birin" in text
    assert "Koço birin" not in text
    printed = events(archive.conn, "document_printed")[-1].detail
    assert printed == {"kind": "claim", "language": "ar", "archive_record": seq,
                       "witness_code": record.witness_code}
