"""Hostile and broken input: markup and script in every text field stay text everywhere they are
shown (review, export preview, archive); bidi controls in names are kept as typed but isolated;
NUL bytes, invalid UTF-8 and absurd nesting never crash a page or a command; a damaged store is
refused with one line and left untouched."""

from __future__ import annotations

import json
import re

import pytest

from intake.bundles import own_keys
from intake.cli.main import main
from intake.records import testimonies
from tests.bundles.test_bundles import export, field, import_, law, lawyers  # noqa: F401
from tests.conftest import csrf_token, full_record, sign_in
from tests.web.test_routes import clients  # noqa: F401

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RLO = "Nadia \u202eliləX\u202c \u200b"  # right-to-left override and a zero-width space


def hostile_record() -> dict:
    record = full_record()
    record["survivor"]["full_name"] = RLO
    record["narrative"].append({"language": "en", "text": SCRIPT})
    record["incidents"][0]["description"] = SCRIPT
    record["relatives"][0]["name"] = SCRIPT
    record["notes"] = SCRIPT
    return record


def assert_inert(page: str) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_markup_is_text_on_the_review_page_and_names_keep_their_bidi_controls(signed_in, conn,
                                                                             vault, admin):
    record = testimonies.create(conn, vault, admin, hostile_record(), completed=True)
    page = signed_in.get(f"/testimonies/{record.id}").get_data(as_text=True)
    assert_inert(page)
    stored = testimonies.load(conn, vault, record.id, admin).document["survivor"]["full_name"]
    assert stored == RLO  # kept exactly as typed
    assert re.search(r'<dd dir="auto">' + re.escape(RLO) + "</dd>", page)  # isolated


def test_markup_is_text_in_the_export_preview_and_the_archive(field, law, lawyers, tmp_path,  # noqa: F811
                                                             app, client):
    record = testimonies.create(field.conn, field.vault, field.user, hostile_record(),
                                completed=True)
    assert sign_in(client).status_code == 302
    token = csrf_token(client.get("/export/").get_data(as_text=True))
    client.post("/export/", data={"csrf_token": token, "purpose": "trial",
                                  "recipients": "Lawyers"})
    assert_inert(client.get("/export/preview").get_data(as_text=True))
    out = tmp_path / "b.intake.age"
    export(field, [lawyers], out)
    import_(law, out, trust=own_keys.signing_key(field.conn, field.vault).fingerprint)
    from intake.archive import catalogue

    seq = catalogue.search(law.conn)[0][0].seq
    from intake.web.app import create_app

    law_client = create_app(law.config).test_client()
    assert sign_in(law_client).status_code == 302
    assert_inert(law_client.get(f"/archive/records/{seq}").get_data(as_text=True))
    assert record.id in law_client.get(f"/archive/records/{seq}").get_data(as_text=True)


