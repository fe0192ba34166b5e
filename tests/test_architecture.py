"""Rules of the code base that a reader relies on."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "intake"


def _modules() -> list[tuple[str, str]]:
    """(path inside intake/, source) of every module."""
    return [(p.relative_to(PACKAGE).as_posix(), p.read_text("utf-8"))
            for p in sorted(PACKAGE.rglob("*.py"))]


def test_only_the_crypto_module_touches_hazmat():
    users = [name for name, text in _modules() if "cryptography.hazmat" in text]
    assert users == ["vault/crypto.py"]


def test_pragmas_are_set_in_one_place():
    users = [name for name, text in _modules()
             if re.search(r"PRAGMA (?!wal_checkpoint|user_version)", text)]
    assert users == ["store/connection.py"]


def test_security_headers_are_set_in_one_place():
    users = [name for name, text in _modules()
             if "Content-Security-Policy" in text]
    assert users == ["web/security_headers.py"]


def test_only_the_age_module_imports_pyrage():
    users = [name for name, text in _modules()
             if re.search(r"^\s*(import|from) pyrage", text, re.M)]
    assert users == ["vault/agefile.py"]


def test_redaction_rules_live_in_the_data_file_not_in_code():
    """No field of the testimony is named in the profile code's string literals (docstrings
    aside): which fields leave is decided by data/redaction_profiles.json alone."""
    tree = ast.parse((PACKAGE / "bundles/profiles.py").read_text("utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    literals = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, str) and id(node) not in docstrings]
    for field in ("survivor", "restricted_narrative", "notes", "relatives", "incidents", "consent"):
        assert not [text for text in literals if field in text], field


def test_files_are_renamed_into_place_in_one_module():
    """Every writer goes through intake/atomic.py (temporary name, fsync, retried replace)."""
    users = [name for name, text in _modules()
             if re.search(r"\bos\.replace\(|\.replace\((?:out|path|target)\)|\.rename\(", text)]
    assert users == ["atomic.py"]


# Modules and calls that exist on one family of systems only (or whose meaning there is what
# security would rest on: mode bits, user ids, signals).
_ONE_PLATFORM_MODULES = {"fcntl", "msvcrt", "pwd", "grp", "termios", "resource", "signal",
                         "posix", "winreg"}
_ONE_PLATFORM_CALLS = {"fork", "forkpty", "getuid", "geteuid", "getgid", "getegid", "setuid",
                       "setsid", "setpgrp", "killpg", "chown", "lchown", "fchown", "chmod",
                       "fchmod", "lchmod", "umask", "mkfifo", "getpgid", "sync"}
# Each allowed place, and why.
_ALLOWED = {
    ("vault/keyslots.py", "fcntl"): "file lock: fcntl.flock on POSIX, paired with msvcrt.locking",
    ("vault/keyslots.py", "msvcrt"): "file lock: msvcrt.locking on Windows, paired with fcntl.flock",
    ("home/backup.py", "chmod"): "owner-only modes on a restored home, defence in depth on POSIX; "
                            "on Windows the profile folder's ACLs protect it (docs/security.md)",
}


def _platform_test(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and any(
        isinstance(n, ast.Attribute) and n.attr in ("platform", "name")
        and isinstance(n.value, ast.Name) and n.value.id in ("sys", "os")
        for n in ast.walk(node.test))


def _one_platform_uses(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], node) for a in node.names
                      if a.name.split(".")[0] in _ONE_PLATFORM_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in _ONE_PLATFORM_MODULES:
                found.append((node.module.split(".")[0], node))
            elif node.module == "os":
                found += [(a.name, node) for a in node.names if a.name in _ONE_PLATFORM_CALLS]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "os" and node.attr in _ONE_PLATFORM_CALLS):
            found.append((node.attr, node))
    return found


def _guarded(tree: ast.AST, target: ast.AST) -> bool:
    """Inside one branch of an ``if sys.platform …: … else: …`` with both branches present."""
    for node in ast.walk(tree):
        if _platform_test(node) and node.orelse:  # type: ignore[attr-defined]
            for branch in (node.body, node.orelse):  # type: ignore[attr-defined]
                if any(target is n for statement in branch for n in ast.walk(statement)):
                    return True
    return False


def test_no_call_that_exists_on_one_platform_only():
    """The application runs on Windows, macOS and Linux: a POSIX-only (or Windows-only) module
    or call appears only in a listed place, and a module only in one branch of a platform test
    whose other branch does the same job another way."""
    unexpected, used = [], set()
    for module, text in _modules():
        tree = ast.parse(text)
        for name, node in _one_platform_uses(tree):
            place = (module, name)
            guarded = name not in _ONE_PLATFORM_MODULES or _guarded(tree, node)
            if place in _ALLOWED and guarded:
                used.add(place)
            else:
                unexpected.append(f"{module}:{node.lineno} {name}")  # type: ignore[attr-defined]
    assert unexpected == []
    assert used == set(_ALLOWED)  # an allowance nothing needs any more is removed


def test_the_platform_fence_finds_what_it_looks_for():
    tree = ast.parse("import os, signal\nos.getuid()\nif sys.platform == 'win32':\n"
                     "    import msvcrt\nelse:\n    import fcntl\nif os.name == 'posix':\n"
                     "    import pwd\n")
    uses = _one_platform_uses(tree)
    assert sorted(name for name, _ in uses) == ["fcntl", "getuid", "msvcrt", "pwd", "signal"]
    assert [name for name, node in uses if _guarded(tree, node)] == ["msvcrt", "fcntl"]


def test_streams_are_hashed_by_one_helper():
    """intake/hashing.py hashes what streams past; the two other shapes are listed: an upload
    the form parser writes into (attachments.Upload), and age's read of a bundle, which reads
    into a buffer (bundle_reader._DigestReader)."""
    users = [name for name, text in _modules()
             if re.search(r"digest\.update\(", text)]
    assert users == ["bundles/reader.py", "hashing.py", "records/attachments.py"]


# The web and the command line are two faces on the same domain: only they know their frameworks,
# and nothing in the domain knows them. The command line may use the web (web/log_filter.py, and
# `intake serve` starts the web app).
_WEB_FRAMEWORKS = {"flask", "flask_babel", "flask_wtf", "wtforms"}
_FACES = {"web/": ("intake.web",), "cli/": ("intake.cli", "intake.web")}
_ENTRY_POINTS = {"__main__.py": "``python -m intake`` runs the command line"}


def _imported(tree: ast.AST) -> set[str]:
    """Every module an import statement names, anywhere in the module (``from a import b``
    names both ``a`` and ``a.b``, since b may be a module)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _boundary_violations(modules: list[tuple[str, str]]) -> list[str]:
    found = []
    for path, text in modules:
        for name in sorted(_imported(ast.parse(text))):
            top = name.split(".")[0]
            if top in _WEB_FRAMEWORKS and not path.startswith("web/"):
                found.append(f"{path}: {name}")
            elif top == "click" and not path.startswith("cli/"):
                found.append(f"{path}: {name}")
            elif any(_within(name, face) for face in ("intake.web", "intake.cli")):
                allowed = next((faces for prefix, faces in _FACES.items()
                                if path.startswith(prefix)), ())
                if not any(_within(name, face) for face in allowed) \
                        and path not in _ENTRY_POINTS:
                    found.append(f"{path}: {name}")
    return found


