"""Hostile values against the real server (`intake serve`, waitress, in its own process): every
POST route of the URL map, with every role that may use it, gets over-long strings at and above
the schema's limits, NUL bytes, invalid UTF-8 (what a lone surrogate becomes on the wire), markup,
bidi controls, huge numbers, repeated keys, deep and unknown field names, JSON bodies and
multipart files. Each value carries a unique marker. Then: no response is a 500, no error page or
autosave answer repeats a marker, and nothing the server wrote on stdout or stderr contains one
(docs/security.md, "No survivor text in logs or error pages")."""

from __future__ import annotations

import http.cookiejar
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.home.passphrases import add_user
from intake.records import testimonies
from intake.store.connection import connect
from intake.web.app import create_app
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, full_record
from tests.server import Server
from tests.web.test_routes import EVERYONE, OTHERS_RECORD, rule_for

RUN = secrets.token_hex(3)  # markers of this run only: HX<run>-<n>-
_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
_NAMES = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')
LONG_FIELDS = re.compile(r"(^|-)(text|notes|description)$")
RECORD_ROUTES = ("testimonies.", "attachments.")  # the routes that read a testimony's fields
DATE_FIELDS = re.compile(r"(^|-|_)date(_of_birth)?$")
SKIPPED = {"auth.lock", "auth.logout"}  # they end the session (tests/web/test_web.py covers them)


class Markers:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"HX{RUN}m{self.count}q"

    def digits(self) -> str:
        self.count += 1
        return f"4711{int(RUN, 16):08d}{self.count:05d}"


def limit(name: str, record_fields: bool = True) -> int:
    """The schema's limit for a form field, guessed from its name (docs/testimony.schema.json).
    Without ``record_fields`` (a route that reads no testimony fields) a long field is just one
    more unknown field, held to the ordinary limit."""
    if name == "extract":  # ysl.extract, the testimony extract for a claim
        return 3000
    if LONG_FIELDS.search(name) and record_fields:
        return 200_000
    if DATE_FIELDS.search(name):
        return 100
    return 1000


def filled(marker: str, size: int) -> str:
    return (marker + "ز" * size)[:size]


@dataclass
class Post:
    """One hostile request: ``pairs`` are (name, value) in order; a value may be bytes."""

    pairs: list[tuple[str, str | bytes]]
    markers: list[str]
    json_body: object = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def hostile_posts(names: list[str], mark: Markers, record_fields: bool = True) -> Iterator[Post]:
    """Every kind of hostile value, each in every field the app has. The values at and above the
    limits make a body of several megabytes only for the routes that read a testimony's long
    fields (``record_fields``); the others hold those fields to the ordinary limit."""
    def each(make) -> Post:  # type: ignore[no-untyped-def]
        marker = mark()
        return Post([(name, make(marker, name)) for name in names], [marker])

    # The finding: a 1,026-character full name (and every other field) one above the limit.
    yield each(lambda m, n: "Nadia " + filled(m, 1020) if limit(n, record_fields) == 1000
               else filled(m, limit(n, record_fields) + 1))
    yield each(lambda m, n: filled(m, limit(n, record_fields)))  # exactly at the limit
    yield each(lambda m, n: filled(m, limit(n, record_fields) + 1))
    yield each(lambda m, _n: f"{m}\x00after\x00")
    yield each(lambda m, _n: m.encode() + b"\xed\xa0\x80 lone surrogate \xff\xfe")
    yield each(lambda m, _n: f'<script>alert("{m}")</script><img src=x onerror=alert(1)>')
    yield each(lambda m, _n: f"\u202e{m}\u2066\u200b\u200f%s%n{{0}}%(max)d")
    digits = mark.digits()
    yield Post([(name, "9" * 400 + digits) for name in names], [digits])
    digits = mark.digits()
    yield Post([(name, "-" + digits + "e999999") for name in names], [digits])
    # Wrong shapes: every key twice, deep and huge list indices, unknown fields.
    marker = mark()
    deep = "incidents-0-" + "perpetrators-0-" * 40 + "name"
    yield Post([*[(name, marker + "a") for name in names], *[(name, marker + "b") for name in names],
                (deep, marker), ("incidents-99999999-place", marker),
                ("narrative-4294967296-text", marker), (f"unknown_{marker}", marker),
                ("survivor[full_name]", marker)], [marker])
    marker = mark()
    nested: object = marker
    for _ in range(200):
        nested = {"survivor": [nested]}
    yield Post([], [marker], json_body={"full_name": marker, "age": int("9" * 300),
                                        "nested": nested})


