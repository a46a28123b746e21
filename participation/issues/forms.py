"""Street issue forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import halfwidth_number
from .models import ADDRESS_MAX, DETAILS_MAX, NOTE_MAX, TEMPLATE_TITLE_MAX, TITLE_MAX, TITLE_MIN

_max = _l("At most %(max)d characters.")


class LocationForm(FlaskForm):
    category_id = SelectField(_l("What is the problem?"), validate_choice=False,
                              validators=[DataRequired(_l("Please choose a category from the list."))])
    address = StringField(_l("Address or landmark"), validators=[Optional(), Length(max=ADDRESS_MAX, message=_max)],
                          description=_l("For example: Naka-machi 2-chome 5, Midorikawa Station. "
                                         "Suggestions appear as you type."),
                          render_kw={"autocomplete": "off", "data-place-search": ""})
    latitude = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)], filters=[halfwidth_number],
                           render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)], filters=[halfwidth_number],
                            render_kw={"inputmode": "decimal"})
    place_id = StringField(_l("Which place do you mean?"), validators=[Optional(), Length(max=12)])


class ReportForm(LocationForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Please enter a title.")),
        Length(min=TITLE_MIN, max=TITLE_MAX,
               message=_l("The title must be between %(min)d and %(max)d characters long."))],
        description=_l("In a few words, for example: deep pothole in the left lane."))
    details = TextAreaField(_l("Details (optional)"), validators=[
        Optional(), Length(max=DETAILS_MAX, message=_l("The details can be at most %(max)d characters long."))],
        description=_l("What, where exactly, since when, how dangerous."))
    photos = MultipleFileField(_l("Photos (optional, up to 3)"), render_kw={"accept": "image/*"},
                               description=_l("JPEG, PNG, GIF or WebP. Location data is removed from photos."))
    show_name = BooleanField(_l("Show my name publicly"),
                             description=_l("Off: the public sees “a resident”. City staff always see who reported."))
    shown_nearby = HiddenField()  # ids of the nearby reports the page showed, comma-separated

    def shown_nearby_ids(self) -> set[int]:
        return {int(x) for x in (self.shown_nearby.data or "").split(",") if x.isdecimal()}


class UpdateForm(FlaskForm):
    # Several forms share a page: distinct ids keep every label pointing at its own control.
    note = TextAreaField(_l("Your update"), validators=[Optional(), Length(max=NOTE_MAX, message=_max)],
                         id="update_note")
    photos = MultipleFileField(_l("Photos (optional, up to 3)"), render_kw={"accept": "image/*"},
                               id="update_photos")


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validate_choice=False,
                         validators=[DataRequired(_l("Please choose a status."))])
    template_id = SelectField(_l("Response template (optional)"), validate_choice=False, validators=[Optional()],
                              description=_l("Used as the note when the note is left empty."))
    note = TextAreaField(_l("Public note"), validators=[Optional(), Length(max=NOTE_MAX, message=_max)],
                         description=_l("Required for closed statuses. Everyone can read it."), id="status_note")
    duplicate_of_id = StringField(_l("Original issue number (for duplicates)"),
                                  validators=[Optional(), Length(max=12)], filters=[halfwidth_number],
                                  render_kw={"inputmode": "numeric"})


class ReassignForm(FlaskForm):
    department_id = SelectField(_l("Department"), validate_choice=False,
                                validators=[DataRequired(_l("Please choose a department."))])
    note = TextAreaField(_l("Public note"), validators=[Optional(), Length(max=NOTE_MAX, message=_max)],
                         id="reassign_note")


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why is it not solved?"), validators=[
        DataRequired(_l("Please write a public note explaining this change.")), Length(max=NOTE_MAX, message=_max)])


class TemplateForm(FlaskForm):
    status = SelectField(_l("Status"), validate_choice=False, validators=[DataRequired()])
    title_ja = StringField(_l("Title (Japanese)"), validators=[DataRequired(_l("Please enter the title in Japanese.")),
                                                               Length(max=TEMPLATE_TITLE_MAX, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=TEMPLATE_TITLE_MAX, message=_max)])
    text_ja = TextAreaField(_l("Text (Japanese)"), validators=[DataRequired(_l("Please enter the text in Japanese.")),
                                                               Length(max=NOTE_MAX, message=_max)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Optional(), Length(max=NOTE_MAX, message=_max)])
