"""The web pages draw Arabic, Sorani and Syriac with the package's own fonts (static/fonts, by
@font-face), so a laptop without a Syriac font (Debian installs none) shows letters, not empty
boxes: in the system Chromium, the sign-in page in each right-to-left language loads its face,
and a Syriac word takes the width of Syriac letters, not of the replacement boxes a missing
glyph would draw."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.test_browser import browser, choose_language, page, server, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow
FACES = {"ar": ("Intake Naskh", "منظمة"), "ckb": ("Intake Naskh", "ڕێکخراو"),
         "syr": ("Intake Syriac", "ܟܢܘܫܬܐ")}


def _loaded_faces(tab: Page, face: str) -> list[str]:
    """The faces loaded once the page has loaded ``face`` or 10 s have passed: fonts.ready may
    resolve before the page has even asked for the face, so it is waited for by name; the page
    alone asks for it, through its stylesheet."""
    loaded = "[...document.fonts].filter(f => f.status === 'loaded')" \
             ".map(f => f.family.replaceAll('\"', ''))"
    try:
        tab.wait_for_function(f"face => {loaded}.includes(face)", arg=face, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the assertion that follows says which faces did load
    return tab.evaluate(loaded)


@pytest.mark.parametrize("language", sorted(FACES))
def test_a_right_to_left_page_draws_its_script_with_the_shipped_face(page, server, language):  # noqa: F811
    face, word = FACES[language]
    page.goto(server.url + "/login")
    choose_language(page, language)
    assert face in _loaded_faces(page, face)
    assert page.evaluate("([face, word]) => document.fonts.check(`16px \"${face}\"`, word)",
                         [face, word])
    widths = page.evaluate("""([face, word]) => {
        const probe = (family) => { const span = document.createElement('span');
          span.style.font = `32px ${family}`; span.textContent = word;
          document.body.append(span); const w = span.getBoundingClientRect().width;
          span.remove(); return w; };
        return [probe(`"${face}"`), probe('"Intake Sans"')]; }""", [face, word])
    assert widths[0] > 0 and abs(widths[0] - widths[1]) > 1  # real glyphs, not boxes
    shot(page, f"fonts-login-{language}")
