"""Demo results: the selected projects of 「2025年度 市民提案予算」 in several states, with timelines
(idempotent)."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..core import signals
from ..extensions import db
from ..processes.models import Process, city_today
from .models import Result, ResultLink, TimelineEntry
from .services import statuses

TIMELINES = [
    [(-90, "設計を始めました。", "Design started."), (-30, "工事業者が決まりました。", "The contractor was chosen."),
     (-5, "工事が始まりました。", "Construction started.")],
    [(-60, "設計が完了しました。", "Design completed.")],
    [(-120, "設置が完了し、利用が始まりました。", "Installed and in use.")],
]


def seed() -> str | None:
    process = db.session.scalar(select(Process).where(Process.slug == "civic-budget-2025"))
    if process is None:
        return None
    if db.session.scalar(select(Result.id).where(Result.process_id == process.id).limit(1)):
        return "Results: already there."
    states = statuses(process)
    by_progress = {s.progress: s for s in states}
    plan = [by_progress.get(60, states[-1]), by_progress.get(30, states[0]), by_progress.get(100, states[-1])]
    today = city_today()
    made = 0
    with current_app.test_request_context("/"):  # the contribution builds links
        projects = signals.collect_lists(signals.selected_projects, process=process)
    for i, project in enumerate(projects):
        status = plan[i % len(plan)]
        result = Result(process_id=process.id, title=project["title"], description=project["description"],
                        area=project["area"], category=project["category"], status_id=status.id,
                        progress=status.progress, start_date=today - timedelta(days=120),
                        end_date=today + timedelta(days=60))
        result.links = [ResultLink(target_type="budget_projects", target_id=project["id"])]
        result.entries = [TimelineEntry(date=today + timedelta(days=d), text={"ja": ja, "en": en})
                          for d, ja, en in TIMELINES[i % len(TIMELINES)]]
        db.session.add(result)
        made += 1
    db.session.flush()
    return f"Results: {made} results with statuses and timelines."
