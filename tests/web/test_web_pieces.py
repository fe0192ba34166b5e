"""Uploads in pieces through the web (web/uploads.py): a real bundle imports as before, attachments
attach as before; a piece at the wrong offset, past the end, without CSRF, from another session,
from a role that may not upload, or after signing out is refused with nothing written; an upload
abandoned (locked, signed out, idle, left for a newer one, or cut by a restart) leaves no file."""

# ruff: noqa: F811 - the field, law and lawyers fixtures come from test_bundles
from __future__ import annotations

import dataclasses
import re
import time

import pytest

from intake.records import testimonies
from intake.web.app import create_app
from tests.bundles.test_bundles import export, field, fingerprint, law, lawyers  # noqa: F401
from tests.conftest import OTHER_PASSPHRASE, csrf_token, full_record, sign_in

PIECE = 1024


@pytest.fixture
def bundle(field, lawyers, tmp_path):
    testimonies.create(field.conn, field.vault, field.user, full_record(), completed=True)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    data = out.read_bytes()
    assert len(data) > 5 * PIECE
    return data


def _client(config, **changes):
    """A signed-in client of a new app (whose start removes unfinished uploads)."""
    return _session(create_app(dataclasses.replace(config, upload_piece_bytes=PIECE, **changes)))


def _session(app, *who):  # type: ignore[no-untyped-def]
    """Another signed-in session of the same running app."""
    client = app.test_client()
    assert sign_in(client, *who).status_code == 302
    return client


@pytest.fixture
def archive_client(law):
    return _client(law.config)


def _token(client, page="/archive/import") -> str:
    return csrf_token(client.get(page).get_data(as_text=True))


def start(client, url="/archive/import/uploads", token=None, **fields):
    return client.post(url, data={"csrf_token": token or _token(client), **fields})


