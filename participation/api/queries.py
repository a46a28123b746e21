"""Reads of the JSON API: public content only, shaped as plain dicts, paginated by keyset.

Reads other features through their models (the documented interface named in
tests/core/test_structure.py): processes, proposals, issues. Hidden content, drafts, unpublished
answers, e-mail addresses, internal notes and reporters who did not choose to be named never appear.
"""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from ..core.errors import InvalidInput, NotFound
from ..core.i18n import localized
from ..core.models import Department
from ..extensions import db
from ..issues.models import GROUPS, Area, Category, Issue, IssueUpdate, Status
from ..processes.models import Process, ProcessStatus
from ..proposals.models import Comment, Proposal, ProposalAnswer, State

DEFAULT_LIMIT, MAX_LIMIT = 50, 100


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def page_args(args: Any) -> tuple[int | None, int]:
    """`after` (the last id of the previous page) and `limit` from the query string."""
    after, limit = args.get("after"), args.get("limit")
    try:
        after_id = int(after) if after not in (None, "") else None
        size = int(limit) if limit not in (None, "") else DEFAULT_LIMIT
    except ValueError:
        raise InvalidInput(_l("after and limit must be whole numbers.")) from None
    if not 1 <= size <= MAX_LIMIT or (after_id is not None and not 0 < after_id < 2**31):
        raise InvalidInput(_l("limit must be between 1 and %(max)d.", max=MAX_LIMIT))
    return after_id, size


def keyset(query: Select, id_column: Any, args: Any) -> tuple[list[Any], int | None]:
    """One page, newest (highest id) first, through the primary key index: rows and the next `after`."""
    after, size = page_args(args)
    if after is not None:
        query = query.where(id_column < after)
    rows = list(db.session.scalars(query.order_by(id_column.desc()).limit(size + 1)))
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def _id_filter(args: Any, name: str) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return None
    if not str(raw).isdecimal() or len(str(raw)) > 9:
        raise InvalidInput(_l("The filter value must be a number."))
    return int(raw)


# --- processes ----------------------------------------------------------------------------------

def public_processes() -> Select:
    return select(Process).where(Process.status != ProcessStatus.DRAFT)


def get_process(slug: str) -> Process:
    process = db.session.scalar(public_processes().where(Process.slug == slug))
    if process is None:
        raise NotFound(_l("This process does not exist."))
    return process


def process_dict(process: Process, *, phases: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": process.id, "slug": process.slug, "title": localized(process.title),
        "subtitle": localized(process.subtitle), "status": str(process.status),
        "start_date": process.start_date.isoformat(), "end_date": process.end_date.isoformat(),
        "url": url_for("processes.detail", slug=process.slug, _external=True)}
    if phases:
        out["description"] = localized(process.description)
        out["phases"] = [{"id": p.id, "title": localized(p.title), "description": localized(p.description),
                          "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(),
                          "allow_proposals": p.allow_proposals, "allow_supports": p.allow_supports,
                          "allow_comments": p.allow_comments} for p in process.phases]
    return out


# --- proposals ----------------------------------------------------------------------------------

def public_proposals() -> Select:
    return (select(Proposal).join(Process, Process.id == Proposal.process_id)
            .where(Proposal.hidden_at.is_(None), Process.status != ProcessStatus.DRAFT))


def proposals_query(process: Process, args: Any) -> Select:
    query = public_proposals().where(Proposal.process_id == process.id)
    state = args.get("state")
    if state:
        try:
            query = query.where(Proposal.state == State(state))
        except ValueError:
            raise InvalidInput(_l("Unknown state.")) from None
    return query


def get_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.scalar(public_proposals().where(Proposal.id == proposal_id))
    if proposal is None:
        raise NotFound(_l("This proposal does not exist."))
    return proposal


def published_answers(proposal_ids: list[int]) -> dict[int, list[ProposalAnswer]]:
    found: dict[int, list[ProposalAnswer]] = {}
    if proposal_ids:
        for answer in db.session.scalars(select(ProposalAnswer).where(
                ProposalAnswer.proposal_id.in_(proposal_ids), ProposalAnswer.published_at.is_not(None))
                .order_by(ProposalAnswer.id)):
            found.setdefault(answer.proposal_id, []).append(answer)
    return found


def answer_dict(answer: ProposalAnswer) -> dict[str, Any]:
    return {"state": str(answer.state), "text": answer.text,
            "cost": int(answer.cost) if answer.cost is not None else None,
            "planned_period": answer.planned_period,
            "department": localized(answer.department.name) if answer.department else None,
            "published_at": _iso(answer.published_at)}


