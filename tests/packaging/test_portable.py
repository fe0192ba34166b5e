"""What the program writes is UTF-8 whatever the console's code page, and what it reads may come
with a byte-order mark or in UTF-16 (docs/cli.md, "Encodings"; docs/security.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.cli.main import main
from intake.textfiles import read_text_file
from tests.cli.test_cli import PASS
from tests.conftest import full_record

ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
]


def _intake() -> list[str]:
    """The installed ``intake`` entry point beside this interpreter (what a user runs)."""
    script = Path(sys.executable).parent / ("intake.exe" if os.name == "nt" else "intake")
    return [str(script)] if script.exists() else [sys.executable, "-m", "intake"]


def test_json_output_is_utf8_under_a_windows_code_page(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    source = tmp_path / "record.json"
    source.write_text(json.dumps(full_record()), "utf-8")
    imported = runner.invoke(main, ["testimony", "import", str(source), "--user", "Layla"])
    record_id = imported.output.strip()

    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "INTAKE_USER": "Layla"}
    with open(out, "wb") as stdout:
        done = subprocess.run([*_intake(), "testimony", "show", record_id, "--json"], env=env,
                              stdout=stdout, stderr=subprocess.PIPE, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    shown = json.loads(out.read_bytes().decode("utf-8"))
    assert shown["narrative"][1]["text"] == "أخذونا من كوجو إلى تلعفر"
    assert shown["survivor"]["other_names"] == ["ناديه خليل"]


@pytest.mark.parametrize(("codec", "bom"), ENCODINGS, ids=["utf-8", "utf-8-bom", "utf-16-le",
                                                            "utf-16-be"])
def test_import_reads_a_bom_and_utf16(runner, tmp_path, monkeypatch, codec, bom):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    source = tmp_path / "record.json"
    source.write_bytes(bom + json.dumps(full_record(), ensure_ascii=False).encode(codec))
    imported = runner.invoke(main, ["testimony", "import", str(source), "--user", "Layla"])
    assert imported.exit_code == 0, imported.output
    shown = runner.invoke(main, ["testimony", "show", imported.output.strip(), "--json",
                                 "--user", "Layla"])
    assert json.loads(shown.output)["survivor"]["full_name"] == "Nadia Xelîl"


@given(text=st.text(), encoding=st.sampled_from(ENCODINGS))
def test_any_text_decodes_back_to_itself(tmp_path_factory, text, encoding):
    codec, bom = encoding
    try:
        encoded = text.encode(codec)
    except UnicodeEncodeError:
        return  # a lone surrogate has no encoding at all
    path = tmp_path_factory.mktemp("text") / "list.txt"
    path.write_bytes(bom + encoded)
    if not bom and text.startswith("\ufeff"):
        text = text[1:]  # a leading U+FEFF without a BOM in front reads as the BOM itself
    assert read_text_file(path) == text


def test_a_file_in_no_unicode_encoding_is_refused(tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes("Xelîl".encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        read_text_file(path)


@pytest.mark.parametrize(("codec", "bom"), ENCODINGS[1:], ids=["utf-8-bom", "utf-16-le",
                                                                "utf-16-be"])
def test_a_passphrase_file_saved_by_notepad_opens(runner, tmp_path, monkeypatch, codec, bom):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASS)
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    monkeypatch.delenv("INTAKE_PASSPHRASE")
    secret = tmp_path / "passphrase.txt"
    secret.write_bytes(bom + f"{PASS}\r\n".encode(codec))
    listed = runner.invoke(main, ["testimony", "list", "--user", "Layla",
                                  "--passphrase-file", str(secret)])
    assert listed.exit_code == 0, listed.output
