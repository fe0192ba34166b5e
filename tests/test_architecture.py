"""Rules of the code base that a reader relies on."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "intake"


def test_only_the_crypto_module_touches_hazmat():
    users = [p.name for p in PACKAGE.rglob("*.py") if "cryptography.hazmat" in p.read_text("utf-8")]
    assert users == ["crypto.py"]


def test_pragmas_are_set_in_one_place():
    users = [p.name for p in PACKAGE.rglob("*.py")
             if re.search(r"PRAGMA (?!wal_checkpoint)", p.read_text("utf-8"))]
    assert users == ["store.py"]


def test_security_headers_are_set_in_one_place():
    users = [p.name for p in PACKAGE.rglob("*.py")
             if "Content-Security-Policy" in p.read_text("utf-8")]
    assert users == ["security_headers.py"]
