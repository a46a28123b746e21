"""Demo KPIs: a population table for the fictional city, then a full roll-up of the demo content."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from . import population as pop
from .models import KpiPopulation
from .rollup import rollup

# みどり川市 (fictional): residents by age group, from an imagined resident register.
AGE_PEOPLE = {"10-19": 17800, "20-29": 19400, "30-39": 22100, "40-49": 27300, "50-59": 26900,
              "60-69": 23500, "70-79": 24800, "80-89": 13900, "90+": 3100}


def seed() -> str | None:
    if db.session.scalar(select(KpiPopulation.id).limit(1)) is None:
        codes = {code for code, _label in pop.age_groups()}
        db.session.add_all(KpiPopulation(dimension="age_group", key=key, people=people)
                           for key, people in AGE_PEOPLE.items() if key in codes)
        for index, (code, _label) in enumerate(pop.areas()):
            db.session.add(KpiPopulation(dimension="area", key=code, people=48000 + 9000 * (index % 3)))
    run = rollup(None)
    db.session.flush()
    return f"KPIs: population table and {run.facts} facts rolled up."
