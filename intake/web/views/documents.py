"""Printing documents (docs/documents.md): the consent form, blank before an interview or filled
from a testimony, and the witness statement of a testimony (a field laptop's supervisors) or of
an archive record. Each is a posted form (CSRF) with the document's language; each is built in
memory, audited (web/documents.printed) and sent as a download that is never cached. What goes
on the paper is decided by web/consent_form.py and web/statement_document.py; what the command
line prints (cli/documents.py) comes from ``consent_document`` and the two ``*_statement``
functions here, so both say the same."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from intake.archive import catalogue
from intake.bundles import fingerprints
from intake.home import audit
from intake.home.audit import Actor
from intake.home.instance import organisation
from intake.home.users import User
from intake.records import consent, testimonies
from intake.store.connection import Connection
from intake.vault.keys import Vault
from intake.web import consent_form, documents, statement, statement_document
from intake.web.forms import DocumentForm
from intake.web.request import current_vault, db, login_required, signed_in_user
from intake.web.statement_document import Custody, Row

bp = Blueprint("documents", __name__)


class Refused(Exception):
    """A document that may not be printed; the message is for people (translated)."""


# ---- what the web and the command line share ----

def consent_document(conn: Connection, vault: Vault, user: User, record_id: str | None,
                     requested: str | None) -> tuple[bytes, str]:
    """A testimony's consent form (``record_id``) or a blank one (None), audited; and its
    language. The default language is the one consent was read in, else the interview's."""
    testimony = testimonies.load(conn, vault, record_id, user) if record_id else None
    doc = testimony.document if testimony else {}
    default = doc.get("consent", {}).get("language") or doc.get("interview", {}).get("language")
    language = documents.language_or(requested, default or str(_current_language()))
    with documents.in_language(language):
        data = consent_form.build(organisation=organisation(conn),
                                  document=testimony.document if testimony else None,
                                  witness_code=testimony.witness_code if testimony else "",
                                  interviewer=user.name if testimony is None
                                  or testimony.owner_id == user.id else "",
                                  language=language)
    about = {"record_id": testimony.id, "witness_code": testimony.witness_code} if testimony \
        else {"blank": "yes"}
    documents.printed(conn, vault, user, "consent", language=language, **about)
    return data, language


def testimony_statement(conn: Connection, vault: Vault, user: User, record_id: str,
                        requested: str | None, annex: bool) -> tuple[bytes, str]:
    """A field laptop's testimony as a statement (custody: its id and version), audited."""
    testimony = testimonies.load(conn, vault, record_id, user)
    doc = testimony.document
    if annex and not consent.for_criminal_proceedings(doc):
        raise Refused(_("The restricted annex is printed only for criminal proceedings."))
    envelope = statement_document.envelope_for_statement(
        {"document": doc, "restricted_fields": ["restricted_narrative"]},
        identity=consent.consent_given(doc, "identity_to_prosecutors"))
    custody = Custody([Row(_("Witness code"), testimony.witness_code),
                       Row(_("Testimony id"), testimony.id),
                       Row(_("Version"), str(testimony.version)),
                       Row(_("Not yet exported"), _("no bundle"))])
    provenance = [Row(_("Organisation"), organisation(conn)),
                  Row(_("Testimony id"), testimony.id), Row(_("Version"), str(testimony.version))]
    about = {"record_id": testimony.id, "witness_code": testimony.witness_code}
    return _statement(conn, vault, user, envelope, doc.get("restricted_narrative", []),
                      testimony.witness_code, custody, provenance, requested, annex, about)


