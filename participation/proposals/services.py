"""Proposal commands: submit, edit, withdraw, follow, answer, publish (supports in
`support_services.py`, comments and their votes in `comment_services.py`, both re-exported here).

Each command checks the rule (the predicates of `permissions.py`, the phase through the processes
package's capabilities, the models' state transitions), changes state, writes the audit log for
staff actions, notifies followers and flushes; it never commits (the request boundary does).
Reads live in `queries.py`, text search and similarity in `search.py`.

Refusals are worded once, here: views that must refuse before showing a form call the same
`require_*` guard as the command.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import audit, clock, geo, notifications, signals, uploads
from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.models import Role, User
from ..core.permissions import is_admin, is_official
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post
from ..core.types import Actor
from ..extensions import db
from ..processes.capabilities import require
from ..processes.models import Capability, Process
from . import counters, permissions
from .comment_services import (  # noqa: F401 - the commands of comments and supports, one import away
    ONLY_AUTHOR_DELETES_COMMENT,
    VOTE_UP_OR_DOWN,
    add_comment,
    delete_comment,
    edit_comment,
    recount_comments,
    require_can_edit_comment,
    vote_comment,
)
from .models import (
    ADDRESS_MAX,
    ANSWER_COST_MAX,
    ANSWER_TEXT_MAX,
    BODY_MAX,
    PLANNED_PERIOD_MAX,
    TITLE_MAX,
    TITLE_MIN,
    AnswerState,
    Proposal,
    ProposalAnswer,
    ProposalImage,
    ProposalVersion,
    State,
)
from .queries import held_answers
from .support_services import recount_supports, support, unsupport  # noqa: F401

# --- refusals -----------------------------------------------------------------------------------

ONLY_AUTHOR_WITHDRAWS = _l("Only the author can withdraw a proposal.")
ANSWERING_REFUSED = _l("Only officials, facilitators of this process and administrators can answer proposals.")
PUBLISHING_REFUSED = _l("Only facilitators of this process and administrators can publish answers.")


def require_can_edit_proposal(user: Actor, proposal: Proposal) -> None:
    if not permissions.can_edit_proposal(user, proposal):
        raise PermissionDenied(_l("A proposal can be edited for %(n)d minutes after publishing, "
                                  "and only until someone supports it or comments on it.",
                                  n=permissions.edit_minutes()))


def require_can_answer(user: Actor, proposal: Proposal) -> None:
    if not permissions.can_answer_proposal(user, proposal):
        raise PermissionDenied(ANSWERING_REFUSED)


def _require_can_publish(user: Actor, process: Process) -> None:
    if not permissions.can_publish_answers(user, process):
        raise PermissionDenied(PUBLISHING_REFUSED)


# --- input checks -------------------------------------------------------------------------------

def _clean_title(title: str | None) -> str:
    title = " ".join(clean_text(title).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise InvalidInput(_l("The title must be between %(min)d and %(max)d characters long.",
                              min=TITLE_MIN, max=TITLE_MAX), field="title")
    return title


def _clean_body(body: str | None) -> str:
    body = clean_text(body).strip()
    if not body:
        raise InvalidInput(_l("Please describe your proposal."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_l("The description can be at most %(max)d characters long.", max=BODY_MAX),
                           field="body")
    return body


# --- proposals ----------------------------------------------------------------------------------

def submit_proposal(process: Process, author: User, data: dict[str, Any]) -> Proposal:
    """Publish a proposal (version 1, photos) while the phase takes proposals; the author follows it."""
    ensure_can_post(author)
    require(process, Capability.PROPOSE, author)
    title, body = _clean_title(data.get("title")), _clean_body(data.get("body"))
    lat, lon = geo.clean_location(data.get("latitude"), data.get("longitude"))
    address = " ".join(clean_text(data.get("address")).split())[:ADDRESS_MAX] or None
    proposal = Proposal(process_id=process.id, author_id=author.id, title=title, body=body,
                        language=data.get("language") or "ja", latitude=lat, longitude=lon,
                        address=address, state=State.PUBLISHED)
    proposal.versions.append(ProposalVersion(number=1, title=title, body=body))
    for position, upload in enumerate(uploads.save_images(data.get("images") or [], author)):
        proposal.images.append(ProposalImage(upload=upload, position=position))
    db.session.add(proposal)
    db.session.flush()  # the process counters follow (counters.py)
    notifications.follow(author, proposal)
    signals.send(signals.proposal_published, proposal=proposal)
    return proposal


def edit_proposal(user: User, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """A new version of the text, within the edit window; the earlier versions stay visible."""
    ensure_can_post(user)
    require_can_edit_proposal(user, proposal)
    title, body = _clean_title(data.get("title")), _clean_body(data.get("body"))
    if (title, body) == (proposal.title, proposal.body):
        return proposal
    number = db.session.scalar(select(func.max(ProposalVersion.number))
                               .where(ProposalVersion.proposal_id == proposal.id)) or 0
    proposal.title, proposal.body, proposal.edited_at = title, body, clock.now()
    db.session.add(ProposalVersion(proposal_id=proposal.id, number=number + 1, title=title, body=body))
    db.session.flush()
    return proposal


def withdraw_proposal(user: User, proposal: Proposal) -> Proposal:
    """The author withdraws; the model refuses once the proposal is answered or supported."""
    if not permissions.is_author(user, proposal):
        raise PermissionDenied(ONLY_AUTHOR_WITHDRAWS)
    counters.lock(proposal)
    proposal.withdraw()
    db.session.flush()
    return proposal


def follow(user: User, proposal: Proposal) -> None:
    notifications.follow(user, proposal)  # refuses blocked accounts and hidden proposals


def unfollow(user: User, proposal: Proposal) -> None:
    notifications.unfollow(user, proposal)


# --- official answers ---------------------------------------------------------------------------

def _answered_as(user: User) -> tuple[str, int | None]:
    """In which capacity the answer is given, and for which department."""
    if is_official(user):
        department = next((a.department_id for a in user.roles if a.role == Role.OFFICIAL.value), None)
        return "official", department
    if is_admin(user):
        return "admin", None
    return "facilitator", None


def answer_proposal(actor: User, proposal: Proposal, data: dict[str, Any]) -> ProposalAnswer:
    """Record an official answer; public at once unless the phase holds answers for a facilitator."""
    require_can_answer(actor, proposal)
    try:
        state = AnswerState(str(data.get("state") or ""))
    except ValueError:
        raise InvalidInput(_l("Please choose the state of the answer."), field="state") from None
    if proposal.is_withdrawn:
        raise Conflict(_l("A withdrawn proposal cannot be answered."))
    text = clean_text(data.get("text")).strip()
    if state in (AnswerState.ACCEPTED, AnswerState.REJECTED) and not text:
        raise InvalidInput(_l("An answer that accepts or rejects a proposal must explain why."),
                           field="text")
    if len(text) > ANSWER_TEXT_MAX:
        raise InvalidInput(_l("The answer can be at most %(max)d characters long.", max=ANSWER_TEXT_MAX),
                           field="text")
    cost = data.get("cost")
    if cost is not None and (not isinstance(cost, int) or cost < 0 or cost > ANSWER_COST_MAX):
        raise InvalidInput(_l("The cost must be a whole number of yen."), field="cost")
    period = " ".join(clean_text(data.get("planned_period")).split())[:PLANNED_PERIOD_MAX] or None
    answered_as, department_id = _answered_as(actor)
    answer = ProposalAnswer(proposal_id=proposal.id, state=state, text=text, cost=cost,
                            planned_period=period, answered_by_id=actor.id,
                            department_id=department_id, answered_as=answered_as)
    db.session.add(answer)
    db.session.flush()
    audit.record(actor, "proposal.answer", proposal, after={
        "answer_id": answer.id, "state": state, "text": text, "cost": cost,
        "planned_period": period})
    phase = proposal.process.current_phase()
    if phase is None or phase.publish_answers_immediately:
        publish(actor, answer)
    return answer


def publish(actor: User | None, answer: ProposalAnswer) -> None:
    """Make a recorded answer public (no permission check: callers check). The proposal takes its
    state; followers are notified; `signals.proposal_answered` is sent."""
    proposal = answer.proposal
    counters.lock(proposal)
    before = proposal.state
    proposal.apply_answer(answer.state)
    answer.published_at = clock.now()
    db.session.flush()
    audit.record(actor, "proposal.answer.publish", proposal, before={"state": before},
                 after={"state": proposal.state, "answer_id": answer.id})
    notifications.notify_followers(proposal, "proposal.answered",
                                   {"title": proposal.title, "proposal_id": proposal.id,
                                    "state": answer.state}, exclude=None)
    signals.send(signals.proposal_answered, proposal=proposal, answer=answer)


def publish_answer(actor: User, answer: ProposalAnswer) -> None:
    """A facilitator publishes a held answer, unless a newer answer replaced it."""
    proposal = answer.proposal
    _require_can_publish(actor, proposal.process)
    if answer.published_at is not None:
        raise Conflict(_l("This answer is already public."))
    newest = db.session.scalar(select(func.max(ProposalAnswer.id))
                               .where(ProposalAnswer.proposal_id == proposal.id))
    if newest != answer.id:
        raise Conflict(_l("A newer answer replaces this one."))
    publish(actor, answer)


def publish_all_answers(actor: User, process: Process) -> int:
    """Publish every proposal's held latest answer (withdrawn proposals' answers stay held)."""
    _require_can_publish(actor, process)
    answers = held_answers(process)
    for answer in answers:
        if not answer.proposal.is_withdrawn:
            publish(actor, answer)
    return len(answers)
