"""Counters and monthly aggregates of street issues: kept in the same transaction as every change,
equal to a rebuild from the rows, exact when officials act at the same moment."""
from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from participation.core import clock
from participation.core.models import User
from participation.extensions import db
from participation.issues import queries, reports, services, tallies, totals
from participation.issues.areas import area_at
from participation.issues.models import GROUPS, Area, Category, Issue
from participation.moderation import services as moderation

from .conftest import CENTER


def ctx(app):
    return app.test_request_context("/", method="POST")


def u(user):
    return db.session.get(User, user.id)


def i(issue):
    return db.session.get(Issue, issue.id)


def _tables():
    """Both tables without rows that add nothing."""
    counts = sorted(tuple(r) for r in db.session.execute(select(tallies.counts)) if r.n)
    monthly = sorted(tuple(r) for r in db.session.execute(select(tallies.monthly)) if any(r[3:]))
    return counts, monthly


def assert_rebuild_equals_incremental():
    db.session.flush()
    incremental = _tables()
    tallies.rebuild()
    assert _tables() == incremental


def _counted(**filters):
    """The same total counted over the issues table (what the counters replace)."""
    return db.session.scalar(select(func.count(Issue.id)).where(*queries._filters(**filters)))


def _other_area_point():
    """A point inside another area than CENTER's."""
    here = area_at(*CENTER)
    for area in db.session.scalars(select(Area)):
        lat, lon = (area.min_lat + area.max_lat) / 2, (area.min_lon + area.max_lon) / 2
        found = area_at(lat, lon)
        if found is not None and found.id != (here.id if here else None):
            return lat, lon
    raise AssertionError("the shipped wards must include a second area")


def test_every_change_moves_the_counters_like_a_rebuild(app, make_user, make_issue, city):
    reporter, official = make_user(), make_user("official", department="roads")
    moderator = make_user("moderator")
    with ctx(app):
        lat, lon = _other_area_point()
    a = make_issue(reporter, title="穴その1")
    b = make_issue(category="graffiti", title="落書きその1")
    c = make_issue(lat=lat, lon=lon, title="穴その2")
    with ctx(app):
        assert_rebuild_equals_incremental()
        assert totals.by_group() == {"open": 3, "fixed": 0, "closed": 0}
        clock.freeze(datetime.now(UTC) + timedelta(hours=3))
        services.change_status(u(official), i(a), "investigating", "")  # first response
        assert_rebuild_equals_incremental()
        services.change_status(u(official), i(a), "fixed", "直しました")
        assert_rebuild_equals_incremental()
        assert totals.by_group() == {"open": 2, "fixed": 1, "closed": 0}
        services.reopen(u(reporter), i(a), "まだ穴があります")
        assert_rebuild_equals_incremental()
        services.change_status(u(make_user("official", department="environment")), i(b), "duplicate", "重複です",
                               duplicate_of_id=a.id)
        assert_rebuild_equals_incremental()
        services.reassign(u(official), i(c), city["environment"], "環境課の担当です")  # department transfer
        assert_rebuild_equals_incremental()
        i(c).category_id = city["graffiti"]  # category change
        assert_rebuild_equals_incremental()
        assert totals.counts_by("category") == {city["pothole"]: 1, city["graffiti"]: 2}
        moderation.hide_content(u(moderator), "issues", a.id, "spam")  # hidden: counted nowhere
        assert_rebuild_equals_incremental()
        assert totals.by_group() == {"open": 1, "fixed": 0, "closed": 1}
        for filters in ({}, {"group": "open"}, {"category_id": city["graffiti"]},
                        {"department_id": city["environment"], "group": "closed"}):
            assert totals.count_issues(closed_after=queries.closed_cutoff(), **filters) == _counted(**filters)
        case = moderation.hide_content(u(moderator), "issues", a.id, "spam")
        moderation.restore(u(moderator), case)
        assert_rebuild_equals_incremental()
        db.session.get(Category, city["pothole"]).target_days = 1  # a new target re-counts its reports
        assert_rebuild_equals_incremental()
        area_id = i(c).area_id
        db.session.delete(db.session.get(Area, area_id))  # its reports are now outside every area
        db.session.flush()
        db.session.expire_all()
        assert i(c).area_id is None
        assert_rebuild_equals_incremental()
        db.session.delete(i(b))
        assert_rebuild_equals_incremental()
        assert totals.by_group() == {"open": 2, "fixed": 0, "closed": 0}


def test_list_and_home_show_the_counted_totals(app, client, make_user, make_issue):
    official = make_user("official", department="roads")
    made = [make_issue(title=f"報告{n}") for n in range(3)]
    with ctx(app):
        services.change_status(u(official), i(made[0]), "fixed", "直しました")
        db.session.commit()
    assert "報告3件" in client.get("/issues/").get_data(as_text=True)
    assert "報告1件" in client.get("/issues/?group=fixed").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<span[^>]*>)?([^<]+)<", home))
    assert figures["未解決の報告"] == "2" and figures["解決した報告"] == "1"


