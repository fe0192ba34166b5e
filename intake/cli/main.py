"""The ``intake`` command line (docs/cli.md), for people and for automation: the instance, its
users and testimonies here; evidence bundles in cli/bundles.py; backup, restore, the audit trail
and the panic passphrase in cli/admin.py; shared helpers (secrets, one-line errors, unlocking,
roles) in cli/common.py."""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

import click

from intake.cli.admin import COMMANDS as ADMIN_COMMANDS
from intake.cli.attachments import COMMANDS as ATTACHMENT_COMMANDS
from intake.cli.bundles import COMMANDS as BUNDLE_COMMANDS
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
from intake.config import Config, user_data_home
from intake.home import audit
from intake.home.instance import initialise, unlock_with_recovery
from intake.home.passphrases import add_user, set_passphrase
from intake.home.users import ROLES
from intake.records import testimonies
from intake.textfiles import read_text_file


@click.group()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="INTAKE_HOME",
              help="Instance home directory (default INTAKE_HOME, or a per-user data folder).")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """Testimony Intake: record survivors' testimonies safely, offline."""
    _utf8_streams()
    ctx.obj = Config.from_env(home or user_data_home())


def _utf8_streams() -> None:
    """Write UTF-8 to stdout and stderr whatever the console's code page: on Windows a
    redirected stream takes the ANSI code page (cp1252 cannot hold Arabic), and ``--json``
    output is read by programs that expect UTF-8 (RFC 8259 §8.1)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent on some wrapped streams
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="backslashreplace")


@main.command()
@click.option("--org", required=True, help="Organisation name.")
@click.option("--user", "user_name", required=True, help="The first user (an administrator).")
@option_passphrase_file
@one_line_errors
def init(org: str, user_name: str, passphrase_file: Path | None) -> None:
    """Create a new instance home; prints the recovery key once."""
    passphrase = read_secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase", confirm=True)
    recovery_key = initialise(cli_config(), org, user_name, passphrase)
    click.echo(f"Created {cli_config().home}.")
    click.echo("Recovery key (write it down now; it is not shown again):")
    click.echo(recovery_key)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--open", "open_browser", is_flag=True,
              help="Open the default web browser on the page once the server answers.")
def serve(host: str, port: int, open_browser: bool) -> None:
    """Serve the web interface with waitress (settings in web/serving.py)."""
    from intake.cli.opener import open_when_answering, page_url
    from intake.resources import missing_catalogues
    from intake.web.app import create_app
    from intake.web.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from intake.web.serving import make_server

    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host}, not only on this computer. Anyone on the "
                   "network can reach the sign-in page.", err=True)
    server = make_server(create_app(cli_config()), cli_config(), host, port)
    url = page_url(host, port)
    click.echo(f"Instance home: {cli_config().home}")
    click.echo(f"Testimony Intake on {url}")
    missing = missing_catalogues(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
    if missing:
        click.echo(f"Warning: no compiled translations for {', '.join(missing)} (make translations "
                   "compiles them); those languages show English.", err=True)
    if open_browser:
        open_when_answering(url)
    server.run()


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
@click.option("--role", type=click.Choice(ROLES),
              required=True)
@option_acting_user
@option_passphrase_file
@option_new_passphrase_file
@one_line_errors
def user_add(name: str, role: str, user_name: str, passphrase_file: Path | None,
             new_passphrase_file: Path | None) -> None:
    """Add a user (an administrator signs in with --user)."""
    with unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        require_role(acting, "admin", to="add users")
        add_user(cli_config(), vault, name, role, read_new_passphrase(new_passphrase_file))
    click.echo(f"Added {role} {name}.")


@main.group()
def passphrase() -> None:
    """Change a passphrase."""


@passphrase.command("change")
@option_acting_user
@option_passphrase_file
@option_new_passphrase_file
@one_line_errors
def passphrase_change(user_name: str, passphrase_file: Path | None,
                      new_passphrase_file: Path | None) -> None:
    """Change your passphrase (rewraps your key slot only)."""
    with unlocked(user_name, passphrase_file) as (vault, acting, _conn):
        set_passphrase(cli_config(), vault, acting.name,
                       read_new_passphrase(new_passphrase_file))
    click.echo("Passphrase changed.")


@main.command()
@option_acting_user
@click.option("--recovery-key-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Read the recovery key from this file.")
@option_new_passphrase_file
@one_line_errors
def recover(user_name: str, recovery_key_file: Path | None,
            new_passphrase_file: Path | None) -> None:
    """Set a new passphrase for a user with the recovery key."""
    key = read_secret(recovery_key_file, "INTAKE_RECOVERY_KEY", "Recovery key")
    vault = unlock_with_recovery(cli_config(), key)
    try:
        set_passphrase(cli_config(), vault, user_name, read_new_passphrase(new_passphrase_file))
    finally:
        vault.close()
    click.echo(f"New passphrase set for {user_name}.")


@main.group()
def testimony() -> None:
    """Import, list, show and delete testimonies."""


@testimony.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_acting_user
@option_passphrase_file
@one_line_errors
def testimony_import(file: Path, user_name: str, passphrase_file: Path | None) -> None:
    """Import one testimony or a list from JSON (docs/testimony.schema.json); prints new ids."""
    try:
        data = json.loads(read_text_file(file))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file} is not valid JSON: {exc}") from None
    except RecursionError:
        raise CliError(f"{file} is nested too deeply to be a testimony") from None
    documents = data if isinstance(data, list) else [data]
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        for record_id in testimonies.import_documents(conn, vault, acting, documents):
            click.echo(record_id)


@testimony.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@option_acting_user
@option_passphrase_file
@one_line_errors
def testimony_list(as_json: bool, user_name: str, passphrase_file: Path | None) -> None:
    """List the testimonies you may see, newest first."""
    with unlocked(user_name, passphrase_file) as (_vault, acting, conn):
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
@option_acting_user
@option_passphrase_file
@one_line_errors
def testimony_show(record_id: str, as_json: bool, user_name: str,
                   passphrase_file: Path | None) -> None:
    """Show one testimony."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        record = testimonies.load(conn, vault, record_id, acting)
        audit.record(conn, vault, acting, "view", record_id=record.id,
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


@testimony.command("delete")
@click.argument("record_id")
@option_acting_user
@option_passphrase_file
@one_line_errors
def testimony_delete(record_id: str, user_name: str, passphrase_file: Path | None) -> None:
    """Destroy a testimony for good (its data key is erased)."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        testimonies.delete(conn, vault, acting, record_id)
    click.echo(f"Destroyed {record_id}.")


for _command in (*BUNDLE_COMMANDS, *ADMIN_COMMANDS):
    main.add_command(_command)
for _command in ATTACHMENT_COMMANDS:
    testimony.add_command(_command)

if __name__ == "__main__":
    main()
