"""Commands of conversations: set one up, vote, add statements, moderate them, close, publish.

Checked (predicates and `is_open`), audited for staff, flushed; never committed. Counters are exact
under concurrency: one participant per person/browser and one vote per participant and statement are
unique constraints; a statement's counts move by atomic increments under its row lock; the
conversation's counters move by atomic increments taken after the statement lock (one lock order).
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, notifications
from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.i18n import clean_translated
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, lock_row
from ..core.types import Actor
from ..extensions import db
from ..processes.models import Phase, Process
from . import permissions, queries
from .models import (
    DESCRIPTION_MAX,
    REJECT_REASON_MAX,
    STATEMENT_MAX,
    TOPIC_MAX,
    Conversation,
    ModerationMode,
    Participant,
    Statement,
    StatementState,
    Vote,
    VoteValue,
)

NOT_OPEN_FOR_VOTES = _l("This statement is not open for votes.")


# --- setting up ----------------------------------------------------------------------------------

def _clean_setup(process: Process, data: dict[str, Any]) -> dict[str, Any]:
    topic = clean_translated(data.get("topic"))
    if not topic.get("ja"):
        raise InvalidInput(_l("Please enter the topic in Japanese."), field="topic_ja")
    if any(len(v) > TOPIC_MAX for v in topic.values()):
        raise InvalidInput(_l("At most %(max)d characters.", max=TOPIC_MAX), field="topic_ja")
    description = clean_translated(data.get("description"))
    if any(len(v) > DESCRIPTION_MAX for v in description.values()):
        raise InvalidInput(_l("At most %(max)d characters.", max=DESCRIPTION_MAX), field="description_ja")
    phase_id = data.get("phase_id")
    if phase_id is not None:
        phase = db.session.get(Phase, phase_id)
        if phase is None or phase.process_id != process.id:
            raise InvalidInput(_l("Please choose a phase of this process."), field="phase_id")
    try:
        moderation = ModerationMode(data.get("moderation") or ModerationMode.POST)
    except ValueError:
        raise InvalidInput(_l("Please choose how statements are moderated."), field="moderation") from None
    return {"topic": topic, "description": description, "phase_id": phase_id, "moderation": moderation,
            "allow_anonymous": bool(data.get("allow_anonymous")),
            "allow_statements": bool(data.get("allow_statements", True))}


def create_conversation(actor: User, process: Process, data: dict[str, Any]) -> Conversation:
    if not permissions.can_create_conversation(actor, process.id):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    conversation = Conversation(process_id=process.id, **_clean_setup(process, data))
    db.session.add(conversation)
    db.session.flush()
    seeds = [line for line in (data.get("seeds") or []) if line.strip()]
    if seeds:
        add_seed_statements(actor, conversation, seeds)
    audit.record(actor, "conversation.create", conversation, after={"topic": conversation.topic})
    return conversation


def update_conversation(actor: User, conversation: Conversation, data: dict[str, Any]) -> Conversation:
    if not permissions.can_manage_conversation(actor, conversation):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    before = {"topic": conversation.topic, "moderation": conversation.moderation,
              "allow_anonymous": conversation.allow_anonymous}
    for key, value in _clean_setup(conversation.process, data).items():
        setattr(conversation, key, value)
    db.session.flush()
    audit.record(actor, "conversation.update", conversation, before=before,
                 after={"topic": conversation.topic, "moderation": conversation.moderation,
                        "allow_anonymous": conversation.allow_anonymous})
    return conversation


def _statement_text(text: str | None) -> str:
    cleaned = " ".join(clean_text(text).split())
    if not cleaned:
        raise InvalidInput(_l("Please write your statement."), field="text")
    if len(cleaned) > STATEMENT_MAX:
        raise InvalidInput(_l("A statement can be at most %(max)d characters.", max=STATEMENT_MAX), field="text")
    return cleaned


def add_seed_statements(actor: User, conversation: Conversation, texts: list[str]) -> list[Statement]:
    """Statements the facilitator writes to start the conversation: shown first, in this order."""
    if not permissions.can_manage_conversation(actor, conversation):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    cleaned = [_statement_text(t) for t in texts]
    start = db.session.scalar(select(func.coalesce(func.max(Statement.seed_order), 0))
                              .where(Statement.conversation_id == conversation.id)) or 0
    statements = [Statement(conversation_id=conversation.id, author_id=actor.id, text=text, is_seed=True,
                            seed_order=start + i, state=StatementState.ACCEPTED, decided_at=clock.now())
                  for i, text in enumerate(cleaned, 1)]
    db.session.add_all(statements)
    db.session.flush()
    _bump(conversation, statements=len(statements))  # atomic: residents may be adding statements too
    audit.record(actor, "conversation.seed", conversation, after={"statements": len(statements)})
    return statements


def set_closed(actor: User, conversation: Conversation, closed: bool) -> None:
    if not permissions.can_manage_conversation(actor, conversation):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    conversation.closed_at = clock.now() if closed else None
    db.session.flush()
    audit.record(actor, "conversation.close" if closed else "conversation.reopen", conversation)


def publish_report(actor: User, conversation: Conversation, published: bool) -> None:
    if not permissions.can_manage_conversation(actor, conversation):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    conversation.report_published = published
    db.session.flush()
    audit.record(actor, "conversation.report_publish" if published else "conversation.report_unpublish",
                 conversation)


# --- taking part ---------------------------------------------------------------------------------

def _require_open(conversation: Conversation, user: Actor) -> None:
    decision = queries.may_vote(conversation, user)
    if not decision:
        raise PermissionDenied(decision.reason)
    if isinstance(user, User):
        ensure_can_post(user)


def participant_for(conversation: Conversation, user: Actor, browser_token: str | None) -> tuple[Participant, bool]:
    """The participant of this person (or browser), created on first use: (participant, created)."""
    existing = queries.find_participant(conversation, user, browser_token)
    if existing is not None:
        return existing, False
    if not isinstance(user, User) and not browser_token:
        raise PermissionDenied(_l("Please sign in to take part in this conversation."))
    participant = Participant(conversation_id=conversation.id,
                              user_id=user.id if isinstance(user, User) else None,
                              browser_token=None if isinstance(user, User) else browser_token)
    try:
        with db.session.begin_nested():
            db.session.add(participant)
            db.session.flush()
    except IntegrityError:  # the same person in another tab, a moment earlier
        found = queries.find_participant(conversation, user, browser_token)
        if found is None:
            raise
        return found, False
    return participant, True


_COUNT_COLUMNS = {VoteValue.AGREE: "agree_count", VoteValue.DISAGREE: "disagree_count",
                  VoteValue.PASS: "pass_count"}


def _move_counts(statement: Statement, old: int | None, new: int) -> None:
    """A statement's agree/disagree/pass counts follow one vote (cast, or changed from `old`).

    Atomic increments under the statement's row lock (taken before the vote was read), so they stay
    exact without counting the statement's votes again: that count grows with the participants and
    ran on every vote."""
    if old == new:
        return
    delta = dict.fromkeys(_COUNT_COLUMNS.values(), 0)
    delta[_COUNT_COLUMNS[VoteValue(new)]] += 1
    if old is not None:
        delta[_COUNT_COLUMNS[VoteValue(old)]] -= 1
    db.session.execute(update(Statement).where(Statement.id == statement.id).values(
        {getattr(Statement, column): getattr(Statement, column) + change
         for column, change in delta.items() if change}).execution_options(synchronize_session=False))
    db.session.refresh(statement, list(_COUNT_COLUMNS.values()))


def _bump(conversation: Conversation, *, participants: int = 0, votes: int = 0, statements: int = 0) -> None:
    if participants or votes or statements:
        db.session.execute(update(Conversation).where(Conversation.id == conversation.id).values(
            participants_count=Conversation.participants_count + participants,
            votes_count=Conversation.votes_count + votes,
            votes_since_analysis=Conversation.votes_since_analysis + votes,
            statements_count=Conversation.statements_count + statements))
        db.session.refresh(conversation, ["participants_count", "votes_count", "votes_since_analysis",
                                          "statements_count"])


def parse_vote(value: Any) -> VoteValue:
    if isinstance(value, VoteValue):
        return value
    key = str(value or "").strip().lower()
    if key in ("agree", "disagree", "pass"):
        return {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "pass": VoteValue.PASS}[key]
    if key in ("1", "-1", "0"):
        return VoteValue(int(key))
    raise InvalidInput(_l("Please choose agree, disagree or pass."), field="vote")


def cast_vote(conversation: Conversation, user: Actor, statement_id: Any, value: Any, *,
              browser_token: str | None = None) -> Vote:
    """Record (or change) a participant's vote on a statement; the latest vote counts."""
    _require_open(conversation, user)
    vote_value = parse_vote(value)
    statement = queries.get_statement(conversation, statement_id)
    if not statement.is_visible:
        raise Conflict(NOT_OPEN_FOR_VOTES)
    participant, created = participant_for(conversation, user, browser_token)
    lock_row(Statement, statement.id)
    # Read under the lock, as stored now (not as this session may remember it): counts move from it.
    vote = db.session.scalar(select(Vote).where(Vote.statement_id == statement.id,
                                                Vote.participant_id == participant.id)
                             .execution_options(populate_existing=True))
    new = vote is None
    if vote is None:
        vote = Vote(conversation_id=conversation.id, statement_id=statement.id, participant_id=participant.id,
                    value=int(vote_value))
        try:
            with db.session.begin_nested():
                db.session.add(vote)
                db.session.flush()
        except IntegrityError:  # a double click that got here first: it becomes a change of vote
            vote = db.session.scalar(select(Vote).where(Vote.statement_id == statement.id,
                                                        Vote.participant_id == participant.id))
            if vote is None:
                raise
            new = False
    previous = None if new else vote.value
    if not new:
        vote.value = int(vote_value)
        vote.updated_at = clock.now()
    db.session.flush()
    _move_counts(statement, previous, int(vote_value))
    if new:
        participant.votes_count = db.session.scalar(
            select(func.count(Vote.id)).where(Vote.participant_id == participant.id)) or 0
    _bump(conversation, participants=1 if created else 0, votes=1 if new else 0)
    db.session.flush()
    return vote


