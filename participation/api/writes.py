"""Writes for residents' apps, with a personal access token of the write scope: proposals, comments,
supports and street issue reports, through the same services and predicates as the web forms.

Authenticated by the Authorization header only (cookie sessions cannot write here), so CSRF does not
apply; rate-limited per resident like the web's forms.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from ..core.errors import InvalidInput
from ..core.i18n import current_language
from ..core.security import post_rate_limit
from ..issues.services import report_issue
from ..proposals.services import add_comment, submit_proposal, support
from . import queries
from .docs import documented
from .tokens import bearer_token, writer

bp = Blueprint("api_write", __name__, url_prefix="/api")
SEND_JSON = _l("Send a JSON object (Content-Type: application/json).")


def token_user_key() -> str:
    row = bearer_token()
    return f"user:{row.user_id}" if row is not None else get_remote_address()


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True) if request.mimetype == "application/json" else None
    if not isinstance(data, dict):
        raise InvalidInput(SEND_JSON)
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is not None and not isinstance(value, str | int | float):
        raise InvalidInput(_l("%(field)s has the wrong type.", field=name), field=name)
    return "" if value is None else str(value)


@bp.post("/v1/processes/<slug>/proposals")
@documented("API (write)", "Publish a proposal as the token's owner (while the phase takes proposals).",
            body="NewProposal", schema="Proposal", status=201, writes=True)
def create_proposal(slug: str):
    user, process = writer(), queries.get_process(slug)
    data = _body()
    fields = {k: _text(data, k) for k in ("title", "body", "address", "latitude", "longitude")}
    proposal = submit_proposal(process, user, {**fields, "language": current_language()})
    return jsonify(queries.proposal_dict(proposal, [])), 201


@bp.post("/v1/proposals/<int:proposal_id>/comments")
@documented("API (write)", "Comment on a proposal (or reply, with parent_id) as the token's owner.",
            body="NewComment", schema="Comment", status=201, writes=True)
def create_comment(proposal_id: int):
    user, proposal = writer(), queries.get_proposal(proposal_id)
    data = _body()
    parent, alignment = _text(data, "parent_id"), _text(data, "alignment") or "0"
    if not alignment.lstrip("-").isdecimal() or len(alignment) > 2:
        raise InvalidInput(_l("%(field)s has the wrong type.", field="alignment"), field="alignment")
    comment = add_comment(user, proposal, _text(data, "body"), int(alignment),
                          parent_id=int(parent) if parent.isdecimal() and len(parent) < 10 else None,
                          language=current_language())
    return jsonify(queries.comment_dict(comment)), 201


@bp.post("/v1/proposals/<int:proposal_id>/support")
@documented("API (write)", "Support a proposal as the token's owner (once; within the process's limit).",
            schema="SupportCount", writes=True)
def create_support(proposal_id: int):
    user, proposal = writer(), queries.get_proposal(proposal_id)
    return jsonify({"supports_count": support(user, proposal).supports_count})


@bp.post("/v1/issues")
@documented("API (write)", "Report a street issue as the token's owner (inside the city; routed to the "
            "responsible department).", body="NewIssue", schema="Issue", status=201, writes=True)
def create_issue():
    user = writer()
    data = _body()
    fields = {k: _text(data, k) for k in ("category_id", "latitude", "longitude", "title", "details", "address")}
    issue = report_issue(user, {**fields, "show_name": data.get("show_name") is True,
                                "language": current_language()}, shown_nearby=None)
    return jsonify(queries.issue_dict(issue)), 201


def init_limits() -> None:
    from ..extensions import limiter

    limiter.limit(post_rate_limit, key_func=token_user_key, methods=["POST"])(bp)
