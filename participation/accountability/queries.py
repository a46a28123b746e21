"""Reading results: look-ups that 404, filtered lists, progress per area/category, links by target."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.errors import NotFound
from ..extensions import db
from ..processes.models import Process
from .models import Result, ResultLink, ResultStatus, TimelineEntry


def get_result(result_id: int, process: Process | None = None) -> Result:
    result = db.session.get(Result, result_id)
    if result is None or (process is not None and result.process_id != process.id):
        raise NotFound(_l("This result does not exist."))
    return result


def process_statuses(process: Process) -> list[ResultStatus]:
    return list(db.session.scalars(select(ResultStatus).where(ResultStatus.process_id == process.id)
                                   .order_by(ResultStatus.position, ResultStatus.id)))


def top_results(process: Process, *, area: str | None = None, category: str | None = None,
                status_id: int | None = None) -> list[Result]:
    query = (select(Result).where(Result.process_id == process.id, Result.parent_id.is_(None))
             .options(selectinload(Result.children)).order_by(Result.id))
    if area:
        query = query.where(Result.area == area)
    if category:
        query = query.where(Result.category == category)
    if status_id:
        query = query.where(Result.status_id == status_id)
    return list(db.session.scalars(query))


def has_results(process: Process) -> bool:
    return db.session.scalar(select(Result.id).where(Result.process_id == process.id).limit(1)) is not None


@dataclass(frozen=True)
class Group:
    name: str
    count: int
    progress: int  # mean progress of the group's top-level results


def progress_by(process: Process, attribute: str) -> list[Group]:
    """Overall progress per area or per category (top-level results; unnamed ones last)."""
    groups: dict[str, list[int]] = defaultdict(list)
    column = getattr(Result, attribute)
    for name, progress in db.session.execute(select(column, Result.progress).where(
            Result.process_id == process.id, Result.parent_id.is_(None))):
        groups[name or ""].append(progress)
    return [Group(name, len(values), round(sum(values) / len(values)))
            for name, values in sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0]))]


def choices(process: Process, attribute: str) -> list[str]:
    column = getattr(Result, attribute)
    return [v for v in db.session.scalars(select(column).where(Result.process_id == process.id, column.is_not(None))
                                          .distinct().order_by(column))]


def results_linked_to(process: Process, target_type: str, ids: list[int]) -> list[tuple[int, Result]]:
    """(target_id, result) for the results of `process` that answer these targets."""
    if not ids:
        return []
    rows = db.session.execute(select(ResultLink.target_id, Result).join(Result).where(
        Result.process_id == process.id, ResultLink.target_type == target_type, ResultLink.target_id.in_(ids))
        .order_by(Result.id))
    return [(target_id, result) for target_id, result in rows]


def entries_using_upload(upload_id: int) -> list[Process]:
    """The processes whose result timelines show this upload (for `core.uploads`)."""
    # No DISTINCT over whole rows: PostgreSQL cannot compare the JSON columns of processes.
    owners = (select(Result.process_id).join(TimelineEntry, TimelineEntry.result_id == Result.id)
              .where(TimelineEntry.image_id == upload_id))
    return list(db.session.scalars(select(Process).where(Process.id.in_(owners))))


def parent_choices(process: Process, exclude: Result | None = None) -> list[Result]:
    return [r for r in top_results(process) if exclude is None or r.id != exclude.id]
