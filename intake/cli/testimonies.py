"""``intake testimony import|list|show|earlier|link|delete`` (docs/cli.md): testimonies as the signed-in user
may see them. Their files are cli/attachments.py; cli/main.py adds both to the main group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from intake.archive import receipts, register
from intake.cli.common import CliError, Session, signed_in
from intake.home import audit
from intake.home.instance import organisation
from intake.records import testimonies
from intake.textfiles import read_text_file


@click.group()
def testimony() -> None:
    """Import, list, show and delete testimonies."""


def _read_documents(file: Path, **_params: Any) -> dict[str, Any]:
    """Before signing in: the testimonies in ``file``, one or a list, as ``documents``."""
    try:
        data = json.loads(read_text_file(file))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file} is not valid JSON: {exc}") from None
    except RecursionError:
        raise CliError(f"{file} is nested too deeply to be a testimony") from None
    return {"documents": data if isinstance(data, list) else [data]}


@testimony.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@signed_in(before=_read_documents)
def testimony_import(session: Session, file: Path, documents: list[Any]) -> None:
    """Import one testimony or a list from JSON (docs/testimony.schema.json); prints new ids."""
    for record_id in testimonies.import_documents(session.conn, session.vault, session.user,
                                                  documents):
        click.echo(record_id)


_HANDOVER_NOTES = {"handed_over": "  handed over (awaiting the archive's receipt)",
                   "edited": "  edited since its hand-over"}


@testimony.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@signed_in()
def testimony_list(session: Session, as_json: bool) -> None:
    """List the testimonies you may see, newest first."""
    page = 1
    states = receipts.handover_states(session.conn)
    while True:
        rows, total = testimonies.summaries(session.conn, session.user, page=page, per_page=500)
        for row in rows:
            state = states.get(row.id, "")
            if as_json:
                click.echo(json.dumps({**row.__dict__, "handed_over": state == "handed_over"},
                                      ensure_ascii=False))
            else:
                click.echo(f"{row.id}  {row.witness_code}  {row.status:<8}  "
                           f"{row.interview_date or '-':<12}  {row.consent_summary or '-'}"
                           + _HANDOVER_NOTES.get(state, ""))
        if page * 500 >= total:
            break
        page += 1


@testimony.command("show")
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@signed_in()
def testimony_show(session: Session, record_id: str, as_json: bool) -> None:
    """Show one testimony."""
    record = testimonies.load(session.conn, session.vault, record_id, session.user)
    audit.record(session.conn, session.vault, session.user, "view", record_id=record.id,
                 witness_code=record.witness_code)
    if as_json:
        click.echo(json.dumps(record.as_export(), ensure_ascii=False, indent=2))
        return
    survivor = record.document.get("survivor", {})
    click.echo(f"{record.witness_code}  {record.status}  version {record.version}")
    click.echo(f"Survivor: {survivor.get('full_name', '')}")
    click.echo(f"Consent: {', '.join(k for k, v in record.document['consent'].items() if v is True)}")
    for block in record.document.get("narrative", []):
        click.echo(f"[{block.get('language', '')}] {block['text']}")


@testimony.command("earlier")
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@signed_in()
def testimony_earlier(session: Session, record_id: str, as_json: bool) -> None:
    """Earlier testimonies that may be this survivor's: witness code and date only."""
    record = testimonies.load(session.conn, session.vault, record_id, session.user)
    for found in register.candidates(session.conn, session.vault, session.user, record.document,
                                     exclude=record.id):
        if as_json:
            click.echo(json.dumps(found.__dict__, ensure_ascii=False))
        else:
            click.echo(f"{found.record_id}  {found.witness_code}  {found.interview_date or '-'}  "
                       f"{'on this laptop' if found.where == 'here' else 'by this organisation'}"
                       f"{'  strong' if found.strong else ''}")


@testimony.command("link")
@click.argument("record_id")
@click.argument("earlier_id")
@signed_in()
def testimony_link(session: Session, record_id: str, earlier_id: str) -> None:
    """Link an earlier testimony of the same survivor as an earlier interview."""
    try:
        chosen = register.link(session.conn, session.vault, session.user, record_id,
                               earlier_id.strip().lower(), organisation(session.conn))
    except testimonies.NotFound:
        raise
    except LookupError:
        raise CliError(f"{earlier_id[:32]} is not one of this testimony's earlier candidates; "
                       f"see 'intake testimony earlier {record_id[:32]}'") from None
    click.echo(f"Linked {chosen.witness_code} as an earlier interview.")


@testimony.command("delete")
@click.argument("record_id")
@signed_in()
def testimony_delete(session: Session, record_id: str) -> None:
    """Destroy a testimony for good (its data key is erased)."""
    testimonies.delete(session.conn, session.vault, session.user, record_id)
    click.echo(f"Destroyed {record_id}.")
