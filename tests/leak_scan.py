"""Looking for plaintext where it must never be: files under given folders (the home, the temp
folders), and every file a running process holds open, deleted ones included (``/proc/PID/fd``).

A needle is a run of bytes taken from the secret content (several samples of a large file, or the
UTF-8 and UTF-16 forms of a word); a file "holds" it if any needle occurs anywhere in it.

The suite runs on several workers at once (pytest-xdist). Each worker has a temp folder of its
own (``intake-tmp-gwN-…``, made by tests/conftest.py and handed to every server and browser it
starts through ``TMPDIR``) and a pytest temp root of its own (``popen-gwN``); a scan skips the
other workers' folders, whose tests write plaintext there on purpose, and looks at everything
else, this worker's folders included.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

_BLOCK = 8 * 1024 * 1024
_WORKER_FOLDER = re.compile(r"popen-(gw\d+)|intake-tmp-(gw\d+)-.*")


def another_workers(folder: Path) -> bool:
    """Whether ``folder`` is another test worker's own temp folder (see above)."""
    found = _WORKER_FOLDER.fullmatch(folder.name)
    if not found:
        return False
    if found.group(2):
        return folder.resolve() != Path(tempfile.gettempdir()).resolve()
    return found.group(1) != os.environ.get("PYTEST_XDIST_WORKER")


def temp_folders() -> list[Path]:
    """``$TMPDIR`` (as Python resolves it), ``/tmp`` and ``/var/tmp``: those that exist, once each."""
    seen: list[Path] = []
    for folder in (tempfile.gettempdir(), os.environ.get("TMPDIR"), "/tmp", "/var/tmp"):  # noqa: S108
        if folder and Path(folder).is_dir() and Path(folder).resolve() not in seen:
            seen.append(Path(folder).resolve())
    return seen


def text_needles(*texts: str) -> list[bytes]:
    """Each text as UTF-8 and as UTF-16 (little- and big-endian), the ways a program writes it."""
    return [text.encode(encoding) for text in texts for encoding in ("utf-8", "utf-16-le",
                                                                      "utf-16-be")]


def samples(content: bytes, count: int = 8, size: int = 64) -> list[bytes]:
    """``count`` runs of ``size`` bytes spread over ``content``, first and last included."""
    if len(content) <= size:
        return [content]
    step = (len(content) - size) // max(count - 1, 1)
    return [content[i * step:i * step + size] for i in range(count)]


def holds(path: Path | str, needles: Iterable[bytes]) -> bool:
    """Whether the file at ``path`` contains any of ``needles`` (unreadable files hold nothing)."""
    needles = [n for n in needles if n]
    overlap = max((len(n) for n in needles), default=1) - 1
    tail = b""
    try:
        with open(path, "rb") as file:  # noqa: PTH123 - /proc/PID/fd/N paths are plain strings
            while block := file.read(_BLOCK):
                window = tail + block
                if any(needle in window for needle in needles):
                    return True
                tail = window[-overlap:] if overlap else b""
    except OSError:
        return False
    return False


def _files_under(roots: Iterable[Path], exclude: tuple[Path, ...]) -> Iterator[Path]:
    for root in roots:
        for folder, dirs, files in os.walk(root, onerror=lambda _: None):
            here = Path(folder)
            dirs[:] = [d for d in dirs if (here / d).resolve() not in exclude
                       and not another_workers(here / d)]
            for name in files:
                path = here / name
                if path.is_file() and not path.is_symlink():
                    yield path


def files_holding(needles: Iterable[bytes], roots: Iterable[Path],
                  exclude: Iterable[Path] = ()) -> list[str]:
    """Every regular file under ``roots`` (but not under ``exclude``) that holds a needle."""
    needles = list(needles)
    skipped = tuple(Path(p).resolve() for p in exclude)
    return [str(path) for path in _files_under(roots, skipped) if holds(path, needles)]


def open_files_holding(pid: int, needles: Iterable[bytes]) -> list[str]:
    """Every regular file process ``pid`` has open (deleted or not) that holds a needle, named as
    ``/proc`` names it (``/tmp/#123 (deleted)``)."""
    needles = list(needles)
    found = []
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir() if fd_dir.is_dir() else ():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")) \
                and holds(str(fd), needles):
            found.append(target)
    return found
