"""The JSON API (/api/v1/), its OpenAPI document (/api/openapi.json) and its documentation page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from . import queries
from .docs import documented

bp = Blueprint("api", __name__, url_prefix="/api", template_folder="templates")


def _page(rows: list[Any], next_after: int | None, shape) -> Response:
    next_url = None
    if next_after is not None:
        args = {k: v for k, v in request.args.items() if k != "after"}
        next_url = url_for(request.endpoint or "", **(request.view_args or {}), **args, after=next_after,
                           _external=True)
    return jsonify({"items": [shape(r) for r in rows], "next": next_url})


@bp.get("/v1/")
@documented("API", "The list of API resources.", schema="Index")
def index():
    names = ["processes", "issues", "meetings", "categories", "departments", "areas"]
    return jsonify({"resources": {n: url_for(f"api.{n}", _external=True) for n in names},
                    "openapi": url_for("api.openapi", _external=True),
                    "open311": url_for("open311.discovery", fmt="json", _external=True),
                    "opendata": url_for("opendata.index", _external=True)})


@bp.get("/v1/processes")
@documented("API", "Published and archived processes, newest first.", params=["after", "limit", "lang"],
            schema="Process", many=True)
def processes():
    rows, after = queries.keyset(queries.public_processes(), queries.Process.id, request.args)
    return _page(rows, after, queries.process_dict)


@bp.get("/v1/processes/<slug>")
@documented("API", "One process with its phases.", params=["lang"], schema="ProcessDetail")
def process(slug: str):
    return jsonify(queries.process_dict(queries.get_process(slug), phases=True))


@bp.get("/v1/processes/<slug>/proposals")
@documented("API", "The proposals of a process, newest first, with their published answers.",
            params=["after", "limit", "state", "lang"], schema="Proposal", many=True)
def proposals(slug: str):
    process = queries.get_process(slug)
    rows, after = queries.keyset(queries.proposals_query(process, request.args), queries.Proposal.id, request.args)
    answers = queries.published_answers([p.id for p in rows])
    return _page(rows, after, lambda p: queries.proposal_dict(p, answers.get(p.id, [])))


@bp.get("/v1/proposals/<int:proposal_id>")
@documented("API", "One proposal with its published answers and support count.", params=["lang"],
            schema="Proposal")
def proposal(proposal_id: int):
    found = queries.get_proposal(proposal_id)
    return jsonify(queries.proposal_dict(found, queries.published_answers([found.id]).get(found.id, [])))


@bp.get("/v1/proposals/<int:proposal_id>/comments")
@documented("API", "The comments on a proposal, newest first.", params=["after", "limit"],
            schema="Comment", many=True)
def comments(proposal_id: int):
    found = queries.get_proposal(proposal_id)
    rows, after = queries.keyset(queries.comments_query(found), queries.Comment.id, request.args)
    return _page(rows, after, queries.comment_dict)


@bp.get("/v1/issues")
@documented("API", "Street issues, newest first; filters as on the issues page.",
            params=["after", "limit", "group", "status", "category", "department", "area", "lang"],
            schema="Issue", many=True)
def issues():
    rows, after = queries.keyset(queries.issues_query(request.args), queries.Issue.id, request.args)
    return _page(rows, after, queries.issue_dict)


@bp.get("/v1/issues/<int:issue_id>")
@documented("API", "One street issue with its public timeline.", params=["lang"], schema="IssueDetail")
def issue(issue_id: int):
    found = queries.get_issue(issue_id)
    return jsonify({**queries.issue_dict(found), "timeline": queries.public_timeline(found)})


@bp.get("/v1/meetings")
@documented("API", "Meetings, newest first (online links are never included).",
            params=["after", "limit", "process", "lang"], schema="Meeting", many=True)
def meetings():
    from . import civic

    rows, after = queries.keyset(civic.public_meetings(request.args), civic.Meeting.id, request.args)
    return _page(rows, after, civic.meeting_dict)


@bp.get("/v1/processes/<slug>/budgets")
@documented("API", "The participatory budgets of a process with their projects (votes once results are public).",
            params=["lang"], schema="BudgetList")
def budgets(slug: str):
    from . import civic

    return jsonify({"items": civic.budgets(queries.get_process(slug))})


@bp.get("/v1/categories")
@documented("API", "Issue categories.", params=["lang"], schema="CategoryList")
def categories():
    return jsonify({"items": queries.categories()})


@bp.get("/v1/departments")
@documented("API", "Departments of the city.", params=["lang"], schema="DepartmentList")
def departments():
    return jsonify({"items": queries.departments()})


@bp.get("/v1/areas")
@documented("API", "Areas (wards) of the city, with their GeoJSON geometry when geometry=1.",
            params=["geometry", "lang"], schema="AreaList")
def areas():
    return jsonify({"items": queries.areas(geometry=request.args.get("geometry") in ("1", "true"))})


@bp.get("/openapi.json")
@documented("API", "This OpenAPI 3.1 document.")
def openapi():
    from .openapi import build_spec

    return jsonify(build_spec(current_app))


@bp.get("/docs")
def docs():
    from .openapi import build_spec

    return render_template("api/docs.html", spec=build_spec(current_app))