def test_the_list_counts_exactly_around_the_six_month_cutoff(app, client, make_user, make_issue):
    """Closed before and after the start of the month six months ago: the counters and the rows agree."""
    official = make_user("official", department="roads")
    start = datetime(2026, 2, 20, 12, tzinfo=UTC)
    made = []
    for n in range(4):
        clock.freeze(start + timedelta(days=n * 7))  # 20 and 27 February, 6 and 13 March
        made.append(make_issue(title=f"古い報告{n}"))
        with ctx(app):
            services.change_status(u(official), i(made[-1]), "fixed", "直しました")
            db.session.commit()
    clock.freeze(datetime(2026, 3, 3, tzinfo=UTC) + queries.HIDE_CLOSED_AFTER)  # cutoff: 1 March (Tokyo)
    with ctx(app):
        for group in (None, "fixed", "open"):
            listing = queries.list_issues(group=group)
            assert listing.total == _counted(group=group) == len(listing.items)
        assert queries.list_issues().total == 2
        assert queries.list_issues(include_old_closed=True).total == 4


def test_a_single_status_filter_pages_without_a_total(app, make_issue, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    for n in range(3):
        make_issue(title=f"報告{n}")
    with ctx(app):
        first = queries.list_issues(status="open")
        assert first.total is None and first.has_next and len(first.items) == 2
        second = queries.list_issues(page=2, status="open")
        assert not second.has_next and len(second.items) == 1


def test_monthly_response_for_the_kpis(app, make_user, make_issue, city):
    official = make_user("official", department="roads")
    clock.freeze(datetime(2026, 4, 30, 15, 30, tzinfo=UTC))  # 1 May 00:30 in Tokyo: a May report
    issue = make_issue()
    with ctx(app):
        clock.freeze(datetime(2026, 5, 1, 3, tzinfo=UTC))
        services.change_status(u(official), i(issue), "in_progress", "")
        db.session.commit()
        rows = reports.monthly_response(by=("department", "category"))
    assert len(rows) == 1
    row = rows[0]
    assert row["month"] == "2026-05" and row["department_id"] == city["roads"]
    assert row["category_id"] == city["pothole"]
    assert (row["reports"], row["open"], row["acknowledged"], row["acknowledged_2wd"]) == (1, 1, 1, 1)
    assert row["mean_hours_to_response"] == 11.5 and 8 <= row["median_hours_to_response"] <= 12
    assert sum(row["ack_histogram"]) == 1 and row["fix_histogram"] == [0] * tallies.BUCKETS


def test_percentiles_from_a_histogram():
    histogram = [0] * tallies.BUCKETS
    assert reports.percentile(histogram, 0.5) is None
    histogram[tallies.bucket_of(30)] = 4  # four reports in the 24-48 h band
    assert reports.percentile(histogram, 0.5) == 36.0
    histogram[-1] = 1
    assert reports.percentile(histogram, 1.0) == tallies.EDGES_H[-1]


def test_flask_counters_rebuild_repairs_rows_written_around_the_models(app, runner, make_issue, city):
    make_issue()
    with app.app_context():
        db.session.execute(tallies.counts.delete())
        db.session.commit()
        assert totals.by_group()["open"] == 0
    result = runner.invoke(args=["counters", "rebuild"])
    assert result.exit_code == 0 and "issues: 1 visible issues" in result.output
    with app.app_context():
        assert totals.by_group()["open"] == 1


@pytest.mark.commits_from_threads
def test_counters_stay_exact_when_people_act_at_the_same_moment(app, make_user, make_issue, city):
    officials = [make_user("official", department="roads") for _ in range(3)]
    residents = [make_user() for _ in range(4)]
    contested = make_issue(title="同時に変更")
    barrier = threading.Barrier(len(officials) + len(residents))
    errors = []

    def run(action):
        with ctx(app):
            try:
                barrier.wait()
                action()
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    def change(official, status):
        return lambda: services.change_status(u(official), i(contested), status, "対応しました")

    def report(resident):
        return lambda: services.report_issue(u(resident), {"category_id": city["pothole"], "latitude": CENTER[0],
                                                           "longitude": CENTER[1], "title": "同時の報告"})

    actions = [change(officials[0], "fixed"), change(officials[1], "unable_to_fix"),
               change(officials[2], "in_progress")] + [report(r) for r in residents]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with app.app_context():
        # Some status changes may be refused (the status is already set); none may miscount.
        assert [e for e in errors if "IllegalTransition" not in e] == []
        incremental = _tables()
        assert sum(n for *_key, n in incremental[0]) == 5
        for group in GROUPS:
            assert totals.count_issues(group=group) == _counted(group=group, include_old_closed=True)
        tallies.rebuild()
        assert _tables() == incremental


# --- query counts: pages read a constant number of queries ------------------------------------------

def _queries_of(app, client, path: str) -> int:
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    found = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    return len(found)


def test_the_list_and_an_issue_page_read_a_constant_number_of_queries(app, client, login, make_user, make_issue):
    official = make_user("official", department="roads")
    residents = [make_user() for _ in range(3)]
    first = make_issue(title="最初の報告")
    with ctx(app):
        services.add_update(u(residents[0]), i(first), "見ました")
        db.session.commit()
    login(official)
    _queries_of(app, client, f"/issues/{first.id}")  # warm: what a first request caches
    few_list, few_page = _queries_of(app, client, "/issues/"), _queries_of(app, client, f"/issues/{first.id}")
    for n in range(60):
        make_issue(residents[n % 3], title=f"報告{n}")
    with ctx(app):
        for n in range(60):
            services.add_update(u(residents[n % 3]), i(first), f"更新{n}")
        services.change_status(u(official), i(first), "in_progress", "対応中です")
        db.session.commit()
    assert _queries_of(app, client, "/issues/") == few_list
    assert _queries_of(app, client, f"/issues/{first.id}") == few_page
    assert few_list <= 15 and few_page <= 25
