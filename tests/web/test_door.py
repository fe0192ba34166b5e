"""At the door: only requests for this server's own names are served (DNS rebinding), slow
clients cannot lock the interviewer out, and the language switch only goes back to a page of
this server (no open redirect)."""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intake.cli.main import main
from intake.web.app import create_app
from intake.web.host_check import trust_host
from intake.web.serving import HEADER_SECONDS, waitress_settings
from tests.conftest import csrf_token
from tests.server import Server
from tests.wire import connect, read_response_head

# --- Host header ---------------------------------------------------------------------------

LOOPBACK = ["127.0.0.1", "127.0.0.1:5000", "localhost", "LOCALHOST:5000", "[::1]", "[::1]:5000",
            "127.4.5.6", "127.255.0.1:80"]
OTHERS = ["evil.example", "evil.example:5000", "localhost.evil.example", "127.0.0.1.evil.example",
          "evil.example:5000@127.0.0.1", "10.0.0.1", "[::2]:5000", "192.168.1.20", "", " ",
          "localhost:5000:5000", "[::1"]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_names_are_served(client, host):
    response = client.get("/setup", headers={"Host": host})
    assert response.status_code == 200 and b"csrf_token" in response.data


@pytest.mark.parametrize("host", OTHERS)
@pytest.mark.parametrize("path", ["/", "/setup", "/login", "/static/intake.css", "/nowhere"])
def test_other_names_get_a_plain_400(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.mimetype == "text/plain" and b"csrf" not in response.data
    assert all(c.startswith("intake_session_") and "=;" in c
               for c in response.headers.getlist("Set-Cookie"))


def test_the_host_the_server_listens_on_is_served(config):
    app = create_app(config)
    trust_host(app, "192.168.1.20")
    trust_host(app, "fe80::1")
    client = app.test_client()
    for host in ("192.168.1.20", "192.168.1.20:5000", "[fe80::1]:5000", "localhost"):
        assert client.get("/setup", headers={"Host": host}).status_code == 200, host
    assert client.get("/setup", headers={"Host": "192.168.1.21"}).status_code == 400


def test_listening_on_every_address_accepts_addresses_but_not_names(config):
    app = create_app(config)
    trust_host(app, "0.0.0.0")  # noqa: S104
    client = app.test_client()
    assert client.get("/setup", headers={"Host": "192.168.1.20:5000"}).status_code == 200
    assert client.get("/setup", headers={"Host": "evil.example:5000"}).status_code == 400


@pytest.fixture
def fresh_server(tmp_path):
    """A real server on a home that is not set up yet: the page DNS rebinding would reach."""
    running = Server(tmp_path / "fresh")
    yield running
    running.stop()


@pytest.mark.parametrize("host", [b"Host: evil.example:%d\r\n", b""])
def test_the_real_server_refuses_a_rebound_name(fresh_server, host):
    with connect(fresh_server.port) as sock:
        sock.sendall(b"GET /setup HTTP/1.1\r\n" + (host % fresh_server.port if host else b"")
                     + b"Connection: close\r\n\r\n")
        status, headers, _ = read_response_head(sock)
    assert status == 400 and headers["content-type"].startswith("text/plain")


# --- Slow clients --------------------------------------------------------------------------

@pytest.fixture
def server(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    home = tmp_path / "home"
    assert runner.invoke(main, ["--home", str(home), "init", "--org", "Org", "--user", "Layla"]
                         ).exit_code == 0
    running = Server(home)
    yield running
    running.stop()


def _closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1024) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _trickle(sockets: list[socket.socket], byte: bytes = b"x") -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.send(byte)


@pytest.mark.slow
def test_many_slow_clients_do_not_lock_out_the_interviewer(server):
    slow = []
    try:
        for _ in range(150):
            sock = connect(server.port, timeout=5)
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(sock)
        _trickle(slow)
        started = time.monotonic()
        with urllib.request.urlopen(server.url + "/login", timeout=8) as response:  # noqa: S310
            assert response.status == 200 and b"csrf_token" in response.read()
        assert time.monotonic() - started < 8
        # Each keeps sending a byte a second, which resets waitress's idle timer; the header
        # deadline closes every one of them all the same.
        deadline = time.monotonic() + HEADER_SECONDS + 5
        while time.monotonic() < deadline and not all(_closed_by_server(s) for s in slow):
            for sock in slow:
                sock.setblocking(True)
            _trickle(slow)
            time.sleep(1)
        assert all(_closed_by_server(s) for s in slow)
    finally:
        for sock in slow:
            sock.close()
    with urllib.request.urlopen(server.url + "/login", timeout=8) as response:  # noqa: S310
        assert response.status == 200


def test_headers_larger_than_the_limit_are_refused(server, config):
    limit = waitress_settings(config)["max_request_header_size"]
    with connect(server.port) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with contextlib.suppress(OSError):
            for _ in range(limit // 1000 + 1):
                sock.sendall(b"X-Filler: " + b"a" * 988 + b"\r\n")
        status, _headers, _ = read_response_head(sock)
    assert status == 431


def test_memory_held_by_request_bodies_is_bounded(config):
    settings_ = waitress_settings(config)
    worst = settings_["connection_limit"] * (settings_["max_request_body_size"]
                                             + settings_["max_request_header_size"]
                                             + settings_["outbuf_high_watermark"])
    assert worst <= 600 * 1024 * 1024  # docs/security.md: about 545 MiB, on a 4 GiB laptop


# --- The language switch's way back -------------------------------------------------------

HOSTILE = ["/\t/evil.example", "/%09/evil.example", "//evil", "\\\\evil", "/\\evil", "/\\/evil",
           "https://evil", "javascript:alert(1)", "/\n/evil", "/\r\n/evil", "\t//evil",
           "/\x00/evil", "/\x7f/evil", "/\x1b/evil", "http:/evil", "\x01//evil", "///evil",
           "/%2F/evil", " //evil", "evil", "", "/\u0085/evil"]


def _language_redirect(client, target: str) -> str:
    token = csrf_token(client.get("/setup").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.status_code == 302
    return response.headers["Location"]


def _is_local(location: str) -> bool:
    # A browser drops tab and newline characters anywhere in a URL, and C0 controls and spaces at
    # either end (WHATWG URL Standard, basic URL parser) before it reads it.
    seen = "".join(c for c in location if c not in "\t\n\r").strip("".join(map(chr, range(33))))
    parts = urlsplit(seen)
    return (not parts.scheme and not parts.netloc and seen.startswith("/")
            and seen[1:2] not in ("/", "\\") and "\\" not in seen
            and not any(ord(c) < 32 or ord(c) == 127 for c in seen))


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_leaves_this_server(client, target):
    assert _is_local(_language_redirect(client, target))


def test_the_language_switch_returns_to_the_page_it_came_from(client):
    assert _language_redirect(client, "/testimonies/abc/step/2") == "/testimonies/abc/step/2"


def test_a_page_path_with_a_tab_does_not_become_a_way_out(signed_in):
    """The finding: GET /%09/evil.example puts '/\t/evil.example' in the language form."""
    page = signed_in.get("/%09/evil.example").get_data(as_text=True)
    assert 'name="next" value="/\t/evil.example"' in page
    response = signed_in.post("/language", data={"csrf_token": csrf_token(page), "lang": "ar",
                                                 "next": "/\t/evil.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


_PIECES = st.sampled_from(["/", "\\", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\u0085", " ",
                           ":", "https:", "javascript:", "evil.example", "%09", "%2F", "@", "?",
                           "#", "..", "\uff0f"])


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=6).map("".join) | st.lists(_PIECES, max_size=6).map(
    lambda pieces: "/" + "".join(pieces)) | st.text(max_size=12))
@example("//／")  # urlsplit refuses a host that NFKC turns into '//' (found by this test)
def test_hostile_next_values_always_stay_on_this_server(client, target):
    assert _is_local(_language_redirect(client, target))