def test_nul_bytes_and_invalid_utf8_do_not_crash_a_form(signed_in):
    token = csrf_token(signed_in.get("/testimonies/new").get_data(as_text=True))
    made = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"})
    step = made.headers["Location"].replace("/step/2", "/step/4")
    token = csrf_token(signed_in.get(step).get_data(as_text=True))
    for text in ("before\x00after", "\ud800 lone surrogate".encode("utf-8", "surrogatepass")):
        body = {"csrf_token": token, "narrative-0-language": "ar", "narrative-0-text": text}
        response = signed_in.post(step, data=body, headers={"X-Autosave": "1"})
        assert response.status_code in (200, 400, 422), response.status_code
    raw = b"csrf_token=" + token.encode() + b"&narrative-0-text=%FF%FE%C3%28"
    response = signed_in.post(step, data=raw, headers={"X-Autosave": "1"},
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_deeply_nested_or_malformed_json_imports_are_one_line_errors(runner, monkeypatch,
                                                                     tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    for content in ("[" * 100000 + "]" * 100000, '{"consent": {"record": true}, "narrative": 1e999',
                    json.dumps({"consent": {"record": True}, "survivor": {"age": 10**400}}),
                    "\ufeff" + json.dumps({"consent": {"record": True}})):
        source = tmp_path / "bad.json"
        source.write_text(content, "utf-8")
        result = runner.invoke(main, ["testimony", "import", str(source)])
        assert result.exit_code in (0, 1), result.output
        if result.exit_code:
            assert result.output.startswith("Error:") and len(result.output.splitlines()) == 1


def test_a_damaged_store_is_refused_in_one_line_and_not_overwritten(runner, monkeypatch, config,
                                                                    client):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    data = config.database_path.read_bytes()
    for damaged in (data[:len(data) // 3], b"\0" * len(data), data[:100]):
        config.database_path.write_bytes(damaged)
        for wal in config.home.glob("intake.db-*"):
            wal.unlink()
        result = runner.invoke(main, ["testimony", "list"])
        assert result.exit_code == 1 and "cannot open the store" in result.output
        assert len(result.output.splitlines()) == 1
        page = sign_in(client, "Layla", "amber river lantern seven")
        assert page.status_code == 200 and "the store is damaged" in page.get_data(as_text=True)
        assert config.database_path.read_bytes() == damaged


def test_a_wrong_passphrase_file_is_one_line(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    monkeypatch.delenv("INTAKE_PASSPHRASE")
    wrong = tmp_path / "pass.txt"
    wrong.write_bytes(b"\xff\xfe not utf-8")
    result = runner.invoke(main, ["testimony", "list", "--user", "Layla", "--passphrase-file",
                                  str(wrong)])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1


HOSTILE_VALUES = ["\x00", "\u202e\u200b<b>x</b>", "<script>alert(1)</script>", "ز" * 5000,
                  "../../etc/passwd", "%s%n{0}", "9" * 400, "\ufeff\ufffe"]


@pytest.mark.slow
def test_every_form_takes_hostile_values_without_a_server_error(clients, conn, vault, admin):  # noqa: F811
    """Every POST route of the URL map, as an administrator, with every field name it could
    expect filled with hostile values: never a 500."""
    app, made = clients
    client = made["admin"]
    record = testimonies.create(conn, vault, admin, full_record())
    fields = ["name", "passphrase", "confirm", "public_key", "purpose", "recipients", "text",
              "reason", "note", "query", "record", "lang", "next", "current", "recovery_key",
              "narrative-0-text", "narrative-0-language", "survivor-full_name", "go",
              "incidents-0-date", "decision", "organisation"]
    from tests.web.test_routes import token, url

    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.lock"):
            continue
        target = url(app, rule, record.id)
        for value in HOSTILE_VALUES:
            data = {"csrf_token": token(client), **{f: value for f in fields}}
            response = client.post(target, data=data)
            assert response.status_code < 500, (target, repr(value), response.status_code)
            response.close()


def test_every_cli_command_takes_hostile_arguments_without_a_traceback(runner, monkeypatch,
                                                                      tmp_path):
    import click

    monkeypatch.setenv("INTAKE_PASSPHRASE", "amber river lantern seven")
    monkeypatch.setenv("INTAKE_USER", "Layla")
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", "copper meadow violin eleven")
    monkeypatch.setenv("INTAKE_BACKUP_PASSPHRASE", "copper meadow violin eleven")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    hostile_file = tmp_path / "hostile.bin"
    hostile_file.write_bytes(b"\x00\xff" * 1000)

    def commands(group: click.Group, path: list[str]):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from commands(command, [*path, name])
            elif name not in ("serve", "init"):
                yield [*path, name], command

    checked = 0
    for path, command in commands(main, []):
        # (no NUL: a command line cannot carry one, argv strings end at it)
        for value in ("\u202e\u200b", "ز" * 2000, "../../x", str(hostile_file)):
            args = [*path]
            for param in command.params:
                if isinstance(param, click.Argument):
                    args.append(value)
                elif param.name in ("out",):
                    args += ["--out", str(tmp_path / f"out-{checked}")]
                elif param.name == "target":
                    args += ["--home", str(tmp_path / f"restore-{checked}")]
                elif param.name == "purpose":
                    args += ["--purpose", "trial"]
                elif param.name == "to":
                    args += ["--to", value]
            result = runner.invoke(main, args)
            checked += 1
            assert result.exit_code in (0, 1, 2), (args[:3], result.output[-300:])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (args[:3], repr(result.exception))
    assert checked > 40


def test_a_very_long_passphrase_is_rated_not_refused():
    from intake.home.passphrase_policy import passphrase_problem

    long_one = "قمر نهر فانوس سبعة " * 10 + "river lantern amber seven " * 5
    assert len(long_one) > 72 and passphrase_problem(long_one) is None
    assert passphrase_problem("a" * 500) is not None  # long but trivially guessable
