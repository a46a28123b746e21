from __future__ import annotations

import json

import pytest

from participation.core.models import Department, User
from participation.extensions import db
from participation.issues import services
from participation.issues.areas import import_areas
from participation.issues.demo import WARDS
from participation.issues.models import Category

CENTER = (35.6580, 139.7016)


@pytest.fixture
def city(app):
    """Departments, the shipped fictional wards and two categories. Returns ids by name."""
    with app.app_context():
        roads = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        env = Department(code="environment", name={"ja": "環境課", "en": "Environment"})
        db.session.add_all([roads, env])
        db.session.flush()
        import_areas(json.loads(WARDS.read_text(encoding="utf-8")))
        pothole = Category(code="pothole", name={"ja": "道路の穴", "en": "Pothole"}, department_id=roads.id)
        graffiti = Category(code="graffiti", name={"ja": "落書き", "en": "Graffiti"}, department_id=env.id)
        db.session.add_all([pothole, graffiti])
        db.session.commit()
        return {"roads": roads.id, "environment": env.id, "pothole": pothole.id, "graffiti": graffiti.id}


@pytest.fixture
def make_issue(app, make_user, city):
    """make_issue(reporter=None, category="pothole", lat=..., lon=..., title=...) -> Issue (detached)."""

    def factory(reporter=None, *, category: str = "pothole", lat: float = CENTER[0], lon: float = CENTER[1],
                title: str = "道路に穴があります", **extra):
        reporter = reporter or make_user()
        with app.test_request_context("/"):
            issue = services.report_issue(db.session.get(User, reporter.id), {
                "category_id": city[category], "latitude": lat, "longitude": lon, "title": title, **extra})
            db.session.commit()
            db.session.refresh(issue)
            db.session.expunge_all()
            return issue

    return factory
