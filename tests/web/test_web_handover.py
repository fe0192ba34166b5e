"""Hand-over and receipt through the pages (docs/bundle-format.md, "Hand-over and receipts"): a
recipient ticked as our own archive on the Keys page, a hand-over from the Export page, the
archive's receipt from its Bundles page, and the laptop applying it from the Export page, with
the archive's key trusted only after its fingerprint was shown."""

from __future__ import annotations

import io
import re
import time

from intake.archive import receipts
from intake.bundles import fingerprints
from intake.records import testimonies
from tests.conftest import full_record
from tests.web.test_web_bundles import law_client, post  # noqa: F401


def _bundle(client, purpose: str, recipients: str) -> bytes:
    assert post(client, "/export/", {"purpose": purpose, "recipients": recipients}) \
        .headers["Location"].endswith("/export/preview")
    job_url = post(client, "/export/run", page="/export/preview").headers["Location"]
    download_link = f"/export/jobs/{job_url.rsplit('/', 1)[-1]}/bundle"
    for _ in range(200):
        if download_link in client.get(job_url).get_data(as_text=True):
            break
        time.sleep(0.05)
    download = client.get(job_url + "/bundle")
    data = download.get_data()
    download.close()
    return data


def test_hand_over_receipt_and_destruction_through_the_pages(signed_in, law_client, conn, vault,  # noqa: F811
                                                             admin):
    law, law_key = law_client
    records = [testimonies.create(conn, vault, admin, full_record(), completed=True)
               for _ in range(3)]
    assert post(signed_in, "/keys/", {"name": "Lawyers", "public_key": law_key}).status_code == 302
    refused = post(signed_in, "/export/", {"purpose": "handover", "recipients": "Lawyers"})
    assert "A hand-over goes only to our own archive" in refused.get_data(as_text=True)
    post(signed_in, "/keys/recipients/remove", {"name": "Lawyers"}, page="/keys/")
    assert post(signed_in, "/keys/", {"name": "Our archive", "public_key": law_key,
                                      "own_archive": "y"}).status_code == 302
    assert "Yes: may receive hand-overs" in signed_in.get("/keys/").get_data(as_text=True)
    home = signed_in.get("/").get_data(as_text=True)
    assert "3 testimonies are only on this laptop" in home

    data = _bundle(signed_in, "handover", "Our archive")
    home = signed_in.get("/").get_data(as_text=True)
    assert "0 testimonies are only on this laptop" in home
    assert home.count("Handed over, awaiting the receipt") == 3

    post(law, "/archive/import", {"bundle": (io.BytesIO(data), "h.intake.age")},
         content_type="multipart/form-data")
    post(law, "/archive/import/trust", {"decision": "trust"}, page="/archive/import")
    bundles = law.get("/archive/bundles").get_data(as_text=True)
    assert "Hand-over to our own archive" in bundles and "Download the receipt" in bundles
    bundle_id = re.search(r'name="bundle_id" value="([0-9a-f]{32})"', bundles).group(1)
    answer = post(law, "/archive/bundles/receipt", {"bundle_id": bundle_id},
                  page="/archive/bundles")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    receipt = answer.get_data()
    assert len(receipts.read(receipt).records) == 3
    assert post(law, "/archive/bundles/receipt", {"bundle_id": "0" * 32},
                page="/archive/bundles").status_code == 404

    first = post(signed_in, "/export/receipt", {"receipt": (io.BytesIO(receipt), "r.json")},
                 page="/export/", content_type="multipart/form-data").get_data(as_text=True)
    signer = receipts.read(receipt).signer
    assert fingerprints.readable(signer, short=True) in first and "Nothing was destroyed" in first
    assert len(testimonies.summaries(conn, admin)[0]) == 3
    applied = post(signed_in, "/export/receipt", {"receipt": (io.BytesIO(receipt), "r.json"),
                                                  "trust": "y"},
                   page="/export/", content_type="multipart/form-data")
    assert applied.headers["Location"].endswith("/")
    home = signed_in.get("/").get_data(as_text=True)
    assert "3 testimonies were destroyed on this laptop" in home
    assert all(r.witness_code not in home for r in records)
    assert testimonies.summaries(conn, admin)[0] == []

    again = post(signed_in, "/export/receipt", {"receipt": (io.BytesIO(receipt), "r.json")},
                 page="/export/", content_type="multipart/form-data")
    assert "applied already" in signed_in.get(again.headers["Location"]).get_data(as_text=True)


def test_a_receipt_upload_needs_csrf_and_a_file(signed_in):
    assert signed_in.post("/export/receipt", data={},
                          content_type="multipart/form-data").status_code == 400
    empty = post(signed_in, "/export/receipt", {}, page="/export/")
    assert "Choose a receipt file." in signed_in.get(empty.headers["Location"]).get_data(as_text=True)
    junk = post(signed_in, "/export/receipt", {"receipt": (io.BytesIO(b"{}"), "r.json")},
                page="/export/", content_type="multipart/form-data")
    assert "not a hand-over receipt" in signed_in.get(junk.headers["Location"]).get_data(as_text=True)
