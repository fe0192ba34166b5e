"""``intake user``, ``intake passphrase`` and ``intake recover`` (docs/cli.md): who may sign in,
and with what passphrase. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

from pathlib import Path

import click

from intake.cli.common import (
    Session,
    acting_user,
    cli_config,
    one_line_errors,
    option_acting_user,
    option_new_passphrase_file,
    read_new_passphrase,
    read_secret,
    several_users,
    signed_in,
)
from intake.home.instance import unlock_with_recovery
from intake.home.passphrases import add_user, set_passphrase
from intake.home.users import ROLES, list_users
from intake.store.connection import connect
from intake.vault.keys import Vault


@click.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES),
              required=True)
@signed_in(roles=("admin",), to="add users")
@option_new_passphrase_file
def user_add(session: Session, name: str, role: str, new_passphrase_file: Path | None) -> None:
    """Add a user (an administrator signs in with --user)."""
    add_user(cli_config(), session.vault, name, role, read_new_passphrase(new_passphrase_file))
    click.echo(f"Added {role} {name}.")


@click.group()
def passphrase() -> None:
    """Change a passphrase."""


@passphrase.command("change")
@signed_in()
@option_new_passphrase_file
def passphrase_change(session: Session, new_passphrase_file: Path | None) -> None:
    """Change your passphrase (rewraps your key slot only)."""
    set_passphrase(cli_config(), session.vault, session.user.name,
                   read_new_passphrase(new_passphrase_file))
    click.echo("Passphrase changed.")


@click.command()
@option_acting_user
@click.option("--recovery-key-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Read the recovery key from this file.")
@option_new_passphrase_file
@one_line_errors
def recover(user_name: str | None, recovery_key_file: Path | None,
            new_passphrase_file: Path | None) -> None:
    """Set a new passphrase for a user with the recovery key."""
    name = acting_user(user_name)
    key = read_secret(recovery_key_file, "INTAKE_RECOVERY_KEY", "Recovery key")
    vault = unlock_with_recovery(cli_config(), key)
    try:
        name = name if name is not None else _only_user(vault)
        set_passphrase(cli_config(), vault, name, read_new_passphrase(new_passphrase_file))
    finally:
        vault.close()
    click.echo(f"New passphrase set for {name}.")


def _only_user(vault: Vault) -> str:
    """The one user of the store: the key slots tell how many users there are, not who."""
    conn = connect(cli_config().database_path, vault.db_key)
    try:
        users = list_users(conn)
    finally:
        conn.close()
    if len(users) != 1:
        raise several_users(len(users))
    return users[0].name


COMMANDS = (user, passphrase, recover)
