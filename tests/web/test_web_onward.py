"""An archive's Export pages (docs/archive.md, "Exporting hand-over records onward"): the
prosecutors added on its Keys page, the four export purposes without the hand-over, the preview
of the hand-over records with what is left out and why, no marking of words and no receipt card,
and a bundle signed by the archive that a third instance imports."""

from __future__ import annotations

import io
import time

import pytest

from intake.archive import catalogue, importer
from intake.bundles import fingerprints, own_keys
from intake.bundles import reader as bundle_reader
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.store.connection import connect
from intake.vault.agefile import public_key
from intake.web.app import create_app
from tests.archive_homes import make_archive
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record, sign_in
from tests.web.test_web_bundles import post


def _bundle(client, purpose: str, recipients: str) -> bytes:
    """Start, wait for and download a bundle (the archive's menu links to /archive/bundles, so
    the job page is done when it links to its own bundle)."""
    assert post(client, "/export/", {"purpose": purpose, "recipients": recipients}) \
        .headers["Location"].endswith("/export/preview")
    job_url = post(client, "/export/run", page="/export/preview").headers["Location"]
    for _ in range(400):
        if f'href="{job_url}/bundle"' in client.get(job_url).get_data(as_text=True):
            break
        time.sleep(0.05)
    download = client.get(job_url + "/bundle")
    data = download.get_data()
    download.close()
    return data


@pytest.fixture
def archive_client(tmp_path):
    """A signed-in client of the organisation's archive (an archive instance with an identity),
    and its age public key."""
    config = Config(home=tmp_path / "archive", kdf=CHEAP_KDF, testing=True)
    initialise(config, "Field Org Archive", ADMIN, PASSPHRASE, mode="archive")
    vault, _ = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    own_keys.create_identity(conn, vault)
    key = public_key(own_keys.identities(conn, vault)[0])
    conn.close()
    vault.close()
    client = create_app(config).test_client()
    assert sign_in(client).status_code == 302
    return client, key


@pytest.fixture
def prosecutors(tmp_path):
    home = make_archive(tmp_path / "prosecutors", "Prosecutors")
    yield home
    home.close()


def test_an_archive_exports_its_hand_over_records_from_its_pages(signed_in, archive_client,
                                                                 prosecutors, conn, vault,
                                                                 admin):
    archive, archive_key = archive_client
    consenting = testimonies.create(conn, vault, admin, full_record(), completed=True)
    refusing = testimonies.create(conn, vault, admin, full_record(
        consent={"record": True, "trial": False, "reparations": True}), completed=True)
    assert post(signed_in, "/keys/", {"name": "Our archive", "public_key": archive_key,
                                      "own_archive": "y"}).status_code == 302
    handover = _bundle(signed_in, "handover", "Our archive")
    post(archive, "/archive/import", {"bundle": (io.BytesIO(handover), "h.intake.age")},
         content_type="multipart/form-data")
    post(archive, "/archive/import/trust", {"decision": "trust"}, page="/archive/import")
    listed = archive.get("/archive/").get_data(as_text=True)
    assert consenting.witness_code in listed and refusing.witness_code in listed

    identity = own_keys.identities(prosecutors.conn, prosecutors.vault)[0]
    added = post(archive, "/keys/", {"name": "Prosecutors", "public_key": public_key(identity)})
    assert added.status_code == 302
    keys_page = archive.get("/keys/").get_data(as_text=True)
    assert "Prosecutors" in keys_page and 'name="own_archive"' not in keys_page
    assert post(archive, "/keys/", {"name": "Others", "public_key": archive_key,
                                    "own_archive": "y"}).status_code == 302
    assert "may receive hand-overs" not in archive.get("/keys/").get_data(as_text=True)

    start = archive.get("/export/").get_data(as_text=True)
    assert 'href="/export/"' in start  # in the archive's menu
    assert "signed by this archive" in start
    assert 'value="handover"' not in start and 'value="international"' in start
    assert "Apply a receipt from our archive" not in start
    refused = post(archive, "/export/", {"purpose": "handover", "recipients": "Prosecutors"})
    assert refused.status_code == 200  # not a choice here
    chosen = post(archive, "/export/", {"purpose": "trial", "recipients": "Prosecutors"})
    assert chosen.headers["Location"].endswith("/export/preview")
    preview = archive.get("/export/preview").get_data(as_text=True)
    assert consenting.witness_code in preview and "1 record" in preview
    assert f"<bdi>{refusing.witness_code}</bdi>" in preview  # left out, no consent
    assert "Nadia" not in preview  # redacted as the trial profile says
    assert "Remove more words from this record" not in preview
    marked = post(archive, f"/export/mark/{consenting.id}", {"text": "Kocho", "reason": "other"},
                  page="/keys/")
    assert marked.location == "/archive/"  # an archive never edits what it imported

    data = _bundle(archive, "trial", "Prosecutors")
    assert data.startswith(b"age-encryption.org/v1\n")
    out = prosecutors.config.home / "onward.intake.age"
    out.write_bytes(data)
    bundle = bundle_reader.verify(out, [identity])
    assert (bundle.purpose, bundle.organisation) == ("trial", "Field Org Archive")
    keys_page = archive.get("/keys/").get_data(as_text=True)
    assert fingerprints.readable(bundle.fingerprint) in keys_page  # the archive's own key
    result = importer.import_bundle(prosecutors.conn, prosecutors.vault, prosecutors.user, out,
                                    [identity], trust=bundle.fingerprint)
    assert result.counts["new"] == 1
    rows, total, _ = catalogue.search(prosecutors.conn)
    assert total == 1 and rows[0].record_id == consenting.id
    assert rows[0].witness_code == consenting.witness_code
    earlier = archive.get("/export/").get_data(as_text=True)
    assert bundle.bundle_id in earlier  # remembered as sent, like a laptop's bundle
