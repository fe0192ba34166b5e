"""``intake document consent`` and ``intake document statement`` (docs/cli.md): the consent form
and the witness statement as PDF files, the same documents the web pages print
(web/views/documents.py), built in memory in the language chosen and written whole to the file
named, or not at all. On a field laptop ID is a testimony's id; on an archive, an archive
record's number. cli/main.py adds :data:`COMMANDS` to the ``document`` group."""

from __future__ import annotations

from pathlib import Path

import click

from intake import atomic
from intake.cli.common import CliError, Session, cli_config, refuse_existing_out, signed_in
from intake.home.mode import mode
from intake.records import testimonies
from intake.web.app import create_app
from intake.web.documents import in_language
from intake.web.i18n import LANGUAGES
from intake.web.views import documents

_OUT = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                    help="The PDF file to write (a new file).")
_LANGUAGE = click.option("--language", type=click.Choice(LANGUAGES), default=None,
                         help="The document's language (default: the record's).")


@click.command("consent")
@click.argument("record_id")
@_OUT
@_LANGUAGE
@signed_in(before=refuse_existing_out)
def consent_command(session: Session, record_id: str, out: Path, language: str | None) -> None:
    """A testimony's consent form: the organisation's copy and the survivor's."""
    if mode(session.conn) == "archive":
        raise CliError("consent forms are printed on a field laptop, not on an archive")
    with in_language("en", create_app(cli_config())):
        try:
            data, chosen = documents.consent_document(session.conn, session.vault, session.user,
                                                      record_id, language)
        except testimonies.NotFound:
            raise CliError(f"no testimony {record_id} that you may see") from None
    _write(out, data, chosen)


@click.command("statement")
@click.argument("record_id")
@_OUT
@_LANGUAGE
@click.option("--restricted-annex", is_flag=True,
              help="Add the restricted narrative as an annex (trial and international records only; audited).")
@signed_in(roles=("supervisor", "admin"), to="print a witness statement",
           before=refuse_existing_out)
def statement_command(session: Session, record_id: str, out: Path, language: str | None,
                      restricted_annex: bool) -> None:
    """A testimony (field laptop) or an archive record (archive) as a witness statement."""
    archive = mode(session.conn) == "archive"
    with in_language("en", create_app(cli_config())):
        try:
            if archive:
                data, chosen = documents.archive_statement(
                    session.conn, session.vault, session.user, _seq(record_id), language,
                    restricted_annex)
            else:
                data, chosen = documents.testimony_statement(
                    session.conn, session.vault, session.user, record_id, language,
                    restricted_annex)
        except LookupError:
            raise CliError(f"no {'archive record' if archive else 'testimony'} {record_id}") \
                from None
        except documents.Refused as refused:
            raise CliError(str(refused)) from None
    _write(out, data, chosen)


def _seq(record_id: str) -> int:
    if not record_id.isdigit():
        raise CliError(f"an archive record is named by its number, not {record_id!r}")
    return int(record_id)


def _write(out: Path, data: bytes, language: str) -> None:
    atomic.write_atomically(out, data)
    click.echo(f"Wrote {out} ({language}, {len(data)} bytes).")


COMMANDS = (consent_command, statement_command)
