"""``intake`` commands that look after the whole instance (docs/cli.md): backup and restore,
the audit trail, and the panic passphrase. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

import json
from pathlib import Path

import click

from intake import atomic
from intake.cli.common import (
    CliError,
    cli_config,
    one_line_errors,
    option_acting_user,
    option_new_passphrase_file,
    option_passphrase_file,
    read_new_passphrase,
    read_secret,
    require_role,
    unlocked,
)
from intake.home import audit, backup
from intake.home.passphrases import set_panic_passphrase


@click.group()
def panic() -> None:
    """The optional panic passphrase (see docs/security.md before setting one)."""


@panic.command("set")
@option_acting_user
@option_passphrase_file
@option_new_passphrase_file
@one_line_errors
def panic_set(user_name: str, passphrase_file: Path | None,
              new_passphrase_file: Path | None) -> None:
    """Set a panic passphrase: at sign-in it destroys every passphrase slot on this laptop."""
    with unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        require_role(acting, "admin", to="set a panic passphrase")
        chosen = read_new_passphrase(new_passphrase_file)
        set_panic_passphrase(cli_config(), vault, acting, chosen)
    click.echo("Panic passphrase set. Given at sign-in, it leaves only the recovery key able to "
               "open this laptop's data.")


@panic.command("remove")
@option_acting_user
@option_passphrase_file
@one_line_errors
def panic_remove(user_name: str, passphrase_file: Path | None) -> None:
    """Remove the panic passphrase."""
    with unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        require_role(acting, "admin", to="remove the panic passphrase")
        set_panic_passphrase(cli_config(), vault, acting, None)
    click.echo("Panic passphrase removed.")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The backup file to write (for example on a USB stick).")
@option_acting_user
@option_passphrase_file
@option_new_passphrase_file
@one_line_errors
def backup_command(out: Path, user_name: str, passphrase_file: Path | None,
                   new_passphrase_file: Path | None) -> None:
    """Write an encrypted backup of the whole home, under a passphrase of its own."""
    if out.exists():
        raise CliError(f"{out} exists; choose another name")
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="back up")
        protect = read_new_passphrase(new_passphrase_file)
        with atomic.streaming(out) as pending:
            backup.write(cli_config(), conn, vault, acting, protect, pending.file)
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
@option_acting_user
@option_passphrase_file
@one_line_errors
def audit_verify(user_name: str, passphrase_file: Path | None) -> None:
    """Check the whole chain; exit 1 naming the first broken entry."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        require_role(acting, "admin", to="read the audit trail")
        problem = audit.verify(conn, vault)
        count = len(audit.entries(conn))
    if problem:
        raise CliError(f"the audit trail is broken: {problem}")
    click.echo(f"The audit trail is intact: {count} entries.")


@audit_group.command("show")
@click.option("--since", default="", help="Only entries at or after this date (YYYY-MM-DD).")
@option_acting_user
@option_passphrase_file
@one_line_errors
def audit_show(since: str, user_name: str, passphrase_file: Path | None) -> None:
    """Print the audit trail, oldest first, one entry per line."""
    with unlocked(user_name, passphrase_file) as (_vault, acting, conn):
        require_role(acting, "admin", to="read the audit trail")
        for entry in audit.entries(conn, since):
            detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
            click.echo(f"{entry.seq}  {entry.at}  {entry.actor}  {entry.event}  {detail}")


COMMANDS = (panic, backup_command, restore_command, audit_group)
