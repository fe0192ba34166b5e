"""The names people read for the codes the domain knows, translated (Flask-Babel), one table per
kind of code: each table's keys are exactly the domain's codes (tests/web/test_labels.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake.records import qualifications
from intake.web.i18n import left_to_right

# records/consent.py PURPOSES: as the consent form asks, and as a column heading.
PURPOSES = {
    "record": _l("To record this testimony"),
    "audio": _l("To make an audio recording"),
    "trial": _l("To use it in criminal proceedings (trials)"),
    "identity_to_prosecutors": _l("To disclose their identity to prosecutors"),
    "reparations": _l("To use it for a reparations claim under the Yazidi Survivors Law"),
    "international": _l("To share it with UN or other international mechanisms"),
    "research": _l("To use it, without their name, for research and advocacy"),
    "recontact": _l("To be contacted again"),
}
PURPOSE_SHORT_NAMES = {
    "record": _l("Record"), "audio": _l("Audio"), "trial": _l("Trial"),
    "identity_to_prosecutors": _l("Identity"), "reparations": _l("Reparations"),
    "international": _l("International"), "research": _l("Research"),
    "recontact": _l("Recontact"),
}
# records/consent.py EXPORT_PURPOSES: what a bundle is made for.
EXPORT_PURPOSES = {"trial": _l("Criminal proceedings (trial)"),
                   "reparations": _l("Reparations claim (Yazidi Survivors Law)"),
                   "international": _l("International mechanisms (UN, courts abroad)"),
                   "research": _l("Research and advocacy (de-identified)")}
# records/consent.py BUNDLE_PURPOSES: the export purposes and the hand-over.
BUNDLE_PURPOSES = {**EXPORT_PURPOSES, "handover": _l("Hand-over to our own archive")}
# records/consent.py METHODS
CONSENT_METHODS = {"verbal": _l("Verbal"), "written": _l("Written"),
                   "thumbprint": _l("Thumbprint")}
# records/taxonomy.py acts(), the codes of data/acts.json
ACTS = {
    "abduction": _l("Abduction"),
    "captivity": _l("Captivity"),
    "sexual_slavery": _l("Sexual slavery"),
    "rape": _l("Rape"),
    "forced_marriage": _l("Forced marriage"),
    "forced_conversion": _l("Forced conversion"),
    "killing": _l("Killing"),
    "mass_killing": _l("Mass killing"),
    "torture": _l("Torture"),
    "enslavement": _l("Enslavement or forced labour"),
    "trafficking": _l("Sale or trafficking"),
    "separation_of_children": _l("Separation of children from their families"),
    "child_recruitment": _l("Recruitment of children"),
    "forcible_transfer": _l("Forcible transfer"),
    "destruction_of_property": _l("Destruction of property or cultural sites"),
    "pillage": _l("Pillage"),
    "enforced_disappearance": _l("Enforced disappearance"),
    "other": _l("Other"),
}
# records/taxonomy.py WITNESSED: how the survivor knows of an incident
WITNESSED = {"saw": _l("The survivor saw it"), "heard": _l("The survivor heard of it")}
# records/taxonomy.py PERPETRATOR_ROLES: what a perpetrator did in an incident
PERPETRATOR_ROLES = {"ordered": _l("Gave the order"), "committed": _l("Committed the act"),
                     "bought": _l("Bought"), "sold": _l("Sold"), "guarded": _l("Guarded"),
                     "transported": _l("Transported"), "other": _l("Other")}
# records/taxonomy.py EARLIER_INTERVIEW_KINDS: who took an earlier statement
EARLIER_INTERVIEW_KINDS = {
    "ngo": _l("A non-governmental organisation"),
    "gdsa": _l("The General Directorate for Survivors' Affairs (GDSA)"),
    "investigative_judge": _l("An investigative judge"),
    "court": _l("A court"),
    "un": _l("A United Nations body"),
}
# records/qualifications.py provisions(), the provision ids of data/qualifications.json: short
# names; what each covers is English reference text for lawyers in the data file.
PROVISIONS = {
    "ysl_2_1": _l("Yazidi Survivors Law, art. 2 (First): Yazidi women and girls"),
    "ysl_2_2": _l("Yazidi Survivors Law, art. 2 (Second): Turkmen, Christian and Shabak women "
                  "and girls"),
    "ysl_2_3": _l("Yazidi Survivors Law, art. 2 (Third): Yazidi children kidnapped under 18"),
    "ysl_2_4": _l("Yazidi Survivors Law, art. 2 (Fourth): survivors of mass killings"),
    "ysl_9_1": _l("Yazidi Survivors Law, art. 9 (First): no amnesty"),
    "speicher_5": _l("Speicher Law, art. 5: no amnesty"),
    "amnesty_2016_terrorism": _l("General Amnesty Law: terrorism causing death or permanent "
                                 "disability is excluded"),
    "amnesty_2016_trafficking": _l("General Amnesty Law: human trafficking is excluded"),
    "amnesty_2016_rape": _l("General Amnesty Law: rape is excluded"),
    "amnesty_2025_retrial": _l("General Amnesty Law, 2025 amendment: retrial"),
}
# records/qualifications.py Conditions, what a bar to amnesty may require of an incident (the
# fields of the dataclass but not_in_record, whose facts are RECORD_FACTS below)
CONDITIONS = {
    "victim_community": _l("the survivor's community"),
    "victim_female": _l("that the survivor is a woman or girl"),
    "victim_under_18": _l("that the survivor was under 18"),
    "incident_from": _l("the date of the incident"),
    "incident_within": _l("the date of the incident"),
    "during_captivity": _l("that it happened in captivity"),
}
# the not_in_record facts of data/qualifications.json, which no field of a record holds
RECORD_FACTS = {
    "speicher_cadets": _l("that the victims were the Speicher cadets"),
    "terrorism_charge_with_death_or_disability": _l("a terrorism charge for an act that caused "
                                                    "death or permanent disability"),
    "charged_with_this_crime": _l("a charge for this crime"),
    "conviction_on_contested_evidence": _l("a conviction resting on contested evidence"),
}
# archive/grouping.py Comparison: the parts of a name two mentions agree or conflict on
NAME_PARTS = {
    "given": _l("Given name"),
    "father": _l("Father's name"),
    "grandfather": _l("Grandfather's name"),
    "order": _l("Order of the names"),
    "kunya": _l("Kunya (Abu or Umm)"),
    "nisba": _l("Nisba (origin or tribe)"),
    "laqab": _l("Epithet (laqab)"),
}
# records/attachments.py KINDS
ATTACHMENT_KINDS = {
    "audio": _l("Audio recording"),
    "consent_form": _l("Consent form (scan)"),
    "id_document": _l("ID document (scan)"),
    "civil_document": _l("Other civil document (scan)"),
    "investigation_papers": _l("Investigation paperwork (scan)"),
    "medical_report": _l("Medical or psychosocial report (scan)"),
    "photo": _l("Photo"),
}
# records/claims.py STATUSES: a reparations application at the GDSA
CLAIM_STATUSES = {"prepared": _l("Prepared"), "submitted": _l("Submitted"),
                  "returned": _l("Returned for documents"), "approved": _l("Approved"),
                  "rejected": _l("Rejected"), "appealed": _l("Appealed")}
# records/claims.py DOCUMENTS: the documents checklist of a claim
CLAIM_DOCUMENTS = {
    "civil_id": _l("Civil ID"),
    "civil_documents": _l("Other civil documents"),
    "investigation": _l("Investigation paperwork"),
    "medical": _l("Medical or psychosocial reports"),
    "extract": _l("Testimony extract"),
}
# records/claims.py FIELDS: what the record does not yet say for the application summary
CLAIM_FIELDS = {
    "name": _l("the survivor's full name"),
    "sex": _l("the survivor's sex"),
    "birth": _l("the date or year of birth"),
    "community": _l("the survivor's community"),
    "category": _l("the eligibility category"),
    "abduction_date": _l("the date of abduction"),
    "release_date": _l("the date of release or escape"),
    "investigation_file": _l("the investigation file number"),
}
# records/claims.py WARNINGS: what in the record contradicts or fails to support the category
CLAIM_WARNINGS = {
    "no_consent": _l("The survivor has not agreed to a reparations claim: no claim pack can be "
                     "printed."),
    "not_eligible": _l("The record says the survivor is not eligible."),
    "category_sex": _l("The category is for women and girls, but the survivor is not recorded "
                       "as female."),
    "sex_not_recorded": _l("The category is for women and girls, but the survivor's sex is not "
                           "recorded."),
    "category_community": _l("The category does not match the survivor's recorded community."),
    "child_age": _l("The category is for children abducted under 18, but the age at abduction "
                    "is 18 or more."),
    "child_age_unknown": _l("The category is for children abducted under 18, but the age at "
                            "abduction is not recorded."),
    "age_mismatch": _l("The age at abduction does not match the dates of birth and abduction."),
    "release_before_abduction": _l("The date of release is before the date of abduction."),
}
# bundles/selection.py EXCLUSION_REASONS
EXCLUSION_REASONS = {"not_complete": _l("Not marked complete"),
                     "no_consent": _l("No consent for this purpose"),
                     "withdrawn": _l("Consent withdrawn")}
# home/users.py ROLES
ROLES = {"interviewer": _l("Interviewer"), "supervisor": _l("Supervisor"),
         "admin": _l("Administrator")}
# home/mode.py MODES
MODES = {"field": _l("Field laptop"), "archive": _l("Archive")}
# home/passphrase_policy.py PROBLEMS, and the advice shown beside every new passphrase
PASSPHRASE_PROBLEMS = {
    "too_short": _l("The passphrase is too short: use at least 12 characters."),
    "too_guessable": _l("The passphrase is too easy to guess: add more unrelated words."),
}
PASSPHRASE_HINT = _l("Use at least 12 characters: four or more unrelated words in any language "
                     "work well. Avoid names, dates and phrases from songs or prayers.")
# screening/lists.py RowProblem.problem
LIST_PROBLEMS = {
    "unclosed_quote": _l("a quotation mark is never closed"),
    "extra_cells": _l("more cells than the header has columns"),
    "no_name": _l("no name"),
    "too_long": _l("a cell is too long to be a name or a note"),
    "bad_birth_year": _l("the birth year is not a year (screened without it)"),
}
# screening/lists.py LIST_ERRORS
LIST_ERRORS = {
    "encoding": _l("it is not UTF-8 or UTF-16 text: save it as CSV UTF-8"),
    "binary": _l("it is not a text file"),
    "empty": _l("the list is empty"),
    "no_rows": _l("the list has a header but no rows"),
    "too_many_rows": _l("it has more than 100,000 rows: split it"),
    "nothing_given": _l("choose a file or paste the names"),
}
# screening/matching.py levels
MATCH_LEVELS = {"strong": _l("Strong"), "possible": _l("Possible")}
# screening/screenings.py DECISIONS
SCREENING_DECISIONS = {"confirmed": _l("Confirmed"), "rejected": _l("Rejected"),
                       "unsure": _l("Unsure")}


def qualified(act: str) -> list[str]:
    """The act's Rome Statute articles and Iraqi provisions, in words."""
    said = []
    for found in qualifications.qualifications(act):
        if isinstance(found, qualifications.Provision):
            said.append(str(PROVISIONS[found.id]))
        else:
            article = left_to_right(found.article)  # 7(1)(e), not (e)(1)7, in a right-to-left line
            said.append(_("Rome Statute") + ", " + _("art. %(article)s", article=article))
    return said
