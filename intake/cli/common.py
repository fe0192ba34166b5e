"""Helpers every ``intake`` command shares: one-line errors, reading secrets, and signing in.

Secrets never come from arguments (they would show in the process list and shell history):
a passphrase is read from a prompt, from ``--passphrase-file``, or from ``INTAKE_PASSPHRASE``;
a second, new passphrase likewise from a prompt, ``--new-passphrase-file`` or
``INTAKE_NEW_PASSPHRASE``; a recovery key from a prompt, ``--recovery-key-file`` or
``INTAKE_RECOVERY_KEY``; a backup's passphrase from a prompt, ``--backup-passphrase-file`` or
``INTAKE_BACKUP_PASSPHRASE``. Every error is one line on stderr and a non-zero exit.

A command that acts as a user is decorated with :func:`signed_in`: it adds ``--user`` and
``--passphrase-file``, unlocks, records the sign-in, checks the role and hands the command a
:class:`Session`. Without ``--user``, a home with one user signs that user in; a home with
several refuses in one line (:func:`acting_user`, the one place that decides).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from intake.archive.receipts import ReceiptError
from intake.bundles.fingerprints import KeyringError
from intake.bundles.reader import BundleError
from intake.bundles.selection import ExportError
from intake.config import Config
from intake.home import audit
from intake.home.backup import BackupError
from intake.home.errors import InstanceError
from intake.home.instance import unlock, user_count
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


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """The one error wrapper: our errors become one line (:class:`CliError`). :func:`signed_in`
    applies it; a command that does not sign in applies it itself."""
    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnlockError:
            raise CliError("wrong name, passphrase or recovery key") from None
        except WeakPassphrase as exc:
            raise CliError(str(exc)) from None
        except (InstanceError, DocumentError, StoreError, OSError, ValueError, BackupError,
                AgeError, KeyringError, ExportError, BundleError, ReceiptError) as exc:
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
option_acting_user = click.option("--user", "user_name", envvar="INTAKE_USER",
                                  help="Your user name (or INTAKE_USER); needed only when the "
                                       "home has several users.")


def cli_config() -> Config:
    return click.get_current_context().obj


@dataclass(frozen=True)
class Session:
    """A signed-in user's unlocked vault, their record and the open store."""

    vault: Vault
    user: User
    conn: Connection


def acting_user(user_name: str | None) -> str | None:
    """Who a command acts as: ``user_name`` when given, else None for the home's only user. A
    home with several users needs the name; the refusal comes before any passphrase is read."""
    if user_name is not None:
        return user_name
    count = user_count(cli_config())
    if count > 1:
        raise several_users(count)
    return None


def several_users(count: int) -> CliError:
    return CliError(f"this home has {count} users: say which with --user NAME (or INTAKE_USER)")


@contextmanager
def unlocked(user_name: str | None, passphrase_file: Path | None) -> Iterator[Session]:
    """Sign ``user_name`` in (without it, as :func:`acting_user` decides; the passphrase read
    as :func:`read_secret` does), record the sign-in, and close the store and the vault
    afterwards, whatever happens."""
    name = acting_user(user_name)
    passphrase = read_secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase")
    vault, user = unlock(cli_config(), name, passphrase)
    conn = connect(cli_config().database_path, vault.db_key)
    try:
        audit.record(conn, vault, user, "sign_in", via="cli")
        yield Session(vault, user, conn)
    finally:
        conn.close()
        vault.close()


def require_role(acting: User, *roles: str, to: str) -> None:
    """A one-line refusal unless ``acting`` has one of ``roles``."""
    if acting.role not in roles:
        who = "an administrator" if roles == ("admin",) else "a supervisor or an administrator"
        raise CliError(f"only {who} can {to}")


def signed_in(*, roles: tuple[str, ...] = (), to: str = "",
              before: Callable[..., dict[str, Any] | None] | None = None,
              ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Make a command act as a signed-in user: it gains ``--user`` and ``--passphrase-file``
    and is called with a :class:`Session` first, then its own parameters. With ``roles``, a
    user without one of them is refused (after the sign-in is recorded) with "only ... can
    ``to``". ``before`` runs first, with the command's own parameters, before any passphrase is
    read: it may refuse, or return more arguments for the command. Errors are one line
    (:func:`one_line_errors`)."""
    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def signing_in(user_name: str | None, passphrase_file: Path | None, **params: Any) -> None:
            if before is not None:
                params.update(before(**params) or {})
            with unlocked(user_name, passphrase_file) as session:
                if roles:
                    require_role(session.user, *roles, to=to)
                command(session, **params)
        return option_acting_user(option_passphrase_file(one_line_errors(signing_in)))
    return decorate


def refuse_existing_out(out: Path, **_params: Any) -> None:
    """A ``before`` check for :func:`signed_in`: ``--out`` must name a new file."""
    if out.exists():
        raise CliError(f"{out} exists; choose another name")
