"""Result commands: statuses, results (with roll-up of progress), timeline entries, links, imports.

Checked, audited and flushed; never committed. Followers of the proposals a result answers are told
when its status changes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit, notifications, signals
from ..core.errors import InvalidInput, PermissionDenied
from ..core.i18n import clean_translated, localized
from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from . import permissions
from .models import (
    AREA_MAX,
    DEFAULT_STATUSES,
    TEXT_MAX,
    TITLE_MAX,
    Result,
    ResultLink,
    ResultStatus,
    TimelineEntry,
)

CSV_MAX_ROWS = 1000


@dataclass(frozen=True)
class ProposalRef:
    """A proposal as a notification target (followers are stored by table and id)."""

    id: int
    __tablename__ = "proposals"


def _require_manager(actor: Any, process: Process) -> None:
    if not permissions.can_manage_results(actor, process):
        raise PermissionDenied(permissions.NOT_FACILITATOR)


def statuses(process: Process) -> list[ResultStatus]:
    """The process's statuses; the default list the first time."""
    rows = list(db.session.scalars(select(ResultStatus).where(ResultStatus.process_id == process.id)
                                   .order_by(ResultStatus.position, ResultStatus.id)))
    if not rows:
        rows = [ResultStatus(process_id=process.id, name=name, progress=progress, position=i)
                for i, (name, progress) in enumerate(DEFAULT_STATUSES)]
        db.session.add_all(rows)
        db.session.flush()
    return rows


def set_statuses(actor: User, process: Process, text: str) -> list[ResultStatus]:
    """One status a line: `名前 | English name | progress`; existing statuses are kept in order."""
    _require_manager(actor, process)
    parsed = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[2].isdecimal() or int(parts[2]) > 100:
            raise InvalidInput(_l("Line %(n)s: write “名前 | English name | progress from 0 to 100”.", n=number),
                               field="statuses")
        if len(parts[0]) > AREA_MAX or len(parts[1]) > AREA_MAX:
            raise InvalidInput(_l("Line %(n)s is too long.", n=number), field="statuses")
        parsed.append(({"ja": parts[0], "en": parts[1]}, int(parts[2])))
    if not parsed or len(parsed) > 20:
        raise InvalidInput(_l("Enter between 1 and 20 statuses."), field="statuses")
    existing = statuses(process)
    for i, (name, progress) in enumerate(parsed):
        if i < len(existing):
            existing[i].name, existing[i].progress, existing[i].position = name, progress, i
        else:
            db.session.add(ResultStatus(process_id=process.id, name=name, progress=progress, position=i))
    for extra in existing[len(parsed):]:
        db.session.delete(extra)
    db.session.flush()
    audit.record(actor, "result_statuses.update", process, after={"statuses": [n for n, _p in parsed]})
    return statuses(process)


# --- results -------------------------------------------------------------------------------------

def _ids(raw: Any, field: str) -> list[int]:
    if isinstance(raw, list):
        return [int(v) for v in raw]
    text = str(raw or "").replace("、", ",").replace(" ", ",")
    out = []
    for part in filter(None, (p.strip().lstrip("#") for p in text.split(","))):
        if not part.isdecimal() or len(part) > 10 or not 1 <= int(part) < 2**31:
            raise InvalidInput(_l("Enter numbers separated by commas."), field=field)
        out.append(int(part))
    return list(dict.fromkeys(out))


