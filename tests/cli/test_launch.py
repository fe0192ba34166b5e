"""Starting the program as someone without developer tools does: ``python -m intake``, no
``--home`` (a per-user data folder), and ``intake serve --open`` (the default browser opens on
the page once the server answers). The real server, in its own process; the "browser" is a
small program named in BROWSER, which Python's ``webbrowser`` runs with the URL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from intake.resources import missing_catalogues, translations_folder
from intake.web.i18n import LANGUAGES
from tests.conftest import CHEAP_KDF
from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "INTAKE_HOME"}
    env.update({"INTAKE_KDF_MEMORY_KIB": str(CHEAP_KDF.memory_kib),
                "INTAKE_KDF_TIME_COST": str(CHEAP_KDF.time_cost),
                "INTAKE_KDF_PARALLELISM": str(CHEAP_KDF.parallelism),
                "PYTHONUNBUFFERED": "1",
                # platformdirs' per-user data folder on Linux (XDG Base Directory spec)
                "XDG_DATA_HOME": str(tmp_path / "data")})
    env.update(extra)
    return env


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()  # noqa: S310
        return True
    except OSError:
        return False


def _serve(tmp_path: Path, *args: str, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    output = tmp_path / "output.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "intake", *args], env=env, cwd=tmp_path,
                                   stdout=sink, stderr=subprocess.STDOUT)
    return process, output


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def test_python_m_intake_is_the_intake_command():
    result = subprocess.run([sys.executable, "-m", "intake", "--help"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage: intake " in result.stdout and "serve" in result.stdout


def test_serve_without_home_uses_the_per_user_data_folder_and_says_where(tmp_path):
    port = free_port()
    process, output = _serve(tmp_path, "serve", "--port", str(port), env=_environment(tmp_path))
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/setup"))
    finally:
        _stop(process)
    lines = output.read_text("utf-8").splitlines()
    home = tmp_path / "data" / "Testimony Intake"
    assert f"Instance home: {home}" in lines, lines
    assert f"Testimony Intake on http://127.0.0.1:{port}/" in lines, lines
    assert not (tmp_path / "instance").exists()  # not the current directory


def test_serve_open_opens_the_browser_on_the_page_once_it_answers(tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    # Records the URL and whether the page answered at the moment the browser was started.
    browser.write_text(
        "import sys, urllib.request\n"
        "url = sys.argv[1]\n"
        "status = urllib.request.urlopen(url, timeout=5).status\n"
        f"open({str(opened)!r}, 'w').write(url + ' ' + str(status))\n", "utf-8")
    port = free_port()
    env = _environment(tmp_path, BROWSER=f"{sys.executable} {browser} %s")
    process, output = _serve(tmp_path, "--home", str(tmp_path / "home"), "serve", "--port",
                             str(port), "--open", env=env)
    try:
        _wait_for(opened.exists)
        time.sleep(0.5)  # the write has finished
    finally:
        _stop(process)
    assert opened.read_text("utf-8") == f"http://127.0.0.1:{port}/ 200", output.read_text("utf-8")


def test_a_language_without_its_compiled_catalogue_is_named(tmp_path):
    for lang in ("ar", "tr"):
        shutil.copytree(translations_folder() / lang, tmp_path / lang)
    (tmp_path / "tr" / "LC_MESSAGES" / "messages.mo").unlink()
    assert missing_catalogues(LANGUAGES, tmp_path) == [lang for lang in LANGUAGES if lang != "ar"]
    assert missing_catalogues(["ar", "ckb", "ku", "tr", "syr"]) == []  # after make translations
