"""The brief a legal team files after a screening: its confirmed matches only, in Arabic or in
English, printable on A4 with the custody reference on every page (docs/screening.md, "The
brief"). The same page is served by the Screening pages and written by ``intake screenings
export --brief``; the file is whole in itself (its stylesheet inside it), so it opens and
prints anywhere without the app.

For each confirmed match: the listed person as the list gives him, the person in the index,
the reasons, each act with its qualifications, independent witnesses and organisations, the
provisions that bar amnesty or pardon, and every statement with its witness code, organisation,
bundle id and SHA-256, signer fingerprint and record version (screening/evidence.py; a survivor's
name only with her consent to disclose identity to prosecutors). Its first page says that a name
match is not identification.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import Babel, force_locale
from flask_babel import gettext as _

from intake.clock import now_utc
from intake.records.qualifications import Bar
from intake.resources import templates_folder, translations_folder
from intake.screening.evidence import Evidence
from intake.screening.matching import Match, Reason
from intake.screening.screenings import Screening
from intake.web import labels
from intake.web.i18n import text_direction

LANGUAGES = ("ar", "en")


def confirmed(screening: Screening) -> list[tuple[int, Match]]:
    """The confirmed matches, in the list's order."""
    return [(r.row.row, m) for r in screening.results for m in r.matches
            if (d := screening.decisions.get((r.row.row, m.person))) and d.decision == "confirmed"]


def render_brief(screening: Screening, evidence: dict[str, Evidence | None], language: str,
                 organisation: str, linked: bool = False) -> str:
    """The brief as one HTML document (inside an application context: the command line makes
    one, web/app.py's own). ``linked``: the page served by the server, whose Content Security
    Policy refuses an inline stylesheet, links the server's own instead."""
    rows = {r.row.row: r.row for r in screening.results}
    with force_locale(language):
        return render_template(
            "screening/brief.html", s=screening, matches=confirmed(screening), rows=rows,
            evidence=evidence, reason=said, acts=labels.ACTS, provisions=labels.PROVISIONS,
            qualified=labels.qualified, unshown=unshown, lang=language,
            dir=text_direction(language), organisation=organisation,
            printed=now_utc(), css="" if linked else _stylesheet(), linked=linked)


@contextmanager
def standalone() -> Iterator[None]:
    """An application context for writing a brief outside the server (``intake screenings
    export --brief``): the templates, the catalogues and the filters, nothing else."""
    from intake.web.views.testimonies import when  # the pages' own date filter

    app = Flask("intake", template_folder=str(templates_folder()),
                static_folder=str(Path(__file__).resolve().parents[1] / "static"))
    app.config.update(BABEL_TRANSLATION_DIRECTORIES=str(translations_folder()),
                      BABEL_DEFAULT_LOCALE="en")
    Babel(app)
    app.add_template_filter(when, "when")
    with app.app_context():
        yield


def unshown(bar: Bar) -> str:
    """The conditions of a bar its records do not show, in words (``not_in_record``: the facts
    the provision names that no field of a record holds, as the person's page says them)."""
    codes = [f for c in bar.not_shown
             for f in (bar.provision.conditions.not_in_record if c == "not_in_record" else (c,))]
    return ", ".join(str(labels.CONDITIONS.get(c) or labels.RECORD_FACTS.get(c) or c)
                     for c in codes)


def _stylesheet() -> str:
    cache = current_app.extensions.setdefault("brief_css", {})
    if "css" not in cache:
        cache["css"] = (Path(current_app.static_folder or "") / "intake.css").read_text("utf-8")
    return cache["css"]


def said(reason: Reason) -> str:
    """One reason in the reader's language."""
    part = labels.NAME_PARTS[reason.part]
    if reason.relation == "agree":
        return _("%(part)s agrees: %(ours)s", part=part, ours=reason.ours)
    if reason.relation == "conflict":
        return _("%(part)s differs: %(ours)s / %(theirs)s", part=part, ours=reason.ours,
                 theirs=reason.theirs)
    if reason.relation == "doubt":
        return _("%(part)s is spelled closely: %(ours)s / %(theirs)s", part=part,
                 ours=reason.ours, theirs=reason.theirs)
    if reason.ours:
        return _("%(part)s %(ours)s is not in the index", part=part, ours=reason.ours)
    return _("%(part)s %(theirs)s is not on the list", part=part, theirs=reason.theirs)