def _values(process: Process, data: dict, result: Result | None = None) -> dict:
    title = clean_translated(data.get("title"))
    if not title.get("ja"):
        raise InvalidInput(_l("Please enter the title in Japanese."), field="title_ja")
    description = clean_translated(data.get("description"))
    if any(len(v) > TITLE_MAX for v in title.values()) or any(len(v) > TEXT_MAX for v in description.values()):
        raise InvalidInput(_l("The text is too long."), field="title_ja")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and start > end:
        raise InvalidInput(_l("The end date must not be before the start date."), field="end_date")
    status = None
    if data.get("status_id"):
        status = db.session.get(ResultStatus, data["status_id"])
        if status is None or status.process_id != process.id:
            raise InvalidInput(_l("Choose one of the statuses."), field="status_id")
    progress = data.get("progress")
    if progress is None:
        progress = status.progress if status else (result.progress if result else 0)
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_l("Enter a progress between 0 and 100."), field="progress")
    parent_id = data.get("parent_id") or None
    if parent_id:
        parent = db.session.get(Result, parent_id)
        if parent is None or parent.process_id != process.id or parent.parent_id is not None or \
                (result is not None and parent.id == result.id):
            raise InvalidInput(_l("Choose a top-level result of this process as the parent."), field="parent_id")
        if result is not None and result.children:
            raise InvalidInput(_l("A result with children cannot have a parent."), field="parent_id")
    area = (data.get("area") or "").strip()[:AREA_MAX] or None
    category = (data.get("category") or "").strip()[:AREA_MAX] or None
    return {"title": title, "description": description, "start_date": start, "end_date": end,
            "status_id": status.id if status else None, "progress": progress, "parent_id": parent_id,
            "area": area, "category": category}


def _set_links(process: Process, result: Result, data: dict) -> None:
    wanted: set[tuple[str, int]] = set()
    if "proposal_ids" in data:
        known = {row["id"] for row in signals.collect_lists(signals.process_proposals, process=process)}
        ids = _ids(data["proposal_ids"], "proposal_ids")
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InvalidInput(_l("These are not proposals of this process: %(ids)s",
                                  ids=", ".join(map(str, unknown))), field="proposal_ids")
        wanted |= {("proposals", i) for i in ids}
    else:
        wanted |= {(link.target_type, link.target_id) for link in result.links if link.target_type == "proposals"}
    if "issue_ids" in data:
        wanted |= {("issues", i) for i in _ids(data["issue_ids"], "issue_ids")}
    else:
        wanted |= {(link.target_type, link.target_id) for link in result.links if link.target_type == "issues"}
    wanted |= {(link.target_type, link.target_id) for link in result.links
               if link.target_type not in ("proposals", "issues")}
    wanted |= {(kind, int(i)) for kind, i in data.get("extra_links", [])}
    current = {(link.target_type, link.target_id): link for link in result.links}
    for key, link in current.items():
        if key not in wanted:
            result.links.remove(link)
    for kind, target_id in sorted(wanted - set(current)):
        result.links.append(ResultLink(target_type=kind, target_id=target_id))


def _snapshot(result: Result) -> dict:
    return {"title": result.title, "status_id": result.status_id, "progress": result.progress,
            "parent_id": result.parent_id}


def roll_up(result: Result | None) -> None:
    """A parent's progress is the mean of its children's (rounded to a whole percent)."""
    if result is None:
        return
    db.session.flush()
    db.session.refresh(result, ["children"])
    if result.children:
        result.progress = round(sum(c.progress for c in result.children) / len(result.children))
    db.session.flush()


def create_result(actor: User, process: Process, data: dict) -> Result:
    _require_manager(actor, process)
    statuses(process)
    result = Result(process_id=process.id, **_values(process, data))
    db.session.add(result)
    _set_links(process, result, data)
    db.session.flush()
    audit.record(actor, "result.create", result, after=_snapshot(result))
    roll_up(db.session.get(Result, result.parent_id) if result.parent_id else None)
    return result


def update_result(actor: User, result: Result, data: dict) -> Result:
    process = db.session.get(Process, result.process_id)
    assert process is not None
    _require_manager(actor, process)
    before = _snapshot(result)
    old_parent, old_status = result.parent_id, result.status_id
    for key, value in _values(process, data, result).items():
        setattr(result, key, value)
    _set_links(process, result, data)
    db.session.flush()
    roll_up(result)
    for parent_id in {old_parent, result.parent_id} - {None}:
        roll_up(db.session.get(Result, parent_id))
    audit.record(actor, "result.update", result, before=before, after=_snapshot(result))
    if result.status_id != old_status and result.status is not None:
        _notify_status(process, result, actor)
    return result


def _notify_status(process: Process, result: Result, actor: Any) -> None:
    for link in result.links:
        if link.target_type == "proposals":
            notifications.notify_followers(
                ProposalRef(link.target_id), "accountability.result_status",
                {"title": localized(result.title, "ja"), "status": result.status.name if result.status else {},
                 "progress": result.progress, "slug": process.slug, "result_id": result.id}, exclude=actor)


