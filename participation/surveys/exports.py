"""The responses of a survey as CSV (facilitators only; the export is written to the audit log)."""
from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..core import audit, site
from ..core.errors import PermissionDenied
from ..core.exports import csv_text
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from . import permissions
from .models import Answer, Option, Question, QuestionType, Response, Survey


def _columns(survey: Survey, lang: str) -> tuple[list[tuple[Question, Option | None]], list[str]]:
    """One column per question, one per row for a matrix; and their headers."""
    columns: list[tuple[Question, Option | None]] = []
    header = ["response_id", "submitted_at"]
    for q in survey.questions:
        if q.type is QuestionType.MATRIX:
            for row in q.rows:
                columns.append((q, row))
                header.append(f"{localized(q.text, lang)} [{localized(row.label, lang)}]")
        else:
            columns.append((q, None))
            header.append(localized(q.text, lang))
    return columns, header


def _cell(q: Question, matrix_row: Option | None, given: list[Answer], labels: dict[int, str]) -> str | int:
    def label(answer: Answer) -> str:
        return labels[answer.option_id] if answer.option_id is not None else ""

    if q.type.is_text:
        return (given[0].text or "") if given else ""
    if q.type is QuestionType.SCALE:
        return (given[0].number or "") if given else ""
    if q.type is QuestionType.RANKING:
        return " > ".join(label(a) for a in sorted(given, key=lambda a: a.number or 0))
    if q.type is QuestionType.MATRIX:
        row_id = matrix_row.id if matrix_row is not None else None
        return next((label(a) for a in given if a.row_id == row_id), "")
    order = {o.id: i for i, o in enumerate(q.options)}
    return "; ".join(label(a) for a in sorted(given, key=lambda a: order.get(a.option_id or 0, 0)))


def export_csv(actor: User, survey: Survey, lang: str) -> str:
    """One row per response, one column per question (matrix: one per row), through core's one
    CSV writer (UTF-8 with BOM, formula cells neutralised)."""
    if not permissions.can_export_survey(actor, survey):
        raise PermissionDenied(permissions.NOT_FACILITATOR)
    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    columns, header = _columns(survey, lang)
    labels = {o.id: localized(o.label, lang) for q in survey.questions for o in q.all_options}
    rows: list[list[str | int]] = []
    responses = db.session.scalars(select(Response).where(Response.survey_id == survey.id)
                                   .order_by(Response.id))
    for response in responses:
        by_question: dict[int, list[Answer]] = defaultdict(list)
        for answer in response.answers:
            by_question[answer.question_id].append(answer)
        row: list[str | int] = [response.id, response.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")]
        for q, matrix_row in columns:
            row.append(_cell(q, matrix_row, by_question.get(q.id, []), labels))
        rows.append(row)
    text = csv_text(header, rows)
    audit.record(actor, "survey.export", survey)
    return text
