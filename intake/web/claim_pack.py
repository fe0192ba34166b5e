"""The claim pack (docs/documents.md, "Claim pack"): one A4 PDF a survivor or her lawyer takes to
the General Directorate for Survivors' Affairs (GDSA) for a claim under the Yazidi Survivors Law
No. 8 of 2021, built in memory from a claim (archive/reparations.py) on printing/pdf.py.

A cover letter from the organisation, the application summary (always in Arabic, the
Directorate's language), the survivor's consent to share with the Directorate, the documents
checklist, the points to check (records/claims.py warnings, so a contradiction is never a
silently wrong form), the testimony extract the reparations profile allows (never the narrative),
and an annex of the attached files with their SHA-256. Everything but the summary is in the
language chosen when printing."""

from __future__ import annotations

from flask_babel import gettext as _

from intake.archive.reparations import Claim
from intake.clock import now_utc
from intake.printing.pdf import Paper
from intake.records import claims
from intake.web import labels
from intake.web.dates import in_words
from intake.web.documents import in_language
from intake.web.i18n import left_to_right
from intake.web.interview import COMMUNITIES, RELATIVE_STATUSES, SEXES, YSL_CATEGORIES

SUMMARY_LANGUAGE = "ar"


def filename(claim: Claim) -> str:
    """The download's name: the kind and the witness code, never a survivor's name."""
    return f"claim-{claim.witness_code}.pdf"


def build(claim: Claim, *, language: str, organisation: str) -> bytes:
    """The claim pack of ``claim`` in ``language`` (its summary in Arabic), as PDF bytes."""
    today = now_utc()[:10]
    with in_language(language):
        paper = Paper(language=language, title=_("Reparations claim"), header_text=organisation,
                      footer_text=_("Claim pack %(code)s, prepared %(date)s",
                                    code=left_to_right(claim.witness_code),
                                    date=in_words(today)))
        _cover_letter(paper, claim, organisation, today)
    with in_language(SUMMARY_LANGUAGE):
        paper.new_page()
        paper.switch_language(SUMMARY_LANGUAGE)
        _summary(paper, claim)
    with in_language(language):
        paper.new_page()
        paper.switch_language(language)
        _consent(paper, claim)
        _checklist(paper, claim)
        _extract(paper, claim)
        _annex(paper, claim)
    return paper.bytes


def _cover_letter(paper: Paper, claim: Claim, organisation: str, today: str) -> None:
    document = claim.document
    paper.paragraph(in_words(today))
    paper.paragraph(_("To the General Directorate for Survivors' Affairs (GDSA), Ministry of "
                      "Labour and Social Affairs, Nineveh"))
    paper.heading(_("Application for reparations under the Yazidi Survivors Law No. 8 of 2021"))
    paper.field(_("From"), organisation)
    paper.field(_("Applicant"), document.get("survivor", {}).get("full_name", ""))
    paper.field(_("Reference"), left_to_right(claim.witness_code))
    number = document.get("ysl", {}).get("application", {}).get("number", "")
    if number:
        paper.field(_("GDSA application number"), left_to_right(number))
    paper.paragraph(_("%(organisation)s submits this application on behalf of the survivor "
                      "named in the attached summary, with her consent to share it with the "
                      "Directorate.", organisation=organisation))
    interviewed = in_words(document.get("interview", {}).get("date", ""))
    if interviewed:
        paper.paragraph(_("Her testimony was recorded by %(recorded_by)s on %(date)s. So that "
                          "she need not tell her story again, this pack holds a short extract "
                          "of it and the documents listed in the checklist.",
                          recorded_by=claim.recorded_by, date=interviewed))
    paper.paragraph(_("The pack contains: the application summary in Arabic; the consent to "
                      "share with the Directorate; the documents checklist; the testimony "
                      "extract; and the list of attached files with their SHA-256 checksums, "
                      "by which each copy can be checked."))
    paper.signature_box(_("For the organisation: name, signature and stamp"))


