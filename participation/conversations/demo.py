"""Demo: a conversation about the station square with 40 statements and 300 synthetic participants
whose votes form three recognisable opinion groups (car access, space for people, budget first).
Idempotent: nothing is added when the conversation exists."""
from __future__ import annotations

import random

from sqlalchemy import insert, select

from ..core import clock
from ..extensions import db
from ..processes.models import Process
from .analysis import recompute
from .models import Conversation, Participant, Statement, StatementState, Vote

TOPIC = {"ja": "駅前広場をどう使う？ みんなの意見マップ", "en": "How should we use the station square? An opinion map"}
DESCRIPTION = {
    "ja": "短い意見に「賛成」「反対」「パス／わからない」で答えてください。似た考えの人どうしのグループと、"
          "どのグループも賛成している意見が見えてきます。",
    "en": "React to short statements with agree, disagree or pass. You will see the groups of people who think "
          "alike, and what every group agrees on.",
}
CARS = [
    "送迎用の車が停まれるスペースを増やしてほしい。", "駅前のロータリーは車の流れを最優先に考えるべきだ。",
    "タクシー乗り場を駅の出口の近くに残してほしい。", "駐車場が減ると、車で来る高齢者が困る。",
    "荷物の多い買い物客のために、短時間の駐車場が必要だ。", "バスとタクシーの乗り換えをもっと便利にしてほしい。",
    "車の出入りを制限すると、駅前の商店の売り上げが落ちる。", "雨の日の送迎で渋滞しないよう、停車帯を広げるべきだ。",
    "郊外から車で来る人のことも考えてほしい。", "駅前の駐輪場より、車の乗降場を優先すべきだ。",
    "配送車両が荷物を降ろせる場所が必要だ。", "車いすの人の送迎のために、車が駅の近くまで入れるべきだ。",
    "車道を狭くすると、かえって事故が増えると思う。",
]
PEOPLE = [
    "駅前広場は車より歩く人のための場所にしてほしい。", "広場にベンチと木陰を増やしてほしい。",
    "週末は駅前を歩行者天国にしてイベントを開いてほしい。", "子どもが安心して遊べる空間が駅前にほしい。",
    "ロータリーを縮小して、広場を広げるべきだ。", "自転車の専用レーンを駅まで整備してほしい。",
    "カフェやマルシェが出せるスペースがほしい。", "車の通り抜けを禁止して、静かな広場にしてほしい。",
    "駅前に芝生の広場があれば、もっと人が集まる。", "歩道を広げて、ベビーカーでも歩きやすくしてほしい。",
    "駅前の景観を良くするため、看板を減らしてほしい。",
    "夜も楽しめるように、広場にあかりのデザインを取り入れてほしい。",
    "駅前の車を減らせば、空気がきれいになる。",
]
BUDGET = [
    "大きな工事より、今ある施設の修繕を優先すべきだ。", "再整備の費用は、市民にわかりやすく公開してほしい。",
    "税金を使うなら、まず駅前以外の地域の課題を解決すべきだ。", "民間の資金を活用して、市の負担を減らすべきだ。",
    "維持管理の費用まで考えて計画してほしい。", "数年かけて段階的に整備すれば、費用を抑えられる。",
    "今の広場で十分なので、大規模な再整備は必要ない。", "工事の期間中の不便さをできるだけ減らしてほしい。",
    "費用に見合う効果があるのか、数字で示してほしい。",
]
SHARED = [
    "駅前をもっと明るく、夜も安全にしてほしい。", "段差をなくして、誰でも使いやすいバリアフリーの駅前にしてほしい。",
    "計画を決める前に、市民の意見をもっと聞いてほしい。", "案内表示をわかりやすく、外国語でも表示してほしい。",
    "駅前のトイレをきれいにしてほしい。",
]
# How each group leans on each family of statements: probability of agree / disagree (rest: pass).
LEANINGS = {
    "cars": {"cars": (0.85, 0.05), "people": (0.15, 0.7), "budget": (0.15, 0.65), "shared": (0.85, 0.05)},
    "people": {"cars": (0.1, 0.8), "people": (0.9, 0.04), "budget": (0.15, 0.65), "shared": (0.9, 0.03)},
    "budget": {"cars": (0.2, 0.6), "people": (0.2, 0.6), "budget": (0.9, 0.04), "shared": (0.8, 0.06)},
}
GROUP_SIZES = {"cars": 95, "people": 120, "budget": 85}


def seed() -> str | None:
    process = db.session.scalar(select(Process).where(Process.slug == "station-square"))
    if process is None:
        return None
    if db.session.scalar(select(Conversation.id).where(Conversation.process_id == process.id)) is not None:
        return None
    rng = random.Random(2025)
    conversation = Conversation(process_id=process.id, topic=TOPIC, description=DESCRIPTION, allow_anonymous=True)
    db.session.add(conversation)
    db.session.flush()
    now = clock.now()
    families: list[tuple[str, str]] = [("shared", t) for t in SHARED[:2]] + [("cars", t) for t in CARS] + \
        [("people", t) for t in PEOPLE] + [("budget", t) for t in BUDGET] + [("shared", t) for t in SHARED[2:]]
    statements = []
    for order, (family, text) in enumerate(families, 1):
        statement = Statement(conversation_id=conversation.id, text=text, language="ja", is_seed=order <= 3,
                              seed_order=order if order <= 3 else 0, state=StatementState.ACCEPTED, decided_at=now)
        db.session.add(statement)
        statements.append((family, statement))
    db.session.flush()
    votes = []
    counts = {s.id: [0, 0, 0] for _f, s in statements}
    participants = 0
    for group, size in GROUP_SIZES.items():
        for n in range(size):
            participant = Participant(conversation_id=conversation.id, browser_token=f"demo-{group}-{n}")
            db.session.add(participant)
            db.session.flush()
            participants += 1
            seen = rng.sample(statements, rng.randint(12, len(statements)))
            for family, statement in seen:
                agree, disagree = LEANINGS[group][family]
                roll = rng.random()
                value = 1 if roll < agree else -1 if roll < agree + disagree else 0
                votes.append({"conversation_id": conversation.id, "statement_id": statement.id,
                              "participant_id": participant.id, "value": value, "created_at": now, "updated_at": now})
                counts[statement.id][{1: 0, -1: 1, 0: 2}[value]] += 1
            participant.votes_count = len(seen)
    db.session.execute(insert(Vote), votes)
    for _family, statement in statements:
        statement.agree_count, statement.disagree_count, statement.pass_count = counts[statement.id]
    conversation.participants_count = participants
    conversation.votes_count = len(votes)
    conversation.statements_count = len(statements)
    conversation.votes_since_analysis = len(votes)
    conversation.report_published = True
    db.session.flush()
    analysis = recompute(conversation)
    return (f"Conversation: {len(statements)} statements, {participants} participants, {len(votes)} votes, "
            f"{analysis.k} opinion groups.")
