"""``intake init`` and ``intake serve`` (docs/cli.md): create an instance home, and serve its web
interface. Neither signs in. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from intake.cli.common import cli_config, one_line_errors, option_passphrase_file, read_secret
from intake.home.instance import initialise


@click.command()
@click.option("--org", required=True, help="Organisation name.")
@click.option("--user", "user_name", required=True, help="The first user (an administrator).")
@click.option("--archive", is_flag=True,
              help="Make the legal team's archive instead of a field laptop.")
@option_passphrase_file
@one_line_errors
def init(org: str, user_name: str, archive: bool, passphrase_file: Path | None) -> None:
    """Create a new instance home; prints the recovery key once."""
    passphrase = read_secret(passphrase_file, "INTAKE_PASSPHRASE", "Passphrase", confirm=True)
    recovery_key = initialise(cli_config(), org, user_name, passphrase,
                              mode="archive" if archive else "field")
    click.echo(f"Created {cli_config().home}.")
    click.echo("Recovery key (write it down now; it is not shown again):")
    click.echo(recovery_key)


@click.command()
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


COMMANDS = (init, serve)
