"""core.counts: totals kept with the rows (registered people, survey responses), equal to a rebuild."""
from __future__ import annotations

from sqlalchemy import func, select

from participation.core import counts
from participation.core.models import User
from participation.core.services import SERVICE_ACCOUNT_DOMAIN, count_users
from participation.extensions import db


def _rows():
    return sorted(tuple(r) for r in db.session.execute(select(counts.row_counts)) if r.n)


def _people():
    return db.session.scalar(select(func.count(User.id)).where(User.email.not_like(f"%{SERVICE_ACCOUNT_DOMAIN}")))


def test_registered_people_are_counted_with_every_change(app, client, make_user):
    made = [make_user() for _ in range(3)]
    with app.app_context():
        assert count_users() == _people() == 3
        service = User(email=f"key1{SERVICE_ACCOUNT_DOMAIN}", display_name="API", password_hash="x")
        db.session.add(service)
        db.session.flush()
        assert count_users() == 3  # an API key's account is not a person
        db.session.get(User, made[0].id).email = f"key2{SERVICE_ACCOUNT_DOMAIN}"
        db.session.delete(db.session.get(User, made[1].id))
        db.session.flush()
        assert count_users() == _people() == 1
        incremental = _rows()
        counts.rebuild()
        assert _rows() == incremental
        db.session.commit()
    assert "登録している市民" in client.get("/").get_data(as_text=True)


def test_counters_rebuild_repairs_the_row_counts(app, runner, make_user):
    make_user()
    with app.app_context():
        db.session.execute(counts.row_counts.delete())
        db.session.commit()
        assert count_users() == 0
    assert runner.invoke(args=["counters", "rebuild"]).exit_code == 0
    with app.app_context():
        assert count_users() == 1
