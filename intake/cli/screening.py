"""``intake screen`` and ``intake screenings`` (docs/cli.md, docs/screening.md): on an archive,
screen a list of names against the perpetrator index, keep the screening for review, and
export its rows as CSV or its confirmed matches as a brief. cli/main.py adds :data:`COMMANDS`
to the main group."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from intake import atomic
from intake.archive import persons
from intake.cli.common import CliError, Session, refuse_existing_out, signed_in
from intake.home import audit
from intake.home.instance import organisation
from intake.screening import engine, screenings
from intake.screening.evidence import Evidence, for_person
from intake.screening.lists import ListError, read_list
from intake.screening.matching import Match, RowResult, in_english
from intake.screening.report import as_csv, confirmed_persons
from intake.screening.screenings import ScreeningError

_ROLES = ("supervisor", "admin")


def _evidence(session: Session, cache: dict[str, Evidence | None], person: str) -> Evidence | None:
    if person not in cache:
        cache[person] = for_person(session.conn, session.vault, person)
    return cache[person]


def _match_json(match: Match, evidence: Evidence | None) -> dict:
    found: dict = {"person": match.person, "score": match.score, "level": match.level,
                   "reasons": in_english(match.reasons)}
    if evidence is not None:
        person = evidence.person
        found.update({
            "names": list(person.names), "testimonies": person.testimonies,
            "organisations": person.organisations,
            "acts": [{"act": a.act, "testimonies": a.testimonies, "organisations": a.organisations,
                      "qualifications": list(evidence.qualifications.get(a.act, ()))}
                     for a in person.acts],
            "bars": [{"provision": b.provision.id, "acts": list(b.acts),
                      "not_shown": list(b.not_shown)} for b in evidence.bars]})
    return found


def _rows_out(session: Session, results: list[RowResult] | tuple[RowResult, ...],
              as_json: bool) -> None:
    cache: dict[str, Evidence | None] = {}
    for result in results:
        if as_json:
            click.echo(json.dumps({"row": result.row.row, "name": result.row.name, "matches": [
                _match_json(m, _evidence(session, cache, m.person)) for m in result.matches]},
                ensure_ascii=False))
            continue
        click.echo(f"row {result.row.row}  {result.row.name}  "
                   f"{len(result.matches) or 'no'} candidate(s)")
        for m in result.matches:
            evidence = _evidence(session, cache, m.person)
            names = " / ".join(evidence.person.names) if evidence else ""
            click.echo(f"  {m.level:8}  {m.score:.2f}  {m.person}  {names}")
            for reason in in_english(m.reasons):
                click.echo(f"            {reason}")


@click.command("screen")
@click.argument("list_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False,
                                                              path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines, one row a line.")
@click.option("--save", "label", metavar="NAME", help="Keep the screening for review.")
@signed_in(roles=_ROLES, to="screen a list")
def screen(session: Session, list_file: Path, as_json: bool, label: str | None) -> None:
    """Screen a list of names (CSV with a name column, or one name a line)."""
    try:
        read = read_list(list_file.read_bytes())
    except ListError as exc:
        raise CliError(f"{list_file}: {exc}") from None
    for problem in read.problems:
        said = "left out" if problem.skipped else "screened without it"
        click.echo(f"row {problem.row}: {problem.problem.replace('_', ' ')} ({said})", err=True)
    persons.catch_up(session.conn, session.vault)
    with click.progressbar(length=len(read.rows), label="Screening", file=sys.stderr) as bar:
        results = engine.screen(session.conn, read, lambda done, _total: bar.update(1))
    if label:
        saved = screenings.save(session.conn, session.vault, session.user, label, read, results)
        click.echo(f"Saved as {saved.id} ({saved.label}).", err=True)
    else:
        screenings.record_run(session.conn, session.vault, session.user, results)
    _rows_out(session, results, as_json)


@click.group("screenings")
def screenings_group() -> None:
    """Screenings kept for review."""


@screenings_group.command("list")
@signed_in(roles=_ROLES, to="list the screenings")
def screenings_list(session: Session) -> None:
    """List the screenings, the newest first."""
    for s in screenings.listing(session.conn):
        click.echo(f"{s.id}  {s.created_at}  {s.created_by}  {s.rows} rows  "
                   f"{s.with_candidates} with candidates  {s.confirmed} confirmed  {s.label}")


@screenings_group.command("show")
@click.argument("name", metavar="NAME")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines, one row a line.")
@signed_in(roles=_ROLES, to="see a screening")
def screenings_show(session: Session, name: str, as_json: bool) -> None:
    """Show a screening's rows and candidates (NAME: its name or id)."""
    found = _load(session, name)
    _rows_out(session, found.results, as_json)


def _one_export(csv_out: Path | None, brief_out: Path | None, **params: object) -> None:
    if (csv_out is None) == (brief_out is None):
        raise CliError("give either --csv FILE or --brief FILE")
    refuse_existing_out(csv_out or brief_out)  # type: ignore[arg-type]


@screenings_group.command("export")
@click.argument("name", metavar="NAME")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Every row, candidate, level, reason and decision.")
@click.option("--brief", "brief_out", type=click.Path(dir_okay=False, path_type=Path),
              help="The confirmed matches, a printable brief (HTML).")
@click.option("--language", type=click.Choice(("ar", "en")), default="ar", show_default=True,
              help="The brief's language.")
@signed_in(roles=_ROLES, to="export a screening", before=_one_export)
def screenings_export(session: Session, name: str, csv_out: Path | None,
                      brief_out: Path | None, language: str) -> None:
    """Export a screening as CSV or as a brief for filing (audited)."""
    from intake.web.brief import render_brief, standalone  # the web's printable page

    found = _load(session, name)
    kind, out = "", Path()
    if csv_out is not None:
        atomic.write_atomically(csv_out, as_csv(found))
        kind, out = "csv", csv_out
    elif brief_out is not None:
        evidence = {person: for_person(session.conn, session.vault, person)
                    for person in confirmed_persons(found)}
        with standalone():
            html = render_brief(found, evidence, language, organisation(session.conn))
        atomic.write_atomically(brief_out, html.encode())
        kind, out = "brief", brief_out
    audit.record(session.conn, session.vault, session.user, "screening_exported",
                 screening=found.summary.id, kind=kind)
    click.echo(f"Wrote {out}.")


@screenings_group.command("delete")
@click.argument("name", metavar="NAME")
@signed_in(roles=_ROLES, to="delete a screening")
def screenings_delete(session: Session, name: str) -> None:
    """Erase a screening and its decisions for good (audited)."""
    found = screenings.summary(session.conn, name)
    screenings.delete(session.conn, session.vault, session.user, found.id)
    click.echo(f"Deleted {found.id}.")


def _load(session: Session, name: str) -> screenings.Screening:
    try:
        return screenings.load(session.conn, session.vault, name)
    except ScreeningError as exc:
        raise CliError(str(exc)) from None


COMMANDS = (screen, screenings_group)
