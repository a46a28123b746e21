"""Forms of the categories and areas administration (shape only; admin_services validates)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=50)],
                       description=_l("Lowercase letters, digits, - or _; used in addresses, exports and Open311."))
    name_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=100)])
    group_ja = StringField(_l("Group (Japanese)"), validators=[Length(max=100)],
                           description=_l("Heading the category is listed under, for example 道路."))
    group_en = StringField(_l("Group (English)"), validators=[Length(max=100)])
    help_ja = TextAreaField(_l("Help for residents (Japanese)"), validators=[Length(max=500)])
    help_en = TextAreaField(_l("Help for residents (English)"), validators=[Length(max=500)])
    department_id = SelectField(_l("Default department"), validate_choice=False,
                                validators=[DataRequired(_l("Please choose a department."))])
    target_days = IntegerField(_l("Target: fixed or closed within (days)"),
                               validators=[Optional(), NumberRange(1, 365)])
    position = IntegerField(_l("Order in the list"), default=0, validators=[Optional(), NumberRange(0, 10_000)])
    active = BooleanField(_l("Offered to residents"), default=True)


class OverrideForm(FlaskForm):
    area_id = SelectField(_l("Area"), validate_choice=False, validators=[DataRequired(_l("Please choose an area."))])
    override_department_id = SelectField(_l("Department in this area"), validate_choice=False,
                                         validators=[DataRequired(_l("Please choose a department."))])


class AreasUploadForm(FlaskForm):
    file = FileField(_l("GeoJSON file"), render_kw={"accept": ".geojson,.json,application/geo+json"},
                     description=_l("A FeatureCollection of Polygon or MultiPolygon features with the properties "
                                    "code, name_ja and name_en. An area whose code exists is replaced; its reports "
                                    "keep it."))
    geojson = TextAreaField(_l("Or paste the GeoJSON"), validators=[Optional(), Length(max=5_000_000)],
                            render_kw={"rows": 4})


class AreaNameForm(FlaskForm):
    name_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=100)])


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Question type"), validate_choice=False,
                       validators=[DataRequired(_l("Please choose a question type."))])
    text_ja = StringField(_l("Question (Japanese)"), validators=[Length(max=300)])
    text_en = StringField(_l("Question (English)"), validators=[Length(max=300)])
    required = BooleanField(_l("An answer is required"))
    choices = TextAreaField(_l("Choices (for choice questions)"), validators=[Length(max=5000)],
                            render_kw={"rows": 4},
                            description=_l("One per line: Japanese | English, for example 点滅している | Flickering"))
