"""``intake testimony attach|attachments|attachment|detach``: a testimony's files (records/attachments.py).
cli/main.py adds :data:`COMMANDS` to the ``testimony`` group (cli/testimonies.py).

A file is encrypted while it is read, in pieces; a copy comes out in plaintext only where someone
asks for one with ``--out`` (the decrypted bytes are checked against the recorded SHA-256).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import click

from intake import atomic
from intake.cli.common import CliError, Session, cli_config, signed_in
from intake.records import attachments, testimonies


@click.command("attach")
@click.argument("record_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(list(attachments.KINDS)),
              help="What the file is.")
@click.option("--type", "declared_type", default="",
              help="Its media type (default: guessed from the file name, e.g. audio/ogg).")
@click.option("--duration", type=float, default=None, help="A recording's length in seconds.")
@signed_in()
def attach(session: Session, record_id: str, file: Path, kind: str, declared_type: str,
           duration: float | None) -> None:
    """Encrypt FILE into the store as an attachment of a testimony."""
    declared_type = declared_type or mimetypes.guess_type(file.name)[0] or ""
    testimonies.owner(session.conn, session.user, record_id)  # refuse before reading a byte
    with open(file, "rb") as source:
        upload = attachments.receive(source, cli_config().attachments_path,
                                     cli_config().max_attachment_bytes)
    added = testimonies.attach(session.conn, session.vault, session.user, record_id, upload,
                               kind=kind, filename=file.name, declared_type=declared_type,
                               duration=duration)
    click.echo(f"Attached {added.id}  {added.kind}  {added.size} bytes  sha256 {added.sha256}")


@click.command("attachments")
@click.argument("record_id")
@signed_in()
def listing(session: Session, record_id: str) -> None:
    """List a testimony's attachments."""
    found = attachments.listing(session.conn, session.vault,
                                testimonies.owner(session.conn, session.user, record_id))
    for item in found:
        length = f"  {item.duration:g} s" if item.duration is not None else ""
        click.echo(f"{item.id}  {item.kind:<12}  {item.media_type:<16}  {item.size:>12}  "
                   f"{item.created_at}  sha256 {item.sha256}{length}")


def _new_out(out: Path, **_params: Any) -> None:
    """Before signing in: ``--out`` must name a new file."""
    if out.exists():
        raise CliError(f"{out} exists; choose a new file name")


@click.command("attachment")
@click.argument("record_id")
@click.argument("attachment_id")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the decrypted copy (a new file).")
@signed_in(before=_new_out)
def extract(session: Session, record_id: str, attachment_id: str, out: Path) -> None:
    """Write a decrypted copy of one attachment to OUT, checked against its SHA-256."""
    found = testimonies.attachment(session.conn, session.vault, session.user, record_id,
                                   attachment_id)
    with atomic.streaming(out) as pending:
        for piece in attachments.chunks(session.conn, found):
            pending.file.write(piece)
    click.echo(f"Wrote {out} ({found.size} bytes, sha256 {found.sha256}).")


@click.command("detach")
@click.argument("record_id")
@click.argument("attachment_id")
@signed_in()
def detach(session: Session, record_id: str, attachment_id: str) -> None:
    """Destroy one attachment for good."""
    testimonies.detach(session.conn, session.vault, session.user, record_id, attachment_id)
    click.echo(f"Destroyed {attachment_id}.")


COMMANDS = (attach, listing, extract, detach)
