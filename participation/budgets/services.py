"""Budget commands: budgets and projects (facilitators), ballots (residents), selection.

Every command checks its predicate, changes state, writes the audit log for staff actions and
flushes; it never commits. Ballot rules are checked here, on the server, inside the transaction, with
the ballot's row locked: whatever a client sends, an over-budget or under-minimum ballot is never
checked out, and two tabs or a double click never check one out twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, notifications, signals
from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.i18n import clean_translated
from ..core.models import User
from ..core.services import ensure_can_post, lock_row
from ..core.verification import is_verified
from ..extensions import db
from ..processes.capabilities import require
from ..processes.models import Capability, Process
from . import permissions
from .models import (
    AMOUNT_MAX,
    AREA_MAX,
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Ballot,
    BallotItem,
    Budget,
    Project,
    ProjectProposal,
    VoteRule,
)


@dataclass(frozen=True)
class ProposalRef:
    """A proposal as a notification target (followers are stored by table and id)."""

    id: int
    __tablename__ = "proposals"


def _require_manager(actor: Any, process: Process) -> None:
    if not permissions.can_manage_budgets(actor, process):
        raise PermissionDenied(permissions.NOT_FACILITATOR)


def _title(data: dict) -> dict:
    title = clean_translated(data.get("title"))
    if not title.get("ja"):
        raise InvalidInput(_l("Please enter the title in Japanese."), field="title_ja")
    if any(len(v) > TITLE_MAX for v in title.values()):
        raise InvalidInput(_l("At most %(max)d characters.", max=TITLE_MAX), field="title_ja")
    return title


def _description(data: dict) -> dict:
    text = clean_translated(data.get("description"))
    if any(len(v) > TEXT_MAX for v in text.values()):
        raise InvalidInput(_l("At most %(max)d characters.", max=TEXT_MAX), field="description_ja")
    return text


def _amount(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= AMOUNT_MAX:
        raise InvalidInput(_l("Enter an amount in yen between 1 and %(max)s.", max=f"{AMOUNT_MAX:,}"),
                           field=field)
    return value


# --- budgets -------------------------------------------------------------------------------------

def _budget_values(data: dict) -> dict:
    try:
        rule = VoteRule(data.get("rule") or "total")
    except ValueError:
        raise InvalidInput(_l("Choose a voting rule."), field="rule") from None
    min_percent = data.get("min_percent") or 0
    min_projects, max_projects = data.get("min_projects"), data.get("max_projects")
    if rule is VoteRule.MINIMUM and not 1 <= min_percent <= 100:
        raise InvalidInput(_l("Enter a share between 1 and 100 percent."), field="min_percent")
    if rule in (VoteRule.PROJECTS, VoteRule.BOTH):
        if min_projects is None and max_projects is None:
            raise InvalidInput(_l("Enter the least or the most projects a ballot may hold."),
                               field="max_projects")
        for name, value in (("min_projects", min_projects), ("max_projects", max_projects)):
            if value is not None and not 1 <= value <= 1000:
                raise InvalidInput(_l("Enter a number between 1 and 1000."), field=name)
        if min_projects is not None and max_projects is not None and min_projects > max_projects:
            raise InvalidInput(_l("The least number of projects must not exceed the most."),
                               field="min_projects")
    else:
        min_projects = max_projects = None
    return {"title": _title(data), "description": _description(data),
            "total": _amount(data.get("total"), "total"), "rule": rule,
            "min_percent": min_percent if rule is VoteRule.MINIMUM else 0,
            "min_projects": min_projects, "max_projects": max_projects,
            "exclusive": bool(data.get("exclusive")), "results_live": bool(data.get("results_live")),
            "requires_verification": bool(data.get("requires_verification"))}


def _budget_snapshot(budget: Budget) -> dict:
    return {"title": budget.title, "total": budget.total, "rule": str(budget.rule),
            "min_percent": budget.min_percent, "min_projects": budget.min_projects,
            "max_projects": budget.max_projects, "exclusive": budget.exclusive,
            "results_live": budget.results_live, "requires_verification": budget.requires_verification}


def create_budget(actor: User, process: Process, data: dict) -> Budget:
    _require_manager(actor, process)
    budget = Budget(process_id=process.id, process=process, **_budget_values(data))
    db.session.add(budget)
    db.session.flush()
    audit.record(actor, "budget.create", budget, after=_budget_snapshot(budget))
    return budget


def update_budget(actor: User, budget: Budget, data: dict) -> Budget:
    _require_manager(actor, budget.process)
    before = _budget_snapshot(budget)
    values = _budget_values(data)
    if budget.ballots_count and (values["total"], values["rule"], values["min_percent"], values["min_projects"],
                                 values["max_projects"]) != (budget.total, budget.rule, budget.min_percent,
                                                             budget.min_projects, budget.max_projects):
        raise Conflict(_l("Residents have already voted: the amount and the rules can no longer change."),
                       field="total")
    for key, value in values.items():
        setattr(budget, key, value)
    db.session.flush()
    audit.record(actor, "budget.update", budget, before=before, after=_budget_snapshot(budget))
    return budget


def delete_budget(actor: User, budget: Budget) -> None:
    _require_manager(actor, budget.process)
    if db.session.scalar(select(Ballot.id).where(Ballot.budget_id == budget.id).limit(1)):
        raise Conflict(_l("Residents have ballots in this budget: it can no longer be deleted."))
    audit.record(actor, "budget.delete", budget, before=_budget_snapshot(budget))
    db.session.delete(budget)
    db.session.flush()


# --- projects ------------------------------------------------------------------------------------

def _project_values(data: dict) -> dict:
    values: dict[str, Any] = {"title": _title(data), "description": _description(data),
                              "cost": _amount(data.get("cost"), "cost")}
    for name in ("area", "category"):
        text = (data.get(name) or "").strip()
        if len(text) > AREA_MAX:
            raise InvalidInput(_l("At most %(max)d characters.", max=AREA_MAX), field=name)
        values[name] = text or None
    return values


def create_project(actor: User, budget: Budget, data: dict,
                   proposal_ids: tuple[int, ...] | list[int] = ()) -> Project:
    _require_manager(actor, budget.process)
    project = Project(budget_id=budget.id, **_project_values(data),
                      position=len(budget.projects), image_id=data.get("image_id"))
    project.proposal_links = [ProjectProposal(proposal_id=pid) for pid in dict.fromkeys(proposal_ids)]
    db.session.add(project)
    db.session.flush()
    audit.record(actor, "budget_project.create", project, after={"title": project.title, "cost": project.cost})
    return project


def update_project(actor: User, project: Project, data: dict) -> Project:
    _require_manager(actor, project.budget.process)
    values = _project_values(data)
    if project.votes_count and values["cost"] != project.cost:
        raise Conflict(_l("Residents have already voted for this project: its cost can no longer change."),
                       field="cost")
    before = {"title": project.title, "cost": project.cost}
    for key, value in values.items():
        setattr(project, key, value)
    if data.get("image_id"):
        project.image_id = data["image_id"]
    db.session.flush()
    audit.record(actor, "budget_project.update", project, before=before,
                 after={"title": project.title, "cost": project.cost})
    return project


def delete_project(actor: User, project: Project) -> None:
    _require_manager(actor, project.budget.process)
    if db.session.scalar(select(BallotItem.id).where(BallotItem.project_id == project.id).limit(1)):
        raise Conflict(_l("This project is in residents' ballots: it can no longer be deleted."))
    audit.record(actor, "budget_project.delete", project, before={"title": project.title, "cost": project.cost})
    db.session.delete(project)
    db.session.flush()


def projects_from_accepted_proposals(actor: User, budget: Budget) -> tuple[list[Project], int]:
    """One project per accepted, visible proposal of the process not yet in a project (cost from the
    official answer's estimate); their followers are told. Returns (projects, skipped without a cost)."""
    process = budget.process
    _require_manager(actor, process)
    linked = set(db.session.scalars(select(ProjectProposal.proposal_id).join(Project).join(Budget)
                                    .where(Budget.process_id == process.id)))
    made, skipped = [], 0
    for row in signals.collect_lists(signals.process_proposals, process=process):
        if row["state"] != "accepted" or row["hidden"] or row["id"] in linked:
            continue
        if not row.get("cost"):
            skipped += 1
            continue
        project = create_project(actor, budget, {
            "title": {"ja": row["title"][:TITLE_MAX]}, "description": {"ja": row["answer"][:TEXT_MAX]},
            "cost": int(row["cost"])}, [row["id"]])
        made.append(project)
        notifications.notify_followers(
            ProposalRef(row["id"]), "budgets.project_created",
            {"title": row["title"], "budget": budget.title.get("ja", ""), "slug": process.slug,
             "budget_id": budget.id, "project_id": project.id}, exclude=actor)
    return made, skipped


# --- ballots -------------------------------------------------------------------------------------

def _open_ballot(user: Any, budget: Budget) -> Ballot:
    """The user's ballot in `budget`, created at most once (unique budget+user), its row locked."""
    require(budget.process, Capability.VOTE_BUDGET, user)
    ensure_can_post(user)
    if not permissions.can_vote_budget(user, budget):
        raise PermissionDenied(_l("You cannot vote in this budget."))
    if budget.requires_verification and not is_verified(user):
        raise PermissionDenied(_l("This vote is binding: please verify that you live here first."))
    ballot = db.session.scalar(select(Ballot).where(Ballot.budget_id == budget.id, Ballot.user_id == user.id))
    if ballot is None:
        try:
            with db.session.begin_nested():
                ballot = Ballot(budget_id=budget.id, user_id=user.id)
                db.session.add(ballot)
        except IntegrityError:  # another tab created it first
            ballot = db.session.scalar(select(Ballot).where(Ballot.budget_id == budget.id,
                                                            Ballot.user_id == user.id))
            assert ballot is not None
    _claim(ballot)
    return ballot


def _claim(ballot: Ballot) -> None:
    """Take the ballot for this transaction with a write that changes nothing: a row lock on
    PostgreSQL, the write lock on SQLite (a SELECT ... FOR UPDATE there locks nothing). Then read it
    again: what other transactions committed meanwhile is what the rules are checked against."""
    db.session.execute(update(Ballot).where(Ballot.id == ballot.id).values(user_id=Ballot.user_id)
                       .execution_options(synchronize_session=False))
    db.session.expire(ballot)


def ballot_amount(ballot: Ballot) -> tuple[int, int]:
    """(yen, projects) in the ballot."""
    return sum(item.project.cost for item in ballot.items), len(ballot.items)


def add_project(user: Any, project: Project) -> Ballot:
    budget = project.budget
    ballot = _open_ballot(user, budget)
    if ballot.is_checked_out:
        raise Conflict(_l("Your vote is already counted. Cancel it first to change your ballot."))
    if any(item.project_id == project.id for item in ballot.items):
        return ballot  # a double click
    amount, count = ballot_amount(ballot)
    if not budget.fits(amount + project.cost, count + 1):
        raise InvalidInput(_l("This project does not fit in what remains of your ballot."))
    try:
        with db.session.begin_nested():
            db.session.add(BallotItem(ballot_id=ballot.id, project_id=project.id))
    except IntegrityError:
        pass  # the same project added from another tab
    db.session.refresh(ballot)
    return ballot


def remove_project(user: Any, project: Project) -> Ballot:
    ballot = _open_ballot(user, project.budget)
    if ballot.is_checked_out:
        raise Conflict(_l("Your vote is already counted. Cancel it first to change your ballot."))
    for item in list(ballot.items):
        if item.project_id == project.id:
            ballot.items.remove(item)
    db.session.flush()
    return ballot


def checkout(user: Any, budget: Budget) -> Ballot:
    """Count the ballot: the rules are checked here, with the ballot locked, whatever the client sent."""
    lock_row(User, user.id)  # one checkout at a time per resident (the one-budget rule)
    ballot = _open_ballot(user, budget)
    if ballot.is_checked_out:
        raise Conflict(_l("Your vote is already counted."))
    amount, count = ballot_amount(ballot)
    problems = budget.checkout_problems(amount, count)
    if problems:
        raise InvalidInput(" ".join(problems))
    if budget.exclusive:
        other = db.session.scalar(
            select(Budget).join(Ballot, Ballot.budget_id == Budget.id)
            .where(Budget.process_id == budget.process_id, Budget.exclusive.is_(True), Budget.id != budget.id,
                   Ballot.user_id == user.id, Ballot.checked_out_at.is_not(None)).limit(1))
        if other is not None:
            raise Conflict(_l("You have already voted in another budget of this process. You can vote in "
                              "one of them only: cancel that vote first."))
    ballot.checked_out_at = clock.now()
    _count(ballot, +1)
    return ballot


def cancel_checkout(user: Any, budget: Budget) -> Ballot:
    ballot = _open_ballot(user, budget)
    if not ballot.is_checked_out:
        raise Conflict(_l("Your ballot has not been counted yet."))
    ballot.checked_out_at = None
    _count(ballot, -1)
    return ballot


def _count(ballot: Ballot, delta: int) -> None:
    """Counters change in the same statement as the ballot: no lost update under concurrency."""
    ids = [item.project_id for item in ballot.items]
    db.session.execute(update(Project).where(Project.id.in_(ids))
                       .values(votes_count=Project.votes_count + delta).execution_options(synchronize_session=False))
    db.session.execute(update(Budget).where(Budget.id == ballot.budget_id)
                       .values(ballots_count=Budget.ballots_count + delta).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire_all()


# --- selection -----------------------------------------------------------------------------------

def greedy_selection(projects: list[Project], total: int) -> set[int]:
    """Most votes first (ties: the cheaper, then the older); take each project that still fits."""
    chosen, left = set(), total
    for project in sorted(projects, key=lambda p: (-p.votes_count, p.cost, p.id)):
        if project.votes_count > 0 and project.cost <= left:
            chosen.add(project.id)
            left -= project.cost
    return chosen


def select_projects(actor: User, budget: Budget) -> list[Project]:
    """Mark the winners by votes within the budget, once voting has closed."""
    _require_manager(actor, budget.process)
    if not permissions.voting_closed(budget):
        raise Conflict(_l("Projects can be selected once voting has closed."))
    chosen = greedy_selection(budget.projects, budget.total)
    for project in budget.projects:
        project.selected = project.id in chosen
        project.selection_note = None
    budget.selected_at = clock.now()
    db.session.flush()
    audit.record(actor, "budget.select", budget, after={"selected": sorted(chosen)})
    return [p for p in budget.projects if p.selected]


def adjust_selection(actor: User, project: Project, selected: bool, reason: str) -> Project:
    """A facilitator's change to the computed selection, always with a public reason."""
    budget = project.budget
    _require_manager(actor, budget.process)
    if budget.selected_at is None:
        raise Conflict(_l("Select the projects by votes first."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_l("Please give the reason for this change."), field="reason")
    if len(reason) > NOTE_MAX:
        raise InvalidInput(_l("At most %(max)d characters.", max=NOTE_MAX), field="reason")
    before = {"selected": project.selected}
    project.selected = bool(selected)
    project.selection_note = reason
    db.session.flush()
    audit.record(actor, "budget_project.selection", project, before=before,
                 after={"selected": project.selected, "reason": reason})
    return project

