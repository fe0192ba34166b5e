"""Forms of the keys, export, archive and consent-withdrawal pages (Flask-WTF: CSRF on each)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from intake.records.consent import WITHDRAWABLE
from intake.web import labels
from intake.web.forms import options
from intake.web.interview import CheckboxesField

MARK_REASONS = {"identifies_someone": _l("Identifies someone"),
                "endangers_someone": _l("Could endanger someone"),
                "private_detail": _l("Private detail not needed for this purpose"),
                "other": _l("Other reason")}


class RecipientForm(FlaskForm):
    name = StringField(_l("Name of the legal team"), validators=[DataRequired(), Length(max=64)])
    public_key = StringField(_l("Their age public key (starts with age1)"),
                             validators=[DataRequired(), Length(max=200)],
                             render_kw={"dir": "ltr", "spellcheck": "false",
                                        "autocomplete": "off"})
    own_archive = BooleanField(_l("This is our organisation's own archive: it may also receive "
                                  "hand-overs of whole testimonies"))


class ExportForm(FlaskForm):
    purpose = RadioField(_l("Purpose"), choices=options(labels.BUNDLE_PURPOSES),
                         validators=[InputRequired(message=_l("Choose one purpose."))])
    recipients = CheckboxesField(_l("Encrypt to"), validators=[
        DataRequired(message=_l("Choose at least one recipient."))])


class MarkForm(FlaskForm):
    text = StringField(_l("Words to remove wherever they appear"),
                       validators=[DataRequired(), Length(max=1000)], render_kw={"dir": "auto"})
    reason = SelectField(_l("Reason"), choices=options(MARK_REASONS))


class ReceiptForm(FlaskForm):
    receipt = FileField(_l("Receipt file (.receipt.json)"),
                        validators=[FileRequired(message=_l("Choose a receipt file."))])
    trust = BooleanField(_l("I compared this fingerprint with our archive: trust its key"))


class ImportForm(FlaskForm):
    bundle = FileField(_l("Bundle file (.intake.age)"),
                       validators=[FileRequired(message=_l("Choose a bundle file."))])


class WithdrawForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=options([("", "—")] + [(p, labels.PURPOSES[p]) for p in WITHDRAWABLE]),
                          validators=[DataRequired(message=_l("Choose one purpose."))])
    note = TextAreaField(_l("Note (the survivor's words or the reason)"),
                         validators=[Length(max=1000)], render_kw={"dir": "auto", "rows": 2})
