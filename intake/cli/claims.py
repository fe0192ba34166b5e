"""Reparations claims from the command line (docs/cli.md): ``intake claims list`` (each claim's
status, what it still lacks and its warnings, as codes: no survivor's name is printed) and
``intake document claim`` (the claim pack as a PDF written to the file named, built in memory in
the language chosen, Arabic by default, and audited). On a field laptop a claim is a testimony's
id; on an archive, an imported record's number (archive/reparations.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from intake import atomic
from intake.archive import reparations
from intake.archive.reparations import Claim
from intake.cli.common import CliError, Session, cli_config, refuse_existing_out, signed_in
from intake.cli.document_group import document
from intake.home.instance import organisation
from intake.home.mode import mode
from intake.records import claims, testimonies
from intake.web import claim_pack, documents
from intake.web.app import create_app
from intake.web.i18n import LANGUAGES

_ROLES = ("supervisor", "admin")


@click.group("claims")
def claims_group() -> None:
    """Survivors' reparations claims under the Yazidi Survivors Law."""


def _as_json(claim: Claim) -> str:
    assessment = claim.assessment
    return json.dumps({
        "id": claim.ref, "source": claim.source, "witness_code": claim.witness_code,
        "status": assessment.status, "lacks": list(assessment.lacks),
        "warnings": list(assessment.warnings),
        "documents": {d.code: d.present for d in assessment.documents}}, ensure_ascii=False)


def _line(claim: Claim) -> str:
    assessment = claim.assessment
    lacks = ", ".join(assessment.lacks) or "nothing"
    warnings = f"  warnings: {', '.join(assessment.warnings)}" if assessment.warnings else ""
    return (f"{claim.ref}  {claim.witness_code}  {assessment.status or 'no application'}  "
            f"lacks: {lacks}{warnings}")


def _claims(session: Session) -> list[Claim]:
    if mode(session.conn) == "archive":
        return reparations.archive_claims(session.conn, session.vault)
    return reparations.testimony_claims(session.conn, session.vault, session.user)


@claims_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.option("--status", type=click.Choice(["none", *claims.STATUSES]),
              help="Only the claims with this application status (none: no application yet).")
@signed_in(roles=_ROLES, to="list the claims")
def claims_list(session: Session, as_json: bool, status: str | None) -> None:
    """List the claims: status, what each still lacks, and its warnings."""
    wanted = None if status is None else "" if status == "none" else status
    for claim in reparations.by_status(_claims(session), wanted):
        click.echo(_as_json(claim) if as_json else _line(claim))


def _claim(session: Session, claim_id: str) -> Claim:
    try:
        if mode(session.conn) == "archive":
            if not claim_id.isdigit():
                raise LookupError(claim_id)
            return reparations.archive_claim(session.conn, session.vault, int(claim_id))
        return reparations.testimony_claim(session.conn, session.vault, session.user, claim_id)
    except (LookupError, testimonies.NotFound):
        raise CliError(f"no reparations claim {claim_id}") from None


@document.command("claim")
@click.argument("claim_id", metavar="ID")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF file to write (a new file).")
@click.option("--language", type=click.Choice(LANGUAGES), default="ar", show_default=True,
              help="The language of the claim pack (its application summary is always Arabic).")
@signed_in(roles=_ROLES, to="print a claim pack", before=refuse_existing_out)
def claim_document(session: Session, claim_id: str, out: Path, language: str) -> None:
    """Write the claim pack of one claim (a testimony's id, or an archive record's number)."""
    claim = _claim(session, claim_id)
    if not claim.consented:
        raise CliError(f"{claim.witness_code}: the survivor has not agreed to a reparations claim")
    app = create_app(cli_config())
    with documents.in_language(language, app):
        data = claim_pack.build(claim, language=language, organisation=organisation(session.conn))
    atomic.write_atomically(out, data)
    about = {"archive_record": claim.ref} if claim.source == "archive" else {"record_id": claim.ref}
    documents.printed(session.conn, session.vault, session.user, "claim", language=language,
                      witness_code=claim.witness_code, **about)
    click.echo(f"Wrote {out}.")
