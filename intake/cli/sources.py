"""``intake sources`` (docs/cli.md): on an archive, list the pinned field laptops, and mark a
source's key compromised since a date or clear the mark (archive/sources.py). cli/main.py adds
:data:`COMMANDS` to the main group."""

from __future__ import annotations

import json
from typing import Any

import click

from intake.archive import sources as archive_sources
from intake.bundles.fingerprints import readable
from intake.cli.common import CliError, Session, signed_in


@click.group()
def sources() -> None:
    """The field laptops this archive has pinned."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@signed_in(roles=("supervisor", "admin"), to="list the sources")
def sources_list(session: Session, as_json: bool) -> None:
    """List the sources: organisation, fingerprint, bundles, records, compromise mark."""
    for source in archive_sources.listing(session.conn):
        if as_json:
            click.echo(json.dumps({
                "fingerprint": source.fingerprint, "organisation": source.organisation,
                "first_bundle": source.first_bundle, "last_bundle": source.last_bundle,
                "records": source.records, "compromised_since": source.compromised_since,
            }, ensure_ascii=False))
        else:
            mark = f"  compromised since {source.compromised_since}" \
                if source.compromised_since else ""
            click.echo(f"{readable(source.fingerprint, short=True)}  {source.organisation}  "
                       f"{source.records} records  last bundle {source.last_bundle or '-'}{mark}")


def _one_choice(since: str | None, clear: bool, **_params: Any) -> None:
    """Exactly one of ``--since`` and ``--clear``, asked before the passphrase."""
    if (since is None) == (not clear):
        raise CliError("give either --since DATE or --clear")
    if since is not None:
        archive_sources.since_date(since)


@sources.command("compromised")
@click.argument("fingerprint")
@click.option("--since", metavar="DATE", help="The day (YYYY-MM-DD) from which the key is "
              "not trusted.")
@click.option("--clear", is_flag=True, help="Remove the mark.")
@signed_in(roles=("admin",), to="mark a source compromised", before=_one_choice)
def sources_compromised(session: Session, fingerprint: str, since: str | None,
                        clear: bool) -> None:
    """Mark a source's key compromised since a date, or clear the mark (audited)."""
    if clear:
        found = archive_sources.find(session.conn, fingerprint)
        if archive_sources.unmark(session.conn, session.vault, session.user, fingerprint):
            click.echo(f"Cleared the mark on {readable(found.fingerprint, short=True)}.")
        else:
            click.echo(f"{readable(found.fingerprint, short=True)} was not marked.")
        return
    assert since is not None  # noqa: S101 - _one_choice ran first
    marked = archive_sources.mark(session.conn, session.vault, session.user, fingerprint, since)
    click.echo(f"Marked {readable(marked.fingerprint, short=True)} compromised since "
               f"{marked.compromised_since}.")


COMMANDS = (sources,)
