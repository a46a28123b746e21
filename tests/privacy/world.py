"""A resident who did one of everything in every feature (written directly, like the authorization
matrix's world), with other people around them, for "download my data" and "delete my account"."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from participation.alerts.models import AlertSubscription
from participation.api.models import PersonalToken
from participation.budgets.models import Ballot, BallotItem, Budget, Project
from participation.conversations.models import Conversation, Participant, Statement, Vote
from participation.core import clock, pages, privacy
from participation.core.mail_models import NotificationPreference
from participation.core.models import Department, Follow, Notification, User
from participation.core.verification import LetterRequest, Verification
from participation.extensions import db
from participation.issues.models import Area, Category, Issue, IssueUpdate, MeToo
from participation.meetings.models import Meeting, MeetingComment, Registration
from participation.moderation.models import Flag
from participation.processes.models import Phase, Process, city_today
from participation.proposals.models import Comment, CommentVote, Proposal, ProposalVersion, Support
from participation.surveys.models import Answer, Option, Question, Response, Survey

EMAIL = "everything@example.jp"
NAME = "全部やった住民"
PASSWORD = "correct horse battery"


def build(app) -> dict:
    """Returns ids: user, other, proposal, comment, issue, ... (committed in the test's transaction)."""
    with app.app_context():
        s = db.session
        today = city_today()
        me = User(email=EMAIL, display_name=NAME, language="ja")
        me.set_password(PASSWORD)
        other = User(email="other@example.jp", display_name="ほかの住民", password_hash="x")
        admin = User(email="admin@example.jp", display_name="管理者", password_hash="x")
        s.add_all([me, other, admin])
        s.flush()
        from participation.core.models import Role, RoleAssignment

        s.add(RoleAssignment(user_id=admin.id, role=Role.ADMIN))
        for slug in pages.ACCEPTED_PAGES:
            pages.publish_version(admin, slug, {"ja": slug}, {"ja": f"{slug} 本文"})
        pages.record_acceptance(me)
        pages.record_acceptance(admin)
        area = Area(code="east", name={"ja": "東区", "en": "East"}, geometry={"type": "Polygon", "coordinates": []},
                    min_lat=35, min_lon=139, max_lat=36, max_lon=140)
        s.add(area)
        s.flush()
        privacy.save_choices(me, demographics=True, news=True, public_profile=True,
                             data={"age_group": "30-39", "area_id": area.id, "gender": "自由回答"})
        process = Process(slug="square", title={"ja": "広場"}, subtitle={}, description={},
                          start_date=today - timedelta(days=10), end_date=today + timedelta(days=10),
                          status="published")
        process.phases.append(Phase(title={"ja": "全部"}, start_date=process.start_date, end_date=process.end_date,
                                    allow_proposals=True, allow_supports=True, allow_comments=True,
                                    allow_survey_answers=True, allow_budget_votes=True))
        s.add(process)
        s.flush()
        # proposals: own proposal (2 versions), a comment on another's, a support, a comment vote
        mine = Proposal(process_id=process.id, author_id=me.id, title="わたしの提案X1", body="本文X1")
        mine.versions.append(ProposalVersion(number=1, title="最初の題X0", body="最初X0"))
        mine.versions.append(ProposalVersion(number=2, title="わたしの提案X1", body="本文X1"))
        theirs = Proposal(process_id=process.id, author_id=other.id, title="ほかの提案", body="本文",
                          supports_count=1, comments_count=2)
        s.add_all([mine, theirs])
        s.flush()
        my_comment = Comment(proposal_id=theirs.id, author_id=me.id, body="わたしのコメントX2", depth=1)
        their_comment = Comment(proposal_id=theirs.id, author_id=other.id, body="ほかのコメント", depth=1)
        s.add_all([my_comment, their_comment])
        s.flush()
        s.add_all([Support(proposal_id=theirs.id, process_id=process.id, user_id=me.id),
                   CommentVote(comment_id=their_comment.id, user_id=me.id, value=1)])
        # issues: a report shown with the name, an update on another's, a +1
        roads = Department(code="roads", name={"ja": "道路課"})
        s.add(roads)
        s.flush()
        category = Category(code="pothole", name={"ja": "穴"}, department_id=roads.id)
        s.add(category)
        s.flush()
        my_issue = Issue(category_id=category.id, department_id=roads.id, reporter_id=me.id, show_name=True,
                         title="わたしの報告X3", details="詳細", latitude=35.66, longitude=139.70)
        their_issue = Issue(category_id=category.id, department_id=roads.id, reporter_id=other.id,
                            title="ほかの報告", latitude=35.66, longitude=139.70, metoo_count=1)
        s.add_all([my_issue, their_issue])
        s.flush()
        s.add_all([IssueUpdate(issue_id=their_issue.id, author_id=me.id, author_role="resident", text="わたしの更新X4"),
                   MeToo(issue_id=their_issue.id, user_id=me.id)])
        # survey answer
        survey = Survey(process=process, phase=process.phases[0], title={"ja": "調査"})
        question = Question(survey=survey, type="long_text", text={"ja": "ご意見"}, position=0)
        choice = Question(survey=survey, type="single_choice", text={"ja": "賛否"}, position=1,
                          all_options=[Option(kind="option", position=0, label={"ja": "はい"})])
        s.add_all([survey, question, choice])
        s.flush()
        response = Response(survey_id=survey.id, user_id=me.id, language="ja")
        response.answers.append(Answer(question_id=question.id, text="わたしの回答X5"))
        s.add(response)
        # conversation: a statement and a vote
        conversation = Conversation(process_id=process.id, topic={"ja": "意見交換"})
        s.add(conversation)
        s.flush()
        statement = Statement(conversation_id=conversation.id, author_id=me.id, text="わたしの意見X6",
                              state="accepted")
        s.add(statement)
        s.flush()
        participant = Participant(conversation_id=conversation.id, user_id=me.id, votes_count=1)
        s.add(participant)
        s.flush()
        s.add(Vote(conversation_id=conversation.id, statement_id=statement.id, participant_id=participant.id,
                   value=1))
        # meetings: a past registration with check-in, a coming one, a comment
        past = clock.now() - timedelta(days=3)
        old_meeting = Meeting(process_id=process.id, title={"ja": "過去の会"}, type="in_person", kind="workshop",
                              starts_at=past, ends_at=past + timedelta(hours=2), registration_enabled=True,
                              registered_count=1)
        soon = clock.now() + timedelta(days=3)
        new_meeting = Meeting(process_id=process.id, title={"ja": "次の会"}, type="in_person", kind="workshop",
                              starts_at=soon, ends_at=soon + timedelta(hours=2), registration_enabled=True,
                              capacity=10, registered_count=1)
        s.add_all([old_meeting, new_meeting])
        s.flush()
        s.add_all([Registration(meeting_id=old_meeting.id, user_id=me.id, status="registered",
                                checked_in_at=past, answers={"1": "わたしの要望X7"}),
                   Registration(meeting_id=new_meeting.id, user_id=me.id, status="registered"),
                   MeetingComment(meeting_id=old_meeting.id, author_id=me.id, body="わたしの質問X8")])
        # budgets: a cast ballot
        budget = Budget(process_id=process.id, title={"ja": "予算"}, total=1000, ballots_count=1)
        project = Project(title={"ja": "ベンチ"}, cost=400, votes_count=1)
        budget.projects.append(project)
        s.add(budget)
        s.flush()
        ballot = Ballot(budget_id=budget.id, user_id=me.id, checked_out_at=clock.now())
        ballot.items.append(BallotItem(project_id=project.id))
        s.add(ballot)
        # core and the rest: follow, notification, preference, flag, alert, token, verification, letter
        s.add_all([
            Follow(user_id=me.id, target_type="proposals", target_id=theirs.id),
            Notification(user_id=me.id, kind="proposal.commented", target_type="proposals", target_id=theirs.id,
                         data={"title": "ほかの提案"}),
            NotificationPreference(user_id=me.id, topic="proposals", frequency="daily"),
            Flag(target_type="proposal_comments", target_id=their_comment.id, user_id=me.id, reason="spam",
                 details="わたしの通報X9"),
            Flag(target_type="users", target_id=me.id, user_id=other.id, reason="spam",
                 details=f"{NAME} は迷惑"),
            AlertSubscription(user_id=me.id, email=EMAIL, kind="process", process_id=process.id,
                              confirmed_at=clock.now()),
            PersonalToken(user_id=me.id, name="わたしのアプリX10", prefix="abc",
                          token_hash=hashlib.sha256(b"secret").hexdigest()),
            Verification(user_id=me.id, method="letter"),
            LetterRequest(user_id=me.id, full_name=NAME, address="東区1-2-3"),
        ])
        s.commit()
        return {"user": me.id, "other": other.id, "admin": admin.id, "process": process.id,
                "proposal": mine.id, "theirs": theirs.id, "comment": my_comment.id, "their_comment": their_comment.id,
                "issue": my_issue.id, "their_issue": their_issue.id, "survey": survey.id, "statement": statement.id,
                "conversation": conversation.id, "old_meeting": old_meeting.id, "new_meeting": new_meeting.id,
                "budget": budget.id, "area": area.id}
