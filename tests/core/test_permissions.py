"""Role predicates: one function per question, each tested on its own."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from participation.core import permissions as p


@pytest.fixture
def processes(make_process):
    return {1: make_process().id, 2: make_process().id, 7: make_process().id}


@pytest.fixture
def people(make_user, processes):
    return {
        "anonymous": AnonymousUserMixin(),
        "resident": make_user(),
        "official_roads": make_user("official", department="roads"),
        "official_parks": make_user("official", department="parks"),
        "facilitator_all": make_user("facilitator"),
        "facilitator_p1": make_user("facilitator", process_id=processes[1]),
        "moderator_all": make_user("moderator"),
        "moderator_p1": make_user("moderator", process_id=processes[1]),
        "admin": make_user("admin"),
    }


def roads_id(app):
    from participation.core.services import get_department

    with app.app_context():
        return get_department("roads").id


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("resident", False), ("official_roads", False),
     ("facilitator_all", False), ("moderator_all", False), ("admin", True)],
)
def test_is_admin_and_user_management(people, who, expected):
    assert p.is_admin(people[who]) is expected
    assert p.can_manage_users(people[who]) is expected
    assert p.can_view_audit_log(people[who]) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("resident", False), ("official_roads", True),
     ("official_parks", False), ("admin", False)],
)
def test_is_official_of_a_department(app, people, who, expected):
    assert p.is_official(people[who], roads_id(app)) is expected


def test_is_official_of_any_department(people):
    assert p.is_official(people["official_parks"])
    assert not p.is_official(people["resident"])


@pytest.mark.parametrize(
    ("who", "process_id", "expected"),
    [
        ("facilitator_all", 1, True), ("facilitator_all", 2, True),
        ("facilitator_p1", 1, True), ("facilitator_p1", 2, False),
        ("moderator_all", 1, False), ("resident", 1, False), ("anonymous", 1, False),
        ("admin", 2, True),
    ],
)
def test_is_facilitator_of_a_process(people, processes, who, process_id, expected):
    assert p.is_facilitator(people[who], processes[process_id]) is expected


@pytest.mark.parametrize(
    ("who", "process_id", "expected"),
    [
        ("moderator_all", 7, True), ("moderator_p1", 1, True), ("moderator_p1", 7, False),
        ("facilitator_all", 1, False), ("admin", 7, True), ("anonymous", 1, False),
    ],
)
def test_is_moderator_of_a_process(people, processes, who, process_id, expected):
    assert p.is_moderator(people[who], processes[process_id]) is expected


def test_global_facilitator(people):
    assert p.is_global_facilitator(people["facilitator_all"])
    assert p.is_global_facilitator(people["admin"])
    assert not p.is_global_facilitator(people["facilitator_p1"])
    assert not p.is_global_facilitator(people["moderator_all"])


def test_staff_and_own_account(people):
    assert not p.is_staff(people["resident"])
    assert p.is_staff(people["moderator_p1"])
    assert p.can_edit_account(people["resident"], people["resident"])
    assert not p.can_edit_account(people["resident"], people["admin"])
    assert not p.can_edit_account(people["anonymous"], people["resident"])


def test_granting_roles_needs_an_admin(app, people, processes):
    from participation.core import services
    from participation.core.errors import PermissionDenied
    from participation.core.models import AuditLog, Role, User
    from participation.extensions import db

    with app.app_context():
        resident = db.session.get(User, people["resident"].id)
        moderator = db.session.get(User, people["moderator_all"].id)
        admin = db.session.get(User, people["admin"].id)
        with pytest.raises(PermissionDenied):
            services.grant_role(moderator, resident, Role.MODERATOR)
        services.grant_role(admin, resident, Role.MODERATOR, process_id=processes[2])
        db.session.commit()
        assert resident.has_role(Role.MODERATOR, process_id=processes[2])
        entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "role.grant")
                                   .order_by(AuditLog.id.desc())).first()
        assert entry.actor_id == admin.id and entry.target_id == resident.id
        assert entry.after == {"role": "moderator", "department_id": None,
                               "process_id": processes[2]}


def test_official_needs_a_department(app, people, processes):
    from participation.core import services
    from participation.core.errors import InvalidInput
    from participation.core.models import Role, User
    from participation.extensions import db

    with app.app_context():
        resident = db.session.get(User, people["resident"].id)
        with pytest.raises(InvalidInput):
            services.grant_role(None, resident, Role.OFFICIAL)
        with pytest.raises(InvalidInput):
            services.grant_role(None, resident, Role.ADMIN, process_id=processes[1])


def test_grant_is_idempotent(app, people):
    from participation.core import services
    from participation.core.models import Role, User
    from participation.extensions import db

    with app.app_context():
        user = db.session.get(User, people["moderator_all"].id)
        services.grant_role(None, user, Role.MODERATOR)
        db.session.commit()
        assert len(db.session.get(User, user.id).roles) == 1


def test_403_page_says_why(tmp_path):
    from flask import abort
    from flask_babel import lazy_gettext as _l

    from participation import create_app

    from ..conftest import make_config

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}"))

    @app.route("/__forbidden")
    def forbidden():
        abort(403, description=_l("Only administrators can grant roles."))

    client = app.test_client()
    for lang, title, reason in [
        ("ja", "アクセスできません", "役割を付与できるのは管理者だけです。"),
        ("en", "Access denied", "Only administrators can grant roles."),
    ]:
        response = client.get(f"/__forbidden?lang={lang}")
        assert response.status_code == 403
        html = response.get_data(as_text=True)
        assert title in html and reason in html
