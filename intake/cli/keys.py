"""``intake keys``, ``intake identity`` and ``intake recipient`` (docs/cli.md,
docs/bundle-format.md): the instance's signing key, an archive's age identity, and the legal
teams a field instance exports to. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

from pathlib import Path

import click

from intake import atomic
from intake.bundles import fingerprints, own_keys, recipient_keys
from intake.cli.common import (
    Session,
    option_new_passphrase_file,
    read_new_passphrase,
    refuse_existing_out,
    signed_in,
)


@click.group()
def keys() -> None:
    """This instance's signing key."""


@keys.command("show")
@click.option("--full", is_flag=True, help="Print the full 64-digit fingerprint only.")
@signed_in()
def keys_show(session: Session, full: bool) -> None:
    """Print the signing key's fingerprint, for a legal team to pin."""
    fingerprint = own_keys.signing_key(session.conn, session.vault).fingerprint
    if full:
        click.echo(fingerprints.readable(fingerprint))
        return
    click.echo(f"Fingerprint: {fingerprints.readable(fingerprint, short=True)}")
    click.echo(f"Full:        {fingerprints.readable(fingerprint)}")


@click.group()
def identity() -> None:
    """This archive's age identity (what bundles are encrypted to)."""


@identity.command("create")
@signed_in(roles=("supervisor", "admin"), to="do this")
def identity_create(session: Session) -> None:
    """Create an age identity; prints its public key (age1…) to give to field teams."""
    click.echo(own_keys.create_identity(session.conn, session.vault))


@identity.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the passphrase-protected age file.")
@signed_in(roles=("supervisor", "admin"), to="do this", before=refuse_existing_out)
@option_new_passphrase_file
def identity_export(session: Session, out: Path, new_passphrase_file: Path | None) -> None:
    """Back up the identities as an age file under a new passphrase (open it with age -d)."""
    protect = read_new_passphrase(new_passphrase_file)
    data = own_keys.export_identities(session.conn, session.vault, protect, by=session.user)
    atomic.write_atomically(out, data)
    click.echo(f"Wrote {out}.")


@click.group()
def recipient() -> None:
    """Legal teams this field instance exports to."""


@recipient.command("add")
@click.argument("name")
@click.argument("public_key")
@click.option("--own-archive", is_flag=True,
              help="The organisation's own archive: it may also receive hand-overs.")
@signed_in(roles=("supervisor", "admin"), to="do this")
def recipient_add(session: Session, name: str, public_key: str, own_archive: bool) -> None:
    """Add a recipient by name and age public key (age1…)."""
    added = recipient_keys.add_recipient(session.conn, name, public_key, own_archive=own_archive)
    click.echo(f"Added {added.name}  {added.public_key}"
               + ("  (our own archive)" if added.own_archive else ""))


@recipient.command("list")
@signed_in()
def recipient_list(session: Session) -> None:
    """List recipients: name, public key, date added, and whether it is our own archive."""
    for item in recipient_keys.recipients(session.conn):
        click.echo(f"{item.name}  {item.public_key}  {item.added_at[:10]}"
                   + ("  own archive" if item.own_archive else ""))


@recipient.command("remove")
@click.argument("name")
@signed_in(roles=("supervisor", "admin"), to="do this")
def recipient_remove(session: Session, name: str) -> None:
    """Remove a recipient (bundles already made stay readable by them)."""
    recipient_keys.remove_recipient(session.conn, name)
    click.echo(f"Removed {name}.")


COMMANDS = (keys, identity, recipient)
