"""Triage forms: the bulk form of the queue, assigning one issue, internal notes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import NOTE_MAX

_max = _l("At most %(max)d characters.")


class TriageForm(FlaskForm):
    """One form around the queue: the ticked issues (or the whole page), then a status change or an
    assignment. The service says what is missing for the chosen action."""

    whole_page = BooleanField(_l("Select every issue on this page"))
    status = SelectField(_l("New status"), validate_choice=False, validators=[Optional()])
    template_id = SelectField(_l("Response template (optional)"), validate_choice=False, validators=[Optional()],
                              description=_l("Used as the note when the note is left empty."))
    note = TextAreaField(_l("Public note"), validators=[Optional(), Length(max=NOTE_MAX, message=_max)],
                         description=_l("Required for closed statuses. Everyone can read it."), id="status_note")
    assignee_id = SelectField(_l("Assign to"), validate_choice=False, validators=[Optional()])


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Assign to"), validate_choice=False,
                              validators=[DataRequired(_l("Please choose a colleague of the responsible department."))],
                              id="assign_assignee")


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note"), validators=[
        DataRequired(_l("Please write the note.")), Length(max=NOTE_MAX, message=_max)],
        description=_l("Only the city's officials can read it: never shown to the public."), id="internal_note")
