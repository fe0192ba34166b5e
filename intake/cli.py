"""The ``intake`` command line (docs/cli.md), for people and for automation.

Secrets never come from arguments (they would show in the process list and shell history):
a passphrase is read from a prompt, from ``--passphrase-file``, or from ``INTAKE_PASSPHRASE``;
a second, new passphrase likewise from a prompt, ``--new-passphrase-file`` or
``INTAKE_NEW_PASSPHRASE``; a recovery key from a prompt, ``--recovery-key-file`` or
``INTAKE_RECOVERY_KEY``. Every error is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import testimonies
from .config import Config
from .instance import (
    InstanceError,
    User,
    add_user,
    initialise,
    set_passphrase,
    unlock,
    unlock_with_recovery,
)
from .keyslots import UnlockError
from .passphrase_policy import passphrase_problem
from .schema import DocumentError
from .store import Connection, StoreError, connect
from .vault import Vault


class CliError(click.ClickException):
    """One line on stderr, exit status 1."""


def _errors_as_one_line(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnlockError:
            raise CliError("wrong name, passphrase or recovery key") from None
        except (InstanceError, DocumentError, StoreError, OSError, ValueError) as exc:
            raise CliError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        except testimonies.NotFound as exc:
            raise CliError(f"no testimony with id {exc}") from None
    return wrapped


def _secret(file: Path | None, env_name: str, prompt: str, *, confirm: bool = False) -> str:
    if file is not None:
        return file.read_text("utf-8").rstrip("\r\n")
    if os.environ.get(env_name):
        return os.environ[env_name]
    if not sys.stdin.isatty():
        raise CliError(f"no {prompt.lower()} given: use a prompt, a file option or {env_name}")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def _new_passphrase(file: Path | None, related: tuple[str, ...]) -> str:
    passphrase = _secret(file, "INTAKE_NEW_PASSPHRASE", "New passphrase", confirm=True)
    problem = passphrase_problem(passphrase, related)
    if problem:
        raise CliError(problem)
    return passphrase


_passphrase_file = click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False,
                                path_type=Path), help="Read the passphrase from this file.")
_new_passphrase_file = click.option("--new-passphrase-file", type=click.Path(
    exists=True, dir_okay=False, path_type=Path), help="Read the new passphrase from this file.")
_acting_user = click.option("--user", "user_name", envvar="INTAKE_USER", required=True,
                            help="Your user name (or INTAKE_USER).")


@click.group()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="INTAKE_HOME",
              help="Instance home directory (default ./instance, or INTAKE_HOME).")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """Testimony Intake: record survivors' testimonies safely, offline."""
    ctx.obj = Config.from_env(home)


def _config() -> Config:
    return click.get_current_context().obj


@contextmanager
def _unlocked(user_name: str, passphrase_file: Path | None) -> Iterator[tuple[Vault, User,
                                                                              Connection]]:
    passphrase = _secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase")
    vault, user = unlock(_config(), user_name, passphrase)
    conn = connect(_config().database_path, vault.db_key)
    try:
        yield vault, user, conn
    finally:
        conn.close()
        vault.close()


