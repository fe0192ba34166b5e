"""``intake`` commands for evidence bundles (docs/cli.md, docs/bundle-format.md): the instance's
keys, an archive's age identity, a field instance's recipients, export, verify, import, and the
withdrawal of consent. cli/main.py adds :data:`COMMANDS` to the main group."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from intake import atomic
from intake.archive import importer
from intake.bundles import export as exports
from intake.bundles import fingerprints, own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.cli.common import (
    CliError,
    one_line_errors,
    option_acting_user,
    option_new_passphrase_file,
    option_passphrase_file,
    read_new_passphrase,
    require_role,
    unlocked,
)
from intake.records import consent, withdrawal
from intake.textfiles import decode_text
from intake.vault import agefile

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _bundle_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (fingerprints.KeyringError, selection.ExportError, agefile.AgeError,
                bundle_reader.BundleError) as exc:
            raise CliError(str(exc)) from None
    return one_line_errors(wrapped)


@click.group()
def keys() -> None:
    """This instance's signing key."""


@keys.command("show")
@click.option("--full", is_flag=True, help="Print the full 64-digit fingerprint only.")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def keys_show(full: bool, user_name: str, passphrase_file: Path | None) -> None:
    """Print the signing key's fingerprint, for a legal team to pin."""
    with unlocked(user_name, passphrase_file) as (vault, _acting, conn):
        fingerprint = own_keys.signing_key(conn, vault).fingerprint
    if full:
        click.echo(fingerprints.readable(fingerprint))
        return
    click.echo(f"Fingerprint: {fingerprints.readable(fingerprint, short=True)}")
    click.echo(f"Full:        {fingerprints.readable(fingerprint)}")


@click.group()
def identity() -> None:
    """This archive's age identity (what bundles are encrypted to)."""


