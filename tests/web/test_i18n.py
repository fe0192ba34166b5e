"""Catalogues: none stale, none incomplete, placeholders intact, and really used by the pages."""

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from intake.web.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Run the same extraction as `make extract` and return the message ids it finds."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "--no-location", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    return {entry.msgid for entry in polib.pofile(str(pot)) if entry.msgid}


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_not_stale(extracted, lang):
    ids = {entry.msgid for entry in catalogue(lang) if not entry.obsolete}
    assert not extracted - ids, f"{lang}: missing strings; run `make extract` and translate"
    assert not ids - extracted, f"{lang}: strings no longer used; run `make extract`"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_complete_and_keeps_placeholders(lang):
    po = catalogue(lang)
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:5]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:5]
    for entry in po.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if entry.msgid_plural:
                assert sorted(set(PLACEHOLDER.findall(text))) == sorted(set(expected)), entry.msgid
            else:
                assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


@pytest.mark.parametrize("lang", TRANSLATED)
def test_pages_are_translated(signed_in, lang):
    from tests.conftest import csrf_token

    token = csrf_token(signed_in.get("/").get_data(as_text=True))
    signed_in.post("/language", data={"csrf_token": token, "lang": lang, "next": "/"})
    page = signed_in.get("/testimonies/new").get_data(as_text=True)
    english = catalogue(lang).find("Step 1: Consent")
    assert english.msgstr and english.msgstr in page, f"{lang}: the page is not translated"
    assert "Step 1: Consent" not in page, f"{lang}: English left on the page"
