"""The witness statement on paper (docs/documents.md#witness-statement): the archive's record
page as a document (web/statement.py makes the same display data), for a lawyer to file or to
read back to the witness and have signed. The witness is named by witness code; their name,
other names, date and place of birth appear only when they consented to disclose their identity
to prosecutors, and their phone, address and ID number never. Redaction markers stay in the
text and are drawn as marked. Every page carries the custody reference: on an archive the
bundle id, the bundle's SHA-256, the signer's fingerprint and the record's version; on a field
laptop the testimony's id and version (it has not left in a bundle yet). The restricted
narrative is printed only on its own annex, when asked for, for a trial or international record
only (criminal proceedings, records/consent.py CRIMINAL_PURPOSES).

``envelope_for_statement`` is what both sides feed ``build``; call it and ``build`` in the
statement's language (web/documents.in_language)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from intake.bundles.redaction import MARKER_PATTERN
from intake.printing.pdf import RIGHT_TO_LEFT, Paper
from intake.web import statement as display
from intake.web.i18n import left_to_right
from intake.web.statement import Block, Row

# What a statement may say of the survivor: always, and with consent to disclose their identity.
_ALWAYS = ("sex", "age", "community", "community_other", "minor")
_IDENTITY = ("full_name", "other_names", "date_of_birth", "place_of_origin")


@dataclass
class Custody:
    """What ties the paper to the record it was printed from, on every page."""

    rows: list[Row]  # label and value, e.g. Bundle SHA-256 and its hex

    def line(self, right_to_left: bool) -> str:
        """One line for the foot of every page; on a right-to-left page each value is kept left
        to right as a unit (a fingerprint's groups must not be reordered)."""
        isolate = left_to_right if right_to_left else str
        return " · ".join(f"{row.label}: {isolate(row.value)}" for row in self.rows)


def envelope_for_statement(envelope: dict, identity: bool) -> dict:
    """``envelope`` with only the survivor details a statement may carry."""
    document = dict(envelope.get("document", {}))
    survivor = document.get("survivor", {})
    allowed = _ALWAYS + (_IDENTITY if identity else ())
    document["survivor"] = {k: v for k, v in survivor.items() if k in allowed}
    return {**envelope, "document": document}


def build(*, organisation: str, envelope: dict, witness_code: str, custody: Custody,
          provenance: list[Row], language: str, restricted: list[Block] | None = None) -> bytes:
    """The statement as a PDF; ``restricted`` (the restricted narrative's blocks) adds the
    annex. ``envelope`` has been through ``envelope_for_statement``."""
    s = display.statement(envelope)
    document = envelope.get("document", {})
    paper = Paper(language=language, title=_("Witness statement"), header_text=organisation,
                  footer_text=custody.line(language in RIGHT_TO_LEFT))
    paper.heading(_("Witness statement"))
    paper.field(_("Witness code"), witness_code)
    paper.paragraph(_("Printed on %(date)s", date=format_date(format="long")), small=True)

    _part(paper, _("Interview"), s.interview)
    if s.earlier_interviews:
        _part(paper, _("Earlier interviews by other organisations"), s.earlier_interviews, 3)
    paper.heading(_("Consent"), 2)
    for line in s.consent:
        paper.paragraph(line.heading, bold=True)
        for purpose in line.purposes:
            paper.paragraph(f"• {purpose}")
    for row in s.consent_details:
        paper.field(row.label, row.value)
    if s.survivor:
        _part(paper, _("Survivor"), s.survivor)
    if s.narrative or s.restricted:
        paper.heading(_("Narrative"), 2)
        for block in s.narrative:
            _block(paper, block)
        if s.restricted:
            paper.paragraph(_("A restricted narrative (graphic detail) is kept with this record. "
                              "It is printed only on its own annex, for criminal proceedings."),
                            small=True)
    if s.incidents:
        paper.heading(_("Incidents"), 2)
        for number, incident in enumerate(s.incidents, 1):
            _incident(paper, number, incident)
    if s.ysl:
        _part(paper, _("Yazidi Survivors Law"), s.ysl)
    if s.relatives or s.needs:
        paper.heading(_("Relatives and needs"), 2)
        for row in s.relatives + s.needs:
            _marked(paper, f"{row.label}: {row.value}" if row.value else row.label)
    _part(paper, _("Provenance"), provenance)
    _read_back(paper, document.get("interview", {}))
    if restricted:
        paper.new_page()
        paper.heading(_("Annex: restricted narrative (graphic detail)"))
        paper.paragraph(_("For criminal proceedings only. Printing this annex is recorded in the "
                          "audit trail."), bold=True)
        paper.field(_("Witness code"), witness_code)
        for block in restricted:
            _block(paper, block)
    return paper.bytes


def _part(paper: Paper, title: str, rows: list[Row], level: int = 2) -> None:
    paper.heading(title, level)
    for row in rows:
        paper.field(row.label, row.value)


def _block(paper: Paper, block: Block) -> None:
    paper.paragraph(block.language, bold=True, small=True)
    for text in block.text.split("\n"):
        if text.strip():
            _marked(paper, text)


def _marked(paper: Paper, text: str) -> None:
    """A paragraph of free text, its redaction markers drawn as marked (printing/pdf.py)."""
    paper.paragraph(text, marked=MARKER_PATTERN, own_direction=True)


def _incident(paper: Paper, number: int, incident: display.Incident) -> None:
    paper.heading(_("Incident %(number)d", number=number), 3)
    for act in incident.acts:
        qualified = "; ".join(f"{q.framework}: {', '.join(q.articles)}"
                              for q in act.qualifications)
        paper.paragraph(f"{act.name}" + (f" · {qualified}" if qualified else ""), bold=True)
    for row in incident.rows:
        paper.field(row.label, row.value)
    if incident.perpetrators:
        paper.heading(_("Perpetrators"), 3)
        for p in incident.perpetrators:
            text = p.name + (f" ({', '.join(p.aliases)})" if p.aliases else "")
            text += "".join(f"; {row.label}: {row.value}" for row in p.rows)
            _marked(paper, f"• {text}")
    if incident.others:
        paper.heading(_("Other victims and witnesses"), 3)
        for other in incident.others:
            _marked(paper, f"• {other.label}" + (f": {other.value}" if other.value else ""))
    if incident.description:
        _marked(paper, incident.description)


def _read_back(paper: Paper, interview: dict) -> None:
    """The read-back and the signatures: the witness, the interpreter and who took it."""
    language = display.language_name(interview.get("language", ""))
    paper.heading(_("Read-back and signatures"), 2)
    paper.paragraph(_("This statement was read back to the witness in %(language)s. The witness "
                      "confirmed that it is what they said, and signs below.", language=language))
    if interview.get("interpreter"):
        paper.field(_("Interpreter"), _("%(name)s, interpreting %(language)s",
                                        name=interview["interpreter"], language=language))
    paper.field(_("Date"), " ")
    paper.signature_box(_("Signature or thumbprint of the witness"))
    paper.signature_box(_("Signature of the interpreter"), height=18)
    paper.signature_box(_("Signature of the person who took the statement"), height=18)
