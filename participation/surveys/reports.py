"""Results of a survey: counts, percentages, scale averages, average ranks, matrix rows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..core.types import Translated
from ..extensions import db
from .models import SCALE_VALUES, Answer, Question, QuestionType, Response, Survey
from .queries import response_count


@dataclass
class Bar:
    label: Translated
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    answered: int  # respondents who answered this question
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    matrix: list[tuple[Translated, list[Bar]]] = field(default_factory=list)
    ranking: list[tuple[Translated, float]] = field(default_factory=list)
    texts: list[str] | None = None


def _scale_label(value: int, end_label: Translated | None) -> Translated:
    if not end_label:
        return {"ja": str(value), "en": str(value)}
    return {"ja": f"{value}（{end_label.get('ja') or end_label.get('en', '')}）",
            "en": f"{value} ({end_label.get('en') or end_label.get('ja', '')})"}


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 1) if total else 0.0


# (option_id, row_id, number, count) of the answers to one question, grouped
Counts = list[tuple[int | None, int | None, int | None, int]]


def _choice_bars(q: Question, data: Counts, n: int) -> list[Bar]:
    by_option: dict[int | None, int] = defaultdict(int)
    for option_id, _row, _num, count in data:
        by_option[option_id] += count
    return [Bar(o.label, by_option[o.id], _percent(by_option[o.id], n)) for o in q.options]


def _scale(q: Question, data: Counts, n: int, result: QuestionResult) -> None:
    by_value: dict[int | None, int] = defaultdict(int)
    for _opt, _row, number, count in data:
        by_value[number] += count
    ends = {1: q.scale_min_label, 5: q.scale_max_label}
    result.bars = [Bar(_scale_label(v, ends.get(v)), by_value[v], _percent(by_value[v], n))
                   for v in SCALE_VALUES]
    if n:
        result.average = round(sum((v or 0) * c for v, c in by_value.items()) / sum(by_value.values()), 2)


def _ranking(q: Question, data: Counts) -> list[tuple[Translated, float]]:
    sums: dict[int | None, int] = defaultdict(int)
    hits: dict[int | None, int] = defaultdict(int)
    for option_id, _row, number, count in data:
        sums[option_id] += (number or 0) * count
        hits[option_id] += count
    ranked = [(o.label, round(sums[o.id] / hits[o.id], 2)) for o in q.options if hits[o.id]]
    return sorted(ranked, key=lambda item: item[1])


def _matrix(q: Question, data: Counts) -> list[tuple[Translated, list[Bar]]]:
    rows = []
    for row in q.rows:
        by_column: dict[int | None, int] = defaultdict(int)
        for option_id, row_id, _num, count in data:
            if row_id == row.id:
                by_column[option_id] += count
        row_total = sum(by_column.values())
        rows.append((row.label, [Bar(o.label, by_column[o.id], _percent(by_column[o.id], row_total))
                                 for o in q.options]))
    return rows


def compute_results(survey: Survey, *, include_free_text: bool) -> tuple[int, list[QuestionResult]]:
    """Counts, percentages, scale averages and average ranks, in a fixed number of queries."""
    total = response_count(survey)
    grouped = db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.row_id, Answer.number,
               func.count(Answer.id))
        .join(Response).where(Response.survey_id == survey.id)
        .group_by(Answer.question_id, Answer.option_id, Answer.row_id, Answer.number)
    ).all()
    answered: dict[int, int] = {question_id: n for question_id, n in db.session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .join(Response).where(Response.survey_id == survey.id).group_by(Answer.question_id)
    ).all()}
    counts: dict[int, Counts] = defaultdict(list)
    for question_id, option_id, row_id, number, count in grouped:
        counts[question_id].append((option_id, row_id, number, count))
    texts: dict[int, list[str]] = defaultdict(list)
    if include_free_text:
        for question_id, text in db.session.execute(
                select(Answer.question_id, Answer.text).join(Response)
                .where(Response.survey_id == survey.id, Answer.text.is_not(None))
                .order_by(Answer.id)):
            texts[question_id].append(text or "")

    results = []
    for q in survey.questions:
        n = answered.get(q.id, 0)
        result = QuestionResult(question=q, answered=n)
        data = counts.get(q.id, [])
        if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            result.bars = _choice_bars(q, data, n)
        elif q.type is QuestionType.SCALE:
            _scale(q, data, n, result)
        elif q.type is QuestionType.RANKING:
            result.ranking = _ranking(q, data)
        elif q.type is QuestionType.MATRIX:
            result.matrix = _matrix(q, data)
        elif q.type.is_text and include_free_text:
            result.texts = texts.get(q.id, [])
        results.append(result)
    return total, results
