"""The schema's limits in the system Chromium against the real server: typing stops at a field's
maxlength (1,026 characters put into the full name keep 1,000), and the autosave then saves it
with the step's other answers."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_browser import browser, page, press, server, sign_in  # noqa: F401


def _survivor_step(page, server) -> str:  # noqa: F811
    """A new testimony with consent to record, open at its survivor step; returns that URL."""
    sign_in(page, server, "en")
    page.goto(server.url + "/testimonies/new")
    page.check("input[name='record'][value='yes']")
    press(page, "next")
    expect(page).to_have_url(re.compile(r"/step/2$"))
    step = page.url.replace("/step/2", "/step/3")
    page.goto(step)
    return step


def test_typing_stops_at_the_schema_limit_and_the_autosave_saves(page, server):  # noqa: F811
    step = _survivor_step(page, server)
    name = "Nadia " + "x" * 1020
    page.fill("#full_name", name)
    expect(page.locator("#full_name")).to_have_value(name[:1000])
    page.fill("#place_of_origin", "Kocho")
    expect(page.locator("#autosave-status")).not_to_be_empty(timeout=10000)
    page.goto(step)
    expect(page.locator("#full_name")).to_have_value(name[:1000])
    expect(page.locator("#place_of_origin")).to_have_value("Kocho")



def test_an_autosave_that_cannot_hold_an_answer_marks_it_and_saves_the_rest(page, server):  # noqa: F811
    """Past the browser's limit (a page whose maxlength was taken away): the autosave saves the
    other answers, marks the one it could not keep, and says so; the typed text stays."""
    step = _survivor_step(page, server)
    page.evaluate("document.getElementById('full_name').removeAttribute('maxlength')")
    name = "Nadia " + "x" * 1020
    page.fill("#full_name", name)
    page.fill("#place_of_origin", "Hardan")
    expect(page.locator("#autosave-status")).to_have_text(
        "Saved, except the answers marked below: correct them and save again.", timeout=10000)
    expect(page.locator("#full_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#full_name")).to_have_value(name)
    page.goto(step)
    expect(page.locator("#place_of_origin")).to_have_value("Hardan")
    expect(page.locator("#full_name")).to_have_value("")
