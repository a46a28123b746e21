"""Result forms: input shape only (the rules are the services')."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import translated
from ..core.i18n import localized
from .models import AREA_MAX, TEXT_MAX, TITLE_MAX, Result, ResultStatus

_max = _l("At most %(max)d characters.")
_date = _l("Enter a date like 2026-04-01.")


def _optional_int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "", "None") else None
    except ValueError:
        return -1  # not a choice: the select refuses it


class ResultForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")), Length(max=TITLE_MAX, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=TITLE_MAX, message=_max)])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_max)])
    description_en = TextAreaField(_l("Description (English)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_max)])
    area = StringField(_l("Area or ward"), validators=[Optional(), Length(max=AREA_MAX, message=_max)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=AREA_MAX, message=_max)])
    start_date = DateField(_l("Start date"), validators=[Optional()], invalid_value_message=_date)
    end_date = DateField(_l("End date"), validators=[Optional()], invalid_value_message=_date)
    status_id = SelectField(_l("Status"), coerce=_optional_int, validate_choice=True)
    progress = IntegerField(_l("Progress (%)"), validators=[
        Optional(), NumberRange(0, 100, message=_l("Enter a progress between 0 and 100."))],
        description=_l("Leave empty to take the status's progress. A result with children shows their mean."))
    parent_id = SelectField(_l("Part of"), coerce=_optional_int, validate_choice=True)
    proposal_ids = StringField(_l("Proposals it answers (numbers, separated by commas)"),
                               validators=[Optional(), Length(max=2000, message=_max)])
    issue_ids = StringField(_l("Street issues it answers (numbers, separated by commas)"),
                            validators=[Optional(), Length(max=2000, message=_max)])

    def offer(self, statuses: list[ResultStatus], parents: list[Result]) -> None:
        self.status_id.choices = [(None, _l("No status"))] + [
            (s.id, f"{localized(s.name)} ({s.progress}%)") for s in statuses]
        self.parent_id.choices = [(None, _l("Nothing (a top-level result)"))] + [
            (r.id, localized(r.title)) for r in parents]

    def fill(self, result: Result) -> None:
        for name in ("title", "description"):
            for lang in ("ja", "en"):
                getattr(self, f"{name}_{lang}").data = (getattr(result, name) or {}).get(lang, "")
        self.proposal_ids.data = ", ".join(str(link.target_id) for link in result.links
                                           if link.target_type == "proposals")
        self.issue_ids.data = ", ".join(str(link.target_id) for link in result.links if link.target_type == "issues")

    def service_data(self) -> dict:
        return {"title": translated(self, "title"), "description": translated(self, "description"),
                "area": self.area.data, "category": self.category.data, "start_date": self.start_date.data,
                "end_date": self.end_date.data, "status_id": self.status_id.data, "progress": self.progress.data,
                "parent_id": self.parent_id.data, "proposal_ids": self.proposal_ids.data or "",
                "issue_ids": self.issue_ids.data or ""}


class EntryForm(FlaskForm):
    date = DateField(_l("Date"), validators=[InputRequired(_date)], invalid_value_message=_date)
    text_ja = TextAreaField(_l("What happened (Japanese)"), validators=[
        DataRequired(_l("Please write what happened, in Japanese.")), Length(max=TEXT_MAX, message=_max)])
    text_en = TextAreaField(_l("What happened (English)"), validators=[Optional(), Length(max=TEXT_MAX, message=_max)])
    image = FileField(_l("Photo"))


class StatusesForm(FlaskForm):
    statuses = TextAreaField(_l("Statuses, one a line: 名前 | English name | progress"), validators=[
        DataRequired(_l("Enter between 1 and 20 statuses.")), Length(max=4000, message=_max)])


class CsvForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[DataRequired(_l("Choose a CSV file."))])
