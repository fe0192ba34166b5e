"""The consent form on paper (docs/documents.md#consent-form): the words read aloud before the
interview, the same sentences the consent step shows (``script``, which the step's template
renders too, so the page and the paper never drift apart), each purpose with the survivor's
answer, how consent was given, its witness, date and interviewer, and boxes for the survivor's
signature or thumbprint (and, for a child, the guardian's and the child's own assent). A second
part is the survivor's copy to keep: what they agreed to, who holds their testimony and how to
withdraw consent. Before the interview the answers are empty: the boxes are left for a pen.

The form names the survivor by witness code only, never by name: a paper the survivor carries
home, or that is found at a checkpoint, must not say who spoke. Call ``build`` in the form's
language (web/documents.in_language)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import format_date
from flask_babel import gettext as _

from intake.printing.pdf import Paper
from intake.records.consent import PURPOSES, WITHDRAWABLE
from intake.web import labels
from intake.web.dates import in_words
from intake.web.statement import language_name


def script(organisation: str) -> list[str]:
    """The paragraphs read aloud before any question, in the current language; the purposes
    follow them (``labels.PURPOSES``)."""
    first = _("We document what happened to people during the ISIL conflict, so that those "
              "responsible can be brought to justice and survivors can receive reparations.")
    if organisation:
        first += " " + _("We are from %(organisation)s.", organisation=organisation)
    return [first,
            _("Taking part is your choice. You can refuse any question, take a break or stop at "
              "any time, and change your mind later. Saying no will not affect any help you "
              "receive."),
            _("What you tell us is kept encrypted on this laptop and shared only for the purposes "
              "you agree to now. I will ask you about each one:")]


def build(*, organisation: str, document: dict | None, witness_code: str = "",
          interviewer: str = "", language: str) -> bytes:
    """The organisation's copy and the survivor's copy of one consent, as a PDF. ``document``
    is the testimony (None before there is one: every answer left for a pen)."""
    doc = document or {}
    consent = doc.get("consent", {})
    minor = doc.get("survivor", {}).get("minor")
    blank = document is None
    paper = Paper(language=language, title=_("Consent form"), header_text=organisation)

    paper.heading(_("Consent form"))
    paper.paragraph(_("The organisation's copy"), bold=True)
    _particulars(paper, doc, witness_code, interviewer)
    paper.field(_("Language the consent was read in"),
                language_name(consent["language"]) if consent.get("language") else "")
    paper.heading(_("Read this aloud before any question"), 2)
    for text in script(organisation):
        paper.paragraph(text)
    paper.heading(_("The survivor's answers"), 2)
    _answers(paper, consent, blank)
    paper.heading(_("How consent was given"), 2)
    method = consent.get("method", "")
    for code, name in labels.CONSENT_METHODS.items():
        paper.tick(str(name), True if code == method and not blank else None)
    paper.field(_("Witness to the consent"), consent.get("witness", ""))
    if minor or blank:
        _minor(paper, consent.get("guardian", {}), blank)
    paper.heading(_("Signatures"), 2)
    paper.signature_box(_("Signature or thumbprint of the survivor"))
    if minor or blank:
        paper.signature_box(_("Signature or thumbprint of the guardian (for a survivor under 18)"))
        paper.signature_box(_("The child's own assent: signature or thumbprint (for a survivor "
                              "under 18)"))
    paper.signature_box(_("Signature of the witness to the consent"), height=18)
    paper.signature_box(_("Signature of the interviewer"), height=18)

    paper.new_page()
    paper.heading(_("Consent form"))
    paper.paragraph(_("The survivor's copy: keep it"), bold=True)
    _particulars(paper, doc, witness_code, interviewer)
    paper.heading(_("What you agreed to"), 2)
    _answers(paper, consent, blank)
    paper.heading(_("Who keeps your testimony"), 2)
    paper.field(_("Organisation"), organisation)
    paper.signature_box(_("How to reach the organisation (written by the interviewer)"),
                        height=16)
    paper.heading(_("How to withdraw your consent"), 2)
    paper.paragraph(_("You can withdraw your consent to any of these uses at any time, without "
                      "giving a reason: tell the organisation, in person or by phone, and give "
                      "the witness code written on this paper. Your testimony will not be shared "
                      "again for that use, and those who already received it will be told."))
    paper.paragraph(_("This paper does not carry your name. Keep it somewhere safe."), small=True)
    return paper.bytes


def _particulars(paper: Paper, doc: dict, witness_code: str, interviewer: str) -> None:
    """Witness code, date and interviewer: printed when known, else a space for a pen."""
    paper.field(_("Witness code"), witness_code or " ")
    paper.field(_("Date"), _consent_date(doc) or " ")
    paper.field(_("Interviewer"), doc.get("interview", {}).get("interviewer", "") or interviewer
                or " ")


def _answers(paper: Paper, consent: dict, blank: bool) -> None:
    for purpose in PURPOSES:
        answer = consent.get(purpose)
        text = str(labels.PURPOSES[purpose])
        if isinstance(answer, bool):
            text = f"{text}: {_('Yes') if answer else _('No')}"
            if purpose in WITHDRAWABLE and _withdrawn(consent, purpose):
                text = f"{text} ({_('withdrawn')})"
        paper.tick(text, answer if isinstance(answer, bool) and not blank else None)
    if blank:
        paper.paragraph(_("Tick the box for yes; cross it for no."), small=True)


def _minor(paper: Paper, guardian: dict, blank: bool) -> None:
    paper.heading(_("Minors"), 2)
    paper.paragraph(_("For a child, the guardian consents and the child agrees in their own "
                      "words."), small=True)
    paper.field(_("Guardian's name"), guardian.get("name", "") or " ")
    paper.field(_("Guardian's relation to the child"), guardian.get("relation", "") or " ")
    for key, label in (("consent", _("The guardian consents")),
                       ("child_assent", _("The child agrees too"))):
        value = guardian.get(key)
        paper.tick(f"{label}: {_('Yes') if value else _('No')}" if isinstance(value, bool)
                   else label, value if isinstance(value, bool) and not blank else None)


def _withdrawn(consent: dict, purpose: str) -> bool:
    last: dict = next((h for h in reversed(consent.get("history", []))
                 if h.get("purpose") == purpose), {})
    return last.get("method") == "withdrawal"


def _consent_date(doc: dict) -> str:
    """When consent to record was given (its history), else the interview's date."""
    entry = next((h for h in doc.get("consent", {}).get("history", [])
                  if h.get("purpose") == "record"), None)
    if entry and entry.get("at"):
        try:
            return format_date(datetime.fromisoformat(entry["at"]).astimezone(UTC), "long")
        except ValueError:
            pass
    return in_words(doc.get("interview", {}).get("date", ""))
