"""Meeting forms: input shape only; the services check every rule."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core import site
from ..core.forms import fill_translated, translated
from ..core.i18n import localized
from ..processes.models import Process
from .models import (
    ACCESSIBILITY_LABELS,
    ADDRESS_MAX,
    ATTENDANCE_MAX,
    CAPACITY_MAX,
    CHOICES_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    KIND_LABELS,
    MINUTES_MAX,
    NOTES_MAX,
    ORGANISER_MAX,
    QUESTION_KIND_LABELS,
    QUESTION_TEXT_MAX,
    REASON_MAX,
    TITLE_MAX,
    TYPE_LABELS,
    URL_MAX,
    Meeting,
)

_max = _l("At most %(max)d characters.")
_when = _l("Date and time in the city's time zone.")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
CHOICES_INPUT_MAX = 5000


def _text(n: int) -> list[Any]:
    return [Optional(), Length(max=n, message=_max)]


def _aware(value: datetime | None) -> datetime | None:
    """A typed local date and time, in the city's timezone."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(site.get("CITY_TIMEZONE")))


def _local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(site.get("CITY_TIMEZONE"))).replace(tzinfo=None)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")), Length(max=TITLE_MAX, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=_text(TITLE_MAX))
    kind = SelectField(_l("Kind of meeting"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    type = SelectField(_l("Where it takes place"), choices=[SelectChoice(k.value, v) for k, v in TYPE_LABELS.items()])
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT, description=_when,
                                   validators=[DataRequired(_l("Please enter the start date and time."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, description=_when,
                                 validators=[DataRequired(_l("Please enter the end date and time."))])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=_text(DESCRIPTION_MAX),
                                   description=_l("Markdown: **bold**, lists, links."))
    description_en = TextAreaField(_l("Description (English)"), validators=_text(DESCRIPTION_MAX))
    phase_id = SelectField(_l("Related phase"), coerce=int, validators=[Optional()])
    address = StringField(_l("Address of the venue"), validators=_text(ADDRESS_MAX),
                          description=_l("For meetings in person. Click the map to place the pin."))
    latitude = StringField(_l("Latitude"), validators=[Optional(), Length(max=30, message=_max)])
    longitude = StringField(_l("Longitude"), validators=[Optional(), Length(max=30, message=_max)])
    venue_notes_ja = TextAreaField(_l("Venue notes (Japanese)"), validators=_text(NOTES_MAX),
                                   description=_l("Room, entrance, what to bring."))
    venue_notes_en = TextAreaField(_l("Venue notes (English)"), validators=_text(NOTES_MAX))
    online_url = StringField(_l("Online meeting link"), validators=_text(URL_MAX),
                             description=_l("Shown only to registered people, shortly before the start."))
    organiser_ja = StringField(_l("Organiser (Japanese)"), validators=_text(ORGANISER_MAX),
                               description=_l("Department or facilitator."))
    organiser_en = StringField(_l("Organiser (English)"), validators=_text(ORGANISER_MAX))
    accessibility = CheckboxesField(_l("Accessibility"), choices=[
        SelectChoice(k.value, v) for k, v in ACCESSIBILITY_LABELS.items()], validators=[Optional()])
    registration_enabled = BooleanField(_l("Residents register for this meeting"))
    capacity = IntegerField(_l("Capacity"), validators=[
        Optional(), NumberRange(min=1, max=CAPACITY_MAX, message=_l("Please enter a whole number from 1 to %(max)d."))],
        description=_l("Leave empty for no limit. When it is full, people join a waiting list."))
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format=DATETIME_FORMAT,
                                               validators=[Optional()], description=_l("Empty: now."))
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), format=DATETIME_FORMAT,
                                                validators=[Optional()], description=_l("Empty: at the start."))

    def offer_phases(self, process: Process | None) -> None:
        self.phase_id.choices = [SelectChoice(0, _l("None"))] + [
            SelectChoice(p.id, localized(p.title)) for p in (process.phases if process else [])]

    def fill(self, meeting: Meeting) -> None:
        for name in ("title", "description", "venue_notes", "organiser"):
            fill_translated(self, name, getattr(meeting, name))
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            getattr(self, name).data = _local(getattr(meeting, name))
        self.latitude.data = "" if meeting.latitude is None else f"{meeting.latitude:.6f}"
        self.longitude.data = "" if meeting.longitude is None else f"{meeting.longitude:.6f}"
        self.kind.data, self.type.data = meeting.kind.value, meeting.type.value
        self.phase_id.data = meeting.phase_id or 0
        self.accessibility.data = list(meeting.accessibility or [])

    def service_data(self) -> dict[str, Any]:
        return {
            "title": translated(self, "title"), "description": translated(self, "description"),
            "venue_notes": translated(self, "venue_notes"), "organiser": translated(self, "organiser"),
            "kind": self.kind.data, "type": self.type.data,
            "starts_at": _aware(self.starts_at.data), "ends_at": _aware(self.ends_at.data),
            "phase_id": self.phase_id.data or None, "address": self.address.data,
            "latitude": self.latitude.data, "longitude": self.longitude.data,
            "online_url": self.online_url.data, "accessibility": list(self.accessibility.data or []),
            "registration_enabled": self.registration_enabled.data, "capacity": self.capacity.data,
            "registration_opens_at": _aware(self.registration_opens_at.data),
            "registration_closes_at": _aware(self.registration_closes_at.data),
        }


