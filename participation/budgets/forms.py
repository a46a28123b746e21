"""Budget forms: input shape only (the rules are the services')."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import translated
from .models import AMOUNT_MAX, AREA_MAX, NOTE_MAX, RULE_LABELS, TEXT_MAX, TITLE_MAX, VoteRule

_max = _l("At most %(max)d characters.")
_amount = _l("Enter an amount in yen between 1 and 10,000,000,000,000.")


class _Texts(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")), Length(max=TITLE_MAX, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=TITLE_MAX, message=_max)])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_max)])
    description_en = TextAreaField(_l("Description (English)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_max)])


class BudgetForm(_Texts):
    total = IntegerField(_l("Amount (yen)"), validators=[
        InputRequired(_amount), NumberRange(1, AMOUNT_MAX, message=_amount)])
    rule = SelectField(_l("Voting rule"), choices=[SelectChoice(r.value, RULE_LABELS[r]) for r in VoteRule],
                       default=VoteRule.TOTAL.value)
    min_percent = IntegerField(_l("Least share of the budget to spend (%)"), validators=[
        Optional(), NumberRange(0, 100, message=_l("Enter a share between 1 and 100 percent."))],
        description=_l("For the rule “at least a share”, e.g. 70."))
    min_projects = IntegerField(_l("Least number of projects"), validators=[
        Optional(), NumberRange(1, 1000, message=_l("Enter a number between 1 and 1000."))])
    max_projects = IntegerField(_l("Most number of projects"), validators=[
        Optional(), NumberRange(1, 1000, message=_l("Enter a number between 1 and 1000."))],
        description=_l("The same number in both fields means exactly that many projects."))
    exclusive = BooleanField(_l("Residents may vote in only one of the budgets marked like this"),
                             description=_l("For example one budget per ward: each resident votes in one ward."))
    results_live = BooleanField(_l("Show the results while voting is open"))
    requires_verification = BooleanField(_l("Only verified residents may vote (binding vote)"))

    def service_data(self) -> dict:
        return {"title": translated(self, "title"), "description": translated(self, "description"),
                "total": self.total.data, "rule": self.rule.data, "min_percent": self.min_percent.data,
                "min_projects": self.min_projects.data, "max_projects": self.max_projects.data,
                "exclusive": self.exclusive.data, "results_live": self.results_live.data,
                "requires_verification": self.requires_verification.data}


class ProjectForm(_Texts):
    cost = IntegerField(_l("Cost (yen)"), validators=[
        InputRequired(_amount), NumberRange(1, AMOUNT_MAX, message=_amount)])
    area = StringField(_l("Area or ward"), validators=[Optional(), Length(max=AREA_MAX, message=_max)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=AREA_MAX, message=_max)])
    image = FileField(_l("Photo"))

    def service_data(self) -> dict:
        return {"title": translated(self, "title"), "description": translated(self, "description"),
                "cost": self.cost.data, "area": self.area.data, "category": self.category.data}


class SelectionForm(FlaskForm):
    selected = BooleanField(_l("Selected"))
    reason = TextAreaField(_l("Reason for the change (public)"), validators=[
        DataRequired(_l("Please give the reason for this change.")), Length(max=NOTE_MAX, message=_max)])
