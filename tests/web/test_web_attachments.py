"""Attachments through the web pages: uploaded through the form (encrypted while parsed, never
spooled in plaintext), listed, played back or downloaded byte for byte, refused without consent,
destroyed; and the store connection pool closes with the vault."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
import werkzeug.formparser
import werkzeug.wrappers.request

from intake.records import testimonies
from tests.conftest import csrf_token, full_record

RECORDING = "صوت-Deng-ܩܠܐ-".encode() * 15_000  # ~300 KB, in several parser chunks


@pytest.fixture
def record(conn, vault, admin, signed_in):
    document = full_record()
    document["consent"]["audio"] = True
    return testimonies.create(conn, vault, admin, document, completed=True)


@pytest.fixture
def no_plaintext_spool(monkeypatch):
    """Fail the test if the form parser ever spools an attachment the usual way (to /tmp). The
    request class calls its own imported name, so both names are replaced."""
    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled in plaintext")
    monkeypatch.setattr(werkzeug.formparser, "default_stream_factory", refuse)
    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory", refuse)


def _upload(client, record_id, data=RECORDING, kind="audio", name="recording.webm",
            mimetype="audio/webm;codecs=opus", **extra):
    page = client.get(f"/testimonies/{record_id}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "kind": kind,
            "file": (io.BytesIO(data), name, mimetype), **extra}
    return client.post(f"/testimonies/{record_id}/attachments", data=form,
                       content_type="multipart/form-data", **({"headers": extra.pop("headers")}
                                                               if "headers" in extra else {}))


def test_upload_play_download_delete(signed_in, record, config, no_plaintext_spool):
    response = _upload(signed_in, record.id, duration="12.5")
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file was encrypted and attached." in page
    links = re.findall(rf'src="(/testimonies/{record.id}/attachments/[0-9a-f]{{32}})"', page)
    assert len(links) == 1 and "0:12" in page
    stored = list(config.attachments_path.iterdir())
    assert len(stored) == 1 and b"Deng" not in stored[0].read_bytes()

    download = signed_in.get(links[0])
    assert download.status_code == 200 and download.data == RECORDING
    assert download.headers["Content-Type"] == "audio/webm"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Length"] == str(len(RECORDING))
    assert hashlib.sha256(RECORDING).hexdigest()[:16] in page

    token = csrf_token(page)
    deleted = signed_in.post(f"{links[0]}/delete", data={"csrf_token": token, "back": "4"})
    assert deleted.headers["Location"].endswith(f"/testimonies/{record.id}/step/4")
    assert not list(config.attachments_path.iterdir())
    assert signed_in.get(links[0]).status_code == 404


def test_recorder_posts_get_the_new_entry_as_json(signed_in, record):
    response = _upload(signed_in, record.id, duration="61", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<audio controls" in html and "1:01" in html


def test_recorder_only_with_consent_to_audio(signed_in, conn, vault, admin, config):
    without = testimonies.create(conn, vault, admin, full_record(), completed=True)
    page = signed_in.get(f"/testimonies/{without.id}/step/4").get_data(as_text=True)
    assert "data-recorder" not in page and "has not agreed to one" in page
    refused = _upload(signed_in, without.id, headers={"X-Requested-With": "fetch"})
    assert refused.status_code == 422
    assert "not agreed to an audio recording" in refused.get_json()["error"]
    assert not list(config.attachments_path.glob("*"))
    scan = _upload(signed_in, without.id, data=b"%PDF-1.4 form", kind="consent_form",
                   name="form.pdf", mimetype="application/pdf")
    assert scan.status_code == 302 and len(list(config.attachments_path.glob("*.age"))) == 1


def test_a_page_served_as_html_is_never_served_as_html(signed_in, record):
    response = _upload(signed_in, record.id, data=b"<script>alert(1)</script>", kind="photo",
                       name="x.svg", mimetype="image/svg+xml")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(rf'href="(/testimonies/{record.id}/attachments/[0-9a-f]{{32}})"', page)[1]
    download = signed_in.get(link)
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_missing_file_and_bad_kind_are_refused(signed_in, record, config):
    page = signed_in.get(f"/testimonies/{record.id}").get_data(as_text=True)
    response = signed_in.post(f"/testimonies/{record.id}/attachments",
                              data={"csrf_token": csrf_token(page), "kind": "audio"},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Choose a file." in signed_in.get(response.headers["Location"]).get_data(as_text=True)
    bad = _upload(signed_in, record.id, kind="passport")
    assert "Not a valid choice" in signed_in.get(bad.headers["Location"]).get_data(as_text=True)
    assert not list(config.attachments_path.glob("*"))


def test_pooled_connections_close_when_the_session_locks(signed_in, record, monkeypatch):
    from intake.store import connection as store
    from intake.web import request as web

    opened = []

    def connect(*args):
        opened.append(store.connect(*args))
        return opened[-1]

    monkeypatch.setattr(web, "connect", connect)
    signed_in.get("/")
    page = signed_in.get("/").get_data(as_text=True)
    assert len(opened) == 1, "the second request reuses the first one's connection"
    opened[0].execute("SELECT 1")
    signed_in.post("/lock", data={"csrf_token": csrf_token(page)})
    with pytest.raises(store.sqlcipher3.ProgrammingError):
        opened[0].execute("SELECT 1")


@pytest.mark.parametrize("path", ["/login", "/archive/import", "/testimonies/new"])
def test_a_file_posted_to_any_other_page_is_never_spooled(signed_in, config, path,
                                                           no_plaintext_spool):
    """Werkzeug would spool a file part over 500 KB to the temp folder, whatever the page; here
    a file part of any page stays in memory (the body is in memory already, under the cap)."""
    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}'
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="bundle"; '
            f'filename="x.age"\r\n\r\n').encode() + RECORDING * 3 + f"\r\n--{boundary}--\r\n".encode()
    response = signed_in.post(path, data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code < 500