def proposal_dict(proposal: Proposal, answers: list[ProposalAnswer]) -> dict[str, Any]:
    return {"id": proposal.id, "process_id": proposal.process_id, "title": proposal.title, "body": proposal.body,
            "language": proposal.language, "state": str(proposal.state),
            "supports_count": proposal.supports_count, "comments_count": proposal.comments_count,
            "address": proposal.address, "latitude": proposal.latitude, "longitude": proposal.longitude,
            "created_at": _iso(proposal.created_at), "answers": [answer_dict(a) for a in answers],
            "url": url_for("proposals.detail", proposal_id=proposal.id, _external=True)}


def comments_query(proposal: Proposal) -> Select:
    return select(Comment).where(Comment.proposal_id == proposal.id, Comment.hidden_at.is_(None),
                                 Comment.deleted_at.is_(None))


def comment_dict(comment: Comment) -> dict[str, Any]:
    return {"id": comment.id, "proposal_id": comment.proposal_id, "parent_id": comment.parent_id,
            "depth": comment.depth, "body": comment.body, "language": comment.language,
            "alignment": comment.alignment, "upvotes": comment.upvotes, "downvotes": comment.downvotes,
            "created_at": _iso(comment.created_at)}


# --- street issues ------------------------------------------------------------------------------

def issues_query(args: Any) -> Select:
    query = select(Issue).where(Issue.hidden_at.is_(None))
    group, status = args.get("group"), args.get("status")
    if group:
        if group not in GROUPS:
            raise InvalidInput(_l("Unknown status group."))
        query = query.where(Issue.status.in_(GROUPS[group]))
    if status:
        try:
            query = query.where(Issue.status == Status(status))
        except ValueError:
            raise InvalidInput(_l("Unknown status.")) from None
    for name, column in (("category", Issue.category_id), ("department", Issue.department_id),
                         ("area", Issue.area_id)):
        value = _id_filter(args, name)
        if value is not None:
            query = query.where(column == value)
    return query


def get_issue(issue_id: int) -> Issue:
    issue = db.session.get(Issue, issue_id)
    if issue is None or issue.hidden_at is not None:
        raise NotFound(_l("This issue does not exist."))
    return issue


def issue_dict(issue: Issue) -> dict[str, Any]:
    return {"id": issue.id, "title": issue.title, "details": issue.details, "language": issue.language,
            "status": str(issue.status), "status_group": issue.group,
            "category": {"id": issue.category_id, "code": issue.category.code, "name": localized(issue.category.name)},
            "department": {"id": issue.department_id, "name": localized(issue.department.name)},
            "area": {"id": issue.area.id, "name": localized(issue.area.name)} if issue.area else None,
            "address": issue.address, "latitude": issue.latitude, "longitude": issue.longitude,
            "metoo_count": issue.metoo_count, "reporter": reporter_name(issue),
            "created_at": _iso(issue.created_at), "updated_at": _iso(issue.updated_at),
            "acknowledged_at": _iso(issue.acknowledged_at), "fixed_at": _iso(issue.fixed_at),
            "closed_at": _iso(issue.closed_at),
            "url": url_for("issues.detail", issue_id=issue.id, _external=True)}


def reporter_name(issue: Issue) -> str | None:
    """Named only when the reporter chose to show their name."""
    return issue.reporter.display_name if issue.show_name and issue.reporter is not None else None


def public_timeline(issue: Issue) -> list[dict[str, Any]]:
    """The public updates, without who wrote them (only in which role and for which department)."""
    rows = db.session.scalars(select(IssueUpdate).where(IssueUpdate.issue_id == issue.id,
                                                        IssueUpdate.hidden_at.is_(None))
                              .order_by(IssueUpdate.created_at, IssueUpdate.id))
    return [{"created_at": _iso(u.created_at), "author_role": u.author_role,
             "department": localized(u.author_department.name) if u.author_department else None,
             "text": u.text, "old_status": u.old_status, "new_status": u.new_status} for u in rows]


def categories() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.id))
    return [{"id": c.id, "code": c.code, "name": localized(c.name), "group": localized(c.group),
             "department_id": c.department_id, "active": c.active} for c in rows]


def departments() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Department).order_by(Department.id))
    return [{"id": d.id, "code": d.code, "name": localized(d.name)} for d in rows]


def areas(*, geometry: bool = False) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Area).order_by(Area.id))
    return [{"id": a.id, "code": a.code, "name": localized(a.name),
             "bbox": [a.min_lon, a.min_lat, a.max_lon, a.max_lat],
             **({"geometry": a.geometry} if geometry else {})} for a in rows]
