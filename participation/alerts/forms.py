"""Alert forms: input validation only (the service checks the places, wards and categories)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, Length, Optional

from .models import RADII
from .queries import distance_label


class _AlertForm(FlaskForm):
    kind = HiddenField()
    email = EmailField(_l("Email address"), validators=[
        Optional(), Length(max=254, message=_l("The email address is too long.")),
        Email(_l("Please enter a valid email address."), check_deliverability=False)],
        description=_l("We send a link to confirm the alert first."), render_kw={"autocomplete": "email"})


class NearForm(_AlertForm):
    latitude = StringField(_l("Latitude"), validators=[Length(max=30)], render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude"), validators=[Length(max=30)], render_kw={"inputmode": "decimal"})
    radius_m = RadioField(_l("Distance"), choices=[SelectChoice(str(r), distance_label(r)) for r in RADII],
                          default="500")


class AreaForm(_AlertForm):
    area_id = SelectField(_l("Ward"), choices=[], validate_choice=False)


class CategoryForm(_AlertForm):
    category_id = SelectField(_l("Category"), choices=[], validate_choice=False)


class ProcessForm(_AlertForm):
    process_id = SelectField(_l("Process"), choices=[], validate_choice=False)
