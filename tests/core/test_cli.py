"""flask users ..., flask seed-demo, flask translate compile."""
from __future__ import annotations

from sqlalchemy import func, select

from participation.core.models import Department, Role, User
from participation.extensions import db


def get_user(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            _ = user.roles
            db.session.expunge_all()
        return user


def test_users_create_admin(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.jp", "--name", "市長",
                                 "--password", "long-enough-pw", "--role", "admin"])
    assert result.exit_code == 0, result.output
    user = get_user(app, "boss@example.jp")
    assert user.display_name == "市長"
    assert user.has_role(Role.ADMIN)
    assert user.check_password("long-enough-pw")


def test_users_create_refuses_duplicates_and_short_passwords(app, runner):
    ok = runner.invoke(args=["users", "create", "--email", "a@example.jp", "--password", "long-enough-pw"])
    assert ok.exit_code == 0
    dup = runner.invoke(args=["users", "create", "--email", "A@example.jp", "--password", "long-enough-pw"])
    assert dup.exit_code != 0
    assert "このメールアドレスのアカウントはすでに登録されています。" in dup.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.jp", "--password", "short"])
    assert short.exit_code != 0
    assert get_user(app, "b@example.jp") is None


def test_users_create_official_without_department_writes_nothing(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "c@example.jp",
                                 "--password", "long-enough-pw", "--role", "official"])
    assert result.exit_code != 0
    assert get_user(app, "c@example.jp") is None


def test_users_grant_and_revoke(app, runner, make_user, make_process):
    make_user(email="staff@example.jp")
    process = make_process("station-square")
    other = make_process("river-park")
    with app.app_context():
        db.session.add(Department(code="roads", name={"ja": "道路課", "en": "Roads"}))
        db.session.commit()
    result = runner.invoke(args=["users", "grant", "staff@example.jp", "official", "--department", "roads"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "grant", "staff@example.jp", "moderator", "--process", "station-square"])
    assert result.exit_code == 0, result.output
    user = get_user(app, "staff@example.jp")
    assert user.has_role(Role.OFFICIAL) and user.has_role(Role.MODERATOR, process_id=process.id)
    assert not user.has_role(Role.MODERATOR, process_id=other.id)

    listing = runner.invoke(args=["users", "list"])
    assert "official@roads" in listing.output and "moderator#station-square" in listing.output

    result = runner.invoke(args=["users", "revoke", "staff@example.jp", "official"])
    assert result.exit_code == 0 and "Removed 1" in result.output
    assert not get_user(app, "staff@example.jp").has_role(Role.OFFICIAL)


def test_users_grant_errors(runner, make_user):
    make_user(email="staff@example.jp")
    assert runner.invoke(args=["users", "grant", "ghost@example.jp", "admin"]).exit_code != 0
    result = runner.invoke(args=["users", "grant", "staff@example.jp", "official", "--department", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_seed_demo_is_idempotent_and_has_one_user_per_role(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        users = db.session.scalars(select(User).where(User.email.not_like("%@api.invalid"))).all()
        assert len(users) == 7  # one per demo role (the demo API key's service account aside)
        assert db.session.scalar(select(func.count(User.id)).where(User.email.like("%@api.invalid"))) == 1
        held = {a.role for u in users for a in u.roles}
        assert held == {r.value for r in Role}
        assert db.session.scalar(select(func.count(Department.id))) == 4
        official = db.session.scalar(select(User).where(User.email == "official@example.jp"))
        assert official.roles[0].department.name == {"ja": "道路課", "en": "Roads Division"}
        assert official.check_password("demo-password")


def test_demo_login_works(app, runner, client, post_form):
    runner.invoke(args=["seed-demo"])
    response = post_form("/auth/login", {"email": "admin@example.jp", "password": "demo-password"})
    assert response.status_code == 302
    assert "管理者" in client.get("/account/").get_data(as_text=True)
