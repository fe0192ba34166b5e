"""Hostile and broken input: markup and script in every text field stay text everywhere they are
shown (review, export preview, archive); bidi controls in names are kept as typed but isolated;
NUL bytes, invalid UTF-8 and absurd nesting never crash a page or a command; a damaged store is
refused with one line and left untouched."""

from __future__ import annotations

import json
import re

from intake import keyring, testimonies
from intake.cli import main

from .conftest import csrf_token, full_record, sign_in
from .test_bundles import export, field, import_, law, lawyers  # noqa: F401

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
    import_(law, out, trust=keyring.signing_key(field.conn, field.vault).fingerprint)
    from intake import archive

    seq = archive.search(law.conn)[0][0].seq
    from intake import create_app

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
