"""The demo city: a fictional Japanese city with one account per role.

Idempotent: running it again finds what exists and adds only what is missing.
Feature packages seed their own demo content in their demo.py; `flask seed-demo` runs them all.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from . import services
from .models import Department, Role, User

DEMO_PASSWORD = "demo-password"

DEPARTMENTS = [
    ("roads", {"ja": "道路課", "en": "Roads Division"}, "doro@midorikawa.example.jp"),
    ("parks", {"ja": "公園緑地課", "en": "Parks and Green Spaces Division"}, "koen@midorikawa.example.jp"),
    ("environment", {"ja": "環境課", "en": "Environment Division"}, "kankyo@midorikawa.example.jp"),
    ("planning", {"ja": "都市計画課", "en": "Urban Planning Division"}, "toshi@midorikawa.example.jp"),
]

# (email, display name, language, role, department code)
USERS = [
    ("resident@example.jp", "山田 花子", "ja", None, None),
    ("resident2@example.jp", "佐藤 健", "ja", None, None),
    ("resident3@example.jp", "Emma Brown", "en", None, None),
    ("official@example.jp", "鈴木 道路課", "ja", Role.OFFICIAL, "roads"),
    ("facilitator@example.jp", "高橋 ファシリテーター", "ja", Role.FACILITATOR, None),
    ("moderator@example.jp", "田中 モデレーター", "ja", Role.MODERATOR, None),
    ("admin@example.jp", "管理者", "ja", Role.ADMIN, None),
]


def seed_departments() -> dict[str, Department]:
    out = {}
    for code, name, email in DEPARTMENTS:
        department = db.session.scalar(select(Department).where(Department.code == code))
        if department is None:
            department = Department(code=code, name=name, contact_email=email)
            db.session.add(department)
        out[code] = department
    db.session.flush()
    return out


def seed_users(departments: dict[str, Department]) -> list[User]:
    users = []
    for email, name, lang, role, dept in USERS:
        user = services.find_user_by_email(email)
        if user is None:
            user = services.register_user(email, name, DEMO_PASSWORD, language=lang)
        if role is not None:
            services.grant_role(None, user, role, department=departments.get(dept) if dept else None)
        users.append(user)
    return users


def seed() -> str:
    departments = seed_departments()
    users = seed_users(departments)
    from . import privacy

    if not privacy.has_public_profile(users[0]):  # 山田 花子 shows her public profile (/users/<id>)
        privacy.set_public_profile(users[0], True)
    db.session.flush()
    return (f"Demo city ready: {len(departments)} departments, {len(users)} demo accounts "
            f"(password: {DEMO_PASSWORD}).")
