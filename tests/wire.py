"""Talking to the real server byte by byte, as a hostile or slow program on the same computer
would: raw sockets for what a browser never sends, and a small signed-in http.client session."""

from __future__ import annotations

import http.client
import re
import socket
import urllib.parse
from pathlib import Path

from tests.conftest import csrf_token


def connect(port: int, *, receive_buffer: int | None = None, timeout: float = 10) -> socket.socket:
    """A TCP connection to the server on 127.0.0.1; a small ``receive_buffer`` makes a reader
    that stops reading stall the server quickly (the kernel holds little for it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    return sock


def resident_bytes(pid: int) -> int:
    """The process's resident memory (VmRSS in /proc/PID/status), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text("ascii")
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match, status
    return int(match.group(1)) * 1024


def read_response_head(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and whatever body bytes came with them."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError(f"closed before the end of the headers: {data[:200]!r}")
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, rest


class Session:
    """A signed-in client: the session cookie, kept from one request to the next."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("intake_session_"):
                self.cookie = value.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def sign_in(self, name: str, passphrase: str) -> None:
        _status, _headers, page = self.request("GET", "/login")
        status, headers, _ = self.request("POST", "/login", {
            "csrf_token": csrf_token(page), "name": name, "passphrase": passphrase})
        assert status == 302 and headers["location"].endswith("/"), (status, headers)
