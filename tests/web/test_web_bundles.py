"""The keys, export, archive and withdrawal pages through Flask's test client: roles, CSRF, the
preview with highlighted redactions, reviewer marks, the background export, upload and trust."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from intake.bundles import fingerprints, own_keys
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.store.connection import connect
from intake.vault.agefile import public_key
from intake.web.app import create_app
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, csrf_token, full_record, sign_in


@pytest.fixture
def law_client(tmp_path):
    """A signed-in client of a second instance, the legal team's archive, with an identity."""
    config = Config(home=tmp_path / "law", kdf=CHEAP_KDF, testing=True)
    initialise(config, "Legal Team", ADMIN, PASSPHRASE)
    vault, _ = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    own_keys.create_identity(conn, vault)
    key = public_key(own_keys.identities(conn, vault)[0])
    conn.close()
    vault.close()
    client = create_app(config).test_client()
    assert sign_in(client).status_code == 302
    return client, key


def post(client, url, data=None, page=None, **kwargs):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def record(conn, vault, admin, **overrides):
    return testimonies.create(conn, vault, admin, full_record(**overrides), completed=True)


def test_interviewers_cannot_reach_keys_export_or_archive(client, recovery_key, interviewer):
    assert sign_in(client, "Dilan", OTHER_PASSPHRASE).status_code == 302
    for url in ("/keys/", "/export/", "/export/preview", "/archive/", "/archive/bundles",
                "/archive/import"):
        assert client.get(url).status_code == 403, url
    assert "/export/" not in client.get("/").get_data(as_text=True)


def test_recipient_form_rejects_a_bad_key_and_needs_csrf(signed_in):
    assert signed_in.post("/keys/", data={"name": "X", "public_key": "age1x"}).status_code == 400
    page = post(signed_in, "/keys/", {"name": "Court", "public_key": "age1notakey"})
    assert page.status_code == 200 and "not a valid age public key" in page.get_data(as_text=True)
    fingerprint = re.search(r"<strong>((?:[0-9A-F]{4} ){3}[0-9A-F]{4})</strong>",
                            page.get_data(as_text=True))
    assert fingerprint


def test_export_preview_marks_download_then_import_with_trust(signed_in, law_client, conn,
                                                              vault, admin):
    law, law_key = law_client
    mentioned = full_record()
    mentioned["narrative"].append({"language": "ar", "text": "اتصلوا بنادیة خليل على ٠٧٥٠١٢٣٤٥٦٧"})
    kept = record(conn, vault, admin, narrative=mentioned["narrative"])
    record(conn, vault, admin, consent={"record": True, "trial": False})

    assert post(signed_in, "/keys/", {"name": "Lawyers", "public_key": law_key}).status_code == 302
    start = post(signed_in, "/export/", {"purpose": "trial", "recipients": "Lawyers"})
    assert start.headers["Location"].endswith("/export/preview")
    preview = signed_in.get("/export/preview").get_data(as_text=True)
    assert kept.witness_code in preview and "W-0002" in preview  # included, and left out
    assert '<mark class="redacted">[name]</mark>' in preview
    assert '<mark class="redacted">[phone]</mark>' in preview
    assert "0750" not in preview and "٠٧٥٠" not in preview and "Nadia" not in preview

    marked = post(signed_in, f"/export/mark/{kept.id}", {"text": "Raqqa", "reason": "safety"},
                  page="/export/preview")
    assert marked.status_code == 302  # an unknown reason is refused by the form
    assert "Raqqa" in signed_in.get("/export/preview").get_data(as_text=True)
    post(signed_in, f"/export/mark/{kept.id}", {"text": "Raqqa", "reason": "endangers_someone"},
         page="/export/preview")
    preview = signed_in.get("/export/preview").get_data(as_text=True)
    assert "Raqqa" not in preview and "[redacted]" in preview

    started = post(signed_in, "/export/run", page="/export/preview")
    job_url = started.headers["Location"]
    for _ in range(100):
        page = signed_in.get(job_url).get_data(as_text=True)
        if "/bundle" in page:
            break
        time.sleep(0.05)
    download = signed_in.get(job_url + "/bundle")
    assert download.status_code == 200
    data = download.get_data()
    download.close()
    assert data.startswith(b"age-encryption.org/v1")
    assert re.match(r'attachment; filename=trial-\d{8}-\d{6}\.intake\.age',
                    download.headers["Content-Disposition"])

    uploaded = post(law, "/archive/import",
                    {"bundle": (io.BytesIO(data), "trial.intake.age")},
                    content_type="multipart/form-data")
    assert uploaded.headers["Location"].endswith("/archive/import")
    confirm = law.get("/archive/import").get_data(as_text=True)
    fingerprint = fingerprints.readable(own_keys.signing_key(conn, vault).fingerprint, short=True)
    assert fingerprint in confirm and "Field Org" in confirm
    trusted = post(law, "/archive/import/trust", {"decision": "trust"}, page="/archive/import")
    assert trusted.headers["Location"].endswith("/archive/bundles")
    bundles = law.get("/archive/bundles").get_data(as_text=True)
    assert "Imported: 1 new" in bundles and fingerprint in bundles
    listing = law.get("/archive/").get_data(as_text=True)
    assert kept.witness_code in listing and "W-0002" not in listing
    seq = re.search(r'href="/archive/records/(\d+)"', listing).group(1)
    shown = law.get(f"/archive/records/{seq}").get_data(as_text=True)
    assert kept.id in shown and "Restricted" in shown and "[redacted]" in shown

    again = post(law, "/archive/import", {"bundle": (io.BytesIO(data), "t.intake.age")},
                 content_type="multipart/form-data")
    assert "imported before" in law.get(again.headers["Location"]).get_data(as_text=True)


