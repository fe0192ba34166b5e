"""Documentation keeps up with the code: every setting, CLI command, pragma and header."""

import dataclasses
import re
from pathlib import Path

import click

from intake.cli.main import main
from intake.config import Config
from intake.store.connection import PRAGMAS
from intake.web.security_headers import CLEAR_SITE_DATA, HEADERS
from intake.web.serving import waitress_settings

ROOT = Path(__file__).resolve().parent.parent


def read(name: str) -> str:
    return (ROOT / name).read_text("utf-8")


def test_every_setting_and_environment_variable_is_documented():
    text = read("docs/configuration.md")
    for field in dataclasses.fields(Config):
        assert f"`{field.name}`" in text, field.name
    code = "".join(p.read_text("utf-8") for p in (ROOT / "intake").rglob("*.py"))
    for variable in set(re.findall(r"\bINTAKE_[A-Z_]+\b", code)):
        assert variable in text, variable


def _commands(group: click.Group, prefix: str):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


def test_every_cli_command_and_option_is_documented():
    text = read("docs/cli.md")
    for path, command in _commands(main, "intake"):
        assert path in text, path
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--"):
                    assert option in text, (path, option)


def test_every_pragma_and_header_is_documented():
    text = read("docs/security.md")
    for name, _value in PRAGMAS:
        assert name in text, name
    for name in [*HEADERS, "Clear-Site-Data"]:
        assert name in text, name
    assert CLEAR_SITE_DATA
    for directive in HEADERS["Content-Security-Policy"].split("; "):
        assert directive.split()[0] in text, directive


def test_every_server_setting_is_documented():
    for page in ("docs/security.md", "docs/configuration.md"):
        text = read(page)
        for name in [*waitress_settings(Config()), "HEADER_SECONDS"]:
            assert f"`{name}`" in text, (page, name)


def test_published_schema_is_the_one_the_code_uses():
    assert read("docs/testimony.schema.json") == read("intake/data/testimony.schema.json")


def test_readme_gives_the_two_commands():
    text = read("README.md")
    assert "make run" in text and "make test" in text
