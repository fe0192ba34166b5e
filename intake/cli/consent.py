"""``intake consent withdraw`` (docs/cli.md): a survivor withdraws consent for one purpose
(records/withdrawal.py). cli/main.py adds :data:`consent_group` to the main group."""

from __future__ import annotations

import click

from intake.cli.common import Session, signed_in
from intake.records import consent, withdrawal


@click.group("consent")
def consent_group() -> None:
    """Withdraw a survivor's consent."""


@consent_group.command("withdraw")
@click.argument("record_id")
@click.option("--purpose", type=click.Choice(consent.WITHDRAWABLE), required=True)
@click.option("--note", default="", help="The survivor's words or the reason (kept sealed).")
@signed_in()
def consent_withdraw(session: Session, record_id: str, purpose: str, note: str) -> None:
    """Withdraw consent for one purpose; later bundles leave the record out and carry a notice."""
    record = withdrawal.withdraw(session.conn, session.vault, session.user, record_id, purpose,
                                 note)
    click.echo(f"Consent for {purpose} withdrawn for {record.witness_code}.")
