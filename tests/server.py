"""The real server for tests: `intake serve` (waitress) in its own process, on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import CHEAP_KDF


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Started with cheap key derivation and a short autosave; reached on 127.0.0.1."""

    def __init__(self, home: Path, host: str = "127.0.0.1", output: Path | None = None):
        """``output``: a file that receives everything the server writes on stdout and stderr
        (a file, not a pipe, so a chatty server never blocks on a full pipe)."""
        self.home = home
        self.started = time.time()  # files changed after this may be the server's (leak scans)
        self.output = output
        sink = output.open("wb") if output else subprocess.DEVNULL
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "INTAKE_KDF_MEMORY_KIB": str(CHEAP_KDF.memory_kib),
               "INTAKE_KDF_TIME_COST": str(CHEAP_KDF.time_cost),
               "INTAKE_KDF_PARALLELISM": str(CHEAP_KDF.parallelism),
               "INTAKE_AUTOSAVE_SECONDS": "2", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "intake", "--home", str(home), "serve", "--host", host,
             "--port", str(self.port)], env=env,
            stdout=sink,
            stderr=subprocess.STDOUT if output else subprocess.PIPE, text=True)
        if output:
            sink.close()  # type: ignore[union-attr]  # the child holds its own copy
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/static/intake.css", timeout=1).close()  # noqa: S310
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError(f"the server did not start: {self.stop()}")

    def stop(self) -> str:
        """Stop the server; returns what it wrote on stderr (and stdout, with ``output``)."""
        self.process.terminate()
        stderr = self.process.communicate(timeout=10)[1]
        if self.output:
            return self.output.read_text("utf-8", errors="replace")
        return stderr
