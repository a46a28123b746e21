"""The population table (entered by an administrator) and consented demographics of participants.

Demographic data is read only for people who consented to it (the consent row is deleted when it is
withdrawn), and only as counts.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..core import audit
from ..core.errors import InvalidInput, PermissionDenied
from ..core.i18n import localized
from ..core.types import Actor
from ..extensions import db
from .models import KpiPopulation
from .permissions import can_edit_population

DIMENSIONS = ("age_group", "area")
MAX_PEOPLE = 100_000_000
_CHUNK = 500


def age_groups() -> list[tuple[str, str]]:
    """(code, translated label) of the age groups residents may choose, in order."""
    from ..core.privacy import AGE_GROUP_LABELS
    from ..core.privacy_models import AgeGroup

    return [(group.value, str(AGE_GROUP_LABELS[group])) for group in AgeGroup if group != AgeGroup.PREFER_NOT_TO_SAY]


def areas() -> list[tuple[str, str]]:
    """(id, name) of the city's areas, read from the issues feature's table by name."""
    table = db.metadata.tables["areas"]
    return [(str(row.id), localized(row.name)) for row in db.session.execute(
        select(table.c.id, table.c.name).order_by(table.c.id))]


def choices(dimension: str) -> list[tuple[str, str]]:
    return age_groups() if dimension == "age_group" else areas()


def population() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    for row in db.session.scalars(select(KpiPopulation)):
        table.setdefault(row.dimension, {})[row.key] = row.people
    return table


def save_population(actor: Actor, dimension: str, values: dict[str, Any]) -> None:
    """Replace the population of one dimension; blank means unknown. Audited."""
    if not can_edit_population(actor):
        raise PermissionDenied()
    if dimension not in DIMENSIONS:
        raise InvalidInput(_l("Unknown population table."))
    known = {code for code, _label in choices(dimension)}
    clean: dict[str, int] = {}
    for key, raw in values.items():
        if key not in known:
            raise InvalidInput(_l("Unknown group in the population table."))
        text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip().replace(",", "")
        if not text:
            continue
        if not text.isdecimal() or int(text) > MAX_PEOPLE:
            raise InvalidInput(_l("Enter the number of people as a whole number from 0 to 100,000,000."),
                               field=key)
        clean[key] = int(text)
    before = population()[dimension]
    db.session.execute(delete(KpiPopulation).where(KpiPopulation.dimension == dimension))
    db.session.add_all(KpiPopulation(dimension=dimension, key=key, people=people) for key, people in clean.items())
    audit.record(actor, "kpi.population", target_type="kpi_population", before={dimension: before},
                 after={dimension: clean})
    db.session.flush()


def demographics_of(user_ids: Iterable[int]) -> dict[str, dict[str, int]]:
    """How many of these people (who consented) are in each age group and area."""
    from ..core.privacy_models import AgeGroup, Demographics

    ids = sorted(set(user_ids))
    ages: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for age_group, area_id in db.session.execute(
                select(Demographics.age_group, Demographics.area_id).where(Demographics.user_id.in_(chunk))):
            if age_group and age_group != AgeGroup.PREFER_NOT_TO_SAY:
                ages[str(age_group)] += 1
            if area_id is not None:
                places[str(area_id)] += 1
    return {"age_group": dict(ages), "area": dict(places)}
