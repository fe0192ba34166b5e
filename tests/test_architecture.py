"""Rules of the code base that a reader relies on."""

import ast
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


def test_only_the_age_module_imports_pyrage():
    users = [p.name for p in PACKAGE.rglob("*.py")
             if re.search(r"^\s*(import|from) pyrage", p.read_text("utf-8"), re.M)]
    assert users == ["agefile.py"]


def test_redaction_rules_live_in_the_data_file_not_in_code():
    """No field of the testimony is named in the profile code's string literals (docstrings
    aside): which fields leave is decided by data/redaction_profiles.json alone."""
    tree = ast.parse((PACKAGE / "profiles.py").read_text("utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    literals = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, str) and id(node) not in docstrings]
    for field in ("survivor", "restricted_narrative", "notes", "relatives", "incidents", "consent"):
        assert not [text for text in literals if field in text], field
