"""The eight steps of the survivor-centred interview: one form per step and how each maps to and
from the testimony document (docs/testimony.schema.json).

Only the consent to record is required. Every other answer may stay empty, and sensitive
questions offer "prefer not to say". Dates are EDTF; a date that is not yet valid is kept as
typed (so nothing is lost) and flagged until it is corrected, since completion needs valid dates.

Every field takes its limits from the schema (``limited``): the browser's ``maxlength`` stops
typing there and the server refuses more with a plain message. An answer the schema cannot hold
(too long, not one of the choices, out of range) is not saved, and the rest of the step is
(``savable_document``); the page keeps what was typed and marks the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from intake.records.consent import PURPOSES
from intake.records.schema import is_edtf, limits, schema
from intake.records.taxonomy import WITNESSED, acts
from intake.web import labels
from intake.web.forms import options

EDTF_EXAMPLES = (("2014-08-03", _l("3 August 2014")), ("2014-08", _l("August 2014")),
                 ("2014-08~", _l("around August 2014")), ("2014?", _l("perhaps 2014")),
                 ("2014-22", _l("summer 2014")),
                 ("2014-08/2017-05", _l("from August 2014 to May 2017")))


class _DateHint:
    """EDTF examples under a date field. Each date is isolated left-to-right in markup, so a
    right-to-left page never shows 2014-08~ as ~2014-08. Rendered lazily, in the page's language."""

    def __html__(self) -> Markup:
        examples = Markup(" · ").join(Markup('<bdi dir="ltr"><code>{}</code></bdi> ({})').format(date, meaning)
                                      for date, meaning in EDTF_EXAMPLES)
        return Markup("{} {}").format(_l("Dates can be approximate, for example:"), examples)

    __str__ = __html__


EDTF_HINT = _DateHint()
SURVIVOR_LANGUAGES = ("ku", "ckb", "ar", "tr", "syr", "fa", "en")
_LANGUAGE_TAG = re.compile(schema()["$defs"]["language"]["pattern"])  # BCP 47, as the schema says
_YES_NO = options([("yes", _l("Yes")), ("no", _l("No"))])
# A question whose answer may be "not known" (stored as null): nothing chosen is not known too.
_YES_NO_UNKNOWN = options([("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not known"))])
_NO_AUTOFILL = {"autocomplete": "off"}
_TEXT = {"dir": "auto"}


def _edtf(form: Form, field: StringField) -> None:
    if not is_edtf((field.data or "").strip()):
        raise ValidationError(_l("This is not a date we can read: see the examples below the field."))


def _tags(form: Form, field: StringField) -> None:
    if any(not _LANGUAGE_TAG.match(tag) for tag in split_list(field.data, ",")):
        raise ValidationError(_l("Use language codes such as ku, ar or syr, separated by commas."))


def language_choices() -> list:
    """Survivors' languages, named in the interface language."""
    from babel import Locale

    ui = get_locale()
    return options([("", "—")] + [(tag, Locale.parse(tag).get_display_name(ui) or tag)
                                  for tag in SURVIVOR_LANGUAGES])


TOO_LONG = _l("At most %(max)d characters.")
TOO_LONG_ENTRY = _l("At most %(max)d characters in each entry.")


class _EachAtMost:
    """Every entry of a list typed in one field (one per line, or separated by commas) fits
    the schema's limit for the list's items."""

    def __init__(self, size: int, separator: str):
        self.size, self.separator = size, separator

    def __call__(self, form: Form, field: StringField) -> None:
        if any(len(item) > self.size for item in split_list(field.data, self.separator)):
            raise ValidationError(TOO_LONG_ENTRY % {"max": self.size})


