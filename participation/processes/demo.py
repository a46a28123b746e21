"""Demo processes: one active, one upcoming, one past (dates relative to the first seeding)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from .models import Phase, Process, ProcessStatus, city_today

STATION_DESCRIPTION = {
    "ja": (
        "駅前広場は、毎日2万人が行き交う市の玄関口です。完成から30年がたち、"
        "**段差**や**日陰の少なさ**、自転車と歩行者の混在が課題になっています。\n\n"
        "市では2027年度の改修に向けて、広場をどう使いたいかを市民のみなさんと考えます。\n\n"
        "- 提案を投稿し、共感する提案を応援してください\n"
        "- アンケートで、広場の使い方を教えてください\n"
        "- 市はすべての提案に回答します"
    ),
    "en": (
        "The station square is the city's front door, crossed by 20,000 people a day. Thirty years "
        "after it was built, **steps**, **too little shade** and bicycles mixing with pedestrians "
        "are problems.\n\n"
        "Before the renovation planned for fiscal 2027, the city wants to decide with residents "
        "how the square should be used.\n\n"
        "- Post proposals and support the ones you agree with\n"
        "- Tell us in the survey how you use the square\n"
        "- The city answers every proposal"
    ),
}


def _process(slug, title, subtitle, description, start, end, phases, status=ProcessStatus.PUBLISHED):
    process = db.session.scalar(select(Process).where(Process.slug == slug))
    if process is not None:
        return process, False
    process = Process(slug=slug, title=title, subtitle=subtitle, description=description,
                      start_date=start, end_date=end, status=status)
    for spec in phases:
        process.phases.append(Phase(**spec))
    db.session.add(process)
    db.session.flush()
    return process, True


def seed() -> str:
    today = city_today()
    d = lambda days: today + timedelta(days=days)  # noqa: E731
    created = 0
    _, new = _process(
        "station-square",
        {"ja": "駅前広場の再整備", "en": "Station square redesign"},
        {"ja": "みんなが使いやすい広場へ", "en": "A square that works for everyone"},
        STATION_DESCRIPTION, d(-30), d(120),
        [
            dict(title={"ja": "情報提供", "en": "Information"},
                 description={"ja": "現状の課題と改修の予算をお知らせします。",
                              "en": "What the problems are and what the budget allows."},
                 start_date=d(-30), end_date=d(-15), allow_comments=True),
            dict(title={"ja": "提案と意見募集", "en": "Proposals and feedback"},
                 description={"ja": "提案の投稿、応援、コメント、アンケートへの回答ができます。",
                              "en": "Post proposals, support them, comment and answer the survey."},
                 start_date=d(-14), end_date=d(30), allow_proposals=True, allow_supports=True,
                 allow_comments=True, allow_survey_answers=True, publish_answers_immediately=False),
            dict(title={"ja": "評価と回答", "en": "Evaluation and answers"},
                 description={"ja": "市が提案を検討し、すべての提案に回答します。",
                              "en": "The city evaluates the proposals and answers each of them."},
                 start_date=d(31), end_date=d(120), allow_comments=True),
        ])
    created += new
    _, new = _process(
        "river-park",
        {"ja": "川沿い公園の将来像", "en": "The future of the riverside park"},
        {"ja": "遊び場、散歩道、防災をいっしょに考える", "en": "Play, walks and disaster safety"},
        {"ja": "みどり川沿いの公園を、子どもからお年寄りまで使える場所にするための取り組みです。",
         "en": "Making the park along the Midori River a place for all ages."},
        d(20), d(200),
        [dict(title={"ja": "アイデア募集", "en": "Call for ideas"}, start_date=d(20), end_date=d(80),
              allow_proposals=True, allow_supports=True, allow_comments=True),
         dict(title={"ja": "まとめ", "en": "Summary"}, start_date=d(81), end_date=d(200))])
    created += new
    _, new = _process(
        "civic-budget-2025",
        {"ja": "2025年度 市民提案予算", "en": "Civic budget 2025"},
        {"ja": "市民が使い道を決めた1,000万円", "en": "10 million yen spent as residents chose"},
        {"ja": "2025年度は42件の提案から8件が採択され、実施されました。",
         "en": "In 2025, 8 of 42 proposals were adopted and carried out."},
        d(-400), d(-100),
        [dict(title={"ja": "提案募集", "en": "Proposals"}, start_date=d(-400), end_date=d(-300),
              allow_proposals=True, allow_supports=True, allow_comments=True),
         dict(title={"ja": "結果の公表", "en": "Results"}, start_date=d(-299), end_date=d(-100))],
        status=ProcessStatus.ARCHIVED)
    created += new
    db.session.flush()
    return f"Processes: {created} created (active, upcoming and past)."