def encode(post: Post, token: str) -> tuple[bytes, str]:
    if post.json_body is not None:
        body = {"csrf_token": token, **post.json_body}  # type: ignore[dict-item]
        return json.dumps(body).encode(), "application/json"
    if post.files:
        boundary = "hostile" + secrets.token_hex(8)
        parts = []
        for name, value in [("csrf_token", token), *post.pairs]:
            raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         .encode() + raw + b"\r\n")
        for name, (filename, content) in post.files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                         .encode() + content + b"\r\n")
        return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
            f"multipart/form-data; boundary={boundary}"
    pairs = [("csrf_token", token), *post.pairs]
    return urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"


class Browser:
    """Cookies and CSRF tokens over real HTTP; every status is returned, none raised."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, body: bytes | None = None, content_type: str = "",
                headers: dict | None = None) -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, data=body,  # noqa: S310 - loopback
                                         headers={**({"Content-Type": content_type}
                                                     if content_type else {}), **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:  # noqa: S310
                return response.status, response.headers.get("Content-Type", ""), \
                    response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers.get("Content-Type", ""), \
                    error.read().decode("utf-8", "replace")

    def token(self) -> str:
        for path in ("/", "/login"):
            found = _TOKEN.search(self.request(path)[2])
            if found:
                return found.group(1)
        raise AssertionError("no CSRF token on / or /login")

    def sign_in(self, name: str, passphrase: str) -> None:
        data = urllib.parse.urlencode({"csrf_token": self.token(), "name": name,
                                       "passphrase": passphrase}).encode()
        status = self.request("/login", data, "application/x-www-form-urlencoded")[0]
        assert status == 302, status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Walk:
    markers: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def send(self, browser: Browser, path: str, post: Post, token: str, *,
             autosave: bool = False) -> None:
        body, content_type = encode(post, token)
        status, kind, page = browser.request(path, body, content_type,
                                             {"X-Autosave": "1"} if autosave else None)
        self.requests += 1
        self.markers += post.markers
        where = f"POST {path}{' (autosave)' if autosave else ''} [{post.markers[0]}]: {status}"
        if status >= 500:
            self.failures.append(where)
        # A form shown again (200, 422) keeps what was typed; nothing else may repeat it.
        shows_form = status in (200, 422) and "json" not in kind and "csrf_token" in page
        if not shows_form and any(marker in page for marker in post.markers):
            self.failures.append(f"{where} repeats the value in its answer")


def field_names(browser: Browser, app, record_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every field name on every page the app shows, plus the ones only other pages post."""
    names = {"text", "reason", "purpose", "note", "kind", "duration", "go", "name",
             "public_key", "lang", "next", "query", "recovery_key", "written_down",
             "organisation", "confirm", "passphrase", "current", "role", "recipients",
             "language", "restricted_annex"}
    pages = ["/", "/login", "/recover", "/passphrase", "/admin/users", "/admin/backup",
             "/keys/", "/export/", "/archive/", "/archive/import", f"/testimonies/{record_id}",
             "/testimonies/new", *[f"/testimonies/{record_id}/step/{n}" for n in range(1, 9)],
             "/claims/", f"/claims/{record_id}"]
    for path in pages:
        names.update(_NAMES.findall(browser.request(path)[2]))
    names.discard("csrf_token")
    return sorted(names)


def target(app, rule, record_id: str, number: int = 2) -> str:  # type: ignore[no-untyped-def]
    values = {"record_id": record_id, "number": number, "seq": 1, "job_id": "nosuchjob",
              "attachment_id": "nosuchattachment", "fingerprint": "nosuchsource",
              "person_id": "P-nosuchperson", "screening_id": "S-00000000", "language": "en"}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """An instance with an administrator, a supervisor and an interviewer, each with a record."""
    home = tmp_path_factory.mktemp("hostile") / "home"
    config = Config(home=home, kdf=CHEAP_KDF)
    initialise(config, "Field Org", ADMIN, PASSPHRASE)
    vault, admin = unlock(config, ADMIN, PASSPHRASE)
    add_user(config, vault, "Sami", "supervisor", OTHER_PASSPHRASE)
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    records = {"admin": testimonies.create(conn, vault, admin, full_record()).id}
    records["supervisor"] = records["admin"]
    _v, dilan = unlock(config, "Dilan", OTHER_PASSPHRASE)
    records["interviewer"] = testimonies.create(conn, vault, dilan, full_record()).id
    _v.close()
    conn.close()
    vault.close()
    return home, records


