"""The real server (`intake serve`, waitress) never spools a request or a response to a file:
a body larger than the form limit is refused right after its headers, with Content-Length or
chunked, without being read or written anywhere; a download to a reader that stalls waits in
bounded memory, and completes byte for byte when the reader resumes (intake/web/serving.py)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time

import pytest

from intake.cli.main import main
from intake.config import Config
from tests.conftest import full_record
from tests.leak_scan import files_holding, open_files_holding, samples, temp_folders
from tests.server import Server
from tests.wire import Session, connect, read_response_head, resident_bytes

NAME, PASSPHRASE = "Layla", "amber river lantern seven"
BODY = 50 * 1024 * 1024
BLOCK = os.urandom(1024 * 1024)  # the body is this block again and again: its samples are needles
LIMIT = Config().max_content_length


@pytest.fixture
def home(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("INTAKE_USER", NAME)
    home = tmp_path / "home"
    made = runner.invoke(main, ["--home", str(home), "init", "--org", "Org", "--user", NAME])
    assert made.exit_code == 0, made.output
    return home


@pytest.fixture
def server(home):
    running = Server(home)
    yield running
    running.stop()


def _send_slowly(sock: socket.socket, pieces, server: Server, tmp_path) -> tuple[int, int]:
    """Send ``pieces`` with pauses, checking after each one that no file the server holds, and
    (once, midway) no file in the temp folders, holds the body. Returns the bytes the kernel
    took before the server closed the connection, and the server's largest growth in memory."""
    needles = samples(BLOCK, count=4, size=48)
    pid = server.process.pid
    before = resident_bytes(pid)
    growth = sent = 0
    folders_checked = False
    try:
        for piece in pieces:
            sock.sendall(piece)
            sent += len(piece)
            time.sleep(0.02)
            assert open_files_holding(pid, needles) == [], f"spooled after {sent} bytes"
            growth = max(growth, resident_bytes(pid) - before)
            if sent >= 4 * len(BLOCK) and not folders_checked:
                assert files_holding(needles, temp_folders(), exclude=[tmp_path]) == []
                folders_checked = True
    except (BrokenPipeError, ConnectionResetError):
        pass
    growth = max(growth, resident_bytes(pid) - before)
    assert files_holding(needles, temp_folders(), exclude=[tmp_path]) == []
    return sent, growth


def _refused(sock: socket.socket) -> None:
    """The server answered 413, or closed the connection without an answer."""
    try:
        status, _headers, _ = read_response_head(sock)
    except (ConnectionError, TimeoutError):
        return
    assert status == 413


def test_a_large_form_post_is_refused_after_its_headers_and_never_spooled(server, tmp_path):
    sock = connect(server.port, timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: %d\r\n\r\n" % BODY)
    with sock:
        sent, growth = _send_slowly(sock, (BLOCK for _ in range(BODY // len(BLOCK))), server,
                                    tmp_path)
        _refused(sock)
    assert sent < BODY, "the server read the whole body"
    assert growth < 8 * 1024 * 1024, growth


def test_a_body_over_the_limit_is_refused_before_it_is_sent(server):
    with connect(server.port, timeout=5) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Length: %d\r\n\r\n" % (LIMIT + 1))
        status, headers, _ = read_response_head(sock)  # no body byte was sent
    assert status == 413 and headers["connection"].lower() == "close"


def test_a_large_chunked_post_is_refused_at_the_form_limit_and_never_spooled(server, tmp_path):
    sock = connect(server.port, timeout=10)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % len(BLOCK) + BLOCK + b"\r\n"
    with sock:
        sent, growth = _send_slowly(sock, (chunk for _ in range(BODY // len(BLOCK))), server,
                                    tmp_path)
        _refused(sock)
    assert sent < BODY, "the server read the whole body"
    # What it holds is the body up to the form limit, in memory, until it refuses it.
    assert growth < LIMIT + 16 * 1024 * 1024 < BODY, growth


@pytest.fixture
def attached(runner, home, tmp_path):
    """A testimony with a 30 MB scan attached by `intake testimony attach`; the plaintext
    source is removed afterwards, so only the server could put it back on disk."""
    record = full_record()
    source = tmp_path / "records.json"
    source.write_text(json.dumps([record]), "utf-8")
    assert runner.invoke(main, ["--home", str(home), "testimony", "import", str(source)]
                         ).exit_code == 0
    listed = runner.invoke(main, ["--home", str(home), "testimony", "list", "--json"])
    record_id = json.loads(listed.output.splitlines()[0])["id"]
    content = os.urandom(30 * 1024 * 1024)
    scan = tmp_path / "scan.png"
    scan.write_bytes(content)
    result = runner.invoke(main, ["--home", str(home), "testimony", "attach", record_id, str(scan),
                                  "--kind", "consent_form"])
    assert result.exit_code == 0, result.output
    scan.unlink()
    return record_id, result.output.split()[1], content


@pytest.mark.slow
def test_a_stalled_download_waits_in_memory_and_then_completes(attached, server, tmp_path):
    record_id, attachment_id, content = attached
    session = Session(server.port)
    session.sign_in(NAME, PASSPHRASE)
    needles = samples(content, count=16, size=48)
    pid = server.process.pid
    before = resident_bytes(pid)

    sock = connect(server.port, receive_buffer=16 * 1024, timeout=30)
    with sock:
        sock.sendall(f"GET /testimonies/{record_id}/attachments/{attachment_id} HTTP/1.1\r\n"
                     f"Host: 127.0.0.1\r\nCookie: {session.cookie}\r\n\r\n".encode())
        status, headers, received = read_response_head(sock)
        assert status == 200 and int(headers["content-length"]) == len(content)
        while len(received) < 8 * 1024:
            received += sock.recv(1024)
        deadline = time.monotonic() + 4  # the reader stalls; the server keeps decrypting
        while time.monotonic() < deadline:
            assert open_files_holding(pid, needles) == []
            time.sleep(0.2)
        assert files_holding(needles, temp_folders(), exclude=[tmp_path]) == []
        assert resident_bytes(pid) - before < 12 * 1024 * 1024

        while len(received) < len(content):
            piece = sock.recv(1024 * 1024)
            assert piece, f"the download ended after {len(received)} bytes"
            received += piece
    assert hashlib.sha256(received).digest() == hashlib.sha256(content).digest()
