"""Reading conversations: look-ups that 404, whether voting is open, the next statement, progress."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import NotFound, PermissionDenied
from ..core.models import User
from ..core.services import parse_id
from ..core.text import similarity
from ..core.types import Actor
from ..extensions import db
from ..processes.capabilities import Decision
from ..processes.models import Process, city_today
from ..processes.queries import get_process_by_slug
from . import permissions
from .models import SIMILAR_SHOWN, Analysis, Conversation, Participant, Statement, StatementState, Vote
from .routing import Candidate, choose_next

if TYPE_CHECKING:
    import numpy as np

NOT_FOUND = _l("This conversation does not exist.")
STATEMENT_NOT_FOUND = _l("This statement does not exist.")
SIMILAR_THRESHOLD = 0.35


def get_conversation(conversation_id: int, user: Actor = None, *, process: Process | None = None) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or (process is not None and conversation.process_id != process.id) \
            or not permissions.can_view_conversation(user, conversation):
        raise NotFound(NOT_FOUND)
    return conversation


def get_in_process(slug: str, conversation_id: int, user: Actor) -> Conversation:
    return get_conversation(conversation_id, user, process=get_process_by_slug(slug, user))


def get_statement(conversation: Conversation, statement_id: object) -> Statement:
    """A statement of this conversation, from an id as users send it (404 for anything else: text,
    negative or out-of-range numbers would make the database driver fail instead)."""
    number = parse_id(statement_id)
    statement = db.session.get(Statement, number) if number is not None else None
    if statement is None or statement.conversation_id != conversation.id:
        raise NotFound(STATEMENT_NOT_FOUND)
    return statement


def conversations_of(process: Process) -> list[Conversation]:
    return list(db.session.scalars(select(Conversation).where(Conversation.process_id == process.id)
                                   .order_by(Conversation.id)))


def is_open(conversation: Conversation) -> Decision:
    """Voting and new statements: while the process is public and the conversation's phase is current."""
    process = conversation.process
    if process.is_draft:
        return Decision(False, str(_l("This process is not published yet.")))
    if process.is_archived:
        return Decision(False, str(_l("This process has been archived.")))
    if conversation.is_closed:
        return Decision(False, str(_l("This conversation is closed.")))
    today = city_today()
    if conversation.phase is not None:
        current = process.current_phase(today)
        if current is None or current.id != conversation.phase_id:
            if conversation.phase.start_date > today:
                return Decision(False, str(_l("This conversation opens with the phase “%(phase)s”.",
                                              phase=conversation.phase.title.get("ja", ""))))
            return Decision(False, str(_l("This conversation is closed.")))
    elif not (process.start_date <= today <= process.end_date):
        return Decision(False, str(_l("This conversation is closed.")))
    return Decision(True)


def may_vote(conversation: Conversation, user: Actor) -> Decision:
    decision = is_open(conversation)
    if not decision:
        return decision
    if not permissions.can_take_part(user, conversation):
        if isinstance(user, User):
            return Decision(False, str(_l("Your account is blocked: you can read but not take part.")))
        return Decision(False, str(_l("Please sign in to take part in this conversation.")), needs_login=True)
    return Decision(True)


def find_participant(conversation: Conversation, user: Actor, browser_token: str | None) -> Participant | None:
    if isinstance(user, User):
        where = Participant.user_id == user.id
    elif browser_token:
        where = Participant.browser_token == browser_token
    else:
        return None
    return db.session.scalar(select(Participant).where(Participant.conversation_id == conversation.id, where))


def visible_statements_query(conversation: Conversation):
    return select(Statement).where(Statement.conversation_id == conversation.id,
                                   Statement.state == StatementState.ACCEPTED, Statement.hidden_at.is_(None))


def voted_statement_ids(participant: Participant | None) -> set[int]:
    if participant is None:
        return set()
    return set(db.session.scalars(select(Vote.statement_id).where(Vote.participant_id == participant.id)))