@pytest.mark.slow
def test_hostile_values_on_every_post_route_reach_no_log_and_no_error_page(home, tmp_path):
    home_path, records = home
    output = tmp_path / "server-output.txt"
    server = Server(home_path, output=output)
    walk, mark = Walk(), Markers()
    try:
        app = create_app(Config(home=home_path, kdf=CHEAP_KDF))
        browsers = {"anonymous": Browser(server.url)}
        for role, name, passphrase in (("admin", ADMIN, PASSPHRASE),
                                       ("supervisor", "Sami", OTHER_PASSPHRASE),
                                       ("interviewer", "Dilan", OTHER_PASSPHRASE)):
            browsers[role] = Browser(server.url)
            browsers[role].sign_in(name, passphrase)
        names = field_names(browsers["admin"], app, records["admin"])
        assert {"full_name", "narrative-0-text", "incidents-0-perpetrators-0-aliases",
                "medical-referred_to", "public_key", "note"} <= set(names), names
        rules = sorted((r for r in app.url_map.iter_rules()
                        if "POST" in r.methods and r.endpoint not in SKIPPED),
                       key=lambda r: r.endpoint == "testimonies.delete")  # destroying goes last
        for rule in rules:
            allowed = rule_for(rule.endpoint)
            # Each role that may reach another's record, else the least privileged that may post.
            roles = (["anonymous"] if allowed == EVERYONE else list(allowed)
                     if rule.endpoint in OTHERS_RECORD else [allowed[0]])
            for role in roles:
                browser = browsers[role]
                record_id = records[role] if rule.endpoint in OTHERS_RECORD else records["admin"]
                # Every step as the administrator; the survivor step (the finding) as each role.
                numbers = ([2] if rule.endpoint != "testimonies.step" else
                           range(1, 9) if role == "admin" else [3])
                for number in numbers:
                    path = target(app, rule, record_id, number)
                    token = browser.token()
                    for post in hostile_posts(names, mark, rule.endpoint.startswith(RECORD_ROUTES)):
                        if rule.endpoint in ("attachments.add", "archive.upload"):
                            post.files = {"file": (f"{post.markers[0]}.ogg",
                                                   post.markers[0].encode() + b"\x00" * 64),
                                          "bundle": (f"{post.markers[0]}.intake.age",
                                                     b"age-encryption.org/v1\n" +
                                                     post.markers[0].encode())}
                        walk.send(browser, path, post, token,
                                  autosave=rule.endpoint == "testimonies.step")
                        if rule.endpoint == "testimonies.step" and number == 3:
                            walk.send(browser, path, post, token)  # the page, not autosave
    finally:
        logged = server.stop()
    setup_walk = _walk_setup(tmp_path, mark)
    logged += setup_walk[1]
    walk.markers += setup_walk[0].markers
    walk.failures += setup_walk[0].failures
    assert walk.requests > 500
    leaked = sorted({m for m in walk.markers if m in logged})
    lines = [line[:300] for line in logged.splitlines() if any(m in line for m in leaked[:3])]
    assert not leaked and f"HX{RUN}" not in logged and not walk.failures, (
        f"{len(leaked)} values reached the server's output, e.g.:\n" + "\n".join(lines[:10])
        + "\n" + "\n".join(walk.failures[:40]))


def _walk_setup(tmp_path: Path, mark: Markers) -> tuple[Walk, str]:
    """Set-up and its recovery-key page on an instance not yet set up."""
    output = tmp_path / "setup-output.txt"
    server = Server(tmp_path / "fresh-home", output=output)
    walk = Walk()
    try:
        browser = Browser(server.url)
        names = ["organisation", "name", "passphrase", "confirm", "recovery_key", "written_down"]
        for path in ("/setup", "/setup/recovery-key"):
            for post in hostile_posts(names, mark):
                found = _TOKEN.search(browser.request("/setup")[2])
                walk.send(browser, path, post, found.group(1) if found else "")
    finally:
        logged = server.stop()
    return walk, logged
