"""Power cuts, simulated: the real server (waitress, its own process) takes autosaves from an
interviewer over HTTP and is killed with SIGKILL at a random moment, again and again.

After every kill, before the next start: the store opens, passes ``PRAGMA integrity_check`` and
``cipher_integrity_check``, every testimony opens (no partial record), every save the server
acknowledged is there (the version it answered, or a later one, with text that was really sent),
and no half-written bundle or upload is left under its final name. The next start needs no
repair. ``make crash`` runs many kills and prints the figures; the test suite runs a few.

Run: ``python -m tools.crash_harness [KILLS] [SECONDS]``.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.records import testimonies
from intake.store.connection import connect
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE
from tests.server import Server

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, form posts."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:  # noqa: S310 - loopback
            return response.read().decode()

    def post(self, path: str, fields: dict, headers: dict | None = None) -> tuple[str, str]:
        token = _TOKEN.search(self.get(path)).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        with self.opener.open(request, timeout=10) as response:  # noqa: S310
            return response.geturl(), response.read().decode()


@dataclass
class Ledger:
    """What the server acknowledged, per record: version → text, and every text ever sent."""

    acked: dict[str, dict[int, str]] = field(default_factory=dict)
    sent: dict[str, set[str]] = field(default_factory=dict)


def interview(base: str, ledger: Ledger, stop: threading.Event) -> None:
    """Sign in, start a testimony, and autosave its narrative until the server dies."""
    try:
        browser = Browser(base)
        browser.post("/login", {"name": ADMIN, "passphrase": PASSPHRASE})
        url, _ = browser.post("/testimonies/new", {"record": "yes", "trial": "yes"})
        record_id = url.rstrip("/").split("/")[-3]
        step = f"/testimonies/{record_id}/step/4"
        ledger.acked[record_id], ledger.sent[record_id] = {}, set()
        token = _TOKEN.search(browser.get(step)).group(1)
        n = 0
        while not stop.is_set():
            n += 1
            text = f"أخذونا من كوجو — save {n} " + " ".join(["ܫܠܡܐ"] * random.randint(1, 400))
            ledger.sent[record_id].add(text)
            data = urllib.parse.urlencode({"csrf_token": token, "narrative-0-language": "ar",
                                           "narrative-0-text": text}).encode()
            request = urllib.request.Request(base + step, data=data,  # noqa: S310
                                             headers={"X-Autosave": "1"})
            with browser.opener.open(request, timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read())
            ledger.acked[record_id][answer["version"]] = text
    except (OSError, ValueError, AttributeError, http.client.HTTPException):
        return  # the server was killed under us, perhaps mid-answer


def check(config: Config, ledger: Ledger) -> int:
    """Every acknowledged save is intact after a kill; returns how many were checked."""
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        rows, _ = testimonies.summaries(conn, user, per_page=100000)
        stored = {r.id: testimonies.load(conn, vault, r.id, user) for r in rows}
        checked = 0
        for record_id, acked in ledger.acked.items():
            if not acked:
                continue
            last = max(acked)
            record = stored[record_id]
            assert record.version >= last, (record_id, record.version, last)
            text = record.document["narrative"][0]["text"]
            assert text == acked[last] or (record.version > last and text in ledger.sent[record_id])
            checked += len(acked)
        partial = [p for p in config.home.rglob("*") if p.name.endswith(".partial")]
        assert not [p for p in partial if not p.name.endswith(".intake.age.partial")], partial
        return checked
    finally:
        conn.close()
        vault.close()


def run(kills: int, seconds: float, home: Path | None = None) -> dict:
    """Kill the server ``kills`` times (or until ``seconds`` pass); returns the figures."""
    home = home or Path(tempfile.mkdtemp()) / "home"
    config = Config(home=home, kdf=CHEAP_KDF)
    initialise(config, "Field Org", ADMIN, PASSPHRASE)
    ledger, figures = Ledger(), {"kills": 0, "acknowledged_saves": 0}
    deadline = time.monotonic() + seconds
    while figures["kills"] < kills and time.monotonic() < deadline:
        server = Server(home)
        stop = threading.Event()
        driver = threading.Thread(target=interview, args=(server.url, ledger, stop), daemon=True)
        driver.start()
        time.sleep(random.uniform(0.3, 1.5))
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.communicate(timeout=10)  # reaps it and closes its pipes
        stop.set()
        driver.join(timeout=15)
        figures["kills"] += 1
        figures["acknowledged_saves"] = check(config, ledger)
    figures["records"] = len(ledger.acked)
    return figures


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 900
    started = time.monotonic()
    result = run(count, budget)
    print(f"{result['kills']} kills with SIGKILL in {time.monotonic() - started:.0f} s: "
          f"{result['acknowledged_saves']} acknowledged autosaves over {result['records']} "
          f"interviews, every one intact after each kill; integrity_check and "
          f"cipher_integrity_check passed every time.")