def test_a_damaged_upload_is_refused_and_not_kept(law_client, tmp_path):
    law, _ = law_client
    refused = post(law, "/archive/import", {"bundle": (io.BytesIO(b"age-encryption.org/v1\n-> X"),
                                                       "bad.intake.age")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "Refused, nothing was imported" in refused.get_data(as_text=True)
    assert not list((tmp_path / "law" / "incoming").iterdir())


def test_withdrawing_consent_from_the_review_page(signed_in, conn, vault, admin):
    kept = record(conn, vault, admin)
    page = f"/testimonies/{kept.id}"
    done = post(signed_in, f"{page}/withdraw", {"purpose": "trial", "note": "By phone."}, page=page)
    assert done.status_code == 302
    shown = signed_in.get(page).get_data(as_text=True)
    assert "was withdrawn" in shown and "By phone." in shown
    assert testimonies.load(conn, vault, kept.id, admin).document["consent"]["trial"] is False


def test_a_bundle_larger_than_a_request_is_sent_in_pieces(law_client, app):
    law, _ = law_client
    big = b"age-encryption.org/v1\n" + b"\0" * (20 * 1024 * 1024)  # over the 16 MiB form limit
    token = csrf_token(law.get("/archive/import").get_data(as_text=True))
    whole = (b'--b\r\nContent-Disposition: form-data; name="bundle"; filename="big.intake.age"'
             b"\r\n\r\n" + big + b"\r\n--b--\r\n")
    assert law.post("/archive/import", data=whole, headers={"X-CSRFToken": token},
                    content_type="multipart/form-data; boundary=b").status_code == 413
    started = law.post("/archive/import/uploads", data={"csrf_token": token, "size": len(big)})
    url, piece = started.get_json()["url"], started.get_json()["piece"]
    assert piece == 4 * 1024 * 1024
    for offset in range(0, len(big), piece):
        answer = law.patch(url, data=big[offset:offset + piece], headers={
            "X-CSRFToken": token, "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream"})
        assert answer.status_code == 200
    refused = law.get(answer.get_json()["location"])
    assert refused.status_code == 200
    assert "Refused, nothing was imported" in refused.get_data(as_text=True)
    assert post(law, "/keys/", {"name": "x" * (20 * 1024 * 1024), "public_key": "age1"},
                ).status_code == 413


def test_withdrawal_needs_a_chosen_purpose(signed_in, conn, vault, admin):
    kept = record(conn, vault, admin)
    page = f"/testimonies/{kept.id}"
    assert '<select id="purpose" name="purpose" required><option value="">—</option>' in \
        signed_in.get(page).get_data(as_text=True)
    post(signed_in, f"{page}/withdraw", {"purpose": "", "note": ""}, page=page)
    assert testimonies.load(conn, vault, kept.id, admin).document["consent"]["trial"] is True


class _JobFinishingWhileItsPageIsMade:
    """An export job whose thread finishes between the page's reads of it: the summary is read
    while the job still runs, and by the next read the job is finished."""

    id, total, done, error, path = "job-finishing", 3, 3, "", Path("x.intake.age")

    def __init__(self, owner_id: int):
        self.owner_id, self._finished = owner_id, False

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def summary(self) -> None:
        self._finished = True
        return None


def test_a_job_finishing_while_its_page_is_made_shows_progress_not_an_error(signed_in, admin,
                                                                             monkeypatch):
    job = _JobFinishingWhileItsPageIsMade(admin.id)
    monkeypatch.setitem(signed_in.application.extensions["intake"].jobs, job.id, job)
    response = signed_in.get(f"/export/jobs/{job.id}")
    assert response.status_code == 200
    assert "Making the bundle" in response.get_data(as_text=True)


def test_the_export_page_offers_international_mechanisms_and_enforces_that_consent(
        signed_in, law_client, conn, vault, admin):
    _, law_key = law_client
    abroad = full_record()
    abroad["consent"]["international"] = True
    shared = record(conn, vault, admin, consent=abroad["consent"])
    home_only = record(conn, vault, admin)  # consent to trial, no answer on international mechanisms
    assert post(signed_in, "/keys/", {"name": "UN team", "public_key": law_key}).status_code == 302
    start = signed_in.get("/export/").get_data(as_text=True)
    assert 'value="international"' in start and "International mechanisms (UN, courts abroad)" in start
    chosen = post(signed_in, "/export/", {"purpose": "international", "recipients": "UN team"})
    assert chosen.headers["Location"].endswith("/export/preview")
    preview = signed_in.get("/export/preview").get_data(as_text=True)
    assert "International mechanisms (UN, courts abroad)" in preview
    left_out = preview.split('<section class="excluded">', 1)[1].split("</section>", 1)[0]
    assert home_only.witness_code in left_out and shared.witness_code not in left_out
    assert f'id="r-{shared.id}"' in preview and f'id="r-{home_only.id}"' not in preview
    assert "restricted graphic detail" in preview  # the restricted narrative, marked as such
    assert "Nadia" not in preview  # no consent to disclose her identity