def delete_result(actor: User, result: Result) -> None:
    process = db.session.get(Process, result.process_id)
    assert process is not None
    _require_manager(actor, process)
    audit.record(actor, "result.delete", result, before=_snapshot(result))
    parent_id = result.parent_id
    db.session.delete(result)
    db.session.flush()
    if parent_id:
        roll_up(db.session.get(Result, parent_id))


def add_entry(actor: User, result: Result, data: dict) -> TimelineEntry:
    process = db.session.get(Process, result.process_id)
    assert process is not None
    _require_manager(actor, process)
    text = clean_translated(data.get("text"))
    if not text.get("ja"):
        raise InvalidInput(_l("Please write what happened, in Japanese."), field="text_ja")
    if any(len(v) > TEXT_MAX for v in text.values()):
        raise InvalidInput(_l("The text is too long."), field="text_ja")
    when = data.get("date")
    if not isinstance(when, date):
        raise InvalidInput(_l("Please enter the date."), field="date")
    entry = TimelineEntry(result_id=result.id, date=when, text=text, image_id=data.get("image_id"))
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "result.timeline_add", result, after={"date": when.isoformat(), "text": text})
    return entry


# --- imports -------------------------------------------------------------------------------------

def import_from_projects(actor: User, process: Process) -> list[Result]:
    """One result per selected budget project not yet imported, linked to it and its proposals."""
    _require_manager(actor, process)
    first = statuses(process)[0]
    done = set(db.session.scalars(select(ResultLink.target_id).join(Result).where(
        Result.process_id == process.id, ResultLink.target_type == "budget_projects")))
    made = []
    for project in signals.collect_lists(signals.selected_projects, process=process):
        if project["id"] in done:
            continue
        result = Result(process_id=process.id, title=project["title"], description=project["description"],
                        area=project["area"], category=project["category"], status_id=first.id,
                        progress=first.progress)
        result.links = [ResultLink(target_type="budget_projects", target_id=project["id"])] + [
            ResultLink(target_type="proposals", target_id=pid) for pid in project["proposal_ids"]]
        db.session.add(result)
        made.append(result)
    db.session.flush()
    for result in made:
        audit.record(actor, "result.import_project", result, after=_snapshot(result))
    return made


CSV_COLUMNS = ("title_ja", "title_en", "description_ja", "description_en", "area", "category",
               "start_date", "end_date", "progress", "proposal_ids")


def import_csv(actor: User, process: Process, raw: bytes) -> list[Result]:
    """Results from a CSV with the header `CSV_COLUMNS` (UTF-8, with or without BOM); all or nothing."""
    _require_manager(actor, process)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_l("The file is not UTF-8 text."), field="file") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "title_ja" not in rows[0]:
        raise InvalidInput(_l("The first line must name the columns: %(columns)s",
                              columns=", ".join(CSV_COLUMNS)), field="file")
    if len(rows) > CSV_MAX_ROWS:
        raise InvalidInput(_l("At most %(n)s rows at a time.", n=CSV_MAX_ROWS), field="file")
    made = []
    for number, row in enumerate(rows, 2):
        try:
            dates = {k: date.fromisoformat(row[k]) if (row.get(k) or "").strip() else None
                     for k in ("start_date", "end_date")}
            progress = int(row["progress"]) if (row.get("progress") or "").strip() else 0
        except (ValueError, TypeError):
            raise InvalidInput(_l("Line %(n)s: dates are written 2026-04-01 and progress as a number.",
                                  n=number), field="file") from None
        data = {"title": {"ja": row.get("title_ja") or "", "en": row.get("title_en") or ""},
                "description": {"ja": row.get("description_ja") or "", "en": row.get("description_en") or ""},
                "area": row.get("area"), "category": row.get("category"), "progress": progress,
                "proposal_ids": row.get("proposal_ids") or "", **dates}
        try:
            made.append(create_result(actor, process, data))
        except InvalidInput as exc:
            raise InvalidInput(_l("Line %(n)s: %(problem)s", n=number, problem=str(exc.message)),
                               field="file") from None
    return made