def submit_statement(conversation: Conversation, user: Actor, text: str | None, *,
                     language: str | None = None) -> Statement:
    """A resident's statement: shown at once, or after review when the conversation is pre-moderated."""
    _require_open(conversation, user)
    if not isinstance(user, User) or not permissions.can_add_statement(user, conversation):
        raise PermissionDenied(_l("Please sign in to add a statement."))
    cleaned = _statement_text(text)
    # Only what this person can read counts as a duplicate: a hidden or pending statement of
    # someone else must not be revealed by refusing the same words.
    duplicate = db.session.scalar(select(Statement.id).where(
        Statement.conversation_id == conversation.id, Statement.text == cleaned,
        Statement.state != StatementState.REJECTED,
        or_(Statement.author_id == user.id,
            (Statement.state == StatementState.ACCEPTED) & Statement.hidden_at.is_(None))).limit(1))
    if duplicate is not None:
        raise Conflict(_l("This statement is already in the conversation."), field="text")
    participant, created = participant_for(conversation, user, None)
    pending = conversation.moderation is ModerationMode.PRE
    statement = Statement(conversation_id=conversation.id, author_id=user.id, participant_id=participant.id,
                          text=cleaned, language=language,
                          state=StatementState.PENDING if pending else StatementState.ACCEPTED,
                          decided_at=None if pending else clock.now())
    db.session.add(statement)
    db.session.flush()
    _bump(conversation, participants=1 if created else 0, statements=0 if pending else 1)
    return statement


