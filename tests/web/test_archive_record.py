"""The archive's record page as a statement: no raw keys or booleans, consent as sentences, acts
with their Rome Statute articles, dates in words in the reader's language, and the restricted
narrative only after a deliberate, audited click."""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import pytest

from intake.home import audit
from intake.records import testimonies
from intake.web.app import create_app
from tests.bundles.test_bundles import export, field, fingerprint, import_, law, lawyers  # noqa: F401
from tests.conftest import csrf_token, full_record, sign_in

GRAPHIC = "Hûrguliyên giran."


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        found = set(node.get("properties", {}))
        for value in node.values():
            found |= _keys(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_keys, node)) if node else set()
    return set()


SCHEMA_KEYS = _keys(json.loads(resources.files("intake").joinpath("data/testimony.schema.json")
                               .read_text("utf-8")))
ENVELOPE_KEYS = {"bundle_format", "witness_code", "restricted_fields", "identity_disclosed",
                 "document", "attachments", "source"}


def visible(page: str) -> str:
    """The text a reader sees: without scripts, tags, attributes and the invisible marks that
    isolate a code's direction (web/i18n.py left_to_right)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(bdi|span|strong|mark)\b[^>]*>", "", page)  # inline: no space
    return re.sub("[\u2066\u2069]", "", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def shown(field, law, lawyers, tmp_path):  # noqa: F811
    document = full_record()
    document["consent"]["identity_to_prosecutors"] = False
    testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    import_(law, out, trust=fingerprint(field))
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302
    (seq,) = law.conn.execute("SELECT seq FROM archive_records").fetchone()
    return client, seq, law


def _in(client, lang: str, url: str) -> str:
    token = csrf_token(client.get(url).get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "lang": lang, "next": url})
    return client.get(url).get_data(as_text=True)


def test_the_schema_keys_are_listed():
    assert {"identity_to_prosecutors", "earlier_interviews", "perpetrators", "history"} <= SCHEMA_KEYS


def test_the_record_reads_as_a_statement_without_raw_keys_or_booleans(shown):
    client, seq, _ = shown
    page = _in(client, "en", f"/archive/records/{seq}")
    text = visible(page)
    for key in SCHEMA_KEYS | ENVELOPE_KEYS:
        if "_" in key:
            assert key not in text, key
        assert not re.search(rf"<dt[^>]*>\s*{key}\s*</dt>", page), key
    for word in ("True", "False", "true", "false"):
        assert not re.search(rf"\b{word}\b", text), word
    said = " ".join(text.split())
    assert re.search(r"Agreed on \w+ \d{1,2}, \d{4}, verbally, witnessed by Sara Ali: "
                     r"To record this testimony To use it in criminal proceedings \(trials\)", said)
    assert re.search(r"Did not agree on \w+ \d{1,2}, \d{4}, verbally, witnessed by Sara Ali: "
                     r"To disclose their identity to prosecutors To use it, without their name", said)
    assert "Abduction" in said and "Sexual slavery" in said
    assert "Abduction · Rome Statute: art. 7(1)(e), art. 8(2)(c)(iii)" in said
    assert "art. 7(1)(g)" in said
    assert "art. \u20667(1)(g)\u2069" in page  # the code reads left to right in Arabic too
    assert "from August 3, 2014 to May 2017" in said
    assert "2014-08-03/2017-05" not in text
    assert "Abu Muhannad (al-Ansari); What he did, in her words: buyer" in said
    assert "Kurdish" in said and "Arabic" in said  # the narrative blocks' languages
    assert "Bundle SHA-256" in said and "Earlier versions" not in said


def test_dates_are_in_words_in_arabic(shown):
    client, seq, _ = shown
    text = visible(_in(client, "ar", f"/archive/records/{seq}"))
    assert "3 أغسطس 2014" in text and "مايو 2017" in text
    assert "2014-08-03/2017-05" not in text


def test_the_restricted_narrative_needs_a_deliberate_audited_click(shown):
    client, seq, archive = shown
    url = f"/archive/records/{seq}"
    page = client.get(url).get_data(as_text=True)
    assert GRAPHIC not in page and "Restricted: graphic detail" in page
    assert client.post(f"{url}/restricted").status_code in (302, 400)  # no CSRF token: nothing
    assert client.get(f"{url}/restricted").headers["Location"].endswith(url)  # nor a link
    assert not [e for e in audit.entries(archive.conn) if e.event == "restricted_viewed"]
    revealed = client.post(f"{url}/restricted", data={"csrf_token": csrf_token(page)})
    assert revealed.status_code == 200 and GRAPHIC in revealed.get_data(as_text=True)
    viewed = [e for e in audit.entries(archive.conn) if e.event == "restricted_viewed"]
    assert len(viewed) == 1 and viewed[0].detail["archive_record"] == seq
    assert GRAPHIC not in client.get(url).get_data(as_text=True)


def test_the_record_page_shows_the_statement_quality_fields_in_words(field, law, lawyers,  # noqa: F811
                                                                      tmp_path):
    document = full_record()
    document["interview"].update(persons_present=["Layla Khalaf, interpreter"],
                                 read_back_confirmed=True, given_freely=False)
    document["interview"]["earlier_interviews"][0].update(kind="investigative_judge",
                                                          copy_available=None)
    document["incidents"][0].update(witnessed="heard", heard_from="her cousin")
    document["incidents"][0]["perpetrators"][0]["roles"] = ["transported"]
    testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    import_(law, out, trust=fingerprint(field))
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302
    (seq,) = law.conn.execute("SELECT seq FROM archive_records").fetchone()
    page = _in(client, "en", f"/archive/records/{seq}")
    said = " ".join(visible(page).split())
    for shown in ("Who else was present Layla Khalaf, interpreter", "Read back and confirmed Yes",
                  "Given freely No",
                  "Yazda 2019, An investigative judge, not known whether a copy is available",
                  "How does she know of it? The survivor heard of it", "Heard it from her cousin",
                  "What he did in this incident: Transported"):
        assert shown in said, shown
    for code in ("persons_present", "read_back_confirmed", "investigative_judge",
                 "copy_available", "heard_from", "transported"):
        assert code not in said, code
    arabic = " ".join(visible(_in(client, "ar", f"/archive/records/{seq}")).split())
    assert "قاضي تحقيق" in arabic and "سمع الناجي/ة بذلك" in arabic and "نقل" in arabic