def piece(client, url, data: bytes, offset: int, token: str | None):
    headers = {"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    if token:
        headers["X-CSRFToken"] = token
    return client.patch(url, data=data, headers=headers)


def send(client, url, data: bytes, token: str, first: int = 0):
    """Every piece from ``first`` on, in order; the last answer."""
    for offset in range(first, len(data), PIECE):
        answer = piece(client, url, data[offset:offset + PIECE], offset, token)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def incoming(law) -> list:
    folder = law.config.incoming_path
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_bundle_in_pieces_imports_as_before(archive_client, law, field, bundle):
    token = _token(archive_client)
    started = start(archive_client, token=token, size=str(len(bundle)))
    assert started.status_code == 200 and started.get_json()["piece"] == PIECE
    url = started.get_json()["url"]
    assert send(archive_client, url, bundle[:3 * PIECE], token).get_json() == {"offset": 3 * PIECE}
    [partial] = (law.config.incoming_path).iterdir()
    assert partial.read_bytes() == bundle[:3 * PIECE]  # ciphertext, appended as it came
    done = send(archive_client, url, bundle, token, first=3 * PIECE)
    assert done.get_json()["location"].endswith("/archive/import")  # a new source: confirm it
    confirm = archive_client.get("/archive/import").get_data(as_text=True)
    assert "Field Org" in confirm
    trusted = archive_client.post("/archive/import/trust", data={
        "csrf_token": csrf_token(confirm), "decision": "trust"})
    assert trusted.headers["Location"].endswith("/archive/bundles")
    assert "Imported: 1 new" in archive_client.get("/archive/bundles").get_data(as_text=True)
    assert incoming(law) == []
    assert piece(archive_client, url, b"x", len(bundle), token).status_code == 404


def test_refused_pieces_write_nothing(archive_client, law, bundle):
    token = _token(archive_client)
    url = start(archive_client, token=token, size=str(len(bundle))).get_json()["url"]
    send(archive_client, url, bundle[:2 * PIECE], token)
    [partial] = law.config.incoming_path.iterdir()

    def unchanged() -> None:
        assert partial.read_bytes() == bundle[:2 * PIECE]

    wrong = piece(archive_client, url, bundle[PIECE:2 * PIECE], PIECE, token)
    assert wrong.status_code == 409
    assert wrong.get_json() == {"error": "A piece arrived out of order.", "offset": 2 * PIECE}
    unchanged()
    assert piece(archive_client, url, bundle[:PIECE], 2 * PIECE, None).status_code == 400
    unchanged()
    assert piece(archive_client, url, b"x" * (PIECE + 1), 2 * PIECE, token).status_code == 413
    unchanged()

    other = _session(archive_client.application)  # the same person, in another session
    stolen = piece(other, url, bundle[2 * PIECE:3 * PIECE], 2 * PIECE, _token(other))
    assert stolen.status_code == 404
    assert stolen.get_json()["error"].startswith("This upload is no longer in progress")
    unchanged()
    assert start(archive_client, token=token, size=str(law.config.max_bundle_bytes + 1)
                 ).status_code == 413
    assert start(archive_client, size="0").status_code == 422
    assert len(incoming(law)) == 1

    short = start(archive_client, token=token, size=str(PIECE + 5)).get_json()["url"]
    send(archive_client, short, bundle[:PIECE], token)
    past = piece(archive_client, short, bundle[PIECE:2 * PIECE], PIECE, token)
    assert past.status_code == 413 and past.get_json()["offset"] == PIECE
    assert sorted(p.stat().st_size for p in law.config.incoming_path.iterdir()) == \
        [PIECE, 2 * PIECE]


def test_only_a_signed_in_supervisor_may_send_pieces(archive_client, law, bundle):
    from intake.home.passphrases import add_user

    add_user(law.config, law.vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    token = _token(archive_client)
    url = start(archive_client, token=token, size=str(len(bundle))).get_json()["url"]
    interviewer = _session(archive_client.application, "Dilan", OTHER_PASSPHRASE)
    token_of_interviewer = _token(interviewer, "/")
    assert start(interviewer, token=token_of_interviewer, size="10").status_code == 403
    assert piece(interviewer, url, bundle[:PIECE], 0, token_of_interviewer).status_code == 403
    stranger = archive_client.application.test_client()
    assert piece(stranger, url, bundle[:PIECE], 0, token).status_code == 400  # no session
    assert [p.stat().st_size for p in law.config.incoming_path.iterdir()] == [0]


@pytest.mark.parametrize("how", ["lock", "logout"])
def test_an_upload_left_when_the_session_ends_is_removed(archive_client, law, bundle, how):
    token = _token(archive_client)
    url = start(archive_client, token=token, size=str(len(bundle))).get_json()["url"]
    send(archive_client, url, bundle[:2 * PIECE], token)
    assert len(incoming(law)) == 1
    archive_client.post(f"/{how}", data={"csrf_token": token})
    assert incoming(law) == []
    assert sign_in(archive_client).status_code == 302
    assert piece(archive_client, url, bundle[2 * PIECE:3 * PIECE], 2 * PIECE,
                 _token(archive_client)).status_code == 404


def test_an_upload_left_for_newer_ones_is_removed(archive_client, law, bundle):
    token = _token(archive_client)
    first = start(archive_client, token=token, size=str(len(bundle))).get_json()["url"]
    send(archive_client, first, bundle[:PIECE], token)
    for _ in range(4):  # a person who closed the tab and tried again, four times
        start(archive_client, token=token, size=str(len(bundle)))
    assert len(incoming(law)) == 4
    assert piece(archive_client, first, bundle[PIECE:2 * PIECE], PIECE, token).status_code == 404


def test_an_upload_left_idle_is_removed(law, bundle):
    idle = _client(law.config, idle_timeout_seconds=1)
    token = _token(idle)
    url = start(idle, token=token, size=str(len(bundle))).get_json()["url"]
    send(idle, url, bundle[:PIECE], token)
    assert len(incoming(law)) == 1
    time.sleep(1.5)
    assert idle.get("/archive/import").status_code == 302  # the session locked itself
    assert incoming(law) == []


def test_a_restart_removes_unfinished_uploads(archive_client, law, bundle):
    token = _token(archive_client)
    url = start(archive_client, token=token, size=str(len(bundle))).get_json()["url"]
    send(archive_client, url, bundle[:PIECE], token)
    assert len(incoming(law)) == 1
    create_app(law.config)
    assert incoming(law) == []


# ---- attachments ----


@pytest.fixture
def record(conn, vault, admin):
    document = full_record()
    document["consent"]["audio"] = True
    return testimonies.create(conn, vault, admin, document, completed=True)


def test_an_attachment_in_pieces_is_encrypted_as_it_arrives(config, record):
    client = _client(config)
    page = f"/testimonies/{record.id}"
    token = _token(client, page)
    recording = b"OggS voice of the survivor " * 8000  # 216 KB: more than one age chunk
    started = start(client, f"{page}/attachments/uploads", token, kind="audio",
                    filename="recording.ogg", type="audio/ogg;codecs=opus",
                    size=str(len(recording)), duration="61", back="4")
    url = started.get_json()["url"]
    sent = 150 * PIECE
    send(client, url, recording[:sent], token)
    [partial] = config.attachments_path.iterdir()
    assert partial.name.endswith(".age.partial")
    for _ in range(100):  # age encrypts 64 KiB chunks in its own thread
        if partial.stat().st_size:
            break
        time.sleep(0.05)
    assert partial.read_bytes().startswith(b"age-encryption.org/v1")
    assert b"survivor" not in partial.read_bytes()
    done = send(client, url, recording, token, first=sent).get_json()
    assert "<audio controls" in done["html"] and "1:01" in done["html"]
    link = re.search(r'src="([^"]+)"', done["html"])[1]
    assert client.get(link).data == recording
    [stored] = config.attachments_path.iterdir()
    assert stored.suffix == ".age" and b"survivor" not in stored.read_bytes()


def test_an_attachment_in_pieces_is_checked_as_the_form_would(config, conn, vault, admin):
    without = testimonies.create(conn, vault, admin, full_record(), completed=True)
    client = _client(config)
    page = f"/testimonies/{without.id}"
    token = _token(client, page)
    url = f"{page}/attachments/uploads"
    wrong = start(client, url, token, kind="photo", type="application/pdf", size="10")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"] == "This kind of attachment cannot be a file of this type."
    assert start(client, url, token, kind="photo", type="image/png", size="0").status_code == 422
    big = start(client, url, token, kind="photo", type="image/png",
                size=str(config.max_attachment_bytes + 1))
    assert big.status_code == 422 and big.get_json()["error"] == "The file is too large."
    assert start(client, "/testimonies/nope/attachments/uploads", token, kind="photo",
                 type="image/png", size="10").status_code == 404
    assert not config.attachments_path.exists() or not list(config.attachments_path.iterdir())

    audio = start(client, url, token, kind="audio", type="audio/webm", size=str(2 * PIECE))
    piece_url = audio.get_json()["url"]
    other = piece_url.replace(without.id, "another-record")
    assert piece(client, other, b"a" * PIECE, 0, token).status_code == 404
    piece(client, piece_url, b"a" * PIECE, 0, token)
    last = piece(client, piece_url, b"a" * PIECE, PIECE, token)
    assert last.status_code == 422
    assert "not agreed to an audio recording" in last.get_json()["error"]
    assert not list(config.attachments_path.iterdir())
