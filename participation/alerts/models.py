"""Alerts (FixMyStreet style) and the items of their Atom feeds.

A subscription asks for new reports near a point (500 m / 1 km / 2 km), in a ward (area), or of a
category, or for new proposals and answers of a process; by a signed-in resident or by e-mail (then
confirmed by a link first). `AlertEvent` rows are what happened, written when the other features
send their signals (`issue_reported`, `proposal_published`, `proposal_answered`): the feeds and the
alert mails read them, so this package never imports another feature's code. They carry no
personal data (title, place, link).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.models import UTCDateTime
from ..core.types import enum_column
from ..extensions import Model

RADII = (500, 1000, 2000)
TITLE_MAX = 200


class AlertKind(enum.StrEnum):
    NEAR = "near"
    AREA = "area"
    CATEGORY = "category"
    PROCESS = "process"


class EventKind(enum.StrEnum):
    ISSUE = "issue"
    PROPOSAL = "proposal"
    ANSWER = "answer"


class AlertSubscription(Model):
    __tablename__ = "alert_subscriptions"
    __table_args__ = (Index("ix_alert_subscriptions_kind", "kind", "confirmed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="ja")
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind, "kind_valid"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("issue_categories.id", ondelete="CASCADE"))
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AlertEvent(Model):
    __tablename__ = "alert_events"
    __table_args__ = (
        UniqueConstraint("kind", "target_type", "target_id"),
        Index("ix_alert_events_geocell", "geocell"),
        Index("ix_alert_events_area_id", "area_id"),
        Index("ix_alert_events_category_id", "category_id"),
        Index("ix_alert_events_process_id", "process_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "kind_valid"))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    path: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geocell: Mapped[int | None] = mapped_column(BigInteger)
    area_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    process_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
