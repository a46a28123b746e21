"""Demo proposals in every state, with supports, comments and answers (some held)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from . import services
from .models import AnswerState, Comment, Proposal, ProposalAnswer, ProposalVersion, State, Support

PROPOSALS = [
    # title, body, author email, (lat, lon) or None, final state, answer text
    ("駅前広場に木陰のベンチを",
     "夏は日差しが強く、バスを待つ間に座れる場所がありません。広場の東側に木を植えて、その下にベンチを置いてください。",
     "resident@example.jp", (35.6585, 139.7013), State.ACCEPTED,
     "2027年度の改修で、東側に高木6本とベンチ10基を設置します。"),
    ("自転車と歩行者の通路を分ける",
     "朝の通勤時間に自転車と歩行者がぶつかりそうになります。色分けした通路を作ってほしいです。",
     "resident2@example.jp", (35.6579, 139.7021), State.EVALUATING, "交通量調査の結果を踏まえて検討しています。"),
    ("Free Wi-Fi in the square",
     "Visitors and residents could check bus times and maps. Many stations in other cities already offer it.",
     "resident3@example.jp", None, State.REJECTED,
     "通信事業者との協議の結果、今回の改修では整備しません。駅構内の無料Wi-Fiをご利用ください。"),
    ("週末にマルシェを開ける広場に",
     "地元の農家さんが野菜を売れるように、電源と水道のある区画を作ってはどうでしょう。",
     "resident@example.jp", (35.6582, 139.7008), State.PUBLISHED, None),
    ("段差をなくしてベビーカーでも通れるように",
     "広場の北側の階段はベビーカーや車いすでは通れません。スロープをつけてください。",
     "resident2@example.jp", (35.6588, 139.7017), State.PUBLISHED, None),
    ("噴水を復活させてほしい", "昔あった噴水がなくなってさみしいです。",
     "resident3@example.jp", None, State.WITHDRAWN, None),
]

COMMENTS = [
    ("resident2@example.jp", 1, "賛成です。夏の待ち時間がつらいので、ぜひお願いします。"),
    ("resident3@example.jp", 0, "木の種類は、落ち葉が少ないものがいいと思います。"),
    ("resident@example.jp", -1, "ベンチが増えると通路が狭くならないか心配です。"),
]


def seed() -> str | None:
    process = db.session.scalar(select(Process).where(Process.slug == "station-square"))
    if process is None:
        return None
    if db.session.scalar(select(func.count(Proposal.id)).where(Proposal.process_id == process.id)):
        return "Proposals: already there."
    users = {u.email: u for u in db.session.scalars(select(User))}
    official = users.get("official@example.jp")
    made = []
    for title, body, email, location, state, answer_text in PROPOSALS:
        author = users[email]
        proposal = Proposal(process_id=process.id, author_id=author.id, title=title, body=body,
                            language="en" if title.isascii() else "ja", state=State.PUBLISHED,
                            latitude=location[0] if location else None,
                            longitude=location[1] if location else None,
                            address="駅前広場" if location else None)
        proposal.versions.append(ProposalVersion(number=1, title=title, body=body))
        db.session.add(proposal)
        db.session.flush()
        services.follow(author, proposal)
        made.append((proposal, state, answer_text))
    residents = [users[e] for e in ("resident@example.jp", "resident2@example.jp", "resident3@example.jp")]
    for proposal, _state, _text in made[:5]:
        for resident in residents:
            if resident.id != proposal.author_id and (proposal.id % 2 == resident.id % 2 or proposal is made[0][0]):
                db.session.add(Support(proposal_id=proposal.id, process_id=process.id, user_id=resident.id))
        db.session.flush()
        services.recount_supports(proposal)
    first = made[0][0]
    parent = None
    for depth, (email, alignment, text) in enumerate(COMMENTS, start=1):
        comment = Comment(proposal_id=first.id, author_id=users[email].id, body=text,
                          alignment=alignment, parent_id=parent.id if parent and depth == 3 else None,
                          depth=2 if parent and depth == 3 else 1)
        db.session.add(comment)
        db.session.flush()
        parent = comment
    services.recount_comments(first)
    for proposal, state, answer_text in made:
        if state in (State.ACCEPTED, State.REJECTED, State.EVALUATING) and official is not None:
            answer = ProposalAnswer(proposal_id=proposal.id, state=AnswerState(state), text=answer_text,
                                    answered_by_id=official.id, answered_as="official",
                                    department_id=official.department_ids and min(official.department_ids) or None,
                                    cost=12_000_000 if state is State.ACCEPTED else None,
                                    planned_period="2027年度" if state is State.ACCEPTED else None)
            db.session.add(answer)
            db.session.flush()
            if state is not State.EVALUATING:  # the evaluating answer stays held for the demo
                services.publish(official, answer)
        elif state is State.WITHDRAWN:
            proposal.withdraw()
    db.session.flush()
    return f"Proposals: {len(made)} created with supports, comments and answers (one answer held)."
