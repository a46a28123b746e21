"""Demo budgets: the past 「2025年度 市民提案予算」 gets ward budgets, projects, counted ballots and a
selection (idempotent)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..core import clock
from ..core.models import User
from ..core.verification import Method, Verification
from ..extensions import db
from ..processes.models import Phase, Process, ProcessStatus, city_today
from .models import Ballot, BallotItem, Budget, Project, VoteRule
from .services import greedy_selection

WARDS = [
    ({"ja": "東区", "en": "East ward"}, 5_000_000, [
        ({"ja": "東公園の遊具の更新", "en": "New play equipment in East Park"}, 2_400_000, "公園"),
        ({"ja": "通学路のカラー舗装", "en": "Coloured paving on school routes"}, 1_800_000, "道路"),
        ({"ja": "商店街のベンチ設置", "en": "Benches along the shopping street"}, 900_000, "まちづくり"),
        ({"ja": "防災倉庫の備品充実", "en": "Supplies for the disaster store"}, 1_200_000, "防災"),
    ]),
    ({"ja": "西区", "en": "West ward"}, 5_000_000, [
        ({"ja": "川沿い散歩道の照明", "en": "Lights on the riverside walk"}, 2_800_000, "道路"),
        ({"ja": "図書館の子ども読書コーナー", "en": "Children's corner in the library"}, 1_500_000, "教育"),
        ({"ja": "花壇ボランティアの道具", "en": "Tools for flower-bed volunteers"}, 400_000, "公園"),
    ]),
]

VOTES = {  # resident email -> (ward index, project indexes)
    "resident@example.jp": (0, [0, 1]),
    "resident2@example.jp": (0, [0, 2, 3]),
    "resident3@example.jp": (1, [0, 1]),
}


OPEN_PROJECTS = [
    ({"ja": "東区", "en": "East ward"}, 5_000_000, [
        ({"ja": "東公園にトイレを新設", "en": "A new toilet in East Park"}, 2_600_000, "公園"),
        ({"ja": "バス停に屋根とベンチ", "en": "Roofs and benches at bus stops"}, 1_500_000, "交通"),
        ({"ja": "子ども食堂の調理設備", "en": "Kitchen for the children's canteen"}, 800_000, "福祉"),
        ({"ja": "防犯灯のLED化", "en": "LED street lights"}, 1_200_000, "防犯"),
    ]),
    ({"ja": "西区", "en": "West ward"}, 5_000_000, [
        ({"ja": "川沿いに休憩ベンチ", "en": "Benches along the river"}, 900_000, "公園"),
        ({"ja": "公民館のWi-Fi整備", "en": "Wi-Fi in the community hall"}, 700_000, "まちづくり"),
        ({"ja": "通学路の見守りカメラ", "en": "Cameras on school routes"}, 2_200_000, "防犯"),
    ]),
]


def _open_voting() -> int:
    """「2026年度 市民提案予算」: voting open now, binding (verified residents), one ward each."""
    if db.session.scalar(select(Process.id).where(Process.slug == "civic-budget-2026")):
        return 0
    today = city_today()
    process = Process(slug="civic-budget-2026", title={"ja": "2026年度 市民提案予算", "en": "Civic budget 2026"},
                      subtitle={"ja": "区ごとの予算の使い道を投票で決めます", "en": "Vote on how each ward spends"},
                      description={"ja": "住民であることを確認したうえで、お住まいの区の予算に投票してください。",
                                   "en": "Verify that you live here, then vote in your ward's budget."},
                      start_date=today - timedelta(days=10), end_date=today + timedelta(days=60),
                      status=ProcessStatus.PUBLISHED)
    process.phases.append(Phase(title={"ja": "投票", "en": "Voting"}, start_date=today - timedelta(days=10),
                                end_date=today + timedelta(days=20), allow_budget_votes=True))
    process.phases.append(Phase(title={"ja": "結果の公表", "en": "Results"}, start_date=today + timedelta(days=21),
                                end_date=today + timedelta(days=60)))
    db.session.add(process)
    db.session.flush()
    for position, (title, total, projects) in enumerate(OPEN_PROJECTS):
        budget = Budget(process_id=process.id, title=title, total=total, rule=VoteRule.MINIMUM, min_percent=50,
                        exclusive=True, requires_verification=True, position=position,
                        description={"ja": f"{title['ja']}の事業から、予算の半分以上を使うように選んでください。",
                                     "en": "Choose projects that spend at least half of the budget."})
        for i, (ptitle, cost, category) in enumerate(projects):
            budget.projects.append(Project(title=ptitle, cost=cost, category=category, area=title["ja"],
                                           position=i, description={"ja": f"{ptitle['ja']}を行います。"}))
        db.session.add(budget)
    db.session.flush()
    return 1


def seed() -> str | None:
    opened = _open_voting()
    process = db.session.scalar(select(Process).where(Process.slug == "civic-budget-2025"))
    if process is None:
        return None
    if db.session.scalar(select(Budget.id).where(Budget.process_id == process.id).limit(1)):
        return "Budgets: already there." + (" Voting opened in 2026." if opened else "")
    budgets = []
    for position, (title, total, projects) in enumerate(WARDS):
        budget = Budget(process_id=process.id, title=title, total=total, rule=VoteRule.MINIMUM, min_percent=50,
                        exclusive=True, requires_verification=True, position=position,
                        description={"ja": f"{title['ja']}で実施する事業を、住民の投票で決めます。",
                                     "en": f"Residents of the {title['en'].lower()} choose what the city does."})
        for i, (ptitle, cost, category) in enumerate(projects):
            budget.projects.append(Project(title=ptitle, cost=cost, category=category, area=title["ja"],
                                           position=i, description={"ja": f"{ptitle['ja']}を行います。"}))
        db.session.add(budget)
        budgets.append(budget)
    db.session.flush()
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(list(VOTES))))}
    for email, (ward, picks) in VOTES.items():
        if email not in users:
            continue
        budget = budgets[ward]
        db.session.add(Verification(user_id=users[email].id, method=Method.LETTER))  # binding votes
        ballot = Ballot(budget_id=budget.id, user_id=users[email].id, checked_out_at=clock.now())
        ballot.items = [BallotItem(project_id=budget.projects[i].id) for i in picks]
        db.session.add(ballot)
        budget.ballots_count += 1
        for i in picks:
            budget.projects[i].votes_count += 1
    for budget in budgets:
        chosen = greedy_selection(budget.projects, budget.total)
        for project in budget.projects:
            project.selected = project.id in chosen
        budget.selected_at = clock.now()
    db.session.flush()
    return (f"Budgets: {len(budgets)} ward budgets with projects, counted ballots and a selection; "
            f"voting open in 「2026年度 市民提案予算」.")