def test_only_the_web_and_the_command_line_know_their_frameworks():
    """flask, flask_babel, flask_wtf and wtforms only in intake/web/; click only in intake/cli/;
    intake.web and intake.cli imported only by themselves (and the CLI by the entry point):
    the domain knows codes, and web/labels.py names them for people."""
    assert _boundary_violations(_modules()) == []


def test_the_boundary_fence_finds_what_it_looks_for():
    domain = ("import flask\nfrom flask_babel import lazy_gettext as _l\nimport click\n"
              "def later():\n    from wtforms import Form\n    import flask_wtf.file\n"
              "from intake import web\nfrom intake.cli.common import CliError\n"
              "import intake.web.labels\nfrom intake.webbing import x\n")
    cli = "import click\nfrom intake.web.log_filter import raised_in_intake\nimport flask\n"
    web = "import flask\nfrom intake.cli import main\n"
    assert _boundary_violations([("records/x.py", domain), ("cli/x.py", cli),
                                 ("web/x.py", web)]) == [
        "records/x.py: click", "records/x.py: flask", "records/x.py: flask_babel",
        "records/x.py: flask_babel.lazy_gettext", "records/x.py: flask_wtf.file",
        "records/x.py: intake.cli.common", "records/x.py: intake.cli.common.CliError",
        "records/x.py: intake.web", "records/x.py: intake.web.labels", "records/x.py: wtforms",
        "records/x.py: wtforms.Form", "cli/x.py: flask", "web/x.py: intake.cli",
        "web/x.py: intake.cli.main"]


