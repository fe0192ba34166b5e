"""The wheel carries everything the program needs, and works installed outside any checkout.

As an NGO's IT person would: the wheel is built from a copy of the sources without compiled
catalogues (``pip wheel --no-build-isolation``: setuptools, wheel and Babel come from the test
environment, so the build itself needs no network), then installed with ``pip --no-index`` into a
fresh virtual environment, from a wheelhouse holding that wheel and the locked runtime
dependencies (``pip wheel --require-hashes -r requirements.lock``: from PyPI, or pip's cache
after the first run; the few published only as source are built into wheels here).
``python -m intake serve`` is started there from a folder outside the checkout, and the set-up
page must answer in every interface language from the installed catalogues.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import polib
import pytest

from intake.web.i18n import DEFAULT_LANGUAGE, LANGUAGES
from tests.conftest import CHEAP_KDF
from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
_NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "*.mo",
                                      "__pycache__", "instance", ".fuzz", ".*_cache", ".hypothesis")


def _run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its Python."""
    base = tmp_path_factory.mktemp("wheel")
    sources, wheelhouse = base / "sources", base / "wheelhouse"
    shutil.copytree(ROOT, sources, ignore=_NOT_SOURCES)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", wheelhouse, sources, cwd=base)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--require-hashes", "--no-deps",
         "-r", ROOT / "requirements.lock", "-w", wheelhouse, cwd=base)
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse,
         "testimony-intake", cwd=base)
    return python


@pytest.mark.slow
def test_the_wheel_holds_templates_static_files_and_compiled_catalogues(installed):
    wheel = next((installed.parent.parent.parent / "wheelhouse").glob("testimony_intake-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")}
    assert templates and {f"intake/{name}" for name in templates} <= names
    static = {str(p.relative_to(ROOT)) for p in (ROOT / "intake" / "static").rglob("*") if p.is_file()}
    assert static and static <= names
    for lang in TRANSLATED:
        assert f"intake/translations/{lang}/LC_MESSAGES/messages.mo" in names, lang


def test_the_installed_program_is_the_one_that_runs(installed, tmp_path):
    where = _run(installed, "-c", "import intake; print(intake.__file__)", cwd=tmp_path).strip()
    assert Path(where).is_relative_to(installed.parent.parent), where


def test_the_installed_server_answers_in_every_language(installed, tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("INTAKE_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"INTAKE_KDF_MEMORY_KIB": str(CHEAP_KDF.memory_kib),
                "INTAKE_KDF_TIME_COST": str(CHEAP_KDF.time_cost),
                "INTAKE_KDF_PARALLELISM": str(CHEAP_KDF.parallelism)})
    with (tmp_path / "output.txt").open("wb") as sink:
        server = subprocess.Popen([installed, "-m", "intake", "--home", tmp_path / "home", "serve",
                                   "--port", str(port)], cwd=tmp_path, env=env, stdout=sink,
                                  stderr=subprocess.STDOUT)
    try:
        pages = {lang: _page(f"http://127.0.0.1:{port}/setup", lang, server) for lang in TRANSLATED}
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "no compiled translations" not in (tmp_path / "output.txt").read_text("utf-8")
    assert 'lang="ar" dir="rtl"' in pages["ar"]
    for lang, page in pages.items():
        title = polib.pofile(str(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po")).find(
            "Set up this laptop")
        assert title and title.msgstr, lang
        assert f"<h1>{title.msgstr}</h1>" in page, (lang, (tmp_path / "output.txt").read_text())


def _page(url: str, lang: str, server: subprocess.Popen) -> str:
    request = urllib.request.Request(url, headers={"Accept-Language": lang})  # noqa: S310
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return html.unescape(response.read().decode("utf-8"))
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)
