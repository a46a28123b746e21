"""Tables of residents' privacy rights: optional consents, demographics (aggregate KPIs only),
public profile choice, "download my data" files and the anonymous tally of consents of deleted
accounts. Terms/privacy policy acceptances live in `core.pages` (`PolicyAcceptance`)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from . import clock
from .models import UTCDateTime
from .types import enum_column

GENDER_MAX = 40
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class ConsentKind(enum.StrEnum):
    """Optional consents, each given separately and withdrawable on /account/privacy."""

    DEMOGRAPHICS = "demographics"  # age group, area, gender: aggregate KPIs only
    NEWS = "news"  # e-mail news from the city


class AgeGroup(enum.StrEnum):
    """10-year bands, or "prefer not to say"."""

    UNDER_20 = "10-19"
    TWENTIES = "20-29"
    THIRTIES = "30-39"
    FORTIES = "40-49"
    FIFTIES = "50-59"
    SIXTIES = "60-69"
    SEVENTIES = "70-79"
    EIGHTIES = "80-89"
    NINETIES_PLUS = "90+"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Consent(Model):
    """One optional consent a person gave (withdrawing deletes the row and the data it covers)."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "kind_valid"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Demographics(Model):
    """What a person chose to tell about themselves for the inclusiveness KPIs (read only in aggregate,
    groups under 10 people never shown). Deleted, not blanked, when the consent is withdrawn."""

    __tablename__ = "demographics"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    age_group: Mapped[AgeGroup] = mapped_column(enum_column(AgeGroup, "age_group_valid"),
                                                default=AgeGroup.PREFER_NOT_TO_SAY)
    # The issues Area of residence (NULL: not given); kept as a plain id so core needs no feature.
    area_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Free answer, or PREFER_NOT_TO_SAY.
    gender: Mapped[str] = mapped_column(String(GENDER_MAX), default=PREFER_NOT_TO_SAY)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ProfileSetting(Model):
    """A person chose to show their name on a public profile page (`/users/<id>`); off by default."""

    __tablename__ = "profile_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DataExport(Model):
    """A "download my data" zip: built by a job, stored privately, offered for 7 days."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExportStatus] = mapped_column(enum_column(ExportStatus, "status_valid"),
                                                 default=ExportStatus.PENDING)
    filename: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsentTally(Model):
    """Consents of deleted accounts, kept only as anonymous counts (kind: terms/privacy/demographics/news,
    version: the accepted policy version, 0 for optional consents)."""

    __tablename__ = "consent_tallies"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)
