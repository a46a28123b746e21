"""Authorization matrix: every route x every kind of user, with the status each must get.

The request carries a valid CSRF token and no other data, so a permitted user reaches the
form validation (typically 400) or the action itself, while a refused one gets 403 (or the
sign-in redirect). Adding a route without a row here makes `test_every_route_is_in_the_matrix`
fail.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from participation.accountability.models import Result
from participation.budgets.models import Budget, Project
from participation.conversations.models import Conversation, Statement
from participation.core import clock
from participation.core.models import Department, Role, RoleAssignment, User
from participation.core.verification import Verification
from participation.extensions import db
from participation.issues.models import Category, Issue, IssueUpdate, ResponseTemplate
from participation.meetings.models import (
    Meeting,
    MeetingComment,
    MeetingProposal,
    MeetingQuestion,
    Registration,
)
from participation.moderation.models import Case, Flag
from participation.processes.models import Phase, Process, city_today
from participation.proposals.models import Comment, Proposal, ProposalAnswer, ProposalVersion
from participation.surveys.models import Option, Question, Survey

from ..conftest import CSRF_RE, session_token_of

ROLES = ["anonymous", "resident", "author", "other_resident", "official_dept", "official_other",
         "facilitator_this", "facilitator_other", "moderator", "admin", "blocked"]
SIGNED_IN = [r for r in ROLES if r != "anonymous"]
FACILITATORS_OK = {"facilitator_this", "admin"}
OFFICIALS_OK = {"official_dept", "admin"}
MODERATORS_OK = {"moderator", "admin"}


def exp(default: int, anonymous: int | None = None, **overrides: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    if anonymous is not None:
        table["anonymous"] = anonymous
    table.update(overrides)
    return table


def only(allowed: set[str], ok: int, refused: int = 403, anonymous: int = 302) -> dict[str, int]:
    table = {role: (ok if role in allowed else refused) for role in ROLES}
    table["anonymous"] = anonymous
    return table


# (method, endpoint): (path, expected, stateful). Stateful routes get a fresh world per user.
MATRIX: dict[tuple[str, str], tuple[str, dict[str, int], bool]] = {
    ("GET", "core.home"): ("/", exp(200), False),
    ("GET", "core.healthz"): ("/healthz", exp(200), False),
    ("GET", "core.login"): ("/auth/login", exp(302, anonymous=200), False),
    ("POST", "core.login"): ("/auth/login", exp(302, anonymous=400), False),
    ("GET", "core.register"): ("/auth/register", exp(302, anonymous=200), False),
    ("POST", "core.register"): ("/auth/register", exp(302, anonymous=400), False),
    ("POST", "core.logout"): ("/auth/logout", exp(302), False),
    ("GET", "core.account"): ("/account/", exp(200, anonymous=302), False),
    ("POST", "core.account"): ("/account/", exp(400, anonymous=302), False),
    ("POST", "core.change_password"): ("/account/password", exp(400, anonymous=302), False),
    ("POST", "core.end_other_sessions"): ("/account/sessions/end", exp(302), True),
    ("GET", "core.notifications_page"): ("/notifications", exp(200, anonymous=302), False),
    ("GET", "core.activity"): ("/account/activity", exp(200, anonymous=302), False),
    ("POST", "core.notifications_read"): ("/notifications/read", exp(302), False),
    ("POST", "core.set_language"): ("/account/language", exp(400), False),
    ("GET", "core.uploaded_file"): ("/uploads/" + "a" * 64 + ".jpg", exp(404), False),
    ("GET", "core.leaflet_static"): ("/static/leaflet/leaflet.js", exp(200), False),
    ("GET", "static"): ("/static/css/site.css", exp(200), False),
    # processes
    ("GET", "processes.index"): ("/processes/", exp(200), False),
    ("GET", "processes.detail"): ("/processes/square/", exp(200), False),
    ("GET", "processes.admin_index"):
        ("/admin/processes/", only({"facilitator_this", "facilitator_other", "admin"}, 200), False),
    ("GET", "processes.admin_new"): ("/admin/processes/new", only({"admin"}, 200), False),
    ("POST", "processes.admin_new"): ("/admin/processes/new", only({"admin"}, 400), False),
    ("GET", "processes.admin_edit"): ("/admin/processes/{process}/", only(FACILITATORS_OK, 200), False),
    ("POST", "processes.admin_edit"): ("/admin/processes/{process}/", only(FACILITATORS_OK, 400), False),
    ("POST", "processes.admin_status"): ("/admin/processes/{process}/status", only(FACILITATORS_OK, 400), False),
    ("GET", "processes.admin_phase_new"): ("/admin/processes/{process}/phases/new", only(FACILITATORS_OK, 200), False),
    ("POST", "processes.admin_phase_new"): ("/admin/processes/{process}/phases/new", only(FACILITATORS_OK, 400), False),
    ("GET", "processes.admin_phase_edit"):
        ("/admin/processes/{process}/phases/{phase}", only(FACILITATORS_OK, 200), False),
    ("POST", "processes.admin_phase_edit"):
        ("/admin/processes/{process}/phases/{phase}", only(FACILITATORS_OK, 400), False),
    ("POST", "processes.admin_phase_delete"):
        ("/admin/processes/{process}/phases/{phase}/delete", only(FACILITATORS_OK, 409), False),
    ("POST", "processes.admin_pin"): ("/admin/processes/{process}/pin", only(FACILITATORS_OK, 302), False),
    ("POST", "processes.admin_staff_add"): ("/admin/processes/{process}/staff", only(FACILITATORS_OK, 400), False),
    ("POST", "processes.admin_staff_remove"):
        ("/admin/processes/{process}/staff/{assignment}/delete", only(FACILITATORS_OK, 302), True),
    # surveys
    ("GET", "surveys.answer"): ("/processes/square/surveys/{survey}", exp(200), False),
    ("POST", "surveys.answer"): ("/processes/square/surveys/{survey}", exp(400, anonymous=403), False),
    ("GET", "surveys.results"):
        ("/processes/square/surveys/{survey}/results", only(FACILITATORS_OK, 200, anonymous=403), False),
    ("GET", "surveys.admin_new"): ("/admin/processes/{process}/surveys/new", only(FACILITATORS_OK, 200), False),
    ("POST", "surveys.admin_new"): ("/admin/processes/{process}/surveys/new", only(FACILITATORS_OK, 400), False),
    ("GET", "surveys.admin_survey"): ("/admin/surveys/{survey}/", only(FACILITATORS_OK, 200), False),
    ("POST", "surveys.admin_survey"): ("/admin/surveys/{survey}/", only(FACILITATORS_OK, 400), False),
    ("POST", "surveys.admin_delete"): ("/admin/surveys/{survey}/delete", only(FACILITATORS_OK, 302), True),
    ("POST", "surveys.admin_results"): ("/admin/surveys/{survey}/results", only(FACILITATORS_OK, 302), False),
    ("POST", "surveys.admin_export"): ("/admin/surveys/{survey}/export.csv", only(FACILITATORS_OK, 200), False),
    ("GET", "surveys.admin_question_new"): ("/admin/surveys/{survey}/questions/new", only(FACILITATORS_OK, 200), False),
    ("POST", "surveys.admin_question_new"):
        ("/admin/surveys/{survey}/questions/new", only(FACILITATORS_OK, 400), False),
    ("GET", "surveys.admin_question_edit"):
        ("/admin/surveys/{survey}/questions/{question}", only(FACILITATORS_OK, 200), False),
    ("POST", "surveys.admin_question_edit"):
        ("/admin/surveys/{survey}/questions/{question}", only(FACILITATORS_OK, 400), False),
    ("POST", "surveys.admin_question_delete"):
        ("/admin/surveys/{survey}/questions/{question}/delete", only(FACILITATORS_OK, 302), True),
    ("POST", "surveys.admin_question_move"):
        ("/admin/surveys/{survey}/questions/{question}/move", only(FACILITATORS_OK, 400), False),
    # proposals
    ("GET", "proposals.index"): ("/processes/square/proposals/", exp(200), False),
    ("GET", "proposals.geojson"): ("/processes/square/proposals.geojson", exp(200), False),
    ("GET", "proposals.new"): ("/processes/square/proposals/new", exp(200, anonymous=302, blocked=403), False),
    ("POST", "proposals.new"): ("/processes/square/proposals/new", exp(400, anonymous=302), False),
    ("GET", "proposals.detail"): ("/proposals/{proposal}", exp(200), False),
    ("POST", "proposals.support"): ("/proposals/{proposal}/support", exp(302, author=403), True),
    ("POST", "proposals.follow"): ("/proposals/{proposal}/follow", exp(302), False),
    ("POST", "proposals.withdraw"): ("/proposals/{own}/withdraw", only({"author"}, 302), True),
    ("GET", "proposals.edit"): ("/proposals/{own}/edit", only({"author"}, 200), False),
    ("POST", "proposals.edit"): ("/proposals/{own}/edit", only({"author"}, 400), False),
    ("POST", "proposals.comment"): ("/proposals/{proposal}/comments", exp(400, anonymous=302), False),
    ("GET", "proposals.comment_edit"): ("/proposals/{discussed}/comments/{comment}/edit", only({"author"}, 200), False),
    ("POST", "proposals.comment_edit"):
        ("/proposals/{discussed}/comments/{comment}/edit", only({"author"}, 400), False),
    ("POST", "proposals.comment_delete"):
        ("/proposals/{discussed}/comments/{comment}/delete", only({"author"}, 302), True),
    ("POST", "proposals.comment_vote"):
        ("/proposals/{discussed}/comments/{comment}/vote", exp(400, anonymous=302), False),
    ("POST", "proposals.answer"): ("/proposals/{proposal}/answer",
                                   only({"official_dept", "official_other", "facilitator_this", "admin"}, 400), False),
    ("POST", "proposals.publish_answer"):
        ("/proposals/{discussed}/answers/{answer}/publish", only(FACILITATORS_OK, 302), True),
    ("POST", "proposals.publish_all"):
        ("/processes/square/proposals/publish-answers", only(FACILITATORS_OK, 302), False),
    # street issues
    ("GET", "issues.index"): ("/issues/", exp(200), False),
    ("GET", "issues.geojson"): ("/issues.geojson", exp(200), False),
    ("GET", "issues.nearby"): ("/issues/nearby.json", exp(400), False),
    ("GET", "places.search"): ("/places/search?q=%E4%B8%AD%E7%94%BA", exp(200), False),
    ("GET", "issues.stats"): ("/issues/stats", exp(200), False),
    ("GET", "issues.new"): ("/issues/new", exp(200, anonymous=302), False),
    ("POST", "issues.new"): ("/issues/new", exp(400, anonymous=302), False),
    ("GET", "issues.detail"): ("/issues/{issue}", exp(200), False),
    ("POST", "issues.metoo"): ("/issues/{issue}/metoo", exp(302, author=409), True),
    ("POST", "issues.follow"): ("/issues/{issue}/follow", exp(302), False),
    ("POST", "issues.add_update"): ("/issues/{issue}/updates", exp(400, anonymous=302, blocked=403), False),
    ("POST", "issues.change_status"): ("/issues/{issue}/status", only(OFFICIALS_OK, 400), False),
    ("POST", "issues.reassign"): ("/issues/{issue}/reassign", only(OFFICIALS_OK, 400), False),
    ("POST", "issues.assign"): ("/issues/{issue}/assign", {**only(OFFICIALS_OK, 302), "admin": 400}, False),
    ("POST", "issues.reopen"): ("/issues/{closed_issue}/reopen", only({"author"}, 400), False),
    ("GET", "issues.triage"): ("/admin/triage", only({"official_dept", "official_other", "admin"}, 200), False),
    ("POST", "issues.triage"): ("/admin/triage", only({"official_dept", "official_other", "admin"}, 400), False),
    ("POST", "issues.triage_assign"): ("/admin/triage/{issue}/assign", only(OFFICIALS_OK, 400), False),
    ("POST", "issues.add_note"): ("/issues/{issue}/notes", only(OFFICIALS_OK, 400), False),
    ("GET", "issues.templates"): ("/admin/templates", only({"official_dept", "official_other", "admin"}, 200), False),
    ("POST", "issues.templates"): ("/admin/templates", only({"official_dept", "official_other", "admin"}, 400), False),
    ("POST", "issues.template_delete"): ("/admin/templates/{template}/delete", only(OFFICIALS_OK, 302), True),
    # moderation
    ("POST", "moderation.flag"): ("/moderation/flag", exp(400, anonymous=302), False),
    ("GET", "moderation.queue"): ("/moderation/", only(MODERATORS_OK, 200), False),
    ("POST", "moderation.decide"): ("/moderation/cases/{case}/dismiss", only(MODERATORS_OK, 302), False),
    ("GET", "moderation.user"): ("/moderation/users/{other_user}", only(MODERATORS_OK, 200), False),
    ("POST", "moderation.user"): ("/moderation/users/{other_user}", only(MODERATORS_OK, 400), False),
    ("GET", "moderation.transparency"): ("/moderation/transparency", exp(200), False),
    ("GET", "moderation.audit_log"): ("/admin/audit", only({"admin"}, 200), False),
    # meetings
    ("GET", "meetings.index"): ("/meetings/", exp(200), False),
    ("GET", "meetings.geojson"): ("/meetings.geojson", exp(200), False),
    ("GET", "meetings.calendar_all"): ("/meetings/calendar.ics", exp(200), False),
    ("GET", "meetings.process_calendar"): ("/processes/square/meetings.ics", exp(200), False),
    ("GET", "meetings.ics"): ("/meetings/{meeting}.ics", exp(200), False),
    ("GET", "meetings.detail"): ("/meetings/{meeting}", exp(200), False),
    ("POST", "meetings.register"): ("/meetings/{meeting}/register", exp(302, author=409, blocked=403), True),
    ("POST", "meetings.cancel_registration"):
        ("/meetings/{meeting}/cancel-registration", only({"author"}, 302, refused=404), True),
    ("POST", "meetings.comment"): ("/meetings/{meeting}/comments", exp(400, anonymous=302), False),
    ("POST", "meetings.comment_delete"):
        ("/meetings/{meeting}/comments/{meeting_comment}/delete", only({"author"}, 302), True),
    ("GET", "meetings.qr"): ("/meetings/{meeting}/qr.svg", only({"author"}, 200, refused=404), False),
    ("GET", "meetings.admin_index"):
        ("/admin/meetings/", only({"facilitator_this", "facilitator_other", "admin"}, 200), False),
    ("GET", "meetings.admin_new"): ("/admin/meetings/new", only({"admin"}, 200), False),
    ("POST", "meetings.admin_new"): ("/admin/meetings/new", only({"admin"}, 400), False),
    ("GET", "meetings.admin_new_in_process"):
        ("/admin/processes/{process}/meetings/new", only(FACILITATORS_OK, 200), False),
    ("POST", "meetings.admin_new_in_process"):
        ("/admin/processes/{process}/meetings/new", only(FACILITATORS_OK, 400), False),
    ("GET", "meetings.admin_edit"): ("/admin/meetings/{meeting}/", only(FACILITATORS_OK, 200), False),
    ("POST", "meetings.admin_edit"): ("/admin/meetings/{meeting}/", only(FACILITATORS_OK, 400), False),
    ("POST", "meetings.admin_cancel"): ("/admin/meetings/{meeting}/cancel", only(FACILITATORS_OK, 400), False),
    ("GET", "meetings.admin_registrations"):
        ("/admin/meetings/{meeting}/registrations", only(FACILITATORS_OK, 200), False),
    ("POST", "meetings.admin_export"): ("/admin/meetings/{meeting}/export.csv", only(FACILITATORS_OK, 200), False),
    ("GET", "meetings.admin_checkin"): ("/admin/meetings/{meeting}/checkin", only(FACILITATORS_OK, 200), False),
    ("POST", "meetings.admin_checkin"): ("/admin/meetings/{meeting}/checkin", only(FACILITATORS_OK, 400), False),
    ("GET", "meetings.admin_minutes"): ("/admin/meetings/{meeting}/minutes", only(FACILITATORS_OK, 200), False),
    ("POST", "meetings.admin_minutes"): ("/admin/meetings/{meeting}/minutes", only(FACILITATORS_OK, 400), False),
    ("POST", "meetings.admin_question_add"):
        ("/admin/meetings/{meeting}/questions", only(FACILITATORS_OK, 400), False),
    ("POST", "meetings.admin_question_delete"):
        ("/admin/meetings/{meeting}/questions/{meeting_question}/delete", only(FACILITATORS_OK, 302), True),
    ("POST", "meetings.admin_photos"): ("/admin/meetings/{meeting}/photos", only(FACILITATORS_OK, 400), False),
    ("POST", "meetings.admin_photo_delete"):
        ("/admin/meetings/{meeting}/photos/999999/delete", only(FACILITATORS_OK, 404), False),
    ("POST", "meetings.admin_link_proposal"):
        ("/admin/meetings/{meeting}/proposals", only(FACILITATORS_OK, 400), False),
    ("POST", "meetings.admin_unlink_proposal"):
        ("/admin/meetings/{meeting}/proposals/{meeting_link}/delete", only(FACILITATORS_OK, 302), True),
    # budgets
    ("GET", "budgets.index"): ("/processes/square/budgets/", exp(200), False),
    ("GET", "budgets.budget"): ("/processes/square/budgets/{budget}/", exp(200), False),
    ("GET", "budgets.project"): ("/processes/square/budgets/{budget}/projects/{project}", exp(200), False),
    ("POST", "budgets.ballot"): ("/processes/square/budgets/{budget}/ballot", exp(400, anonymous=302), False),
    ("POST", "budgets.checkout"):
        ("/processes/square/budgets/{budget}/checkout", exp(400, anonymous=302, blocked=403), False),
    ("POST", "budgets.cancel"):
        ("/processes/square/budgets/{budget}/cancel", exp(409, anonymous=302, blocked=403), False),
    ("GET", "budgets.results"):
        ("/processes/square/budgets/{budget}/results", only(FACILITATORS_OK, 200, anonymous=403), False),
    ("GET", "budgets.results_csv"):
        ("/processes/square/budgets/{budget}/results.csv", only(FACILITATORS_OK, 200, anonymous=403), False),
    ("GET", "budgets.admin_new"): ("/admin/processes/{process}/budgets/new", only(FACILITATORS_OK, 200), False),
    ("POST", "budgets.admin_new"): ("/admin/processes/{process}/budgets/new", only(FACILITATORS_OK, 400), False),
    ("GET", "budgets.admin_budget"): ("/admin/budgets/{budget}/", only(FACILITATORS_OK, 200), False),
    ("POST", "budgets.admin_budget"): ("/admin/budgets/{budget}/", only(FACILITATORS_OK, 400), False),
    ("POST", "budgets.admin_delete"): ("/admin/budgets/{budget}/delete", only(FACILITATORS_OK, 302), True),
    ("POST", "budgets.admin_import"): ("/admin/budgets/{budget}/import", only(FACILITATORS_OK, 302), False),
    ("POST", "budgets.admin_select"): ("/admin/budgets/{budget}/select", only(FACILITATORS_OK, 409), False),
    ("POST", "budgets.admin_selection"):
        ("/admin/budgets/{budget}/projects/{project}/selection", only(FACILITATORS_OK, 400), False),
    ("GET", "budgets.admin_project_new"):
        ("/admin/budgets/{budget}/projects/new", only(FACILITATORS_OK, 200), False),
    ("POST", "budgets.admin_project_new"):
        ("/admin/budgets/{budget}/projects/new", only(FACILITATORS_OK, 400), False),
    ("GET", "budgets.admin_project"):
        ("/admin/budgets/{budget}/projects/{project}", only(FACILITATORS_OK, 200), False),
    ("POST", "budgets.admin_project"):
        ("/admin/budgets/{budget}/projects/{project}", only(FACILITATORS_OK, 400), False),
    ("POST", "budgets.admin_project_delete"):
        ("/admin/budgets/{budget}/projects/{project}/delete", only(FACILITATORS_OK, 302), True),
    # accountability
    ("GET", "accountability.index"): ("/processes/square/results/", exp(200), False),
    ("GET", "accountability.result"): ("/processes/square/results/{result}", exp(200), False),
    ("GET", "accountability.outcomes"): ("/processes/square/outcomes", exp(200), False),
    ("GET", "accountability.outcomes_csv"): ("/processes/square/outcomes.csv", exp(200), False),
    ("GET", "accountability.admin_index"): ("/admin/processes/{process}/results/", only(FACILITATORS_OK, 200), False),
    ("POST", "accountability.admin_statuses"):
        ("/admin/processes/{process}/results/statuses", only(FACILITATORS_OK, 400), False),
    ("POST", "accountability.admin_import_projects"):
        ("/admin/processes/{process}/results/import-projects", only(FACILITATORS_OK, 302), False),
    ("POST", "accountability.admin_import_csv"):
        ("/admin/processes/{process}/results/import.csv", only(FACILITATORS_OK, 400), False),
    ("GET", "accountability.admin_new"): ("/admin/processes/{process}/results/new", only(FACILITATORS_OK, 200), False),
    ("POST", "accountability.admin_new"):
        ("/admin/processes/{process}/results/new", only(FACILITATORS_OK, 400), False),
    ("GET", "accountability.admin_result"): ("/admin/results/{result}/", only(FACILITATORS_OK, 200), False),
    ("POST", "accountability.admin_result"): ("/admin/results/{result}/", only(FACILITATORS_OK, 400), False),
    ("POST", "accountability.admin_delete"): ("/admin/results/{result}/delete", only(FACILITATORS_OK, 302), True),
    ("POST", "accountability.admin_entry"): ("/admin/results/{result}/entries", only(FACILITATORS_OK, 400), False),
    # verified residents
    ("GET", "verifications.index"): ("/account/verification", exp(200, anonymous=302), False),
    ("POST", "verifications.request_letter"): ("/account/verification/letter", exp(400, anonymous=302), False),
    ("POST", "verifications.enter_code"): ("/account/verification/code", exp(400, anonymous=302), False),
    ("POST", "verifications.census"): ("/account/verification/census", exp(400, anonymous=302), False),
    ("GET", "verifications.admin"): ("/admin/verifications", only({"admin"}, 200), False),
    ("POST", "verifications.admin_export"): ("/admin/verifications/letters.csv", only({"admin"}, 200), False),
    ("POST", "verifications.admin_census"): ("/admin/verifications/census", only({"admin"}, 400), False),
    ("POST", "verifications.admin_revoke"):
        ("/admin/verifications/{verification}/revoke", only({"admin"}, 302), True),
    # api, Open311, open data (reads are public; an Open311 POST without an api_key is refused)
    ("GET", "api.index"): ("/api/v1/", exp(200), False),
    ("GET", "api.processes"): ("/api/v1/processes", exp(200), False),
    ("GET", "api.process"): ("/api/v1/processes/square", exp(200), False),
    ("GET", "api.proposals"): ("/api/v1/processes/square/proposals", exp(200), False),
    ("GET", "api.proposal"): ("/api/v1/proposals/{proposal}", exp(200), False),
    ("GET", "api.comments"): ("/api/v1/proposals/{discussed}/comments", exp(200), False),
    ("GET", "api.issues"): ("/api/v1/issues", exp(200), False),
    ("GET", "api.issue"): ("/api/v1/issues/{issue}", exp(200), False),
    ("GET", "api.categories"): ("/api/v1/categories", exp(200), False),
    ("GET", "api.meetings"): ("/api/v1/meetings", exp(200), False),
    ("GET", "api.budgets"): ("/api/v1/processes/square/budgets", exp(200), False),
    ("GET", "api.departments"): ("/api/v1/departments", exp(200), False),
    ("GET", "kpi.index"): ("/kpi/", exp(200), False),
    ("GET", "kpi.download"): ("/kpi/kpi.csv", exp(200), False),
    ("GET", "kpi.population"): ("/kpi/population", only({"admin"}, 200), False),
    ("POST", "kpi.population"): ("/kpi/population", only({"admin"}, 400), False),
    ("POST", "kpi.refresh"): ("/kpi/refresh", only({"admin"}, 302), True),
    ("GET", "api.areas"): ("/api/v1/areas", exp(200), False),
    ("GET", "api.openapi"): ("/api/openapi.json", exp(200), False),
    ("GET", "api.docs"): ("/api/docs", exp(200), False),
    ("GET", "open311.root"): ("/open311/v2/", exp(302), False),
    ("GET", "open311.discovery"): ("/open311/v2/discovery.xml", exp(200), False),
    ("GET", "open311.services"): ("/open311/v2/services.xml", exp(200), False),
    ("GET", "open311.service_definition"): ("/open311/v2/services/pothole.json", exp(200), False),
    ("GET", "open311.requests"): ("/open311/v2/requests.json", exp(200), False),
    ("POST", "open311.create_request"): ("/open311/v2/requests.json", exp(403), False),
    ("GET", "open311.request_detail"): ("/open311/v2/requests/{issue}.xml", exp(200), False),
    ("GET", "open311.token"): ("/open311/v2/tokens/unknown.json", exp(404), False),
    ("GET", "opendata.index"): ("/opendata/", exp(200), False),
    ("GET", "opendata.dataset"): ("/opendata/issues.csv", exp(200), False),
    ("GET", "opendata.dictionary"): ("/opendata/data_dictionary.csv", exp(200), False),
    ("GET", "opendata.catalog"): ("/opendata/catalog.jsonld", exp(200), False),
    ("GET", "opendata.archive"): ("/opendata/all.zip", exp(200), False),
    ("GET", "api_admin.index"): ("/admin/api-keys/", only({"admin"}, 200), False),
    ("POST", "api_admin.index"): ("/admin/api-keys/", only({"admin"}, 400), False),
    ("POST", "api_admin.revoke"): ("/admin/api-keys/999/revoke", only({"admin"}, 404), False),
    # token writes: a cookie session never writes through the API (no token: 403 for everyone)
    ("POST", "api_write.create_proposal"): ("/api/v1/processes/square/proposals", exp(403), False),
    ("POST", "api_write.create_comment"): ("/api/v1/proposals/{proposal}/comments", exp(403), False),
    ("POST", "api_write.create_support"): ("/api/v1/proposals/{proposal}/support", exp(403), False),
    ("POST", "api_write.create_issue"): ("/api/v1/issues", exp(403), False),
    ("GET", "api_tokens.index"): ("/account/api-tokens/", exp(200, anonymous=302), False),
    ("POST", "api_tokens.index"): ("/account/api-tokens/", exp(400, anonymous=302), False),
    ("POST", "api_tokens.revoke"): ("/account/api-tokens/999/revoke", exp(404, anonymous=302), False),
    # conversations
    ("GET", "conversations.detail"): ("/processes/square/conversations/{conversation}", exp(200), False),
    ("POST", "conversations.vote"): ("/processes/square/conversations/{conversation}/vote",
                                     exp(400, anonymous=403, blocked=403), False),
    ("GET", "conversations.new_statement"): ("/processes/square/conversations/{conversation}/statements/new",
                                             exp(200, anonymous=302), False),
    ("POST", "conversations.new_statement"): ("/processes/square/conversations/{conversation}/statements/new",
                                              exp(400, anonymous=302, blocked=403), False),
    ("GET", "conversations.opinion_map"): ("/processes/square/conversations/{conversation}/map", exp(200), False),
    ("GET", "conversations.my_votes"): ("/processes/square/conversations/{conversation}/my-votes", exp(200), False),
    ("GET", "conversations.report_page"): ("/processes/square/conversations/{conversation}/report",
                                           only(FACILITATORS_OK, 200, refused=404, anonymous=404), False),
    ("GET", "conversations.admin_new"): ("/admin/processes/{process}/conversations/new",
                                         only(FACILITATORS_OK, 200), False),
    ("POST", "conversations.admin_new"): ("/admin/processes/{process}/conversations/new",
                                          only(FACILITATORS_OK, 400), False),
    ("GET", "conversations.admin_edit"): ("/admin/conversations/{conversation}/", only(FACILITATORS_OK, 200), False),
    ("POST", "conversations.admin_edit"): ("/admin/conversations/{conversation}/", only(FACILITATORS_OK, 400), False),
    ("POST", "conversations.admin_toggle"): ("/admin/conversations/{conversation}/settings",
                                             only(FACILITATORS_OK, 400), False),
    ("POST", "conversations.admin_review"): (
        "/admin/conversations/{conversation}/statements/{pending_statement}/accept",
        only(FACILITATORS_OK | MODERATORS_OK, 302), True),
    ("POST", "conversations.admin_export"): ("/admin/conversations/{conversation}/export/comments.csv",
                                             only(FACILITATORS_OK, 200), False),
    # mail, jobs and account security (issue 15)
    ("GET", "accounts.reset_request"): ("/auth/reset", exp(200), False),
    ("POST", "accounts.reset_request"): ("/auth/reset", exp(400), False),
    ("GET", "accounts.reset_password"): ("/auth/reset/not-a-token", exp(400), False),
    ("POST", "accounts.reset_password"): ("/auth/reset/not-a-token", exp(400), False),
    ("GET", "accounts.confirm_email"): ("/auth/confirm/not-a-token", exp(200), False),
    ("POST", "accounts.confirm_email"): ("/auth/confirm/not-a-token", exp(400), False),
    ("POST", "accounts.resend_confirmation"): ("/account/confirm/resend", exp(302), False),
    ("GET", "accounts.change_email"): ("/account/email", exp(200, anonymous=302), False),
    ("POST", "accounts.change_email"): ("/account/email", exp(400, anonymous=302), False),
    ("GET", "accounts.confirm_email_change"): ("/account/email/confirm/not-a-token", exp(200), False),
    ("POST", "accounts.confirm_email_change"): ("/account/email/confirm/not-a-token", exp(400), False),
    ("GET", "accounts.notification_settings"): ("/account/notifications", exp(200, anonymous=302), False),
    ("POST", "accounts.notification_settings"): ("/account/notifications", exp(400, anonymous=302), False),
    ("GET", "accounts.unsubscribe"): ("/unsubscribe/not-a-token", exp(400), False),
    ("POST", "accounts.unsubscribe"): ("/unsubscribe/not-a-token", exp(400), False),
    ("GET", "accounts.admin_jobs"): ("/admin/jobs", only({"admin"}, 200), False),
    ("POST", "accounts.retry_mail"): ("/admin/jobs/mail/999999/retry", only({"admin"}, 404), False),
    ("POST", "accounts.retry_job"): ("/admin/jobs/failures/999999/retry", only({"admin"}, 404), False),
    # alerts and feeds (issue 15)
    ("GET", "alerts.index"): ("/alerts/", exp(200), False),
    ("POST", "alerts.subscribe"): ("/alerts/", exp(400), False),
    ("GET", "alerts.confirm"): ("/alerts/confirm/not-a-token", exp(200), False),
    ("POST", "alerts.confirm"): ("/alerts/confirm/not-a-token", exp(400), False),
    ("GET", "alerts.unsubscribe"): ("/alerts/stop/not-a-token", exp(200), False),
    ("POST", "alerts.unsubscribe"): ("/alerts/stop/not-a-token", exp(400), False),
    ("POST", "alerts.delete"): ("/alerts/999999/delete", exp(404, anonymous=403), False),
    ("GET", "alerts.issues_feed"): ("/feeds/issues.atom", exp(200), False),
    ("GET", "alerts.near_feed"): ("/feeds/issues/near.atom?lat=35.66&lon=139.70&radius=1000", exp(200), False),
    ("GET", "alerts.area_feed"): ("/feeds/issues/areas/999999.atom", exp(404), False),
    ("GET", "alerts.category_feed"): ("/feeds/issues/categories/999999.atom", exp(404), False),
    ("GET", "alerts.process_feed"): ("/feeds/processes/square.atom", exp(200), False),
    # privacy rights (issue 17)
    ("GET", "privacy.settings"): ("/account/privacy", exp(200, anonymous=302), False),
    ("POST", "privacy.settings"): ("/account/privacy", exp(302), False),
    ("POST", "privacy.request_export"): ("/account/privacy/export", exp(302), False),
    ("GET", "privacy.download"): ("/account/privacy/export/not-a-token", exp(404, anonymous=302), False),
    ("POST", "privacy.download"): ("/account/privacy/export/not-a-token", exp(404, anonymous=302), False),
    ("GET", "privacy.delete_account"): ("/account/delete", exp(200, anonymous=302), False),
    ("POST", "privacy.delete_account"): ("/account/delete", exp(400, anonymous=302), False),
    ("GET", "privacy.admin_erase"): ("/admin/users/{other_user}/erase", only({"admin"}, 200), False),
    ("POST", "privacy.admin_erase"): ("/admin/users/{other_user}/erase", only({"admin"}, 400), False),
    ("GET", "privacy.admin_erase_done"): ("/admin/users/erased", only({"admin"}, 200), False),
    ("GET", "privacy.profile"): ("/users/{other_user}", exp(404), False),
    # administration (issue 17): users, departments, settings, site pages, categories, areas
    ("GET", "administration.dashboard"): ("/admin/", only({"admin"}, 200), False),
    ("GET", "administration.users"): ("/admin/users/?q=res&role=admin&page=2", only({"admin"}, 200), False),
    ("GET", "administration.user"): ("/admin/users/{other_user}", only({"admin"}, 200), False),
    ("POST", "administration.grant_role"): ("/admin/users/{other_user}/roles", only({"admin"}, 400), False),
    ("POST", "administration.revoke_role"): ("/admin/users/{other_user}/roles/999999/revoke",
                                             only({"admin"}, 404), False),
    ("POST", "administration.resend_confirmation"): ("/admin/users/{other_user}/confirmation",
                                                     only({"admin"}, 302), False),
    ("GET", "administration.departments"): ("/admin/departments/", only({"admin"}, 200), False),
    ("POST", "administration.departments"): ("/admin/departments/", only({"admin"}, 400), False),
    ("GET", "administration.department"): ("/admin/departments/{department}", only({"admin"}, 200), False),
    ("POST", "administration.department"): ("/admin/departments/{department}", only({"admin"}, 400), False),
    ("POST", "administration.add_member"): ("/admin/departments/{department}/members", only({"admin"}, 400), False),
    ("POST", "administration.remove_member"): ("/admin/departments/{department}/members/999999/remove",
                                               only({"admin"}, 404), False),
    ("GET", "administration.settings"): ("/admin/settings", only({"admin"}, 200), False),
    ("POST", "administration.settings"): ("/admin/settings", only({"admin"}, 400), False),
    ("GET", "administration.site_pages"): ("/admin/pages/", only({"admin"}, 200), False),
    ("GET", "administration.edit_page"): ("/admin/pages/about", only({"admin"}, 200), False),
    ("POST", "administration.edit_page"): ("/admin/pages/about", only({"admin"}, 400), False),
    ("GET", "pages.show"): ("/pages/about", exp(404), False),
    ("GET", "pages.accept"): ("/pages/accept", exp(302), False),
    ("POST", "pages.accept"): ("/pages/accept", exp(302), False),
    ("GET", "issues.admin_categories"): ("/admin/categories/", only({"admin"}, 200), False),
    ("POST", "issues.admin_categories"): ("/admin/categories/", only({"admin"}, 400), False),
    ("GET", "issues.admin_category"): ("/admin/categories/{category}", only({"admin"}, 200), False),
    ("POST", "issues.admin_category"): ("/admin/categories/{category}", only({"admin"}, 400), False),
    ("POST", "issues.admin_category_delete"): ("/admin/categories/{category}/delete", only({"admin"}, 409), False),
    ("POST", "issues.admin_category_override"): ("/admin/categories/{category}/overrides",
                                                 only({"admin"}, 400), False),
    ("POST", "issues.admin_category_override_delete"): ("/admin/categories/{category}/overrides/999999/delete",
                                                        only({"admin"}, 404), False),
    ("POST", "issues.admin_category_question"): ("/admin/categories/{category}/questions",
                                                 only({"admin"}, 400), False),
    ("POST", "issues.admin_category_question_delete"): ("/admin/categories/{category}/questions/999/delete",
                                                        only({"admin"}, 404), False),
    ("GET", "issues.admin_areas"): ("/admin/areas/", only({"admin"}, 200), False),
    ("POST", "issues.admin_areas"): ("/admin/areas/", only({"admin"}, 400), False),
    ("GET", "issues.admin_area"): ("/admin/areas/999999", only({"admin"}, 404), False),
    ("POST", "issues.admin_area"): ("/admin/areas/999999", only({"admin"}, 404), False),
}


def build_world(app) -> dict:
    """Everything the routes need, written directly (fast enough to rebuild per user)."""
    with app.app_context():
        s = db.session
        today = city_today()
        users = {}
        for role in SIGNED_IN + ["helper"]:
            user = User(email=f"{role}@example.jp", display_name=role, password_hash="x")
            s.add(user)
            users[role] = user
        users["blocked"].blocked_at, users["blocked"].blocked_reason = clock.now(), "test"
        roads = Department(code="roads", name={"ja": "道路課"})
        parks = Department(code="parks", name={"ja": "公園課"})
        s.add_all([roads, parks])
        process = Process(slug="square", title={"ja": "広場"}, subtitle={}, description={},
                          start_date=today - timedelta(days=10), end_date=today + timedelta(days=10),
                          status="published")
        other = Process(slug="other", title={"ja": "別"}, subtitle={}, description={},
                        start_date=today - timedelta(days=10), end_date=today + timedelta(days=10),
                        status="published")
        for proc in (process, other):
            proc.phases.append(Phase(title={"ja": "全部"}, start_date=proc.start_date, end_date=proc.end_date,
                                     allow_proposals=True, allow_supports=True, allow_comments=True,
                                     allow_survey_answers=True, allow_budget_votes=True,
                                     publish_answers_immediately=False))
        s.add_all([process, other])
        s.flush()
        s.add_all([
            RoleAssignment(user=users["official_dept"], role=Role.OFFICIAL.value, department_id=roads.id),
            RoleAssignment(user=users["official_other"], role=Role.OFFICIAL.value, department_id=parks.id),
            RoleAssignment(user=users["facilitator_this"], role=Role.FACILITATOR.value, process_id=process.id),
            RoleAssignment(user=users["facilitator_other"], role=Role.FACILITATOR.value, process_id=other.id),
            RoleAssignment(user=users["moderator"], role=Role.MODERATOR.value),
            RoleAssignment(user=users["admin"], role=Role.ADMIN.value),
        ])
        helper = RoleAssignment(user=users["helper"], role=Role.MODERATOR.value, process_id=process.id)
        s.add(helper)
        survey = Survey(process=process, phase=process.phases[0], title={"ja": "調査"})
        question = Question(survey=survey, type="single_choice", text={"ja": "質問"}, required=True, position=0,
                            all_options=[Option(kind="option", position=0, label={"ja": "はい"}),
                                         Option(kind="option", position=1, label={"ja": "いいえ"})])
        s.add_all([survey, question])

        def proposal(title):
            p = Proposal(process_id=process.id, author_id=users["author"].id, title=title, body="本文",
                         latitude=35.66, longitude=139.70)
            p.versions.append(ProposalVersion(number=1, title=title, body="本文"))
            s.add(p)
            return p

        supported, own, discussed = proposal("応援される提案"), proposal("自分の提案"), proposal("議論中の提案")
        s.flush()
        comment = Comment(proposal_id=discussed.id, author_id=users["author"].id, body="意見", depth=1)
        s.add(comment)
        discussed.comments_count = 1
        answer = ProposalAnswer(proposal_id=discussed.id, state="evaluating", text="検討します",
                                answered_by_id=users["official_dept"].id, answered_as="official")
        category = Category(code="pothole", name={"ja": "穴"}, department_id=roads.id)
        s.add_all([answer, category])
        s.flush()

        def issue(status):
            i = Issue(category_id=category.id, department_id=roads.id, reporter_id=users["author"].id,
                      title="穴", latitude=35.66, longitude=139.70, status=status)
            s.add(i)
            return i

        open_issue, closed_issue = issue("open"), issue("not_responsible")
        s.flush()
        s.add(IssueUpdate(issue_id=open_issue.id, author_id=users["other_resident"].id, author_role="resident",
                          text="更新"))
        template = ResponseTemplate(department_id=roads.id, status="fixed", title={"ja": "完了"}, text={"ja": "完了"})
        case = Case(target_type="proposal_comments", target_id=comment.id, process_id=process.id,
                    author_id=users["author"].id, flag_count=1)
        s.add_all([template, case, Flag(target_type="proposal_comments", target_id=comment.id,
                                        user_id=users["other_resident"].id, reason="spam")])
        budget = Budget(process_id=process.id, title={"ja": "東区"}, total=1000)
        budget.projects.append(Project(title={"ja": "ベンチ"}, cost=400))
        result = Result(process_id=process.id, title={"ja": "ベンチ設置"}, progress=30)
        verification = Verification(user_id=users["helper"].id, method="letter")
        s.add_all([budget, result, verification])
        starts = clock.now() + timedelta(days=7)
        meeting = Meeting(process_id=process.id, title={"ja": "説明会"}, type="hybrid", kind="info_session",
                          starts_at=starts, ends_at=starts + timedelta(hours=2), address="市役所",
                          online_url="https://meet.example.jp/x", registration_enabled=True, capacity=10,
                          registered_count=1, waiting_count=0)
        meeting.questions.append(MeetingQuestion(kind="short_text", text={"ja": "参加人数"}, position=1))
        s.add(meeting)
        s.flush()
        conversation = Conversation(process_id=process.id, topic={"ja": "意見交換"})
        s.add(conversation)
        s.flush()
        statement = Statement(conversation_id=conversation.id, text="駅前に木を植えたい", state="accepted")
        pending_statement = Statement(conversation_id=conversation.id, text="確認待ちの意見", state="pending")
        s.add_all([statement, pending_statement])
        meeting_link = MeetingProposal(meeting_id=meeting.id, proposal_id=supported.id)
        meeting_comment = MeetingComment(meeting_id=meeting.id, author_id=users["author"].id, body="質問です")
        s.add(meeting_comment)
        s.add_all([meeting_link, Registration(meeting_id=meeting.id, user_id=users["author"].id,
                                              status="registered")])
        s.commit()
        return {"users": {k: v.id for k, v in users.items()}, "process": process.id, "phase": process.phases[0].id,
                "assignment": helper.id, "survey": survey.id, "question": question.id, "proposal": supported.id,
                "own": own.id, "discussed": discussed.id, "comment": comment.id, "answer": answer.id,
                "issue": open_issue.id, "closed_issue": closed_issue.id, "template": template.id,
                "case": case.id, "other_user": users["other_resident"].id, "budget": budget.id,
                "department": roads.id, "category": category.id,
                "project": budget.projects[0].id, "result": result.id, "verification": verification.id,
                "meeting": meeting.id, "meeting_link": meeting_link.id, "meeting_question": meeting.questions[0].id,
                "meeting_comment": meeting_comment.id,
                "conversation": conversation.id, "statement": statement.id, "pending_statement": pending_statement.id}


def shared_connection(app):
    """The connection every session of this test joins (see conftest: one rolled-back transaction)."""
    from participation.extensions import db

    with app.app_context():
        return db.engine


def request_as(app, world: dict, role: str, method: str, path: str):
    from participation.extensions import limiter

    limiter.reset()  # rate limits have their own tests; here every user starts fresh
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_token_of(app, world["users"][role]), True
    if method == "GET":
        with client.get(path) as response:
            return response
    page = client.get("/auth/login" if role == "anonymous" else "/account/")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token})


def blocked_may_use(app, endpoint: str) -> bool:
    from participation.core.blocking import is_allowed_when_blocked

    with app.test_request_context("/"):
        return is_allowed_when_blocked(endpoint)


def test_every_route_is_in_the_matrix(app):
    routes = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(MATRIX) == set(), "add these routes to the authorization matrix"
    assert set(MATRIX) - routes == set(), "these matrix rows name routes that no longer exist"


@pytest.mark.parametrize(("method", "endpoint"), sorted(MATRIX))
def test_route_by_role(app, method, endpoint):
    path_template, expected, stateful = MATRIX[(method, endpoint)]
    if method != "GET" and not blocked_may_use(app, endpoint):  # blocked means blocked: one gate
        expected = {**expected, "blocked": 403}
    outcomes = {}
    if stateful:  # each role meets the world as it was before anyone acted (a savepoint per role)
        connection = shared_connection(app)
        for role in ROLES:
            savepoint = connection.begin_nested()
            world = build_world(app)
            outcomes[role] = request_as(app, world, role, method, path_template.format(**world)).status_code
            savepoint.rollback()
    else:
        world = build_world(app)
        for role in ROLES:
            outcomes[role] = request_as(app, world, role, method, path_template.format(**world)).status_code
    assert outcomes == expected
