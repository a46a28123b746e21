"""The population table form: one whole-number field per age group or area (blank: unknown)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional


def population_form(groups: list[tuple[str, str]], values: dict[str, int], formdata=None) -> FlaskForm:
    class PopulationForm(FlaskForm):
        pass

    for code, label in groups:
        setattr(PopulationForm, "g_" + code, StringField(label, validators=[Optional(), Length(max=15)],
                                                         default=str(values[code]) if code in values else ""))
    return PopulationForm(formdata=formdata)


class RefreshForm(FlaskForm):
    """Only the CSRF token: recompute the figures now."""