@main.command()
@click.option("--org", required=True, help="Organisation name.")
@click.option("--user", "user_name", required=True, help="The first user (an administrator).")
@_passphrase_file
@_errors_as_one_line
def init(org: str, user_name: str, passphrase_file: Path | None) -> None:
    """Create a new instance home; prints the recovery key once."""
    passphrase = _secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase", confirm=True)
    problem = passphrase_problem(passphrase, (user_name, org))
    if problem:
        raise CliError(problem)
    recovery_key = initialise(_config(), org, user_name, passphrase)
    click.echo(f"Created {_config().home}.")
    click.echo("Recovery key (write it down now; it is not shown again):")
    click.echo(recovery_key)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web interface with waitress."""
    from waitress import serve as waitress_serve

    from . import create_app

    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host}, not only on this computer. Anyone on the "
                   "network can reach the sign-in page.", err=True)
    click.echo(f"Testimony Intake on http://{host}:{port}/ (home: {_config().home})")
    waitress_serve(create_app(_config()), host=host, port=port, threads=4, ident="")


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["interviewer", "supervisor", "admin"]),
              required=True)
@_acting_user
@_passphrase_file
@_new_passphrase_file
@_errors_as_one_line
def user_add(name: str, role: str, user_name: str, passphrase_file: Path | None,
             new_passphrase_file: Path | None) -> None:
    """Add a user (an administrator signs in with --user)."""
    with _unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        if acting.role != "admin":
            raise CliError("only an administrator can add users")
        add_user(_config(), vault, name, role, _new_passphrase(new_passphrase_file, (name,)))
    click.echo(f"Added {role} {name}.")


@main.group()
def passphrase() -> None:
    """Change a passphrase."""


@passphrase.command("change")
@_acting_user
@_passphrase_file
@_new_passphrase_file
@_errors_as_one_line
def passphrase_change(user_name: str, passphrase_file: Path | None,
                      new_passphrase_file: Path | None) -> None:
    """Change your passphrase (rewraps your key slot only)."""
    with _unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        set_passphrase(_config(), vault, acting.name,
                       _new_passphrase(new_passphrase_file, (acting.name,)))
    click.echo("Passphrase changed.")


@main.command()
@_acting_user
@click.option("--recovery-key-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Read the recovery key from this file.")
@_new_passphrase_file
@_errors_as_one_line
def recover(user_name: str, recovery_key_file: Path | None,
            new_passphrase_file: Path | None) -> None:
    """Set a new passphrase for a user with the recovery key."""
    key = _secret(recovery_key_file, "INTAKE_RECOVERY_KEY", "Recovery key")
    vault = unlock_with_recovery(_config(), key)
    try:
        set_passphrase(_config(), vault, user_name, _new_passphrase(new_passphrase_file,
                                                                    (user_name,)))
    finally:
        vault.close()
    click.echo(f"New passphrase set for {user_name}.")


@main.group()
def testimony() -> None:
    """Import, list, show and delete testimonies."""


@testimony.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_acting_user
@_passphrase_file
@_errors_as_one_line
def testimony_import(file: Path, user_name: str, passphrase_file: Path | None) -> None:
    """Import one testimony or a list from JSON (docs/testimony.schema.json); prints new ids."""
    try:
        data = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file} is not valid JSON: {exc}") from None
    documents = data if isinstance(data, list) else [data]
    with _unlocked(user_name, passphrase_file) as (vault, acting, conn):
        for record_id in testimonies.import_documents(conn, vault, acting, documents):
            click.echo(record_id)


@testimony.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@_acting_user
@_passphrase_file
@_errors_as_one_line
def testimony_list(as_json: bool, user_name: str, passphrase_file: Path | None) -> None:
    """List the testimonies you may see, newest first."""
    with _unlocked(user_name, passphrase_file) as (_vault, acting, conn):
        page = 1
        while True:
            rows, total = testimonies.summaries(conn, acting, page=page, per_page=500)
            for row in rows:
                if as_json:
                    click.echo(json.dumps(row.__dict__, ensure_ascii=False))
                else:
                    click.echo(f"{row.id}  {row.witness_code}  {row.status:<8}  "
                               f"{row.interview_date or '-':<12}  {row.consent_summary or '-'}")
            if page * 500 >= total:
                break
            page += 1


@testimony.command("show")
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@_acting_user
@_passphrase_file
@_errors_as_one_line
def testimony_show(record_id: str, as_json: bool, user_name: str,
                   passphrase_file: Path | None) -> None:
    """Show one testimony."""
    with _unlocked(user_name, passphrase_file) as (vault, acting, conn):
        record = testimonies.load(conn, vault, record_id, acting)
    if as_json:
        click.echo(json.dumps(record.as_export(), ensure_ascii=False, indent=2))
        return
    survivor = record.document.get("survivor", {})
    click.echo(f"{record.witness_code}  {record.status}  version {record.version}")
    click.echo(f"Survivor: {survivor.get('full_name', '')}")
    click.echo(f"Consent: {', '.join(k for k, v in record.document['consent'].items() if v is True)}")
    for block in record.document.get("narrative", []):
        click.echo(f"[{block.get('language', '')}] {block['text']}")


@testimony.command("delete")
@click.argument("record_id")
@_acting_user
@_passphrase_file
@_errors_as_one_line
def testimony_delete(record_id: str, user_name: str, passphrase_file: Path | None) -> None:
    """Destroy a testimony for good (its data key is erased)."""
    with _unlocked(user_name, passphrase_file) as (_vault, acting, conn):
        testimonies.delete(conn, acting, record_id)
    click.echo(f"Destroyed {record_id}.")


if __name__ == "__main__":
    main()
