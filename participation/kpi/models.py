"""KPI tables: figures rolled up by a background job, and the population an admin enters.

Pages read only these tables (a few hundred rows per year), never the rows they summarise.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.models import UTCDateTime
from ..extensions import Model

ALL = "all"          # scope: the whole city
PROCESS = "process"  # scope key: process id
WHOLE_PERIOD = "12m"  # month of figures about the last twelve months (inclusiveness)


class KpiFigure(Model):
    """One figure: `count` facts of `metric` in `month` ("YYYY-MM", city time) for a scope.

    Responsiveness figures also say how many could be judged (`decided`), how many met their target
    (`met`) and the median days taken; participant figures carry distinct people in `count`.
    """

    __tablename__ = "kpi_figures"
    __table_args__ = (UniqueConstraint("metric", "month", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40))
    month: Mapped[str] = mapped_column(String(7), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[dict | None] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int | None] = mapped_column(Integer)
    met: Mapped[int | None] = mapped_column(Integer)
    median_days: Mapped[float | None] = mapped_column(Float)


class KpiPopulation(Model):
    """The city's population by age group or area (people), entered by an administrator."""

    __tablename__ = "kpi_population"
    __table_args__ = (UniqueConstraint("dimension", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20))  # "age_group" or "area"
    key: Mapped[str] = mapped_column(String(40))
    people: Mapped[int] = mapped_column(Integer)


class KpiRun(Model):
    """When the figures were last computed, and from which month on."""

    __tablename__ = "kpi_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    from_month: Mapped[str] = mapped_column(String(7))
    facts: Mapped[int] = mapped_column(Integer, default=0)