@identity.command("create")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def identity_create(user_name: str, passphrase_file: Path | None) -> None:
    """Create an age identity; prints its public key (age1…) to give to field teams."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="do this")
        click.echo(own_keys.create_identity(conn, vault))


@identity.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the passphrase-protected age file.")
@option_acting_user
@option_passphrase_file
@option_new_passphrase_file
@_bundle_errors
def identity_export(out: Path, user_name: str, passphrase_file: Path | None,
                    new_passphrase_file: Path | None) -> None:
    """Back up the identities as an age file under a new passphrase (open it with age -d)."""
    if out.exists():
        raise CliError(f"{out} exists; choose another name")
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="do this")
        protect = read_new_passphrase(new_passphrase_file)
        data = own_keys.export_identities(conn, vault, protect, by=acting)
    atomic.write_atomically(out, data)
    click.echo(f"Wrote {out}.")


@click.group()
def recipient() -> None:
    """Legal teams this field instance exports to."""


@recipient.command("add")
@click.argument("name")
@click.argument("public_key")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def recipient_add(name: str, public_key: str, user_name: str, passphrase_file: Path | None) -> None:
    """Add a recipient by name and age public key (age1…)."""
    with unlocked(user_name, passphrase_file) as (_vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="do this")
        added = recipient_keys.add_recipient(conn, name, public_key)
    click.echo(f"Added {added.name}  {added.public_key}")


@recipient.command("list")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def recipient_list(user_name: str, passphrase_file: Path | None) -> None:
    """List recipients: name, public key, date added."""
    with unlocked(user_name, passphrase_file) as (_vault, _acting, conn):
        for item in recipient_keys.recipients(conn):
            click.echo(f"{item.name}  {item.public_key}  {item.added_at[:10]}")


@recipient.command("remove")
@click.argument("name")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def recipient_remove(name: str, user_name: str, passphrase_file: Path | None) -> None:
    """Remove a recipient (bundles already made stay readable by them)."""
    with unlocked(user_name, passphrase_file) as (_vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="do this")
        recipient_keys.remove_recipient(conn, name)
    click.echo(f"Removed {name}.")


@click.command("export")
@click.option("--purpose", type=click.Choice(consent.EXPORT_PURPOSES), required=True)
@click.option("--to", "to", required=True, help="Recipient names, separated by commas.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The bundle file to write (NAME.intake.age).")
@click.option("--all", "all_records", is_flag=True, help="Consider every testimony.")
@click.argument("record_ids", nargs=-1)
@option_acting_user
@option_passphrase_file
@_bundle_errors
def export(purpose: str, to: str, out: Path, all_records: bool, record_ids: tuple[str, ...],
           user_name: str, passphrase_file: Path | None) -> None:
    """Export a signed, encrypted bundle for one purpose; prints what went and what did not."""
    if all_records == bool(record_ids):
        raise CliError("give either --all or one or more testimony ids")
    if out.exists():
        raise CliError(f"{out} exists; choose another name")
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        names = dict.fromkeys(name.strip() for name in to.split(",") if name.strip())
        chosen = [recipient_keys.recipient(conn, name) for name in names]
        plan = selection.plan(conn, vault, acting, purpose, chosen,
                            None if all_records else list(record_ids))
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
    if not user_name:
        raise CliError("give --identity FILE, or --user to use this archive's own identity")
    with unlocked(user_name, passphrase_file) as (vault, _acting, conn):
        found = own_keys.identities(conn, vault)
    if not found:
        raise CliError("this archive has no age identity; run 'intake identity create'")
    return found


def _report(bundle: bundle_reader.Bundle) -> None:
    for check in bundle.checks:
        click.echo(f"{'PASS' if check.passed else 'FAIL'}  {check.name:<11} {check.detail}")


@click.command()
@click.argument("file", type=_existing_file)
@click.option("--identity", "identity_file", type=_existing_file,
              help="An age identity file; without it, this archive's identity (needs --user).")
@click.option("--user", "user_name", envvar="INTAKE_USER", help="Your user name (or INTAKE_USER).")
@option_passphrase_file
@_bundle_errors
def verify(file: Path, identity_file: Path | None, user_name: str | None,
           passphrase_file: Path | None) -> None:
    """Check a bundle (decryption, manifests, signature, format) without importing it."""
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
@option_acting_user
@option_passphrase_file
@_bundle_errors
def import_(file: Path, identity_file: Path | None, trust: str | None, user_name: str,
            passphrase_file: Path | None) -> None:
    """Verify a bundle, then import its records and revocation notices in one transaction."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        require_role(acting, "supervisor", "admin", to="do this")
        identities = (_identity_file(identity_file) if identity_file
                      else own_keys.identities(conn, vault))
        result = importer.import_bundle(conn, vault, acting, file, identities, trust=trust)
    bundle = result.bundle
    if result.already_imported:
        click.echo(f"Bundle {bundle.bundle_id} was imported before; nothing changed.")
        return
    counts = result.counts
    click.echo(f"Imported bundle {bundle.bundle_id} from {bundle.organisation} "
               f"({fingerprints.readable(bundle.fingerprint, short=True)}), {bundle.purpose}: "
               f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} "
               f"unchanged, {counts['revoked']} withdrawn.")


@click.group("consent")
def consent_group() -> None:
    """Withdraw a survivor's consent."""


@consent_group.command("withdraw")
@click.argument("record_id")
@click.option("--purpose", type=click.Choice(consent.WITHDRAWABLE), required=True)
@click.option("--note", default="", help="The survivor's words or the reason (kept sealed).")
@option_acting_user
@option_passphrase_file
@_bundle_errors
def consent_withdraw(record_id: str, purpose: str, note: str, user_name: str,
                     passphrase_file: Path | None) -> None:
    """Withdraw consent for one purpose; later bundles leave the record out and carry a notice."""
    with unlocked(user_name, passphrase_file) as (vault, acting, conn):
        record = withdrawal.withdraw(conn, vault, acting, record_id, purpose, note)
    click.echo(f"Consent for {purpose} withdrawn for {record.witness_code}.")



COMMANDS = (keys, identity, recipient, export, verify, import_, consent_group)
