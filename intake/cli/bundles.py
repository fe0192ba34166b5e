"""``intake export``, ``intake verify`` and ``intake import`` (docs/cli.md,
docs/bundle-format.md): evidence bundles out of a field instance and into an archive, and out of
an archive again for its hand-over records (archive/onward.py).
cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from intake.archive import importer, onward
from intake.bundles import export as exports
from intake.bundles import fingerprints, own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.cli.common import (
    CliError,
    Session,
    cli_config,
    one_line_errors,
    option_acting_user,
    option_passphrase_file,
    refuse_existing_out,
    signed_in,
    unlocked,
)
from intake.home.mode import mode
from intake.records import consent
from intake.textfiles import decode_text
from intake.vault import agefile

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _records_and_new_out(all_records: bool, record_ids: tuple[str, ...], out: Path,
                         **_params: Any) -> None:
    """Before signing in: either --all or ids, and a new --out."""
    if all_records == bool(record_ids):
        raise CliError("give either --all or one or more testimony ids")
    refuse_existing_out(out)


@click.command("export")
@click.option("--purpose", type=click.Choice(consent.BUNDLE_PURPOSES), required=True,
              help="What the bundle is for; 'handover' carries whole testimonies to our own "
                   "archive.")
@click.option("--to", "to", required=True, help="Recipient names, separated by commas.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The bundle file to write (NAME.intake.age).")
@click.option("--all", "all_records", is_flag=True,
              help="Consider every testimony (on an archive, every hand-over record).")
@click.argument("record_ids", nargs=-1)
@signed_in(before=_records_and_new_out)
def export(session: Session, purpose: str, to: str, out: Path, all_records: bool,
           record_ids: tuple[str, ...]) -> None:
    """Export a signed, encrypted bundle for one purpose; prints what went and what did not.
    On an archive, the records are the hand-over records it holds."""
    conn, vault, acting = session.conn, session.vault, session.user
    names = dict.fromkeys(name.strip() for name in to.split(",") if name.strip())
    chosen = [recipient_keys.recipient(conn, name) for name in names]
    ids = None if all_records else list(record_ids)
    if mode(conn) == "archive":
        plan = onward.plan(conn, vault, acting, purpose, chosen, ids)
        summary = onward.write(conn, vault, acting, plan, chosen, out)
    else:
        plan = selection.plan(conn, vault, acting, purpose, chosen, ids)
        summary = exports.write(conn, vault, acting, plan, chosen, out)
    fingerprint = own_keys.signing_key(conn, vault).fingerprint
    click.echo(f"Wrote {out} for {purpose} to {', '.join(r.name for r in chosen)}.")
    click.echo(f"Included: {len(plan.included)} records")
    for reason, count in sorted(plan.excluded_counts().items()):
        codes = ", ".join(code for code, why in plan.excluded if why == reason)
        click.echo(f"Excluded ({reason}): {count}: {codes}")
    click.echo(f"Revocation notices: {len(plan.revocations)}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.redactions.items())) or "none"
    click.echo(f"Redactions in free text: {kinds}")
    click.echo(f"Bundle id: {summary.bundle_id}")
    click.echo(f"Bundle SHA-256: {summary.file_sha256}")
    click.echo(f"Signed by: {fingerprints.readable(fingerprint, short=True)}")


def _identity_file(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(b"age-encryption.org/"):
        raise CliError(f"{path} is encrypted (an identity backup?): decrypt it first with "
                       "'age -d', and keep the result on this computer only")
    try:
        return agefile.identities_in(decode_text(data))
    except UnicodeDecodeError:
        raise CliError(f"{path} is not an age identity file") from None


def _identities(identity_file: Path | None, user_name: str | None,
                passphrase_file: Path | None) -> list[str]:
    if identity_file is not None:
        return _identity_file(identity_file)
    if not user_name and not cli_config().is_initialised:
        raise CliError("give --identity FILE, or --user to use this archive's own identity")
    with unlocked(user_name, passphrase_file) as session:
        found = own_keys.identities(session.conn, session.vault)
    if not found:
        raise CliError("this archive has no age identity; run 'intake identity create'")
    return found


def _report(bundle: bundle_reader.Bundle) -> None:
    for check in bundle.checks:
        click.echo(f"{'PASS' if check.passed else 'FAIL'}  {check.name:<11} {check.detail}")


@click.command()
@click.argument("file", type=_existing_file)
@click.option("--identity", "identity_file", type=_existing_file,
              help="An age identity file; without it, this archive's identity (signs in).")
@option_acting_user
@option_passphrase_file
@one_line_errors
def verify(file: Path, identity_file: Path | None, user_name: str | None,
           passphrase_file: Path | None) -> None:
    """Check a bundle (decryption, manifests, signature, format) without importing it."""
    # The one command that signs in only when needed: without --identity.
    identities = _identities(identity_file, user_name, passphrase_file)
    try:
        bundle = bundle_reader.verify(file, identities)
    except bundle_reader.BundleError as exc:
        if exc.bundle is not None:
            _report(exc.bundle)
        raise
    _report(bundle)
    click.echo(f"Bundle {bundle.bundle_id} from {bundle.organisation}, {bundle.purpose}, "
               f"signed by {fingerprints.readable(bundle.fingerprint, short=True)}: all checks passed.")


@click.command("import")
@click.argument("file", type=_existing_file)
@click.option("--identity", "identity_file", type=_existing_file,
              help="An age identity file; without it, this archive's own identity.")
@click.option("--trust", help="The fingerprint of a source seen for the first time.")
@signed_in(roles=("supervisor", "admin"), to="do this")
def import_(session: Session, file: Path, identity_file: Path | None, trust: str | None) -> None:
    """Verify a bundle, then import its records and revocation notices in one transaction."""
    identities = (_identity_file(identity_file) if identity_file
                  else own_keys.identities(session.conn, session.vault))
    result = importer.import_bundle(session.conn, session.vault, session.user, file, identities,
                                    trust=trust)
    bundle = result.bundle
    if result.already_imported:
        click.echo(f"Bundle {bundle.bundle_id} was imported before; nothing changed.")
        return
    counts = result.counts
    click.echo(f"Imported bundle {bundle.bundle_id} from {bundle.organisation} "
               f"({fingerprints.readable(bundle.fingerprint, short=True)}), {bundle.purpose}: "
               f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} "
               f"unchanged, {counts['revoked']} withdrawn.")


COMMANDS = (export, verify, import_)