def next_statement(conversation: Conversation, participant: Participant | None,
                   rng: np.random.Generator | None = None) -> Statement | None:
    """The routing rule: unseen seed statements first, then a draw weighted by priority."""
    import numpy as np

    seen = voted_statement_ids(participant)
    rows = db.session.execute(
        select(Statement.id, Statement.agree_count, Statement.disagree_count, Statement.pass_count,
               Statement.extremity, Statement.is_seed, Statement.seed_order)
        .where(Statement.conversation_id == conversation.id, Statement.state == StatementState.ACCEPTED,
               Statement.hidden_at.is_(None))).all()
    candidates = [Candidate(statement=r.id, n_agree=r.agree_count, n_disagree=r.disagree_count,
                            n_pass=r.pass_count, extremity=float(r.extremity or 0.0), seed=bool(r.is_seed),
                            seed_order=r.seed_order)
                  for r in rows if r.id not in seen]
    chosen = choose_next(candidates, rng or np.random.default_rng())
    return db.session.get(Statement, chosen) if chosen is not None else None


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int


def progress(conversation: Conversation, participant: Participant | None) -> Progress:
    total = conversation.statements_count
    voted = 0
    if participant is not None:
        voted = db.session.scalar(
            select(func.count(Vote.id)).join(Statement, Statement.id == Vote.statement_id)
            .where(Vote.participant_id == participant.id, Statement.state == StatementState.ACCEPTED,
                   Statement.hidden_at.is_(None))) or 0
    return Progress(voted=voted, total=total)


def my_votes(participant: Participant | None) -> list[tuple[Statement, int]]:
    if participant is None:
        return []
    rows = db.session.execute(
        select(Statement, Vote.value).join(Vote, Vote.statement_id == Statement.id)
        .where(Vote.participant_id == participant.id, Statement.hidden_at.is_(None),
               Statement.state == StatementState.ACCEPTED)
        .order_by(Vote.updated_at.desc(), Vote.id.desc())).all()
    return [(statement, value) for statement, value in rows]


def similar_statements(conversation: Conversation, text: str, limit: int = SIMILAR_SHOWN) -> list[Statement]:
    """Visible statements that say much the same, most similar first (shown before adding one)."""
    found = []
    for statement in db.session.scalars(visible_statements_query(conversation)):
        score = similarity(text, statement.text)
        if score >= SIMILAR_THRESHOLD:
            found.append((score, statement.id, statement))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [statement for _, _, statement in found[:limit]]


def pending_statements(conversation: Conversation) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(
        Statement.conversation_id == conversation.id, Statement.state == StatementState.PENDING)
        .order_by(Statement.id)))


def statements_for_staff(conversation: Conversation) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(Statement.conversation_id == conversation.id)
                                   .order_by(Statement.is_seed.desc(), Statement.seed_order, Statement.id)))


def statements_by_id(conversation: Conversation, ids: list[int]) -> dict[int, Statement]:
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Statement).where(
        Statement.conversation_id == conversation.id, Statement.id.in_(ids)))}


def _for_staff(actor: Actor, conversation_id: int, allowed: Callable[[Actor, Conversation], bool],
               refusal: Any) -> Conversation:
    """A conversation for its staff: 404 when it does not exist, 403 when `allowed` says no."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(NOT_FOUND)
    if not allowed(actor, conversation):
        raise PermissionDenied(refusal)
    return conversation


def get_for_manage(actor: Actor, conversation_id: int) -> Conversation:
    """A conversation its facilitators manage."""
    return _for_staff(actor, conversation_id, permissions.can_manage_conversation, permissions.NOT_FACILITATOR)


def get_for_manage_or_moderate(actor: Actor, conversation_id: int) -> Conversation:
    """A conversation whose statements the actor reviews (facilitators and moderators of the process)."""
    return _for_staff(actor, conversation_id, permissions.can_moderate_statements, permissions.NOT_REVIEWER)


def groups_count(conversation: Conversation) -> int:
    """How many opinion groups the last analysis found (without loading the analysis itself)."""
    return db.session.scalar(select(Analysis.k).where(Analysis.conversation_id == conversation.id)) or 0
