"""Processes and phases: validation, time, capabilities, visibility, administration."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from participation.core import clock
from participation.core.errors import InvalidInput, PermissionDenied
from participation.core.models import AuditLog, User
from participation.extensions import db
from participation.processes import services
from participation.processes.models import Capability, IllegalTransition, Phase, Process


def tokyo_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)  # 12:00 JST


D = date(2027, 4, 1)


def three_phases():
    return [
        dict(title={"ja": "情報提供", "en": "Information"}, start_date=D, end_date=D + timedelta(days=9),
             allow_comments=True),
        dict(title={"ja": "提案募集", "en": "Proposals"}, start_date=D + timedelta(days=10),
             end_date=D + timedelta(days=19), allow_proposals=True, allow_supports=True,
             allow_comments=True, allow_survey_answers=True),
        dict(title={"ja": "回答", "en": "Answers"}, start_date=D + timedelta(days=20),
             end_date=D + timedelta(days=29)),
    ]


@pytest.fixture
def timed_process(make_process):
    return make_process("station", start=D, end=D + timedelta(days=29), phases=three_phases())


def load(app, model, id_):
    return db.session.get(model, id_)


# --- current phase and capabilities -------------------------------------------------------------

@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-1, None), (0, "情報提供"), (9, "情報提供"), (10, "提案募集"), (19, "提案募集"), (25, "回答"), (30, None)],
)
def test_current_phase_follows_the_city_date(app, timed_process, offset, expected):
    clock.freeze(tokyo_noon(D + timedelta(days=offset)))
    with app.app_context():
        phase = load(app, Process, timed_process.id).current_phase()
        assert (phase.title["ja"] if phase else None) == expected


def test_current_phase_uses_the_city_timezone(app, timed_process):
    # 2027-04-10 23:30 UTC is already 2027-04-11 08:30 in Tokyo: the second phase has begun.
    clock.freeze(datetime(2027, 4, 10, 23, 30, tzinfo=UTC))
    with app.app_context():
        assert load(app, Process, timed_process.id).current_phase().title["ja"] == "提案募集"


def test_pinned_phase_wins_over_dates(app, timed_process, make_user):
    clock.freeze(tokyo_noon(D))
    admin = make_user("admin")
    with app.app_context():
        process = load(app, Process, timed_process.id)
        services.pin_phase(load(app, User, admin.id), process, process.phases[2])
        db.session.commit()
        assert process.current_phase().title["ja"] == "回答"
        services.pin_phase(load(app, User, admin.id), process, None)
        assert process.current_phase().title["ja"] == "情報提供"


@pytest.mark.parametrize(
    ("offset", "capability", "allowed", "reason"),
    [
        (2, Capability.PROPOSE, False, "提案の受付は2027年4月11日に始まります。"),
        (12, Capability.PROPOSE, True, None),
        (25, Capability.PROPOSE, False, "提案の受付は2027年4月20日に終了しました。"),
        (2, Capability.COMMENT, True, None),
        (25, Capability.ANSWER_SURVEY, False, "アンケートの受付は2027年4月20日に終了しました。"),
    ],
)
def test_capability_decisions_carry_a_reason(app, timed_process, make_user, offset, capability,
                                             allowed, reason):
    clock.freeze(tokyo_noon(D + timedelta(days=offset)))
    resident = make_user()
    with app.test_request_context("/"):
        process = load(app, Process, timed_process.id)
        decision = services.is_allowed(process, capability, load(app, User, resident.id))
        assert decision.allowed is allowed
        assert decision.reason == reason


def test_capability_reason_in_english(app, timed_process, make_user):
    clock.freeze(tokyo_noon(D + timedelta(days=2)))
    with app.test_request_context("/?lang=en"):
        decision = services.is_allowed(load(app, Process, timed_process.id), Capability.PROPOSE, None)
        assert decision.reason == "Proposal submission opens on April 11, 2027."


def test_anonymous_users_are_asked_to_sign_in(app, timed_process):
    clock.freeze(tokyo_noon(D + timedelta(days=12)))
    with app.test_request_context("/"):
        decision = services.is_allowed(load(app, Process, timed_process.id), Capability.SUPPORT, None)
        assert not decision.allowed and decision.needs_login
        assert decision.reason == "提案を応援するにはログインしてください。"


def test_no_phase_with_the_capability(app, make_process):
    process = make_process(phases=[dict(start_date=date.today() - timedelta(days=1),
                                        end_date=date.today() + timedelta(days=1))])
    with app.test_request_context("/"):
        decision = services.is_allowed(load(app, Process, process.id), Capability.PROPOSE, None)
        assert decision.reason == "このプロセスでは提案を受け付けていません。"


def test_draft_and_archived_processes_allow_nothing(app, make_process, make_user):
    resident = make_user()
    draft, archived = make_process(status="draft"), make_process(status="archived")
    with app.test_request_context("/"):
        user = load(app, User, resident.id)
        assert not services.is_allowed(load(app, Process, draft.id), Capability.COMMENT, user)
        assert not services.is_allowed(load(app, Process, archived.id), Capability.COMMENT, user)
        with pytest.raises(PermissionDenied):
            services.require(load(app, Process, archived.id), Capability.COMMENT, user)


# --- phase validation ---------------------------------------------------------------------------

def phase_data(start, end, **extra):
    return {"title": {"ja": "新フェーズ", "en": "New"}, "start_date": start, "end_date": end, **extra}


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (D + timedelta(days=5), D + timedelta(days=2), "終了日は開始日より前にできません。"),
        (D - timedelta(days=1), D + timedelta(days=2), "フェーズはプロセスの期間"),
        (D + timedelta(days=28), D + timedelta(days=31), "フェーズはプロセスの期間"),
        (D + timedelta(days=8), D + timedelta(days=12), "「情報提供」"),
    ],
)
def test_phase_dates_are_validated(app, timed_process, make_user, start, end, message):
    admin = make_user("admin")
    with app.test_request_context("/"):
        process = load(app, Process, timed_process.id)
        with pytest.raises(InvalidInput) as info:
            services.add_phase(load(app, User, admin.id), process, phase_data(start, end))
        assert message in str(info.value.message)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Phase.id))) == 3


def test_phase_may_be_edited_without_overlapping_itself(app, timed_process, make_user):
    admin = make_user("admin")
    with app.test_request_context("/"):
        process = load(app, Process, timed_process.id)
        phase = process.phases[0]
        services.update_phase(load(app, User, admin.id), phase,
                              phase_data(D, D + timedelta(days=8), allow_proposals=True))
        db.session.commit()
        assert phase.end_date == D + timedelta(days=8) and phase.allow_proposals


def test_process_dates_cannot_exclude_phases(app, timed_process, make_user):
    admin = make_user("admin")
    with app.test_request_context("/"):
        process = load(app, Process, timed_process.id)
        with pytest.raises(InvalidInput):
            services.update_process(load(app, User, admin.id), process, {
                "slug": "station", "title": {"ja": "駅前"}, "start_date": D + timedelta(days=1),
                "end_date": D + timedelta(days=29)})


# --- lifecycle ----------------------------------------------------------------------------------

def test_process_lifecycle_and_audit(app, make_user):
    facilitator = make_user("facilitator")
    with app.test_request_context("/"):
        actor = load(app, User, facilitator.id)
        process = services.create_process(actor, {
            "slug": "new-park", "title": {"ja": "新しい公園", "en": "New park"},
            "start_date": D, "end_date": D + timedelta(days=10)})
        assert process.is_draft
        with pytest.raises(IllegalTransition):
            services.change_process_status(actor, process, "publish")  # no phase yet
        services.add_phase(actor, process, phase_data(D, D + timedelta(days=10)))
        services.change_process_status(actor, process, "publish")
        assert process.status == "published" and process.published_at is not None
        services.change_process_status(actor, process, "archive")
        with pytest.raises(IllegalTransition):
            services.change_process_status(actor, process, "unpublish")  # archived -> draft
        db.session.commit()
        actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.action != "role.grant")
                                          .order_by(AuditLog.id)))
        assert actions == ["process.create", "phase.create", "process.publish", "process.archive"]


def test_only_global_facilitators_create_processes(app, make_user, make_process):
    scoped = make_user("facilitator", process_id=make_process().id)
    with app.test_request_context("/"), pytest.raises(PermissionDenied):
        services.create_process(load(app, User, scoped.id), {
            "slug": "x-y", "title": {"ja": "x"}, "start_date": D, "end_date": D})


@pytest.mark.parametrize("slug", ["Station Square", "駅前", "-bad", "a" * 81, ""])
def test_bad_slugs_are_refused(app, make_user, slug):
    admin = make_user("admin")
    with app.test_request_context("/"), pytest.raises(InvalidInput):
        services.create_process(load(app, User, admin.id), {
            "slug": slug, "title": {"ja": "x"}, "start_date": D, "end_date": D})


# --- public pages -------------------------------------------------------------------------------

def test_public_list_filters_by_timing(client, make_process):
    today = date.today()
    make_process("now-open", title={"ja": "今のプロセス", "en": "Now"})
    make_process("later", start=today + timedelta(days=10), end=today + timedelta(days=20),
                 phases=[dict(start_date=today + timedelta(days=10), end_date=today + timedelta(days=20))],
                 title={"ja": "これからのプロセス", "en": "Later"})
    make_process("done", start=today - timedelta(days=20), end=today - timedelta(days=10),
                 phases=[dict(start_date=today - timedelta(days=20), end_date=today - timedelta(days=10))],
                 title={"ja": "終わったプロセス", "en": "Done"})
    make_process("hidden", status="draft", title={"ja": "下書きのプロセス", "en": "Draft"})
    active = client.get("/processes/").get_data(as_text=True)
    assert "今のプロセス" in active and "これから" not in active and "下書き" not in active
    assert "これからのプロセス" in client.get("/processes/?timing=upcoming").get_data(as_text=True)
    past = client.get("/processes/?timing=past").get_data(as_text=True)
    assert "終わったプロセス" in past and "下書き" not in past
    assert client.get("/processes/?timing=bogus").status_code == 200


def test_detail_page_shows_timeline_current_phase_and_call_to_action(client, make_process):
    today = date.today()
    make_process("station", phases=[
        dict(title={"ja": "準備", "en": "Prep"}, start_date=today - timedelta(days=30),
             end_date=today - timedelta(days=1)),
        dict(title={"ja": "提案募集", "en": "Proposals"}, start_date=today,
             end_date=today + timedelta(days=30), allow_proposals=True)])
    html = client.get("/processes/station/").get_data(as_text=True)
    assert 'aria-current="step"' in html
    current = html.split('aria-current="step"')[1]
    assert "提案募集" in current.split("</li>")[0]
    assert "ログインして参加する" in html
    english = client.get("/processes/station/?lang=en").get_data(as_text=True)
    assert "Proposals" in english and "make proposals" in english


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 404), ("resident", 404), ("facilitator_other", 404), ("facilitator_this", 200),
     ("facilitator_all", 200), ("admin", 200)],
)
def test_drafts_are_visible_to_their_staff_only(client, login, make_user, make_process, who, status):
    draft = make_process("secret-plan", status="draft")
    other = make_process()
    people = {
        "resident": lambda: make_user(),
        "facilitator_other": lambda: make_user("facilitator", process_id=other.id),
        "facilitator_this": lambda: make_user("facilitator", process_id=draft.id),
        "facilitator_all": lambda: make_user("facilitator"),
        "admin": lambda: make_user("admin"),
    }
    if who:
        login(people[who]())
    assert client.get("/processes/secret-plan/").status_code == status


def test_unknown_slug_is_a_translated_404(client):
    response = client.get("/processes/no-such-process/")
    assert response.status_code == 404
    assert "このプロセスは存在しません。" in response.get_data(as_text=True)


# --- administration through the pages ----------------------------------------------------------

ADMIN_PAGES = ["/admin/processes/{id}/", "/admin/processes/{id}/phases/new",
               "/admin/processes/{id}/surveys/new"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("resident", 403), ("moderator", 403), ("official", 403),
     ("facilitator_other", 403), ("facilitator_this", 200), ("facilitator_all", 200), ("admin", 200)],
)
def test_admin_pages_permission_matrix(client, login, make_user, make_process, page, who, status):
    process = make_process()
    other = make_process()
    people = {
        "resident": lambda: make_user(),
        "moderator": lambda: make_user("moderator"),
        "official": lambda: make_user("official", department="roads"),
        "facilitator_other": lambda: make_user("facilitator", process_id=other.id),
        "facilitator_this": lambda: make_user("facilitator", process_id=process.id),
        "facilitator_all": lambda: make_user("facilitator"),
        "admin": lambda: make_user("admin"),
    }
    if who:
        login(people[who]())
    assert client.get(page.format(id=process.id)).status_code == status


def test_403_for_scoped_facilitator_explains_why(client, login, make_user, make_process):
    process = make_process()
    login(make_user("facilitator", process_id=make_process().id))
    response = client.get(f"/admin/processes/{process.id}/")
    assert response.status_code == 403
    assert "このプロセスのファシリテーターと管理者だけが行えます。" in response.get_data(as_text=True)


def test_facilitator_creates_a_process_with_three_phases_and_publishes_it(
        app, client, login, make_user, post_form):
    login(make_user("facilitator"))
    response = post_form("/admin/processes/new", {
        "slug": "library", "title_ja": "図書館の未来", "title_en": "The library's future",
        "description_ja": "## 目的\n\n**みんなの**図書館", "start_date": "2027-04-01",
        "end_date": "2027-06-30"})
    assert response.status_code == 302
    with app.app_context():
        process = db.session.scalar(select(Process).where(Process.slug == "library"))
        pid = process.id
    for start, end, extra in [("2027-04-01", "2027-04-30", {}),
                              ("2027-05-01", "2027-05-31", {"allow_proposals": "y", "allow_survey_answers": "y"}),
                              ("2027-06-01", "2027-06-30", {})]:
        response = post_form(f"/admin/processes/{pid}/phases/new", {
            "title_ja": f"{start}から", "start_date": start, "end_date": end, **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
    assert post_form(f"/admin/processes/{pid}/status", {"action": "publish"},
                     page=f"/admin/processes/{pid}/").status_code == 302
    with app.app_context():
        process = db.session.get(Process, pid)
        assert process.status == "published"
        assert [p.allow_proposals for p in process.phases] == [False, True, False]


def test_wrong_date_order_in_the_form_stores_nothing(app, client, login, make_user, post_form):
    login(make_user("facilitator"))
    response = post_form("/admin/processes/new", {
        "slug": "library", "title_ja": "図書館", "start_date": "2027-06-30", "end_date": "2027-04-01"})
    assert response.status_code == 400
    assert "終了日は開始日より前にできません。" in response.get_data(as_text=True)
    response = post_form("/admin/processes/new", {
        "slug": "library", "title_ja": "図書館", "start_date": "not-a-date", "end_date": "2027-04-01"})
    assert response.status_code == 400
    assert "正しい日付を入力してください。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Process.id))) == 0


def test_overlapping_phase_in_the_form_is_refused(app, client, login, make_user, make_process, post_form):
    process = make_process(start=D, end=D + timedelta(days=29), phases=three_phases())
    login(make_user("facilitator", process_id=process.id))
    response = post_form(f"/admin/processes/{process.id}/phases/new", {
        "title_ja": "重なる", "start_date": "2027-04-05", "end_date": "2027-04-12"})
    assert response.status_code == 400
    assert "「情報提供」" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Phase.id))) == 3


def test_facilitator_assigns_and_removes_process_moderator(app, client, login, make_user,
                                                           make_process, post_form):
    process = make_process()
    login(make_user("facilitator", process_id=process.id))
    make_user(email="helper@example.jp")
    page = f"/admin/processes/{process.id}/"
    response = post_form(f"/admin/processes/{process.id}/staff",
                         {"email": "helper@example.jp", "role": "moderator"}, page=page)
    assert response.status_code == 302
    with app.app_context():
        helper = db.session.scalar(select(User).where(User.email == "helper@example.jp"))
        assert helper.has_role(__import__("participation.core.models", fromlist=["Role"]).Role.MODERATOR,
                               process_id=process.id)
        assignment_id = helper.roles[0].id
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "role.grant")
                                 .order_by(AuditLog.id.desc())).actor_id is not None
    unknown = post_form(f"/admin/processes/{process.id}/staff",
                        {"email": "nobody@example.jp", "role": "moderator"}, page=page)
    assert unknown.status_code == 400
    assert "このメールアドレスのアカウントはありません。" in unknown.get_data(as_text=True)
    bad_role = post_form(f"/admin/processes/{process.id}/staff",
                         {"email": "helper@example.jp", "role": "admin"}, page=page)
    assert bad_role.status_code == 400
    removed = post_form(f"/admin/processes/{process.id}/staff/{assignment_id}/delete", {}, page=page)
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "helper@example.jp")).roles == []


def test_bad_ids_in_admin_routes(client, login, make_user, make_process, post_form):
    process = make_process()
    login(make_user("admin"))
    assert client.get("/admin/processes/999999/").status_code == 404
    assert client.get(f"/admin/processes/{process.id}/phases/999999").status_code == 404
    assert client.get("/admin/processes/abc/").status_code == 404
    page = f"/admin/processes/{process.id}/"
    assert post_form(f"/admin/processes/{process.id}/pin", {"phase_id": "x"}, page=page).status_code == 400
    assert post_form(f"/admin/processes/{process.id}/status", {"action": "explode"}, page=page).status_code == 400


def test_home_page_lists_open_processes(client, make_process):
    make_process("open-one", title={"ja": "受付中のプロセス", "en": "Open process"})
    make_process("draft-one", status="draft", title={"ja": "非公開の下書き", "en": "Hidden draft"})
    html = client.get("/").get_data(as_text=True)
    assert "受付中のプロセス" in html and "非公開の下書き" not in html
    assert 'href="/processes/open-one/"' in html