class _Range(NumberRange):
    """NumberRange for whole numbers of any size: its NaN check (``math.isnan``) overflows on a
    400-digit number, which a form can send."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, int) and self.min is not None and self.max is not None:
            if not self.min <= field.data <= self.max:  # exact for ints of any size
                message = self.message or field.gettext("Number must be between %(min)s and %(max)s.")
                raise ValidationError(message % {"min": self.min, "max": self.max})
            return
        super().__call__(form, field)


def limited(path: str, render_kw: dict | None = None, *, validators: tuple = (),
            filters: tuple = (), separator: str = "\n") -> dict:
    """Keyword arguments for the field that holds ``path`` of the document
    ("survivor/full_name"): the schema's length limit as a validator, which the server checks
    and WTForms renders as ``maxlength`` (the browser stops typing); its range likewise (min,
    max); for a list typed in one field, its items' limit per entry."""
    found, checks = limits(path), list(validators)
    if "maxLength" in found:
        checks.append(Length(max=found["maxLength"], message=TOO_LONG))
    if "minimum" in found or "maximum" in found:
        checks = [Optional(), _Range(found.get("minimum"), found.get("maximum")), *checks]
    if "pattern" in found:
        checks.append(Regexp(found["pattern"], message=_l("This is not a value this field can hold.")))
    if "maxLength" in found.get("items", {}):
        checks.append(_EachAtMost(found["items"]["maxLength"], separator))
    return {"validators": checks, "render_kw": render_kw or {}, "filters": list(filters)}


def _one_line_break(text: str | None) -> str | None:
    """Browsers count a line break in a textarea as one character against ``maxlength`` but
    send it as CR LF (HTML, "constructing the entry list"); stored as LF, it counts as one."""
    return text.replace("\r\n", "\n") if text else text


def long_text(label: str, path: str, rows: int) -> TextAreaField:
    return TextAreaField(label, **limited(path, {**_TEXT, "rows": rows},
                                          filters=(_one_line_break,)))


def short_text(label: str, path: str, render_kw: dict | None = None) -> StringField:
    return StringField(label, **limited(path, _TEXT if render_kw is None else render_kw))


def date_field(label: str, path: str) -> StringField:
    return StringField(label, description=EDTF_HINT,
                       **limited(path, {**_NO_AUTOFILL, "dir": "ltr"}, validators=(_edtf,),
                                 filters=(_without_bidi_controls,)))


def _t(field: StringField) -> str:
    """A text answer without surrounding spaces; a field missing from the post is empty."""
    return (field.data or "").strip()


_SEPARATORS = {"\n": re.compile(r"[\r\n]+"), ",": re.compile(r"[,،؛;]")}  # Latin and Arabic commas
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def split_list(text: str | None, separator: str = "\n") -> list[str]:
    """Items of a list typed one per line, or separated by commas in any script."""
    return [part.strip() for part in _SEPARATORS[separator].split(text or "") if part.strip()]


def _without_bidi_controls(text: str | None) -> str | None:
    """A date copied from right-to-left text may carry invisible direction marks."""
    return text.translate(_BIDI_CONTROLS) if text else text


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def from_bool(value: bool | None) -> str | None:
    return {True: "yes", False: "no"}.get(value)  # type: ignore[arg-type]


def yes_no_unknown(label: str) -> RadioField:
    """Yes, no or not known; the answer is ``True``, ``False`` or ``None`` (``answer``)."""
    return RadioField(label, choices=_YES_NO_UNKNOWN, validators=[Optional()])


def from_answer(holder: dict, key: str) -> str | None:
    """A yes/no/not known answer as the form shows it: "not known" once answered so."""
    if key not in holder:
        return None
    return from_bool(holder[key]) or "unknown"


def _filled(entries: list[dict]) -> list[dict]:
    """Rows with something in them; a cleared row is how an entry is removed."""
    def has_content(value: object) -> bool:
        if isinstance(value, dict):
            return any(has_content(v) for v in value.values())
        if isinstance(value, list):
            return any(has_content(v) for v in value)
        return value not in (None, "", False)
    return [entry for entry in entries if has_content(entry)]


