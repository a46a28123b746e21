from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from participation.extensions import db

from ..issues import conftest as issue_fixtures

CENTER = issue_fixtures.CENTER
city = issue_fixtures.city  # the street issue fixtures, shared
make_issue = issue_fixtures.make_issue


@pytest.fixture(autouse=True)
def opendata_dir(app, tmp_path):
    """Each test builds its own open data files."""
    app.config["OPENDATA_DIR"] = str(tmp_path / "opendata")


@pytest.fixture
def api_key(app):
    """api_key(name=...) -> (key id, the key)."""
    from participation.api.services import create_key

    def factory(name: str = "Test app", **data):
        with app.app_context():
            row, key = create_key(None, {"name": name, **data}, check=False)
            db.session.commit()
            return row.id, key

    return factory


@pytest.fixture
def spec(app):
    from participation.api.openapi import build_spec

    with app.test_request_context("/"):
        return build_spec(app)


@pytest.fixture
def check_schema(spec):
    """check_schema(response, name=None): the JSON body matches the document's schema of the route."""

    def check(response, schema: dict | str):
        if isinstance(schema, str):
            schema = {"$ref": f"#/components/schemas/{schema}"}
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        validator.validate(json.loads(response.get_data(as_text=True)))

    return check


@pytest.fixture
def response_schema(spec):
    """response_schema(path, method="get", status=200): the JSON schema the document gives for a path."""

    def find(path: str, method: str = "get", status: int = 200) -> dict:
        return spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]

    return find


SECRETS = ("秘密の通報者", "secret-reporter@example.jp", "隠された提案", "隠されたコメント", "削除されたコメント",
           "非公開の回答", "下書きの提案", "隠された通報", "隠された更新", "dept-contact@city.example.jp",
           "proposal-author@example.jp", "提案者の名前", "secret-meeting-link", "下書きの会合", "未公開の議事録")


@pytest.fixture
def world(app, city, make_issue, make_user, make_process):
    """Public and private content side by side; `SECRETS` must never appear in any public output."""
    from participation.core import clock
    from participation.core.models import Department
    from participation.issues.models import Issue, IssueUpdate
    from participation.proposals.models import Comment, Proposal, ProposalAnswer

    process = make_process("park", title={"ja": "公園の再整備", "en": "Park renewal"})
    draft = make_process("draft", status="draft")
    author = make_user(email="proposal-author@example.jp", display_name="提案者の名前")
    secret_reporter = make_user(email="secret-reporter@example.jp", display_name="秘密の通報者")
    shown_reporter = make_user(display_name="公開の通報者")
    named = make_issue(shown_reporter, title="名前を出した通報", show_name=True)
    anonymous = make_issue(secret_reporter, title="匿名の通報", details="=HYPERLINK(\"http://evil\")")
    hidden_issue = make_issue(title="隠された通報")
    now = clock.now()
    with app.app_context():
        db.session.get(Issue, hidden_issue.id).hidden_at = now
        db.session.get(Department, city["roads"]).contact_email = "dept-contact@city.example.jp"
        db.session.add(IssueUpdate(issue_id=named.id, author_role="official", text="隠された更新", hidden_at=now))
        db.session.add(IssueUpdate(issue_id=named.id, author_role="official", author_department_id=city["roads"],
                                   text="確認しました。", new_status="investigating", old_status="open"))

        def proposal(process_id, title, **fields):
            p = Proposal(process_id=process_id, author_id=author.id, title=title, body="本文です", **fields)
            db.session.add(p)
            db.session.flush()
            return p

        shown = proposal(process.id, "木陰のベンチ", latitude=35.659, longitude=139.70, supports_count=3,
                         comments_count=1, state="accepted")
        proposal(process.id, "隠された提案", hidden_at=now)
        proposal(draft.id, "下書きの提案")
        db.session.add_all([
            Comment(proposal_id=shown.id, author_id=author.id, body="賛成です", depth=1),
            Comment(proposal_id=shown.id, author_id=author.id, body="隠されたコメント", depth=1, hidden_at=now),
            Comment(proposal_id=shown.id, author_id=author.id, body="削除されたコメント", depth=1, deleted_at=now),
            ProposalAnswer(proposal_id=shown.id, state="accepted", text="実施します。", answered_as="official",
                           published_at=now),
            ProposalAnswer(proposal_id=shown.id, state="rejected", text="非公開の回答", answered_as="official"),
        ])
        from datetime import timedelta

        from participation.budgets.models import Budget, Project
        from participation.meetings.models import Meeting

        start = now + timedelta(days=3)
        for process_id, title, url in ((process.id, "公園の説明会", "https://meet.example/secret-meeting-link"),
                                       (draft.id, "下書きの会合", None)):
            db.session.add(Meeting(process_id=process_id, title={"ja": title}, type="hybrid", kind="info_session",
                                   starts_at=start, ends_at=start + timedelta(hours=2), online_url=url,
                                   latitude=35.66, longitude=139.70, minutes={"ja": "未公開の議事録"},
                                   registered_count=0, waiting_count=0))
        budget = Budget(process_id=process.id, title={"ja": "公園の予算"}, total=1000)
        db.session.add(budget)
        db.session.flush()
        db.session.add(Project(budget_id=budget.id, title={"ja": "遊具の更新"}, cost=400, votes_count=7))
        db.session.commit()
        return {"process": process.slug, "proposal": shown.id, "named": named.id, "anonymous": anonymous.id,
                "hidden_issue": hidden_issue.id}