class CancelMeetingForm(FlaskForm):
    reason = TextAreaField(_l("Why is the meeting cancelled?"), validators=[
        DataRequired(_l("Please say why the meeting is cancelled.")), Length(max=REASON_MAX, message=_max)],
        description=_l("Everyone registered is notified, with this reason shown on the page."))


class MinutesForm(FlaskForm):
    minutes_ja = TextAreaField(_l("Minutes (Japanese)"), validators=[
        DataRequired(_l("Please write the minutes in Japanese.")), Length(max=MINUTES_MAX, message=_max)],
        description=_l("Markdown: **bold**, lists, links."))
    minutes_en = TextAreaField(_l("Minutes (English)"), validators=_text(MINUTES_MAX))
    attendance_count = IntegerField(_l("Number of participants"), validators=[Optional(), NumberRange(
        min=0, max=ATTENDANCE_MAX, message=_l("Please enter a whole number from 0 to %(max)d."))])

    def service_data(self) -> dict[str, Any]:
        return {"minutes": translated(self, "minutes"), "attendance_count": self.attendance_count.data}


class PhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Photos"), description=_l("JPEG, PNG or WebP. They are resized and their "
                                                           "metadata (such as the location) removed."),
                               render_kw={"accept": "image/jpeg,image/png,image/webp"})


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(_l("Please write your comment.")), Length(max=COMMENT_MAX, message=_max)],
        description=_l("Questions before the meeting, impressions after. Shown with your display name."))


class CheckInForm(FlaskForm):
    code = StringField(_l("Registration code"), validators=[
        DataRequired(_l("Please enter the registration code.")), Length(max=40, message=_max)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class LinkProposalForm(FlaskForm):
    proposal_id = IntegerField(_l("Proposal number"), validators=[
        DataRequired(_l("Please enter the number of the proposal.")),
        NumberRange(min=1, max=2**31 - 1, message=_l("Please enter the number of the proposal."))],
        description=_l("The number in the proposal's address: /proposals/<number>."))


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Question type"), choices=[SelectChoice(k.value, v) for k, v in QUESTION_KIND_LABELS.items()])
    text_ja = StringField(_l("Question (Japanese)"), validators=[
        DataRequired(_l("Please enter the question in Japanese.")), Length(max=QUESTION_TEXT_MAX, message=_max)])
    text_en = StringField(_l("Question (English)"), validators=_text(QUESTION_TEXT_MAX))
    required = BooleanField(_l("An answer is required"))
    choices = TextAreaField(_l("Choices"), validators=_text(CHOICES_INPUT_MAX),
                            description=_l("Only for choices: one per line, Japanese first, then “|” and English."))
    max_choices = IntegerField(_l("Maximum number of choices"), validators=[Optional(), NumberRange(
        min=1, max=CHOICES_MAX, message=_l("Please enter a whole number from 1 to %(max)d."))],
        description=_l("Only for multiple choice. Leave empty for no limit."))

    def service_data(self) -> dict[str, Any]:
        choices = []
        for line in (self.choices.data or "").splitlines():
            ja, _sep, en = line.partition("|")
            if ja.strip():
                choices.append({"ja": ja.strip(), "en": en.strip()})
        return {"kind": self.kind.data, "text": translated(self, "text"), "required": self.required.data,
                "choices": choices, "max_choices": self.max_choices.data}
