"""Administration forms: input shape only (the services validate)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.models import Role

ROLE_CHOICES = [
    SelectChoice(Role.OFFICIAL.value, _l("Official of a department")),
    SelectChoice(Role.FACILITATOR.value, _l("Facilitator")),
    SelectChoice(Role.MODERATOR.value, _l("Moderator")),
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validate_choice=False, validators=[InputRequired()])
    department = SelectField(_l("Department (officials)"), validate_choice=False, validators=[Optional()])
    process_id = SelectField(_l("Process (facilitators and moderators)"), validate_choice=False,
                             validators=[Optional()],
                             description=_l("Leave at \"All processes\" for a facilitator or moderator of everything."))


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=50)],
                       description=_l("Lowercase letters, digits, - or _; used in addresses and exports."))
    name_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=100)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    target_days = IntegerField(_l("Response target (days)"), validators=[Optional(), NumberRange(1, 365)],
                               description=_l("Within how many days reports should be fixed or closed."))


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of the account"), validators=[DataRequired(), Length(max=254)])


class SettingsForm(FlaskForm):
    city_name_ja = StringField(_l("City name (Japanese)"), validators=[Length(max=100)])
    city_name_en = StringField(_l("City name (English)"), validators=[Length(max=100)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=60)],
                           description=_l("For example Asia/Tokyo."))
    lat = DecimalField(_l("Map centre: latitude"), places=None, validators=[InputRequired()])
    lon = DecimalField(_l("Map centre: longitude"), places=None, validators=[InputRequired()])
    zoom = IntegerField(_l("Map zoom (1–19)"), validators=[InputRequired()])
    tile_url = StringField(_l("Map tile address"), validators=[DataRequired(), Length(max=300)],
                           description=_l("https://…/{z}/{x}/{y}.png"))
    tile_attribution = StringField(_l("Map attribution"), validators=[DataRequired(), Length(max=300)])
    moderation_threshold = IntegerField(_l("Reports that hide content until a moderator decides"),
                                        validators=[InputRequired()])
    post_rate_limit = StringField(_l("Posting limit per person"), validators=[DataRequired(), Length(max=100)],
                                  description=_l('For example "30 per hour;5 per minute".'))
    edit_minutes = IntegerField(_l("Minutes a proposal can be edited after publishing"),
                                validators=[InputRequired()])


class PageForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    body_ja = TextAreaField(_l("Text in Japanese (Markdown)"), validators=[Length(max=100_000)],
                            render_kw={"rows": 16})
    body_en = TextAreaField(_l("Text in English (Markdown)"), validators=[Length(max=100_000)],
                            render_kw={"rows": 16})