def archive_statement(conn: Connection, vault: Vault, user: User, seq: int,
                      requested: str | None, annex: bool) -> tuple[bytes, str]:
    """An archive record as a statement (custody: its bundle and signer), audited."""
    found, envelope, _history = catalogue.load(conn, vault, seq)
    if found.withdrawn_at:
        raise Refused(_("Consent for this record's purpose was withdrawn: it is not printed."))
    if annex and found.purpose not in consent.CRIMINAL_PURPOSES:
        raise Refused(_("The restricted annex is printed only for criminal proceedings."))
    doc = envelope.get("document", {})
    identity = envelope.get("identity_disclosed") is True and \
        consent.consent_given(doc, "identity_to_prosecutors")
    bundle = catalogue.bundle(conn, found.bundle_id)
    custody = Custody([Row(_("Witness code"), found.witness_code),
                       Row(_("Bundle id"), found.bundle_id),
                       Row(_("Bundle SHA-256"), bundle.file_sha256),
                       Row(_("Signed by"), fingerprints.readable(found.source)),
                       Row(_("Version"), str(found.version))])
    provenance = [Row(_("Organisation"), found.organisation),
                  Row(_("Record id at the source"), found.record_id),
                  Row(_("Version"), str(found.version)), Row(_("Bundle id"), found.bundle_id),
                  Row(_("Bundle SHA-256"), bundle.file_sha256),
                  Row(_("Signed by"), fingerprints.readable(found.source))]
    if found.compromised_since:
        provenance.append(Row(_("From a compromised source"), found.compromised_since))
    restricted = [block for name in envelope.get("restricted_fields", [])
                  for block in doc.get(name, [])]
    about = {"archive_record": str(seq), "record_id": found.record_id,
             "witness_code": found.witness_code}
    return _statement(conn, vault, user, statement_document.envelope_for_statement(
        envelope, identity), restricted, found.witness_code, custody, provenance, requested,
        annex, about)


def _statement(conn: Connection, vault: Vault, user: Actor, envelope: dict,
               restricted: list[dict], witness_code: str, custody: Custody,
               provenance: list[Row], requested: str | None, annex: bool,
               about: dict[str, str]) -> tuple[bytes, str]:
    default = envelope.get("document", {}).get("interview", {}).get("language")
    language = documents.language_or(requested, default or "en")
    with documents.in_language(language):
        data = statement_document.build(
            organisation=organisation(conn), envelope=envelope, witness_code=witness_code,
            custody=custody, provenance=provenance, language=language,
            restricted=statement.blocks(restricted) if annex and restricted else None)
    with_annex = {"restricted_annex": "yes"} if annex and restricted else {}
    documents.printed(conn, vault, user, "statement", language=language, **with_annex, **about)
    if with_annex:  # the annex is a viewing of the restricted narrative, as the record page's
        audit.record(conn, vault, user, "restricted_viewed", printed="statement", **about)
    return data, language


def _current_language() -> str:
    return str(get_locale() or "en")


# ---- the pages ----

@bp.route("/documents/consent", methods=["POST"])
@login_required()
def blank_consent() -> ResponseReturnValue:
    """A consent form with every answer left for a pen, to print before the interview."""
    form = DocumentForm()
    if not form.validate_on_submit():
        return redirect(url_for("testimonies.new"))
    data, _language = consent_document(db(), current_vault(), signed_in_user(), None,
                                       form.language.data)
    return documents.pdf_response(data, "consent-form.pdf")


@bp.route("/testimonies/<record_id>/consent-form", methods=["POST"])
@login_required()
def consent_of(record_id: str) -> ResponseReturnValue:
    form = DocumentForm()
    if not form.validate_on_submit():
        return redirect(url_for("testimonies.view", record_id=record_id))
    try:
        data, _language = consent_document(db(), current_vault(), signed_in_user(), record_id,
                                           form.language.data)
    except testimonies.NotFound:
        abort(404)
    return documents.pdf_response(data, f"consent-form-{record_id}.pdf")


@bp.route("/testimonies/<record_id>/statement", methods=["POST"])
@login_required("supervisor", "admin")
def testimony(record_id: str) -> ResponseReturnValue:
    form = DocumentForm()
    back = url_for("testimonies.view", record_id=record_id)
    if not form.validate_on_submit():
        return redirect(back)
    try:
        data, _language = testimony_statement(db(), current_vault(), signed_in_user(),
                                              record_id, form.language.data,
                                              bool(form.restricted_annex.data))
    except testimonies.NotFound:
        abort(404)
    except Refused as refused:
        flash(str(refused), "error")
        return redirect(back)
    return documents.pdf_response(data, f"statement-{record_id}.pdf")


@bp.route("/archive/records/<int:seq>/statement", methods=["POST"])
@login_required("supervisor", "admin")
def archive_record(seq: int) -> ResponseReturnValue:
    form = DocumentForm()
    back = url_for("archive.record", seq=seq)
    if not form.validate_on_submit():
        return redirect(back)
    try:
        data, _language = archive_statement(db(), current_vault(), signed_in_user(), seq,
                                            form.language.data, bool(form.restricted_annex.data))
    except LookupError:
        abort(404)
    except Refused as refused:
        flash(str(refused), "error")
        return redirect(back)
    return documents.pdf_response(data, f"statement-{seq}.pdf")
