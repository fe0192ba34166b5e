"""A 30 MB recording uploaded to the real server (`intake serve`, waitress, its own process) the
way the page sends it: in pieces, each an ordinary request well under ``max_content_length``.

The sender is a raw socket that stops just before the last bytes of a request (the first piece,
one in the middle, the last) and waits: at that moment the server has read all but those bytes.
During the pause no file the server process holds open (deleted ones included: waitress spools a
large body to an unlinked temporary file), no file under the temp folders and no file under the
home may hold samples of the recording. Afterwards
the attachment downloads byte for byte. A recording sent whole, in one request, is refused (413)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import time
import urllib.parse

import pytest

from intake.config import Config
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record, home_with, with_audio_consent
from tests.leak_scan import files_holding, open_files_holding, samples, temp_folders
from tests.server import Server

SIZE = 30 * 1000 * 1000
PAUSE_SECONDS = 0.5  # long enough for waitress to read what was sent, short enough to wait
HELD_BACK = 1000  # bytes kept back at the pause


class Browser:
    """Just enough of a browser: one cookie, the CSRF token of the last page, raw requests."""

    def __init__(self, server: Server):
        self.server = server
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        conn.request(method, path, body=body, headers=self._headers(headers))
        response = conn.getresponse()
        data = response.read()
        conn.close()
        self._remember(response.getheader("Set-Cookie", ""), data)
        return response.status, dict(response.getheaders()), data

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        return self.request("POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def paused(self, method: str, path: str, body: bytes, headers: dict[str, str],
               during_pause) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
        """Send the request but its last bytes, call ``during_pause``, then send the rest (all of
        it at once, without ``during_pause``)."""
        head = "".join(f"{k}: {v}\r\n" for k, v in {
            "Host": f"127.0.0.1:{self.server.port}", "Content-Length": str(len(body)),
            "Connection": "close", **self._headers(headers)}.items())
        raw = f"{method} {path} HTTP/1.1\r\n{head}\r\n".encode() + body
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=60) as sock:
            try:
                sock.sendall(raw[:-HELD_BACK])
                if during_pause is not None:
                    time.sleep(PAUSE_SECONDS)
                    during_pause()
                sock.sendall(raw[-HELD_BACK:])
            except (BrokenPipeError, ConnectionResetError):
                pass  # a server may answer (413) and close before reading the whole body
            answer = b""
            try:
                while chunk := sock.recv(1 << 16):
                    answer += chunk
            except ConnectionResetError:
                pass
        status_line, _, rest = answer.partition(b"\r\n")
        _, _, content = rest.partition(b"\r\n\r\n")
        cookie = re.search(rb"(?im)^Set-Cookie: (.*)$", rest)
        self._remember(cookie[1].decode() if cookie else "", b"")
        return int(status_line.split()[1]), content

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {**({"Cookie": self.cookie} if self.cookie else {}), **(extra or {})}

    def _remember(self, set_cookie: str, page: bytes) -> None:
        if set_cookie.startswith("intake_session_"):
            self.cookie = set_cookie.split(";", 1)[0]
        found = re.search(rb'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
        if found:
            self.token = found[1].decode()


@pytest.fixture
def served(tmp_path):
    config = Config(home=tmp_path / "home", kdf=CHEAP_KDF)
    _, (made,) = home_with(config, [with_audio_consent(full_record())])
    server = Server(config.home)
    yield server, config.home, made
    server.stop()


def _signed_in(server: Server, record_id: str) -> Browser:
    browser = Browser(server)
    browser.request("GET", "/login")
    status, _, _ = browser.form("/login", {"name": ADMIN, "passphrase": PASSPHRASE})
    assert status == 302
    browser.request("GET", f"/testimonies/{record_id}")
    assert browser.token
    return browser


@pytest.mark.slow
def test_a_large_recording_is_never_readable_while_it_arrives(served):
    server, home, record_id = served
    recording = os.urandom(SIZE)
    browser = _signed_in(server, record_id)
    everywhere = samples(recording)
    leaks: list[str] = []

    def scan(needles: list[bytes]) -> None:
        leaks.extend(open_files_holding(server.process.pid, needles))
        leaks.extend(files_holding(needles, [*temp_folders(), home]))

    status, _, answer = browser.form(f"/testimonies/{record_id}/attachments/uploads", {
        "kind": "audio", "filename": "recording.webm", "type": "audio/webm",
        "size": str(SIZE), "duration": "95.0", "back": "4"})
    assert status == 200, answer
    started = json.loads(answer)
    url, piece = started["url"], started["piece"]
    assert piece <= 4 * 1024 * 1024 and SIZE > 7 * piece

    offset, result, pieces = 0, b"", -(-SIZE // piece)
    for number in range(pieces):
        data = recording[offset:offset + piece]
        watched = number in (0, pieces // 2, pieces - 1)  # the first, one in the middle, the last
        status, result = browser.paused(
            "PATCH", url, data, {"X-CSRFToken": browser.token, "Upload-Offset": str(offset),
                                 "Content-Type": "application/offset+octet-stream"},
            (lambda data=data: scan([*samples(data), *everywhere])) if watched else None)
        assert status == 200, result
        offset += len(data)
    assert not leaks, f"the recording is readable in {sorted(set(leaks))}"

    attachment_id = re.search(rb'data-attachment="([0-9a-f]{32})"', json.loads(result)["html"].encode())
    assert attachment_id
    status, headers, download = browser.request(
        "GET", f"/testimonies/{record_id}/attachments/{attachment_id[1].decode()}")
    assert status == 200 and download == recording
    stored = list((home / "attachments").iterdir())
    assert [p.suffix for p in stored] == [".age"]
    assert not files_holding(everywhere, [home])


def test_a_recording_sent_whole_is_refused(served):
    server, home, record_id = served
    browser = _signed_in(server, record_id)
    boundary = "----piece"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{browser.token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"kind\""
            f"\r\n\r\naudio\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"r.webm\"\r\nContent-Type: audio/webm\r\n\r\n").encode() \
        + os.urandom(SIZE) + f"\r\n--{boundary}--\r\n".encode()
    status, _ = browser.paused("POST", f"/testimonies/{record_id}/attachments", body,
                               {"Content-Type": f"multipart/form-data; boundary={boundary}"},
                               None)
    assert status == 413
    assert not list(home.glob("attachments/*"))