# --- moderating statements -----------------------------------------------------------------------

def _decide(actor: User, statement: Statement) -> Conversation:
    conversation = statement.conversation
    if not permissions.can_moderate_statements(actor, conversation):
        raise PermissionDenied(permissions.NOT_REVIEWER)
    if statement.state is not StatementState.PENDING:
        raise Conflict(_l("This statement has already been reviewed."))
    return conversation


def accept_statement(actor: User, statement: Statement) -> None:
    conversation = _decide(actor, statement)
    statement.state, statement.decided_at = StatementState.ACCEPTED, clock.now()
    db.session.flush()
    _bump(conversation, statements=1 if statement.hidden_at is None else 0)
    audit.record(actor, "statement.accept", statement)
    if statement.author_id:
        notifications.notify_users([statement.author_id], statement, "conversation.statement_accepted",
                                   {"text": statement.text[:60]})


def reject_statement(actor: User, statement: Statement, reason: str | None) -> None:
    _decide(actor, statement)
    reason = clean_text(reason).strip()
    if not reason:
        raise InvalidInput(_l("Please give the reason, so the author understands."), field="reason")
    if len(reason) > REJECT_REASON_MAX:
        raise InvalidInput(_l("At most %(max)d characters.", max=REJECT_REASON_MAX), field="reason")
    statement.state, statement.decided_at, statement.reject_reason = StatementState.REJECTED, clock.now(), reason
    db.session.flush()
    audit.record(actor, "statement.reject", statement, after={"reason": reason})
    if statement.author_id:
        notifications.notify_users([statement.author_id], statement, "conversation.statement_rejected",
                                   {"text": statement.text[:60], "reason": reason[:200]})


def recount_visible_statements(conversation: Conversation) -> None:
    """After moderators hide or restore a statement: the shown count follows what the public sees.
    One UPDATE with the count as a subquery, so a statement added at the same moment is not lost."""
    db.session.flush()
    visible = (select(func.count(Statement.id)).where(Statement.conversation_id == conversation.id,
                                                      Statement.state == StatementState.ACCEPTED,
                                                      Statement.hidden_at.is_(None)).scalar_subquery())
    db.session.execute(update(Conversation).where(Conversation.id == conversation.id)
                       .values(statements_count=visible))
    db.session.refresh(conversation, ["statements_count"])