def _summary(paper: Paper, claim: Claim) -> None:
    survivor, ysl = claim.document.get("survivor", {}), claim.document.get("ysl", {})
    paper.heading(_("Application summary"))
    paper.heading(_("The applicant"), 2)
    paper.field(_("Full name"), survivor.get("full_name", ""))
    paper.field(_("Other names and spellings"), "\n".join(survivor.get("other_names", [])))
    paper.field(_("Sex"), _label(SEXES, survivor.get("sex", "")))
    born = survivor.get("date_of_birth", "")
    age = survivor.get("age")
    paper.field(_("Date or year of birth"), in_words(born) if born else
                _("aged %(age)d at the interview", age=age) if age is not None else "")
    community = survivor.get("community", "")
    paper.field(_("Community"), survivor.get("community_other", "") if community == "other"
                and survivor.get("community_other") else _label(COMMUNITIES, community))
    paper.field(_("Place of origin"), survivor.get("place_of_origin", ""))
    paper.field(_("Where she lives now"), survivor.get("current_location", ""))
    phone = survivor.get("phone", "")
    paper.field(_("Phone"), left_to_right(phone) if phone else "")
    paper.heading(_("Eligibility"), 2)
    category = ysl.get("category", "")
    paper.field(_("Eligibility category"), _label(YSL_CATEGORIES, category))
    provision = claims.PROVISIONS.get(category)
    paper.field(_("Legal basis"), str(labels.PROVISIONS[provision]) if provision else "")
    paper.field(_("Date of abduction"), in_words(ysl.get("abduction_date", "")))
    paper.field(_("Date of release or escape"), in_words(ysl.get("release_date", "")))
    age_taken = ysl.get("age_at_abduction")
    paper.field(_("Age at abduction"), str(age_taken) if age_taken is not None else "")
    lost = [r for r in claim.document.get("relatives", []) if r.get("status") in
            ("killed", "missing")]
    paper.heading(_("Relatives killed or missing"), 2)
    if lost:
        paper.grid([_("Name"), _("Relation"), _("Status")],
                   [[r.get("name", ""), r.get("relation", ""),
                     _label(RELATIVE_STATUSES, r.get("status", ""))] for r in lost], [3, 2, 1.4])
    else:
        paper.paragraph(_("None recorded."))
    investigation = ysl.get("investigation", {})
    paper.heading(_("Investigation file"), 2)
    paper.field(_("Court or investigative office"), investigation.get("office", ""))
    number = investigation.get("file_number", "")
    paper.field(_("File number"), left_to_right(number) if number else "")
    paper.field(_("Date of the file"), in_words(investigation.get("date", "")))


def _consent(paper: Paper, claim: Claim) -> None:
    document = claim.document
    paper.heading(_("Consent to share with the Directorate"))
    given = claim.consented
    paper.tick(_("The survivor agreed that her testimony be used for a reparations claim under "
                 "the Yazidi Survivors Law, and shared with the Directorate for it."), given)
    at = claims.consent_given_at(document)
    paper.field(_("Date of consent"), in_words(at[:10]) if at else "")
    method = claims.consent_method(document)
    paper.field(_("How consent was given"), _label(labels.CONSENT_METHODS, method))
    guardian = document.get("consent", {}).get("guardian", {})
    if document.get("survivor", {}).get("minor"):
        paper.field(_("Guardian"), guardian.get("name", ""))
        paper.tick(_("The guardian consents"), guardian.get("consent") is True)
        paper.tick(_("The child agrees too"), guardian.get("child_assent") is True)


def _checklist(paper: Paper, claim: Claim) -> None:
    assessment = claim.assessment
    paper.heading(_("Documents checklist"))
    annexed = {file.id: number for number, file in enumerate(claim.files, start=1)}
    for item in assessment.documents:
        state = _("present") if item.present else _("missing")
        numbers = ", ".join(str(annexed[i]) for i in item.files if i in annexed)
        if numbers:
            state = _("present (annex: %(numbers)s)", numbers=numbers)
        paper.tick(f"{labels.CLAIM_DOCUMENTS[item.code]}: {state}", item.present)
    if assessment.missing_fields:
        paper.heading(_("Not yet in the record"), 3)
        for code in assessment.missing_fields:
            paper.paragraph(f"• {labels.CLAIM_FIELDS[code]}")
    if assessment.warnings:
        paper.heading(_("Points to check before submitting"), 3)
        for code in assessment.warnings:
            paper.paragraph(f"• {labels.CLAIM_WARNINGS[code]}")


def _extract(paper: Paper, claim: Claim) -> None:
    paper.heading(_("Testimony extract"))
    extract = claim.document.get("ysl", {}).get("extract", "").strip()
    paper.paragraph(extract or _("No extract was written for this claim."))


def _annex(paper: Paper, claim: Claim) -> None:
    paper.heading(_("Annex: attached files"))
    if not claim.files:
        paper.paragraph(_("No file is attached."))
        return
    paper.paragraph(_("Each file's SHA-256 checksum identifies it: a copy whose checksum "
                      "differs is not the same file."), small=True)
    for number, file in enumerate(claim.files, start=1):
        paper.paragraph(_("%(number)d. %(kind)s (%(type)s, %(size)s bytes)", number=number,
                          kind=labels.ATTACHMENT_KINDS.get(file.kind, file.kind),
                          type=left_to_right(file.media_type), size=f"{file.size:,}"),
                        bold=True)
        paper.paragraph(left_to_right(f"SHA-256 {file.sha256}"), small=True)


def _label(table: dict, code: str) -> str:
    return str(table[code]) if code in table else ""
