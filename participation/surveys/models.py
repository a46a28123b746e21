"""Surveys inside a process phase: questions, options, responses and answers; the field limits."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core import clock
from ..core.models import UTCDateTime
from ..core.types import Translated, enum_column
from ..extensions import Model

if TYPE_CHECKING:
    from ..processes.models import Phase, Process


class QuestionType(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"
    SCALE = "scale"
    RANKING = "ranking"
    MATRIX = "matrix"

    @property
    def has_options(self) -> bool:
        return self in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING,
                        QuestionType.MATRIX)

    @property
    def is_text(self) -> bool:
        return self in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)


class OptionKind(enum.StrEnum):
    OPTION = "option"  # a choice (for a matrix: a column)
    ROW = "row"  # a matrix row


QUESTION_TYPE_LABELS = {
    QuestionType.SHORT_TEXT: _l("Short text"),
    QuestionType.LONG_TEXT: _l("Long text"),
    QuestionType.SINGLE: _l("Single choice"),
    QuestionType.MULTIPLE: _l("Multiple choice"),
    QuestionType.SCALE: _l("Scale from 1 to 5"),
    QuestionType.RANKING: _l("Ranking"),
    QuestionType.MATRIX: _l("Matrix (rows × one choice each)"),
}


# --- limits (the builder forms, the services and the answer page read them from here) -------------

TITLE_MAX = 200  # survey title, per language
DESCRIPTION_MAX = 5000  # survey introduction (Markdown), per language
QUESTION_TEXT_MAX = 500  # question and help text, per language
LABEL_MAX = 200  # one choice or matrix row, per language
LABELS_INPUT_MAX = 10000  # the builder's "one choice per line" text box
SCALE_LABEL_MAX = 100  # the words for 1 and 5 of a scale
MAX_CHOICES_MAX = 50  # the largest "at most N choices" a builder may set
SHORT_TEXT_MAX = 200  # a resident's short text answer
LONG_TEXT_MAX = 2000  # a resident's long text answer
SCALE_VALUES = range(1, 6)


def text_answer_max(qtype: QuestionType) -> int:
    return SHORT_TEXT_MAX if qtype is QuestionType.SHORT_TEXT else LONG_TEXT_MAX


# --- tables ---------------------------------------------------------------------------------------

class Survey(Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="RESTRICT"), index=True)
    title: Mapped[Translated] = mapped_column(JSON)
    description: Mapped[Translated] = mapped_column(JSON, default=dict)
    allow_anonymous: Mapped[bool] = mapped_column(default=False)
    results_published: Mapped[bool] = mapped_column(default=False)
    free_text_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    process: Mapped[Process] = relationship("Process")
    phase: Mapped[Phase] = relationship("Phase")
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", lazy="selectin",
        cascade="all, delete-orphan",
    )


class Question(Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType, "type_valid"))
    text: Mapped[Translated] = mapped_column(JSON)
    help: Mapped[Translated] = mapped_column(JSON, default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    scale_min_label: Mapped[Translated] = mapped_column(JSON, default=dict)
    scale_max_label: Mapped[Translated] = mapped_column(JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    all_options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", lazy="selectin",
        cascade="all, delete-orphan",
    )

    @validates("type")
    def _coerce_type(self, _key: str, value: Any) -> QuestionType:
        return QuestionType(value)  # "single_choice" and QuestionType.SINGLE alike

    @property
    def options(self) -> list[Option]:
        """Choices (for a matrix: the columns)."""
        return [o for o in self.all_options if o.kind is OptionKind.OPTION]

    @property
    def rows(self) -> list[Option]:
        return [o for o in self.all_options if o.kind is OptionKind.ROW]


class Option(Model):
    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OptionKind] = mapped_column(enum_column(OptionKind, "kind_valid", length=10),
                                             default=OptionKind.OPTION)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[Translated] = mapped_column(JSON)

    question: Mapped[Question] = relationship(back_populates="all_options")

    @validates("kind")
    def _coerce_kind(self, _key: str, value: Any) -> OptionKind:
        return OptionKind(value)


class Response(Model):
    """One per resident (user_id) or per browser (browser_token) and survey."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "user_id"),
        UniqueConstraint("survey_id", "browser_token"),
        CheckConstraint("user_id IS NOT NULL OR browser_token IS NOT NULL", name="has_respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    browser_token: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", lazy="selectin")


class Answer(Model):
    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_question_option", "question_id", "option_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="RESTRICT"))
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_options.id", ondelete="RESTRICT"), index=True)
    row_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_options.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[int | None] = mapped_column(Integer)  # scale value, or rank (1 = first)

    response: Mapped[Response] = relationship(back_populates="answers")
