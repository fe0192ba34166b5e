"""``intake persons`` (docs/cli.md): on an archive, the perpetrator index's persons, one or all,
with their mentions and corroboration (archive/corroboration.py), and the decisions people take
about them (archive/person_decisions.py). cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

import json

import click

from intake.archive import person_decisions, persons
from intake.archive.corroboration import Person
from intake.archive.corroboration import persons as listing
from intake.cli.common import CliError, Session, signed_in

_ROLES = ("supervisor", "admin")


@click.group("persons")
def persons_group() -> None:
    """The persons the archive's testimonies name as perpetrators."""


def _as_json(person: Person) -> str:
    return json.dumps({
        "id": person.id, "names": list(person.names), "testimonies": person.testimonies,
        "organisations": person.organisations,
        "acts": [{"act": a.act, "testimonies": a.testimonies, "organisations": a.organisations}
                 for a in person.acts],
        "mentions": [{"source": m.source, "record_id": m.record_id,
                      "witness_code": m.witness_code, "incident": m.incident,
                      "perpetrator": m.perpetrator, "name": m.name, "aliases": list(m.aliases),
                      "role": m.role, "acts": list(m.acts), "date": m.date, "place": m.place}
                     for m in person.mentions],
    }, ensure_ascii=False)


def _line(person: Person) -> str:
    acts = ", ".join(f"{a.act} {a.testimonies}/{a.organisations}" for a in person.acts)
    return (f"{person.id}  {person.testimonies} testimonies  {person.organisations} "
            f"organisations  {' / '.join(person.names)}  {acts or '-'}")


def _current(session: Session) -> None:
    """Index what was imported before the index existed (archive/persons.py)."""
    persons.catch_up(session.conn, session.vault)


@persons_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@signed_in(roles=_ROLES, to="list the persons")
def persons_list(session: Session, as_json: bool) -> None:
    """List the persons, the most corroborated first."""
    _current(session)
    for person in listing(session.conn):
        click.echo(_as_json(person) if as_json else _line(person))


@persons_group.command("show")
@click.argument("person_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@signed_in(roles=_ROLES, to="see a person")
def persons_show(session: Session, person_id: str, as_json: bool) -> None:
    """Show one person with every mention."""
    _current(session)
    found = listing(session.conn, person_id)
    if not found:
        raise CliError(f"no person {person_id}")
    person = found[0]
    if as_json:
        click.echo(_as_json(person))
        return
    click.echo(_line(person))
    for m in person.mentions:
        aliases = f" ({', '.join(m.aliases)})" if m.aliases else ""
        flag = "" if m.counted else "  from a compromised source, not counted"
        click.echo(f"  {m.id}  {m.witness_code}  {m.name}{aliases}  {m.role or '-'}  "
                   f"{', '.join(m.acts) or '-'}  {m.date or '-'}  {m.place or '-'}{flag}")


@persons_group.command("merge")
@click.argument("person_ids", metavar="ID ID...", nargs=-1, required=True)
@signed_in(roles=_ROLES, to="merge persons")
def persons_merge(session: Session, person_ids: tuple[str, ...]) -> None:
    """Say that these persons are one (audited)."""
    _current(session)
    kept = person_decisions.merge(session.conn, session.vault, session.user, person_ids)
    click.echo(f"Merged into {kept}.")


@persons_group.command("split")
@click.argument("person_id", metavar="ID")
@click.option("--mention", "mention", required=True, metavar="SOURCE:RECORD_ID:INCIDENT:PERPETRATOR",
              help="The mention to make a person of its own.")
@signed_in(roles=_ROLES, to="split a person")
def persons_split(session: Session, person_id: str, mention: str) -> None:
    """Say that one mention is a person of its own (audited)."""
    _current(session)
    alone = person_decisions.split(session.conn, session.vault, session.user, person_id,
                                   mention)
    click.echo(f"The mention is now {alone}.")


@persons_group.command("distinct")
@click.argument("first", metavar="ID")
@click.argument("second", metavar="ID")
@signed_in(roles=_ROLES, to="keep persons apart")
def persons_distinct(session: Session, first: str, second: str) -> None:
    """Say that two persons are not the same (audited)."""
    _current(session)
    person_decisions.distinct(session.conn, session.vault, session.user, first, second)
    click.echo(f"{first} and {second} are kept apart.")


COMMANDS = (persons_group,)
