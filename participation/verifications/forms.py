"""Verification forms: input shape only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..core.verification import ADDRESS_MAX, NAME_MAX

_max = _l("At most %(max)d characters.")


class LetterForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Please enter your name.")), Length(max=NAME_MAX, message=_max)],
        render_kw={"autocomplete": "name"})
    address = StringField(_l("Address"), validators=[
        DataRequired(_l("Please enter your address.")), Length(max=ADDRESS_MAX, message=_max)],
        render_kw={"autocomplete": "street-address"})


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the letter"), validators=[
        DataRequired(_l("Please enter the code from the letter.")), Length(max=20, message=_max)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"})


class CensusForm(FlaskForm):
    document_number = StringField(_l("Document number"), validators=[
        DataRequired(_l("Please enter your document number and birth date.")), Length(max=40, message=_max)])
    birth_date = DateField(_l("Birth date"), validators=[
        InputRequired(_l("Enter a date like 1980-04-01."))], invalid_value_message=_l("Enter a date like 1980-04-01."))


class CensusUploadForm(FlaskForm):
    file = FileField(_l("CSV file of keyed hashes"), validators=[DataRequired(_l("Choose a CSV file."))])
