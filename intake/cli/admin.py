"""``intake`` commands that look after the whole instance (docs/cli.md): backup and restore,
the audit trail, and the panic passphrase. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

import json
from pathlib import Path

import click

from intake import atomic
from intake.cli.common import (
    CliError,
    Session,
    cli_config,
    one_line_errors,
    option_new_passphrase_file,
    read_new_passphrase,
    read_secret,
    refuse_existing_out,
    signed_in,
)
from intake.home import audit, backup
from intake.home.passphrases import set_panic_passphrase


@click.group()
def panic() -> None:
    """The optional panic passphrase (see docs/security.md before setting one)."""


@panic.command("set")
@signed_in(roles=("admin",), to="set a panic passphrase")
@option_new_passphrase_file
def panic_set(session: Session, new_passphrase_file: Path | None) -> None:
    """Set a panic passphrase: at sign-in it destroys every passphrase slot on this laptop."""
    chosen = read_new_passphrase(new_passphrase_file)
    set_panic_passphrase(cli_config(), session.vault, session.user, chosen)
    click.echo("Panic passphrase set. Given at sign-in, it leaves only the recovery key able to "
               "open this laptop's data.")


@panic.command("remove")
@signed_in(roles=("admin",), to="remove the panic passphrase")
def panic_remove(session: Session) -> None:
    """Remove the panic passphrase."""
    set_panic_passphrase(cli_config(), session.vault, session.user, None)
    click.echo("Panic passphrase removed.")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The backup file to write (for example on a USB stick).")
@signed_in(roles=("supervisor", "admin"), to="back up", before=refuse_existing_out)
@option_new_passphrase_file
def backup_command(session: Session, out: Path, new_passphrase_file: Path | None) -> None:
    """Write an encrypted backup of the whole home, under a passphrase of its own."""
    protect = read_new_passphrase(new_passphrase_file)
    with atomic.streaming(out) as pending:
        backup.write(cli_config(), session.conn, session.vault, session.user, protect,
                     pending.file)
    click.echo(f"Wrote {out} ({out.stat().st_size // 1024} KiB). "
               "Keep its passphrase apart from it.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--home", "target", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The new home to restore into (it must not exist, or be empty).")
@click.option("--replace", is_flag=True, help="Replace what is in --home.")
@click.option("--backup-passphrase-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Read the backup's passphrase from this file.")
@one_line_errors
def restore_command(file: Path, target: Path, replace: bool,
                    backup_passphrase_file: Path | None) -> None:
    """Check a backup (age authentication, SHA-256 of every file), then restore it into a new
    home."""
    protect = read_secret(backup_passphrase_file, "INTAKE_BACKUP_PASSPHRASE", "Backup passphrase")
    backup.restore(file, protect, target, replace=replace)
    click.echo(f"Restored into {target}; checksums match. Sign in there, then run "
               "'intake audit verify' to check the store.")


@click.group("audit")
def audit_group() -> None:
    """Read and check the audit trail."""


@audit_group.command("verify")
@signed_in(roles=("admin",), to="read the audit trail")
def audit_verify(session: Session) -> None:
    """Check the whole chain; exit 1 naming the first broken entry."""
    problem = audit.verify(session.conn, session.vault)
    count = len(audit.entries(session.conn))
    if problem:
        raise CliError(f"the audit trail is broken: {problem}")
    click.echo(f"The audit trail is intact: {count} entries.")


@audit_group.command("show")
@click.option("--since", default="", help="Only entries at or after this date (YYYY-MM-DD).")
@signed_in(roles=("admin",), to="read the audit trail")
def audit_show(session: Session, since: str) -> None:
    """Print the audit trail, oldest first, one entry per line."""
    for entry in audit.entries(session.conn, since):
        detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
        click.echo(f"{entry.seq}  {entry.at}  {entry.actor}  {entry.event}  {detail}")


COMMANDS = (panic, backup_command, restore_command, audit_group)
