"""The sign-in back-off under parallel attempts, and recovery keys that fail their checksum
(docs/security.md, "Sign-in back-off"). Key derivations are counted by wrapping the real
Argon2id function; the wrapper also gives it a production-like duration, so that attempts
really overlap."""

from __future__ import annotations

import threading
import time

import pytest

from intake.vault import keyslots
from intake.vault.recovery_key import new_recovery_key
from intake.web.throttle import GLOBAL_BURST, GLOBAL_PER_SECOND
from tests.conftest import ADMIN, csrf_token, sign_in

WRONG = "wrong wrong wrong"


@pytest.fixture
def derivations(monkeypatch) -> list[float]:
    """Every Argon2id derivation the key slots make, as it happens."""
    made: list[float] = []
    real = keyslots.passphrase_key

    def counted(*args, **kwargs):
        made.append(time.monotonic())
        time.sleep(0.05)  # Argon2id at production settings takes a good part of a second
        return real(*args, **kwargs)

    monkeypatch.setattr(keyslots, "passphrase_key", counted)
    return made


def _burst(app, posts: list[tuple[str, dict]]) -> tuple[list[str], float]:
    """Send the posts at once, each from its own browser; the pages they get back, and the
    seconds from the start of the burst to its last answer."""
    clients = [app.test_client() for _ in posts]
    forms = [dict(form, csrf_token=csrf_token(c.get(url).get_data(as_text=True)))
             for c, (url, form) in zip(clients, posts, strict=True)]
    start = threading.Barrier(len(posts))
    pages: list[str] = [""] * len(posts)

    def post(i: int) -> None:
        start.wait()
        pages[i] = clients[i].post(posts[i][0], data=forms[i]).get_data(as_text=True)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return pages, time.monotonic() - began


def test_a_parallel_burst_when_the_wait_opens_gets_one_attempt(app, recovery_key, derivations):
    client = app.test_client()
    for _ in range(3):  # the free attempts
        assert "Wrong name or passphrase." in sign_in(client, passphrase=WRONG).get_data(
            as_text=True)
    time.sleep(1.2)  # three failures with a 1 s base: the wait opens after 1 s
    derivations.clear()
    pages, _ = _burst(app, [("/login", {"name": ADMIN, "passphrase": WRONG})] * 8)
    evaluated = [p for p in pages if "Wrong name or passphrase." in p]
    assert len(evaluated) == 1
    assert sum("Too many failed attempts" in p for p in pages) == 7
    assert len(derivations) <= 2  # one attempt: its slot, and the panic check


def test_parallel_attempts_across_names_are_bounded_in_total(app, recovery_key, derivations):
    pages, seconds = _burst(app, [("/login", {"name": f"name {i}", "passphrase": WRONG})
                                  for i in range(12)])
    evaluated = [p for p in pages if "Wrong name or passphrase." in p]
    allowed = GLOBAL_BURST + int(GLOBAL_PER_SECOND * seconds)  # the bucket refills meanwhile
    assert 1 <= len(evaluated) <= allowed < 12
    assert len(derivations) <= 2 * allowed


def test_malformed_recovery_keys_never_lock_the_recover_page(app, recovery_key, derivations):
    client = app.test_client()
    typo = recovery_key[:-1] + ("A" if recovery_key[-1] != "A" else "B")
    for _ in range(10):
        token = csrf_token(client.get("/recover").get_data(as_text=True))
        page = client.post("/recover", data={
            "csrf_token": token, "recovery_key": typo, "name": ADMIN,
            "passphrase": "fresh valley copper drum", "confirm": "fresh valley copper drum",
        }).get_data(as_text=True)
        assert "does not open this archive" in page and "Too many failed attempts" not in page
    assert derivations == []  # a checksum failure costs no Argon2id
    token = csrf_token(client.get("/recover").get_data(as_text=True))
    good = client.post("/recover", data={
        "csrf_token": token, "recovery_key": recovery_key, "name": ADMIN,
        "passphrase": "fresh valley copper drum", "confirm": "fresh valley copper drum"})
    assert good.status_code == 302


def test_well_formed_wrong_recovery_keys_still_back_off(app, recovery_key):
    client = app.test_client()
    pages = []
    for _ in range(5):
        token = csrf_token(client.get("/recover").get_data(as_text=True))
        pages.append(client.post("/recover", data={
            "csrf_token": token, "recovery_key": new_recovery_key(), "name": ADMIN,
            "passphrase": "fresh valley copper drum", "confirm": "fresh valley copper drum",
        }).get_data(as_text=True))
    assert "Too many failed attempts" in pages[-1]
