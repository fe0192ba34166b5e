"""Forms of the set-up, sign-in, passphrase, user, mode, source and attachment pages (Flask-WTF: CSRF on every
form)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from intake.home.users import ROLES
from intake.records.attachments import KINDS
from intake.web import labels
from intake.web.i18n import LANGUAGES, language_name

_NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
_NEW_SECRET = {"autocomplete": "new-password"}


def options(pairs: dict[str, object] | Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Choices for a select or radio field from (value, label) pairs or a dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def _passphrase(label: str) -> PasswordField:
    return PasswordField(label, validators=[InputRequired(), Length(max=1000)],
                         render_kw=_NEW_SECRET)


def _confirmation(other: str) -> PasswordField:
    return PasswordField(_l("Type the passphrase again"),
                         validators=[EqualTo(other, message=_l("The two passphrases differ."))],
                         render_kw=_NEW_SECRET)


def _mode() -> RadioField:
    """A field laptop unless the form says otherwise (an older form posts no mode)."""
    return RadioField(_l("This instance is"), choices=options(labels.MODES), default="field")


class SetupForm(FlaskForm):
    mode = _mode()
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=100)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)],
                       render_kw=_NO_AUTOFILL)
    passphrase = _passphrase(_l("Passphrase"))
    confirm = _confirmation("passphrase")


class RecoveryKeyConfirmForm(FlaskForm):
    written_down = BooleanField(
        _l("I have written the recovery key down and will keep it away from this laptop."),
        validators=[DataRequired(message=_l("Please confirm that you wrote the key down."))])
    recovery_key = StringField(_l("Type the recovery key again"),
                               validators=[DataRequired()], render_kw=_NO_AUTOFILL)


class LoginForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       render_kw={"autocomplete": "username"})
    passphrase = PasswordField(_l("Passphrase"), validators=[InputRequired(), Length(max=1000)],
                               render_kw={"autocomplete": "current-password"})


class UnlockForm(FlaskForm):
    passphrase = PasswordField(_l("Passphrase"), validators=[InputRequired(), Length(max=1000)],
                               render_kw={"autocomplete": "current-password", "autofocus": True})


class RecoverForm(FlaskForm):
    recovery_key = StringField(_l("Recovery key"), validators=[DataRequired(), Length(max=200)],
                               render_kw=_NO_AUTOFILL)
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)],
                       render_kw=_NO_AUTOFILL)
    passphrase = _passphrase(_l("New passphrase"))
    confirm = _confirmation("passphrase")


class PassphraseChangeForm(FlaskForm):
    current = PasswordField(_l("Current passphrase"), validators=[InputRequired()],
                            render_kw={"autocomplete": "current-password"})
    passphrase = _passphrase(_l("New passphrase"))
    confirm = _confirmation("passphrase")


class AddUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       render_kw=_NO_AUTOFILL)
    role = SelectField(_l("Role"), choices=options((r, labels.ROLES[r]) for r in ROLES))
    passphrase = _passphrase(_l("Passphrase"))
    confirm = _confirmation("passphrase")


class ModeForm(FlaskForm):
    """An administrator turns a field laptop into an archive, or back (home/mode.py)."""

    mode = _mode()


class CompromisedForm(FlaskForm):
    """The day from which a source's key is no longer trusted (archive/sources.py)."""

    since = DateField(_l("Compromised since"), validators=[InputRequired()])


class BackupForm(FlaskForm):
    passphrase = _passphrase(_l("A passphrase for the backup"))
    confirm = _confirmation("passphrase")


class LanguageForm(FlaskForm):
    lang = HiddenField()
    next = HiddenField()


class SearchForm(FlaskForm):
    query = StringField(_l("Search"), validators=[Length(max=200)],
                        render_kw={**_NO_AUTOFILL, "type": "search"})


class ConfirmForm(FlaskForm):
    """A button that only posts (lock, sign out, complete, delete) still carries a CSRF token."""


class AttachmentForm(FlaskForm):
    """A file for a testimony; the in-browser recorder posts the same form with kind=audio."""

    kind = SelectField(_l("What is it?"), choices=options((k, labels.ATTACHMENT_KINDS[k]) for k in KINDS))
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])
    duration = DecimalField(validators=[Optional(), NumberRange(min=0, max=24 * 3600)],
                            widget=HiddenInput())


class ScreeningForm(FlaskForm):
    """A list to screen: a file, or names pasted one a line; and the name it is kept under."""

    label = StringField(_l("Name of this screening"), validators=[DataRequired(), Length(max=200)],
                        render_kw=_NO_AUTOFILL)
    list_file = FileField(_l("List (CSV with a name column, or text with one name a line)"))
    pasted = TextAreaField(_l("Or paste the names, one a line"), validators=[Length(max=2_000_000)],
                           render_kw={**_NO_AUTOFILL, "rows": 8, "dir": "auto"})


class DecisionForm(FlaskForm):
    """A person's decision about one candidate of one row."""

    row = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    person = HiddenField(validators=[DataRequired(), Length(max=40)])
    decision = RadioField(_l("Decision"), choices=options(labels.SCREENING_DECISIONS),
                          validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)],
                         render_kw={"rows": 2, "dir": "auto"})


class DocumentForm(FlaskForm):
    """Printing a document (web/views/documents.py): its language and, for a statement for
    criminal proceedings (trial, international), whether to add the restricted annex."""
    language = SelectField(_l("Language of the document"), validate_choice=False,
                           choices=options((code, language_name(code)) for code in LANGUAGES))
    restricted_annex = BooleanField(_l("Add the restricted narrative as an annex (criminal "
                                       "proceedings only; recorded in the audit trail)"))
