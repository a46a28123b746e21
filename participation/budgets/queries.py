"""Reading budgets: look-ups that 404, a resident's ballot, results and their ranking."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import NotFound
from ..core.permissions import is_signed_in
from ..core.types import Actor
from ..extensions import db
from ..processes.models import Process
from .models import Ballot, Budget, Project, ProjectProposal


def process_budgets(process: Process) -> list[Budget]:
    return list(db.session.scalars(select(Budget).where(Budget.process_id == process.id)
                                   .order_by(Budget.position, Budget.id)))


def get_budget(budget_id: int, process: Process | None = None) -> Budget:
    budget = db.session.get(Budget, budget_id)
    if budget is None or (process is not None and budget.process_id != process.id):
        raise NotFound(_l("This budget does not exist."))
    return budget


def get_project(budget: Budget, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.budget_id != budget.id:
        raise NotFound(_l("This project does not exist."))
    return project


def ballot_of(user: Actor, budget: Budget) -> Ballot | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(select(Ballot).where(Ballot.budget_id == budget.id, Ballot.user_id == user.id))


@dataclass(frozen=True)
class BallotView:
    """What the ballot box shows: the running total, what remains and why it cannot be counted yet."""

    project_ids: frozenset[int]
    amount: int
    count: int
    remaining: int | None  # yen left, when the budget caps the money
    problems: list[str]
    checked_out: bool

    @property
    def percent(self) -> int:
        return 0 if self.remaining is None else min(100, round(100 * self.amount / (self.amount + self.remaining)))


def ballot_view(user: Actor, budget: Budget) -> BallotView:
    ballot = ballot_of(user, budget)
    items = ballot.items if ballot else []
    amount, count = sum(i.project.cost for i in items), len(items)
    return BallotView(frozenset(i.project_id for i in items), amount, count,
                      budget.total - amount if budget.caps_money else None,
                      budget.checkout_problems(amount, count), bool(ballot and ballot.is_checked_out))


def my_budget_states(user: Actor, process: Process) -> dict[int, bool]:
    """{budget_id: checked out?} for the user's ballots in the process."""
    if not is_signed_in(user):
        return {}
    rows = db.session.execute(select(Ballot.budget_id, Ballot.checked_out_at).join(Budget)
                              .where(Budget.process_id == process.id, Ballot.user_id == user.id))
    return {budget_id: checked is not None for budget_id, checked in rows}


@dataclass(frozen=True)
class Ranked:
    rank: int
    project: Project
    percent: float  # share of the checked-out ballots that hold it


def ranking(budget: Budget) -> list[Ranked]:
    """Projects by votes (ties share a rank), from the counters kept at checkout."""
    projects = sorted(budget.projects, key=lambda p: (-p.votes_count, p.cost, p.id))
    out, rank, previous = [], 0, None
    for index, project in enumerate(projects, 1):
        if project.votes_count != previous:
            rank, previous = index, project.votes_count
        share = 100 * project.votes_count / budget.ballots_count if budget.ballots_count else 0.0
        out.append(Ranked(rank, project, share))
    return out


def selected_total(budget: Budget) -> int:
    return sum(p.cost for p in budget.projects if p.selected)


def projects_of_proposals(process: Process, proposal_ids: list[int]) -> list[tuple[int, Project]]:
    """(proposal_id, project) for the projects of `process` made from these proposals."""
    if not proposal_ids:
        return []
    rows = db.session.execute(select(ProjectProposal.proposal_id, Project).join(Project).join(Budget)
                              .where(Budget.process_id == process.id,
                                     ProjectProposal.proposal_id.in_(proposal_ids)))
    return [(pid, project) for pid, project in rows]


def selected_projects(process: Process) -> list[Project]:
    return list(db.session.scalars(select(Project).join(Budget).where(
        Budget.process_id == process.id, Project.selected.is_(True)).order_by(Budget.position, Project.id)))


def projects_using_upload(upload_id: int) -> list[Project]:
    """Projects whose photo is this upload (for `core.uploads`)."""
    return list(db.session.scalars(select(Project).where(Project.image_id == upload_id)))


def process_ballot_count(process: Process) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Budget.ballots_count), 0))
                             .where(Budget.process_id == process.id)) or 0
