"""``intake serve --open``: the default browser opens on the page once the server answers, for
people who start programs by double-click rather than by typing an address. Python's
``webbrowser`` chooses the browser: the programs named in the BROWSER environment variable
first, then the platform's default (``os.startfile`` on Windows, ``open`` on macOS, ``xdg-open``
and friends elsewhere)."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
import webbrowser

import click

_WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104  # names, not a bind: these are reached on loopback


def page_url(host: str, port: int) -> str:
    """The address a browser on this computer opens for a server listening on ``host:port``."""
    host = "127.0.0.1" if host in _WILDCARDS else host
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def open_when_answering(url: str, seconds: float = 60) -> threading.Thread:
    """Open ``url`` in the browser as soon as the server answers it (within ``seconds``), from a
    background thread, so the server starts at once."""
    thread = threading.Thread(target=_open_when_answering, args=(url, seconds), daemon=True,
                              name="open-browser")
    thread.start()
    return thread


def _open_when_answering(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not _answers(url):
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)
    if not webbrowser.open(url):
        click.echo(f"No web browser could be started: open {url} in one.", err=True)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()  # noqa: S310  # our own http:// address
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False
    return True
