"""Helpers every ``intake`` command shares: one-line errors, reading secrets, and unlocking.

Secrets never come from arguments (they would show in the process list and shell history):
a passphrase is read from a prompt, from ``--passphrase-file``, or from ``INTAKE_PASSPHRASE``;
a second, new passphrase likewise from a prompt, ``--new-passphrase-file`` or
``INTAKE_NEW_PASSPHRASE``; a recovery key from a prompt, ``--recovery-key-file`` or
``INTAKE_RECOVERY_KEY``; a backup's passphrase from a prompt, ``--backup-passphrase-file`` or
``INTAKE_BACKUP_PASSPHRASE``. Every error is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from intake.config import Config
from intake.home import audit
from intake.home.backup import BackupError
from intake.home.errors import InstanceError
from intake.home.instance import unlock
from intake.home.passphrase_policy import WeakPassphrase
from intake.home.users import User
from intake.records import testimonies
from intake.records.schema import DocumentError
from intake.store.connection import Connection, connect
from intake.store.errors import StoreError
from intake.textfiles import read_text_file
from intake.vault.agefile import AgeError
from intake.vault.keys import Vault
from intake.vault.keyslots import UnlockError
from intake.web.log_filter import raised_in_intake


class CliError(click.ClickException):
    """One line on stderr, exit status 1."""


def one_line_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnlockError:
            raise CliError("wrong name, passphrase or recovery key") from None
        except WeakPassphrase as exc:
            raise CliError(str(exc)) from None
        except (InstanceError, DocumentError, StoreError, OSError, ValueError, BackupError,
                AgeError) as exc:
            raise CliError(_one_line(exc)) from None
        except testimonies.NotFound as exc:
            raise CliError(f"no testimony with id {exc}") from None
    return wrapped


def _one_line(exc: Exception) -> str:
    """The first line of an error of ours. A ValueError raised outside this package (``int()``,
    a codec) may quote the value it refused, which can be record text: only its type is shown
    (docs/security.md, "No survivor text in logs or error pages")."""
    if isinstance(exc, ValueError) and not isinstance(exc, DocumentError) \
            and not raised_in_intake(exc):
        return f"a value could not be read ({type(exc).__name__})"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_secret(file: Path | None, env_name: str, prompt: str, *, confirm: bool = False) -> str:
    if file is not None:
        return read_text_file(file).rstrip("\r\n")
    if os.environ.get(env_name):
        return os.environ[env_name]
    if not sys.stdin.isatty():
        raise CliError(f"no {prompt.lower()} given: use a prompt, a file option or {env_name}")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def read_new_passphrase(file: Path | None) -> str:
    """A new passphrase; the function that sets it refuses a weak one (WeakPassphrase)."""
    return read_secret(file, "INTAKE_NEW_PASSPHRASE", "New passphrase", confirm=True)


option_passphrase_file = click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False,
                                path_type=Path), help="Read the passphrase from this file.")
option_new_passphrase_file = click.option("--new-passphrase-file", type=click.Path(
    exists=True, dir_okay=False, path_type=Path), help="Read the new passphrase from this file.")
option_acting_user = click.option("--user", "user_name", envvar="INTAKE_USER", required=True,
                            help="Your user name (or INTAKE_USER).")


def cli_config() -> Config:
    return click.get_current_context().obj


@contextmanager
def unlocked(user_name: str, passphrase_file: Path | None) -> Iterator[tuple[Vault, User,
                                                                              Connection]]:
    passphrase = read_secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase")
    vault, user = unlock(cli_config(), user_name, passphrase)
    conn = connect(cli_config().database_path, vault.db_key)
    try:
        audit.record(conn, vault, user, "sign_in", via="cli")
        yield vault, user, conn
    finally:
        conn.close()
        vault.close()


def require_role(acting: User, *roles: str, to: str) -> None:
    """A one-line refusal unless ``acting`` has one of ``roles``."""
    if acting.role not in roles:
        who = "an administrator" if roles == ("admin",) else "a supervisor or an administrator"
        raise CliError(f"only {who} can {to}")
