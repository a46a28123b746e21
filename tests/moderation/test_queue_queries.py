"""The moderation queue reads a constant number of queries, whatever the number of cases."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from participation.conversations.models import Conversation, Statement
from participation.core.models import Department, User
from participation.extensions import db
from participation.issues.models import Category, Issue, IssueUpdate
from participation.moderation.models import Case, CaseState, Flag, Reason


@contextmanager
def counted(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _cases(app, make_user, make_process, n: int) -> None:
    """n flagged items: street issues, updates on them, accounts and statements of three processes."""
    authors = [make_user() for _ in range(3)]
    flaggers = [make_user() for _ in range(2)]
    processes = [make_process() for _ in range(3)]
    with app.app_context():
        department = Department(code=f"roads{n}", name={"ja": "道路課"})
        db.session.add(department)
        db.session.flush()
        category = Category(code=f"pothole{n}", name={"ja": "道路の穴"}, department_id=department.id)
        conversations = [Conversation(process_id=p.id, topic={"ja": "駅前"}) for p in processes]
        db.session.add_all([category, *conversations])
        db.session.flush()
        targets = []
        for k in range(n):
            author = authors[k % 3]
            kind = k % 4
            if kind == 0:
                obj = Issue(category_id=category.id, department_id=department.id, reporter_id=author.id,
                            title=f"報告{k}", latitude=35.65, longitude=139.70)
                target_type, process_id = "issues", None
            elif kind == 1:
                issue = targets[-1][1]  # the report just made
                obj = IssueUpdate(issue_id=issue.id, author_id=author.id, author_role="resident", text=f"更新{k}")
                target_type, process_id = "issue_updates", None
            elif kind == 2:
                obj = User(email=f"flagged{n}-{k}@example.jp", display_name=f"迷惑な人{k}", password_hash="x")
                target_type, process_id = "users", None
            else:
                conversation = conversations[k % 3]
                obj = Statement(conversation_id=conversation.id, author_id=author.id, text=f"意見{k}です。")
                target_type, process_id = "conversation_statements", conversation.process_id
            db.session.add(obj)
            db.session.flush()
            targets.append((target_type, obj, process_id))
        for k, (target_type, obj, process_id) in enumerate(targets):
            target_id = obj.id
            db.session.add(Case(target_type=target_type, target_id=target_id, process_id=process_id,
                                author_id=authors[k % 3].id, state=CaseState.PENDING, flag_count=2))
            for flagger in flaggers:
                db.session.add(Flag(target_type=target_type, target_id=target_id, user_id=flagger.id,
                                    reason=Reason.SPAM, details="広告です"))
        db.session.commit()


def _queries(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_the_queue_of_300_cases_takes_at_most_10_queries(app, client, login, make_user, make_process):
    login(make_user("moderator"))
    with counted(app) as empty:  # the page around the queue: the session's user, the menu, settings
        assert client.get("/moderation/").status_code == 200
    _cases(app, make_user, make_process, 12)
    with counted(app) as few:
        assert client.get("/moderation/").status_code == 200
    _cases(app, make_user, make_process, 288)
    with counted(app) as many:
        page = client.get("/moderation/")
    html = page.get_data(as_text=True)
    # 50 cases a page, the most reported first, "next" without counting them all.
    assert page.status_code == 200 and html.count('class="card"') == 50
    assert 'rel="next" href="/moderation/?page=2"' in html and 'rel="prev"' not in html
    assert "広告です" in html
    assert len(_queries(many)) == len(_queries(few))
    # Four kinds of content: one query each, the page of cases with their authors, the flags with
    # their flaggers.
    assert len(_queries(many)) - len(_queries(empty)) <= 6, _queries(many)
    # The whole page, with the session's user and roles, terms, settings and notifications: at most 10.
    assert len(_queries(many)) <= 10, _queries(many)
    pages = [html] + [client.get(f"/moderation/?page={n}").get_data(as_text=True) for n in range(2, 8)]
    assert [p.count('class="card"') for p in pages] == [50] * 6 + [0]
    assert ['rel="next"' in p for p in pages] == [True] * 5 + [False] * 2
    everything = "".join(pages)
    assert "報告0" in everything and "意見3です。" in everything and "迷惑な人2" in everything
    # A page number nobody can mean: the first page, never an error.
    assert client.get("/moderation/?page=²").status_code == 200


def test_a_process_moderator_sees_only_the_cases_of_their_process(app, client, login, make_user, make_process):
    _cases(app, make_user, make_process, 8)
    with app.app_context():
        process_id = db.session.scalar(db.select(Case.process_id).where(Case.process_id.is_not(None))
                                       .order_by(Case.id))
        theirs = db.session.scalar(db.select(db.func.count(Case.id)).where(Case.process_id == process_id))
    login(make_user("moderator", process_id=process_id))
    html = client.get("/moderation/").get_data(as_text=True)
    assert html.count('class="card"') == theirs