class LanguageSelect(SelectField):
    def __init__(self, label: str, **kwargs: object):
        super().__init__(label, choices=[], validate_choice=False, **kwargs)

    def pre_validate(self, form: Form) -> None:
        if self.data and self.data not in SURVIVOR_LANGUAGES:
            raise ValidationError(_l("Choose a language from the list."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Step 1: consent ----------------------------------------------------------------------------

class ConsentForm(FlaskForm):
    record = RadioField(labels.PURPOSES["record"], choices=_YES_NO, validators=[
        InputRequired(message=_l("Ask this first: without an answer nothing can be saved."))])
    audio = RadioField(labels.PURPOSES["audio"], choices=_YES_NO, validators=[Optional()])
    trial = RadioField(labels.PURPOSES["trial"], choices=_YES_NO, validators=[Optional()])
    identity_to_prosecutors = RadioField(labels.PURPOSES["identity_to_prosecutors"], choices=_YES_NO,
                                         validators=[Optional()])
    reparations = RadioField(labels.PURPOSES["reparations"], choices=_YES_NO, validators=[Optional()])
    international = RadioField(labels.PURPOSES["international"], choices=_YES_NO,
                               validators=[Optional()])
    research = RadioField(labels.PURPOSES["research"], choices=_YES_NO, validators=[Optional()])
    recontact = RadioField(labels.PURPOSES["recontact"], choices=_YES_NO, validators=[Optional()])
    method = SelectField(default="", label=_l("How consent was given"),
                         choices=options([("", "—"), *labels.CONSENT_METHODS.items()]))
    witness = short_text(_l("Witness to the consent"), "consent/witness")
    language = LanguageSelect(_l("Language the consent was read in"))
    minor = BooleanField(_l("The survivor is under 18"))
    guardian_name = short_text(_l("Guardian's name"), "consent/guardian/name")
    guardian_relation = short_text(_l("Guardian's relation to the child"), "consent/guardian/relation")
    guardian_consent = RadioField(_l("The guardian consents"), choices=_YES_NO,
                                  validators=[Optional()])
    child_assent = RadioField(_l("The child agrees too"), choices=_YES_NO,
                              validators=[Optional()])

    @staticmethod
    def from_document(doc: dict) -> dict:
        consent = doc.get("consent", {})
        guardian = consent.get("guardian", {})
        return {**{p: from_bool(consent.get(p)) for p in PURPOSES},
                "method": consent.get("method", ""), "witness": consent.get("witness", ""),
                "language": consent.get("language", ""),
                "minor": doc.get("survivor", {}).get("minor", False),
                "guardian_name": guardian.get("name", ""),
                "guardian_relation": guardian.get("relation", ""),
                "guardian_consent": from_bool(guardian.get("consent")),
                "child_assent": from_bool(guardian.get("child_assent"))}

    def to_document(self, doc: dict) -> dict:
        consent: dict[str, object] = {p: value for p in PURPOSES
                                      if (value := yes_no(getattr(self, p).data)) is not None}
        consent.update(method=self.method.data or "", witness=_t(self.witness),
                       language=self.language.data or "")
        if self.minor.data:
            guardian = {"name": _t(self.guardian_name),
                        "relation": _t(self.guardian_relation),
                        "consent": yes_no(self.guardian_consent.data),
                        "child_assent": yes_no(self.child_assent.data)}
            consent["guardian"] = {k: v for k, v in guardian.items() if v is not None}
        survivor = {**doc.get("survivor", {}), "minor": bool(self.minor.data)}
        history = doc.get("consent", {}).get("history", [])
        return {**doc, "consent": {**consent, "history": history}, "survivor": survivor}


# Step 2: the interview ----------------------------------------------------------------------

class EarlierInterviewForm(Form):
    organisation = short_text(_l("Organisation"), "interview/earlier_interviews/organisation")
    date = date_field(_l("When"), "interview/earlier_interviews/date")
    kind = SelectField(default="", label=_l("Who took that statement"),
                       choices=options([("", "—"), *labels.EARLIER_INTERVIEW_KINDS.items()]))
    copy_available = yes_no_unknown(_l("Is a copy of that statement available?"))
    # Set only by linking an earlier testimony of this organisation; carried through each
    # save of this step in its row, held to the schema's pattern like any other answer.
    witness_code = HiddenField(**limited("interview/earlier_interviews/witness_code"))
    record_id = HiddenField(**limited("interview/earlier_interviews/record_id"))

    def value(self) -> dict:
        entry: dict[str, object] = {"organisation": _t(self.organisation), "date": _t(self.date),
                                    "kind": self.kind.data or "",
                                    "copy_available": yes_no(self.copy_available.data)}
        if _t(self.witness_code) or _t(self.record_id):
            entry.update(witness_code=_t(self.witness_code), record_id=_t(self.record_id))
        return entry


class InterviewForm(FlaskForm):
    date = date_field(_l("Date of this interview"), "interview/date")
    location = short_text(_l("Place (general: camp, town or district)"), "interview/location")
    interviewer = short_text(_l("Interviewer"), "interview/interviewer")
    interpreter = short_text(_l("Interpreter"), "interview/interpreter")
    language = LanguageSelect(_l("Main language of the interview"))
    other_languages = StringField(_l("Other languages spoken (codes, separated by commas)"),
                                  validators=[_tags], render_kw={"dir": "ltr"})
    persons_present = TextAreaField(_l("Who else was present (one per line: a name and role, "
                                       "for example Layla Khalaf, interpreter)"),
                                    **limited("interview/persons_present", {**_TEXT, "rows": 3}))
    read_back_confirmed = yes_no_unknown(_l("The statement was read back to her in her language "
                                            "and she confirmed it"))
    given_freely = yes_no_unknown(_l("She gave the statement freely, without pressure, threat "
                                     "or promise"))
    earlier_interviews = FieldList(FormField(EarlierInterviewForm), min_entries=1,
                                   label=_l("Earlier interviews by other organisations"))

    @staticmethod
    def from_document(doc: dict) -> dict:
        interview = doc.get("interview", {})
        earlier = [{**e, "copy_available": from_answer(e, "copy_available")}
                   for e in interview.get("earlier_interviews", [])]
        return {**interview, "other_languages": ", ".join(interview.get("other_languages", [])),
                "persons_present": "\n".join(interview.get("persons_present", [])),
                "read_back_confirmed": from_answer(interview, "read_back_confirmed"),
                "given_freely": from_answer(interview, "given_freely"),
                "earlier_interviews": earlier}

    def to_document(self, doc: dict) -> dict:
        tags = [t for t in split_list(self.other_languages.data, ",") if _LANGUAGE_TAG.match(t)]
        interview = {
            "date": _t(self.date), "location": _t(self.location),
            "interviewer": _t(self.interviewer),
            "interpreter": _t(self.interpreter), "language": self.language.data or "",
            "other_languages": tags,
            "persons_present": split_list(self.persons_present.data),
            "read_back_confirmed": yes_no(self.read_back_confirmed.data),
            "given_freely": yes_no(self.given_freely.data),
            "earlier_interviews": _filled([e.form.value() for e in self.earlier_interviews]),
        }
        return {**doc, "interview": interview}


# Step 3: the survivor -----------------------------------------------------------------------

_PREFER_NOT = ("prefer_not_to_say", _l("Prefer not to say"))
COMMUNITIES = {"yazidi": _l("Yazidi"), "turkmen": _l("Turkmen"), "shabak": _l("Shabak"),
               "christian": _l("Christian"), "other": _l("Other"),
               "prefer_not_to_say": _PREFER_NOT[1]}
SEXES = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other"),
         "prefer_not_to_say": _PREFER_NOT[1]}
STATUS_NAMES = {"draft": _l("Draft"), "complete": _l("Complete"),
                "refused": _l("Consent refused")}


class SurvivorForm(FlaskForm):
    full_name = short_text(_l("Full name"), "survivor/full_name", {**_TEXT, **_NO_AUTOFILL})
    other_names = TextAreaField(_l("Other names and spellings (one per line)"),
                                **limited("survivor/other_names",
                                          {**_TEXT, **_NO_AUTOFILL, "rows": 3}))
    sex = SelectField(default="", label=_l("Sex"), choices=options([("", "—"), *SEXES.items()]))
    date_of_birth = date_field(_l("Date of birth"), "survivor/date_of_birth")
    age = IntegerField(_l("Age, if the date of birth is not known"), **limited("survivor/age"))
    community = SelectField(default="", label=_l("Community"), choices=options([("", "—"), *COMMUNITIES.items()]))
    community_other = short_text(_l("Community, if other"), "survivor/community_other")
    place_of_origin = short_text(_l("Place of origin"), "survivor/place_of_origin")
    current_location = short_text(_l("Where they live now"), "survivor/current_location",
                            {**_TEXT, **_NO_AUTOFILL})
    phone = short_text(_l("Phone"), "survivor/phone", {**_NO_AUTOFILL, "dir": "ltr", "type": "tel"})
    id_number = short_text(_l("National ID number"), "survivor/id_number",
                     {**_NO_AUTOFILL, "dir": "ltr"})

    _TEXT_FIELDS = ("full_name", "community_other", "place_of_origin", "current_location",
                    "phone", "id_number")

    @staticmethod
    def from_document(doc: dict) -> dict:
        survivor = doc.get("survivor", {})
        return {**survivor, "other_names": "\n".join(survivor.get("other_names", []))}

    def to_document(self, doc: dict) -> dict:
        survivor: dict[str, object] = {name: _t(getattr(self, name)) for name in self._TEXT_FIELDS}
        survivor.update(other_names=split_list(self.other_names.data), sex=self.sex.data or "",
                        date_of_birth=_t(self.date_of_birth), age=self.age.data,
                        community=self.community.data or "",
                        minor=doc.get("survivor", {}).get("minor", False))
        return {**doc, "survivor": survivor}


# Step 4: narrative --------------------------------------------------------------------------

class TextBlockForm(Form):
    language = LanguageSelect(_l("Language"))
    text = long_text(_l("Text"), "narrative/text", rows=10)


def _blocks(field: FieldList) -> list[dict]:
    return _filled([{"language": b.language.data or "", "text": _t(b.text)}
                    for b in field if _t(b.text)])


class NarrativeForm(FlaskForm):
    narrative = FieldList(FormField(TextBlockForm), min_entries=1, label=_l("Narrative"))
    restricted_narrative = FieldList(FormField(TextBlockForm), min_entries=1,
                                     label=_l("Restricted: graphic detail"))

    @staticmethod
    def from_document(doc: dict) -> dict:
        return {"narrative": doc.get("narrative", []),
                "restricted_narrative": doc.get("restricted_narrative", [])}

    def to_document(self, doc: dict) -> dict:
        return {**doc, "narrative": _blocks(self.narrative),
                "restricted_narrative": _blocks(self.restricted_narrative)}


# Step 5: incidents --------------------------------------------------------------------------

class PerpetratorForm(Form):
    name = short_text(_l("Name"), "incidents/perpetrators/name")
    aliases = StringField(_l("Kunya or other names (separated by commas)"),
                          **limited("incidents/perpetrators/aliases", _TEXT, separator=","))
    nationality = short_text(_l("Nationality"), "incidents/perpetrators/nationality")
    roles = CheckboxesField(_l("What he did in this incident"), choices=lambda: options(
        labels.PERPETRATOR_ROLES.items()))
    role = short_text(_l("What he did, in her words"), "incidents/perpetrators/role")


class OtherPersonForm(Form):
    name = short_text(_l("Name"), "incidents/others/name")
    role = SelectField(default="", label=_l("Was this person"), choices=options([("", "—"), ("victim", _l("a victim")),
                                                               ("witness", _l("a witness"))]))


class IncidentForm(Form):
    acts = CheckboxesField(_l("What happened"), choices=lambda: options(
        (code, labels.ACTS[code]) for code in acts()))
    date = date_field(_l("When"), "incidents/date")
    place = short_text(_l("Where"), "incidents/place")
    witnessed = SelectField(default="", label=_l("How does she know of it?"),
                            choices=lambda: options([("", "—"), *((code, labels.WITNESSED[code])
                                                                   for code in WITNESSED)]))
    heard_from = short_text(_l("If she heard of it: from whom"), "incidents/heard_from")
    perpetrators = FieldList(FormField(PerpetratorForm), min_entries=1,
                             label=_l("Perpetrators"))
    others = FieldList(FormField(OtherPersonForm), min_entries=1,
                       label=_l("Other victims and witnesses"))
    description = long_text(_l("Description"), "incidents/description", rows=5)


class IncidentsForm(FlaskForm):
    incidents = FieldList(FormField(IncidentForm), min_entries=1, label=_l("Incidents"))

    @staticmethod
    def from_document(doc: dict) -> dict:
        incidents = [{**i, "perpetrators": [{**p, "aliases": ", ".join(p.get("aliases", []))}
                                            for p in i.get("perpetrators", [])]}
                     for i in doc.get("incidents", [])]
        return {"incidents": incidents}

    def to_document(self, doc: dict) -> dict:
        incidents = []
        for entry in self.incidents:
            incident = entry.form
            incidents.append({
                "acts": list(incident.acts.data or []), "date": _t(incident.date),
                "place": _t(incident.place),
                "witnessed": incident.witnessed.data or "", "heard_from": _t(incident.heard_from),
                "perpetrators": _filled([
                    {"name": _t(p.form.name),
                     "aliases": split_list(p.form.aliases.data, ","),
                     "nationality": _t(p.form.nationality),
                     "roles": list(p.form.roles.data or []),
                     "role": _t(p.form.role)} for p in incident.perpetrators]),
                "others": _filled([{"name": _t(o.form.name), "role": o.form.role.data}
                                   for o in incident.others]),
                "description": _t(incident.description)})
        return {**doc, "incidents": _filled(incidents)}


# Step 6: Yazidi Survivors Law ---------------------------------------------------------------

YSL_CATEGORIES = {
    "yazidi_female_captivity": _l("Yazidi woman or girl who survived ISIL captivity (Art. 2, First)"),
    "minority_female_captivity": _l("Turkmen, Shabak or Christian woman or girl who survived "
                                    "ISIL captivity (Art. 2, Second)"),
    "child_abducted": _l("Yazidi child abducted before the age of 18 (Art. 2, Third)"),
    "mass_killing_survivor": _l("Survivor of a mass killing (Art. 2, Fourth)"),
    "not_eligible": _l("Not eligible"),
    "unknown": _l("Not yet known"),
}


class InvestigationForm(Form):
    """The investigation file the GDSA asks for with a claim (records/claims.py)."""

    office = short_text(_l("Court or investigative office"), "ysl/investigation/office")
    file_number = short_text(_l("File number"), "ysl/investigation/file_number",
                             {**_NO_AUTOFILL, "dir": "auto"})
    date = date_field(_l("Date of the file"), "ysl/investigation/date")

    def value(self) -> dict:
        return {"office": _t(self.office), "file_number": _t(self.file_number),
                "date": _t(self.date)}


class ApplicationForm(Form):
    """The survivor's application at the GDSA, here and on the Claims page."""

    number = short_text(_l("GDSA application number"), "ysl/application/number",
                        {**_NO_AUTOFILL, "dir": "auto"})
    submitted = date_field(_l("Date submitted"), "ysl/application/submitted")
    status = SelectField(default="", label=_l("Status of the application"),
                         choices=options([("", "—"), *labels.CLAIM_STATUSES.items()]))
    decision_date = date_field(_l("Date of the decision"), "ysl/application/decision_date")
    note = short_text(_l("Note (for example, which documents were asked for)"),
                      "ysl/application/note")

    def value(self) -> dict:
        return {"number": _t(self.number), "submitted": _t(self.submitted),
                "status": self.status.data or "", "decision_date": _t(self.decision_date),
                "note": _t(self.note)}


class YslForm(FlaskForm):
    category = SelectField(default="", label=_l("Eligibility category"),
                           choices=options([("", "—"), *YSL_CATEGORIES.items()]))
    abduction_date = date_field(_l("Date of abduction"), "ysl/abduction_date")
    release_date = date_field(_l("Date of release or escape"), "ysl/release_date")
    age_at_abduction = IntegerField(_l("Age at abduction"), **limited("ysl/age_at_abduction"))
    investigation = FormField(InvestigationForm, label=_l("Investigation file"))
    application = FormField(ApplicationForm, label=_l("Application to the General Directorate "
                                                      "for Survivors' Affairs (GDSA)"))
    extract = TextAreaField(_l("Testimony extract for the claim (a few sentences the survivor "
                               "agrees the Directorate may read; never graphic detail)"),
                            **limited("ysl/extract", {**_TEXT, "rows": 5},
                                      filters=(_one_line_break,)))

    @staticmethod
    def from_document(doc: dict) -> dict:
        return doc.get("ysl", {})

    def to_document(self, doc: dict) -> dict:
        ysl = {"category": self.category.data or "", "abduction_date": _t(self.abduction_date),
               "release_date": _t(self.release_date),
               "age_at_abduction": self.age_at_abduction.data}
        # The claim's parts only when answered: most testimonies never become a claim.
        claim = {"investigation": self.investigation.form.value(),
                 "application": self.application.form.value(), "extract": _t(self.extract)}
        ysl.update({k: v for k, v in claim.items() if _filled([v] if isinstance(v, dict) else
                                                                [{"text": v}])})
        return {**doc, "ysl": ysl}


class ClaimStatusForm(FlaskForm):
    """The Claims page's form: the application alone (records/claims.update_application)."""

    application = FormField(ApplicationForm, label=_l("Application to the General Directorate "
                                                      "for Survivors' Affairs (GDSA)"))


# Step 7: relatives, needs and referrals -----------------------------------------------------

NEEDS = {"medical": _l("Medical"), "psychosocial": _l("Psychosocial"), "legal": _l("Legal"),
         "livelihood": _l("Livelihood"), "shelter": _l("Shelter")}
RELATIVE_STATUSES = {"killed": _l("Killed"), "missing": _l("Missing"),
                     "survived": _l("Survived"), "unknown": _l("Unknown")}


class RelativeForm(Form):
    name = short_text(_l("Name"), "relatives/name")
    relation = short_text(_l("Relation"), "relatives/relation")
    status = SelectField(default="", label=_l("Status"), choices=options([("", "—"), *RELATIVE_STATUSES.items()]))


class NeedForm(Form):
    needed = BooleanField(_l("Needed"))
    referred_to = short_text(_l("Referred to"), "needs/referred_to")


class RelativesNeedsForm(FlaskForm):
    relatives = FieldList(FormField(RelativeForm), min_entries=1, label=_l("Relatives"))
    medical = FormField(NeedForm, label=NEEDS["medical"])
    psychosocial = FormField(NeedForm, label=NEEDS["psychosocial"])
    legal = FormField(NeedForm, label=NEEDS["legal"])
    livelihood = FormField(NeedForm, label=NEEDS["livelihood"])
    shelter = FormField(NeedForm, label=NEEDS["shelter"])

    @staticmethod
    def from_document(doc: dict) -> dict:
        needs = {n["kind"]: {"needed": True, "referred_to": n.get("referred_to", "")}
                 for n in doc.get("needs", [])}
        return {"relatives": doc.get("relatives", []), **needs}

    def to_document(self, doc: dict) -> dict:
        relatives = _filled([{"name": _t(r.form.name),
                              "relation": _t(r.form.relation),
                              "status": r.form.status.data} for r in self.relatives])
        needs = [{"kind": kind, "referred_to": _t(getattr(self, kind).form.referred_to)}
                 for kind in NEEDS if getattr(self, kind).form.needed.data]
        return {**doc, "relatives": relatives, "needs": needs}


# Step 8: private notes ----------------------------------------------------------------------

class NotesForm(FlaskForm):
    notes = long_text(_l("Interviewer's private notes"), "notes", rows=8)

    @staticmethod
    def from_document(doc: dict) -> dict:
        return {"notes": doc.get("notes", "")}

    def to_document(self, doc: dict) -> dict:
        return {**doc, "notes": _t(self.notes)}


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    form: type[FlaskForm]
    template: str


STEPS = (
    Step(1, _l("Consent"), ConsentForm, "interview/consent.html"),
    Step(2, _l("Interview"), InterviewForm, "interview/step.html"),
    Step(3, _l("Survivor"), SurvivorForm, "interview/step.html"),
    Step(4, _l("Narrative"), NarrativeForm, "interview/step.html"),
    Step(5, _l("Incidents"), IncidentsForm, "interview/step.html"),
    Step(6, _l("Yazidi Survivors Law"), YslForm, "interview/step.html"),
    Step(7, _l("Relatives and needs"), RelativesNeedsForm, "interview/step.html"),
    Step(8, _l("Notes"), NotesForm, "interview/step.html"),
)


def with_interview_defaults(step: Step, document: dict, *, interviewer: str,
                            today: str) -> dict:
    """``document`` as the interview step starts from: until that step is first saved (the
    document has no ``interview`` section), with ``today`` as the date and ``interviewer`` as
    the interviewer. Once saved, what was saved is shown, an answer left empty included."""
    if step.form is not InterviewForm or "interview" in document:
        return document
    return {**document, "interview": {"date": today, "interviewer": interviewer}}


def savable_document(step: Step, form: FlaskForm, document: dict) -> tuple[dict, list[str]]:
    """``document`` with the step's answers, except those the schema cannot hold (too long, not
    one of the choices, out of range): each keeps its saved value, so the rest of the step is
    saved. Returns the document and the ids of the fields not saved. A date that is merely not
    yet EDTF, and language codes (dropped one by one), are saved as they are."""
    saved = {field.name: field.data for field in _all_fields(
        step.form(formdata=None, data=step.form.from_document(document)))}
    refused = [field for field in _all_fields(form) if field.errors and not _savable(field)]
    typed = [(field, field.data) for field in refused]
    try:
        for field in refused:
            field.data = saved.get(field.name, field.default)
        return form.to_document(document), [field.id for field in refused]
    finally:
        for field, data in typed:  # the page shows what was typed, with the field's message
            field.data = data


def _savable(field: Field) -> bool:
    too_long = any(isinstance(check, Length) and len(field.data or "") > check.max
                   for check in field.validators)
    return not too_long and any(check in (_edtf, _tags) for check in field.validators)


def make_form(step: Step, document: dict | None = None) -> FlaskForm:
    """The step's form, filled from the request on POST or from ``document`` otherwise."""
    form = step.form(data=step.form.from_document(document) if document is not None else None)
    _name_languages(form)
    return form


def _name_languages(form: Form) -> None:
    """Language lists are named in the interface language, so they are filled per request."""
    for field in _all_fields(form):
        if isinstance(field, LanguageSelect):
            field.choices = language_choices()


def _all_fields(form: Form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from _all_fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _all_fields(field.form)
        else:
            yield field


def add_entry(form: Form, path: str) -> bool:
    """Append an empty row to the list named by ``path`` (e.g. ``incidents-0-perpetrators``)."""
    target: object = form
    for part in path.split("-"):
        if isinstance(target, FieldList) and part.isdigit() and int(part) < len(target.entries):
            target = target.entries[int(part)].form
        elif isinstance(target, Form) and part in target._fields:
            target = target._fields[part]
        else:
            return False
    if isinstance(target, FieldList) and len(target.entries) < 50:
        target.append_entry()
        _name_languages(form)
        return True
    return False
