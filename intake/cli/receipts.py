"""``intake receipt make`` on the archive and ``intake receipt apply`` on the field laptop
(docs/cli.md, docs/bundle-format.md "Hand-over receipts"). cli/main.py adds :data:`COMMANDS`."""

from __future__ import annotations

from pathlib import Path

import click

from intake import atomic
from intake.archive import receipts
from intake.cli.common import Session, refuse_existing_out, signed_in

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def receipt() -> None:
    """Receipts for hand-overs to our own archive."""


@receipt.command("make")
@click.argument("bundle_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The receipt file to write (NAME.receipt.json).")
@signed_in(roles=("supervisor", "admin"), to="make a receipt", before=refuse_existing_out)
def receipt_make(session: Session, bundle_id: str, out: Path) -> None:
    """On the archive: the signed receipt of an imported hand-over, for its laptop."""
    data = receipts.make(session.conn, session.vault, session.user, bundle_id.strip().lower())
    atomic.write_atomically(out, data)
    count = receipts.read(data).records
    click.echo(f"Wrote {out}: a receipt for {len(count)} records of hand-over {bundle_id}.")


@receipt.command("apply")
@click.argument("file", type=_existing_file)
@click.option("--trust", help="The archive's fingerprint, the first time a receipt comes from it.")
@signed_in(roles=("supervisor", "admin"), to="apply a receipt")
def receipt_apply(session: Session, file: Path, trust: str | None) -> None:
    """On the field laptop: verify a receipt, then destroy the testimonies it lists."""
    applied = receipts.apply(session.conn, session.vault, session.user, file.read_bytes(),
                             trust=trust)
    click.echo(f"Receipt for hand-over {applied.receipt.bundle_id} from "
               f"{applied.receipt.organisation}: {len(applied.shredded)} testimonies destroyed "
               "on this laptop.")
    if applied.kept:
        click.echo(f"Kept, edited since the hand-over (hand them over again): "
                   f"{', '.join(applied.kept)}")
    if applied.gone:
        click.echo(f"Already gone from this laptop: {len(applied.gone)}")


COMMANDS = (receipt,)