@pytest.mark.parametrize("package", ["printing", "vault", "store", "home", "records", "bundles",
                                     "archive"])
def test_a_domain_package_loads_without_the_web_or_the_command_line(package):
    """Importing every module of the package, in a fresh interpreter, loads no web framework and
    no click (a lazy import would escape the fence above; this catches it through any path)."""
    modules = sorted(p.stem for p in (PACKAGE / package).glob("*.py") if p.stem != "__init__")
    script = (f"import sys\nimport intake.{package}\n"
              + "".join(f"import intake.{package}.{m}\n" for m in modules)
              + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
              + repr(sorted(_WEB_FRAMEWORKS | {"click"})) + " or m.startswith(('intake.web', "
              + "'intake.cli')))\nassert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=PACKAGE.parent,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)})
    assert result.returncode == 0, result.stderr


# The domain's layers, lowest first: a module imports only from its own layer and those below.
# Top-level modules are the lowest layer, except config.py, which names the vault's KDF costs;
# printing (the PDF writer and its fonts) sits just above them and knows nothing of records.
_LAYERS = ("", "printing", "vault", "config", "store", "home", "records", "bundles", "archive", "screening")


def _layer(module: str) -> str | None:
    """The layer of a module named ``intake.…`` (None for other modules, web and cli)."""
    parts = module.split(".")
    if parts[0] != "intake":
        return None
    inner = parts[1] if len(parts) > 1 else ""
    if inner in ("web", "cli"):
        return None
    return inner if inner in _LAYERS else ""


def _layer_violations(modules: list[tuple[str, str]]) -> list[str]:
    found = []
    for path, text in modules:
        source = _layer("intake." + path.removesuffix(".py").replace("/", "."))
        if source is None or path in _ENTRY_POINTS:
            continue
        for name in sorted(_imported(ast.parse(text))):
            target = _layer(name)
            if target is not None and _LAYERS.index(target) > _LAYERS.index(source):
                found.append(f"{path}: {name}")
    return found


def test_each_layer_of_the_domain_imports_only_the_layers_below_it():
    assert _layer_violations(_modules()) == []


def test_the_layer_fence_finds_what_it_looks_for():
    vault = "from intake.store.connection import connect\nfrom intake import atomic, config\n"
    top = "from intake.home import audit\nimport intake.vault.crypto\n"
    assert _layer_violations([("vault/x.py", vault), ("atomic.py", top),
                              ("config.py", "from intake.vault.crypto import KdfParams\n"),
                              ("archive/x.py", "from intake.bundles import reader\n")]) == [
        "vault/x.py: intake.config", "vault/x.py: intake.store.connection",
        "vault/x.py: intake.store.connection.connect", "atomic.py: intake.home",
        "atomic.py: intake.home.audit", "atomic.py: intake.vault.crypto"]


def _map_of_the_code() -> dict[str, set[str]]:
    """The packages and modules the diagram in docs/architecture.md names."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text("utf-8")
    diagram = text.split("## Layers", 1)[1].split("```")[1]
    named: dict[str, set[str]] = {}
    current = None
    for line in diagram.splitlines():
        entry = re.match(r"\s+(intake(?:/[a-z_]+)*)\s{2,}(.*)", line)
        if entry:
            current, names = entry.group(1), entry.group(2)
        elif current and re.fullmatch(r"\s{10,}[a-z0-9_ ·]+", line):
            names = line
        else:
            current = None
            continue
        named.setdefault(current, set()).update(n.strip() for n in names.split("·"))
    return named


def test_the_architecture_page_names_every_module_and_only_those():
    """docs/architecture.md is the map of the code: its diagram lists each package's modules."""
    actual: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.stem not in ("__init__", "__main__"):
            folder = path.parent.relative_to(PACKAGE.parent).as_posix()
            actual.setdefault(folder, set()).add(path.stem)
    assert _map_of_the_code() == actual
