"""What each KPI is called and how it is computed, in both languages (shown on /kpi/)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Metric:
    code: str
    label: object
    explanation: object
    city_only: bool = False  # not split by process


ACTIVITY = (
    Metric("participants", _l("Participants"),
           _l("Distinct people who did anything in the month: proposed, commented, supported, answered a "
              "survey, voted in a conversation, registered for a meeting, cast a budget ballot or reported "
              "a street issue. A person counts once however much they did.")),
    Metric("accounts", _l("New accounts"), _l("Accounts registered in the month."), city_only=True),
    Metric("proposals", _l("Proposals"), _l("Proposals published in the month (withdrawn ones included).")),
    Metric("comments", _l("Comments"), _l("Comments on proposals written in the month.")),
    Metric("supports", _l("Supports"), _l("Supports given to proposals in the month.")),
    Metric("survey_responses", _l("Survey responses"), _l("Completed survey responses in the month.")),
    Metric("conversation_votes", _l("Conversation votes"),
           _l("Agree, disagree and pass votes on conversation statements in the month.")),
    Metric("meeting_registrations", _l("Meeting registrations"),
           _l("Registrations for meetings made in the month (waiting list included).")),
    Metric("meeting_attendance", _l("Meeting attendance"),
           _l("People checked in at meetings held in the month.")),
    Metric("budget_ballots", _l("Budget ballots"), _l("Participatory budget ballots cast in the month.")),
    Metric("issue_reports", _l("Street reports"), _l("Street issues reported in the month."), city_only=True),
)

RESPONSIVENESS = (
    Metric("proposal_answers", _l("Proposals answered"),
           _l("Share of the proposals published in the period that have a published official answer, and "
              "the median number of days from publication to the answer.")),
    Metric("issue_acknowledged", _l("Reports acknowledged within 2 working days"),
           _l("Share of street reports with a first official response within 2 working days (weekends "
              "and Japanese national holidays do not count). A report counts once it was answered or its "
              "2 working days have passed. Median: days to the first response.")),
    Metric("issue_fixed", _l("Reports fixed within the target"),
           _l("Share of street reports fixed within the target of their category, or else of their "
              "department (in working days). A report counts once it was fixed or its target has passed. "
              "Median: days from the report to the fix.")),
)

BY_CODE = {metric.code: metric for metric in ACTIVITY + RESPONSIVENESS}
