"""The ``intake`` command line (docs/cli.md), for people and for automation: the ``intake`` group
and where each command comes from. Setting up and serving an instance: cli/instance.py; users
and passphrases: cli/users.py; testimonies: cli/testimonies.py, their files cli/attachments.py;
keys, identities and recipients: cli/keys.py; evidence bundles: cli/bundles.py; an archive's
sources and compromised keys: cli/sources.py; the perpetrator index: cli/persons.py; screening
lists against it: cli/screening.py; reparations claims: cli/claims.py, whose claim pack joins
the ``document`` group of cli/document_group.py, as the consent form and the witness statement
of cli/documents.py do; withdrawing consent: cli/consent.py; backup, restore, the audit trail
and the panic passphrase: cli/admin.py. Shared helpers (secrets, one-line errors, signing in)
are in cli/common.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from intake.cli import (
    admin,
    attachments,
    bundles,
    claims,
    consent,
    document_group,
    documents,
    instance,
    keys,
    persons,
    receipts,
    screening,
    sources,
    testimonies,
    users,
)
from intake.config import Config, user_data_home


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


for _command in (*instance.COMMANDS, *users.COMMANDS, testimonies.testimony, *keys.COMMANDS,
                 *bundles.COMMANDS, *receipts.COMMANDS, *sources.COMMANDS, *persons.COMMANDS,
                 *screening.COMMANDS, consent.consent_group,
                 claims.claims_group, document_group.document, *admin.COMMANDS):
    main.add_command(_command)
for _command in attachments.COMMANDS:
    testimonies.testimony.add_command(_command)
for _command in documents.COMMANDS:
    document_group.document.add_command(_command)

if __name__ == "__main__":
    main()
