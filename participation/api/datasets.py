"""The open datasets: their columns (the data dictionary, in Japanese and English) and their rows.

Public content only: no hidden items, no drafts, no unpublished answers, no e-mail addresses, no
internal notes, reporters named only when they chose to show their name. Rows are streamed from
the database in batches (`yield_per`), so a build holds one batch in memory at a time.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..budgets.models import Budget, Project
from ..budgets.permissions import can_view_budget_results
from ..core.models import Department, User
from ..extensions import db
from ..issues.models import STATUS_GROUP, Area, Category, Issue, IssueUpdate, Status
from ..meetings.models import Meeting
from ..processes.models import Process, ProcessStatus
from ..proposals.models import Comment, Proposal, ProposalAnswer

BATCH = 1000


@dataclass(frozen=True)
class Column:
    name: str
    ja: str
    en: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[tuple]]
    located: bool = False  # has latitude/longitude columns: also offered as GeoJSON points


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 1) if start and end else None


def _stream(query: Any) -> Iterator[Any]:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def _name(value: Any, lang: str) -> str:
    return (value or {}).get(lang) or "" if isinstance(value, dict) else ""


def C(name: str, ja: str, en: str) -> Column:  # noqa: N802 - reads as a table
    return Column(name, ja, en)


# --- rows ---------------------------------------------------------------------------------------

def _processes() -> Iterator[tuple]:
    for (p,) in _stream(select(Process).where(Process.status != ProcessStatus.DRAFT).order_by(Process.id)):
        yield (p.id, p.slug, _name(p.title, "ja"), _name(p.title, "en"), str(p.status),
               p.start_date.isoformat(), p.end_date.isoformat())


def _public_proposals():
    return (select(Proposal).join(Process, Process.id == Proposal.process_id)
            .where(Proposal.hidden_at.is_(None), Process.status != ProcessStatus.DRAFT))


def _proposals() -> Iterator[tuple]:
    for (p,) in _stream(_public_proposals().order_by(Proposal.id)):
        yield (p.id, p.process_id, p.title, p.body, p.language, str(p.state), p.supports_count, p.comments_count,
               p.address, p.latitude, p.longitude, _iso(p.created_at))


def _answers() -> Iterator[tuple]:
    visible = _public_proposals().with_only_columns(Proposal.id).scalar_subquery()
    dept = aliased(Department)
    query = (select(ProposalAnswer, dept.name).outerjoin(dept, dept.id == ProposalAnswer.department_id)
             .where(ProposalAnswer.published_at.is_not(None), ProposalAnswer.proposal_id.in_(visible))
             .order_by(ProposalAnswer.id))
    for a, dept_name in _stream(query):
        yield (a.id, a.proposal_id, str(a.state), a.text, int(a.cost) if a.cost is not None else None,
               a.planned_period, _name(dept_name, "ja"), _iso(a.published_at))


def _comments() -> Iterator[tuple]:
    visible = _public_proposals().with_only_columns(Proposal.id).scalar_subquery()
    query = (select(Comment).where(Comment.hidden_at.is_(None), Comment.deleted_at.is_(None),
                                   Comment.proposal_id.in_(visible)).order_by(Comment.id))
    for (c,) in _stream(query):
        yield (c.id, c.proposal_id, c.parent_id, c.depth, c.body, c.language, c.alignment, c.upvotes,
               c.downvotes, _iso(c.created_at))


def _issues() -> Iterator[tuple]:
    query = (select(Issue, Category.code, Category.name, Department.name, Area.name, User.display_name)
             .join(Category, Category.id == Issue.category_id).join(Department, Department.id == Issue.department_id)
             .outerjoin(Area, Area.id == Issue.area_id)
             .outerjoin(User, (User.id == Issue.reporter_id) & Issue.show_name.is_(True))
             .where(Issue.hidden_at.is_(None)).order_by(Issue.id))
    for i, code, cat, dept, area, reporter in _stream(query):
        yield (i.id, i.title, i.details, i.language, str(i.status), STATUS_GROUP[Status(i.status)], code,
               _name(cat, "ja"), _name(cat, "en"), _name(dept, "ja"), _name(dept, "en"), _name(area, "ja"),
               i.address, i.latitude, i.longitude, i.metoo_count, reporter if i.show_name else None,
               _iso(i.created_at), _iso(i.acknowledged_at), _iso(i.fixed_at), _iso(i.closed_at),
               _hours(i.created_at, i.acknowledged_at), _hours(i.created_at, i.fixed_at))


def _issue_updates() -> Iterator[tuple]:
    dept = aliased(Department)
    query = (select(IssueUpdate.id, IssueUpdate.issue_id, IssueUpdate.created_at, IssueUpdate.author_role,
                    dept.name, IssueUpdate.old_status, IssueUpdate.new_status, IssueUpdate.text)
             .join(Issue, Issue.id == IssueUpdate.issue_id)
             .outerjoin(dept, dept.id == IssueUpdate.author_department_id)
             .where(IssueUpdate.hidden_at.is_(None), Issue.hidden_at.is_(None)).order_by(IssueUpdate.id))
    for row in _stream(query):
        yield (row[0], row[1], _iso(row[2]), row[3], _name(row[4], "ja"), row[5], row[6], row[7])


def _categories() -> Iterator[tuple]:
    for (c,) in _stream(select(Category).order_by(Category.position, Category.id)):
        yield (c.id, c.code, _name(c.name, "ja"), _name(c.name, "en"), _name(c.group, "ja"), c.department_id,
               c.active)


def _departments() -> Iterator[tuple]:
    for (d,) in _stream(select(Department).order_by(Department.id)):
        yield (d.id, d.code, _name(d.name, "ja"), _name(d.name, "en"))


def _areas() -> Iterator[tuple]:
    for (a,) in _stream(select(Area).order_by(Area.id)):
        yield (a.id, a.code, _name(a.name, "ja"), _name(a.name, "en"), a.min_lon, a.min_lat, a.max_lon, a.max_lat)


def _meetings() -> Iterator[tuple]:
    query = (select(Meeting).outerjoin(Process, Process.id == Meeting.process_id)
             .where(Meeting.process_id.is_(None) | (Process.status != ProcessStatus.DRAFT)).order_by(Meeting.id))
    for (m,) in _stream(query):
        published = m.minutes_published_at is not None
        yield (m.id, m.process_id, _name(m.title, "ja"), _name(m.title, "en"), str(m.type), str(m.kind), str(m.state),
               _iso(m.starts_at), _iso(m.ends_at), m.address, m.latitude, m.longitude,
               ";".join(m.accessibility or []), m.capacity, m.registered_count,
               m.attendance_count if published else None)


def _budget_projects() -> Iterator[tuple]:
    budgets = {b.id: b for b in db.session.scalars(
        select(Budget).join(Process, Process.id == Budget.process_id).where(Process.status != ProcessStatus.DRAFT))}
    public = {i: can_view_budget_results(None, b) for i, b in budgets.items()}
    query = select(Project).where(Project.budget_id.in_(list(budgets))).order_by(Project.id)
    for (p,) in _stream(query):
        budget = budgets[p.budget_id]
        yield (p.id, p.budget_id, budget.process_id, _name(budget.title, "ja"), _name(p.title, "ja"),
               _name(p.title, "en"), p.cost, p.area, p.category, p.address, p.latitude, p.longitude,
               p.votes_count if public[p.budget_id] else None, p.selected if budget.selected_at else None)


def area_features() -> Iterator[dict[str, Any]]:
    for (a,) in _stream(select(Area).order_by(Area.id)):
        yield {"type": "Feature", "geometry": a.geometry,
               "properties": {"id": a.id, "code": a.code, "name_ja": _name(a.name, "ja"),
                              "name_en": _name(a.name, "en")}}


# --- the catalogue ------------------------------------------------------------------------------

ID = C("id", "識別番号", "Identifier")
CREATED = C("created_at", "作成日時（ISO 8601、UTC）", "Created at (ISO 8601, UTC)")
LAT = C("latitude", "緯度（WGS84）", "Latitude (WGS84)")
LON = C("longitude", "経度（WGS84）", "Longitude (WGS84)")
LANG = C("language", "投稿の言語", "Language of the text")

DATASETS: tuple[Dataset, ...] = (
    Dataset("issues", {"ja": "まちの課題の通報", "en": "Street issue reports"},
            {"ja": "住民が地図で通報したまちの課題（道路の損傷、街灯の故障など）と、その対応状況・対応時間。",
             "en": "Street issues residents reported on the map (road damage, broken lights, ...), with their "
                   "status and response times."},
            (ID, C("title", "件名", "Title"), C("details", "詳細", "Details"), LANG,
             C("status", "状態", "Status"), C("status_group", "状態の区分（open/fixed/closed）",
                                                "Status group (open/fixed/closed)"),
             C("category_code", "分類コード", "Category code"),
             C("category_ja", "分類名（日本語）", "Category (Japanese)"),
             C("category_en", "分類名（英語）", "Category (English)"),
             C("department_ja", "担当部署（日本語）", "Department (Japanese)"),
             C("department_en", "担当部署（英語）", "Department (English)"), C("area_ja", "地区", "Area"),
             C("address", "住所", "Address"), LAT, LON, C("metoo_count", "「私も」の数", "“Me too” count"),
             C("reporter", "通報者名（本人が公開を選んだ場合のみ）", "Reporter (only when they chose to show it)"),
             CREATED, C("acknowledged_at", "初回対応日時", "First official response at"),
             C("fixed_at", "解決日時", "Fixed at"), C("closed_at", "終了日時", "Closed at"),
             C("hours_to_acknowledge", "初回対応までの時間（時間）", "Hours to first response"),
             C("hours_to_fix", "解決までの時間（時間）", "Hours to fix")), _issues, located=True),
    Dataset("issue_updates", {"ja": "通報の対応履歴", "en": "Street issue status history"},
            {"ja": "通報ごとの公開された更新と状態の変更。",
             "en": "The public updates and status changes of each report."},
            (ID, C("issue_id", "通報の識別番号", "Issue id"), CREATED,
             C("author_role", "書き手の立場", "Role of the writer"),
             C("department_ja", "部署", "Department"), C("old_status", "変更前の状態", "Status before"),
             C("new_status", "変更後の状態", "Status after"), C("text", "公開メモ", "Public note")), _issue_updates),
    Dataset("proposals", {"ja": "提案", "en": "Proposals"},
            {"ja": "参加型プロセスに寄せられた住民の提案と、その状態・賛同数。",
             "en": "Residents' proposals in participatory processes, with their state and supports."},
            (ID, C("process_id", "プロセスの識別番号", "Process id"), C("title", "題名", "Title"),
             C("body", "本文", "Text"), LANG, C("state", "状態", "State"),
             C("supports_count", "賛同数", "Supports"), C("comments_count", "コメント数", "Comments"),
             C("address", "住所", "Address"), LAT, LON, CREATED), _proposals, located=True),
    Dataset("answers", {"ja": "提案への公式回答", "en": "Official answers to proposals"},
            {"ja": "市が公開した提案への回答。", "en": "The answers the city published to proposals."},
            (ID, C("proposal_id", "提案の識別番号", "Proposal id"), C("state", "回答", "Decision"),
             C("text", "回答文", "Answer"), C("cost", "概算費用（円）", "Estimated cost (yen)"),
             C("planned_period", "実施予定時期", "Planned period"), C("department_ja", "部署", "Department"),
             C("published_at", "公開日時", "Published at")), _answers),
    Dataset("comments", {"ja": "提案へのコメント", "en": "Comments on proposals"},
            {"ja": "提案に寄せられたコメント（投稿者名は含みません）。",
             "en": "Comments on proposals (without names)."},
            (ID, C("proposal_id", "提案の識別番号", "Proposal id"), C("parent_id", "返信先", "Reply to"),
             C("depth", "階層", "Depth"), C("body", "本文", "Text"), LANG,
             C("alignment", "立場（1 賛成、0 中立、-1 反対）", "Alignment (1 for, 0 neutral, -1 against)"),
             C("upvotes", "高評価", "Up votes"), C("downvotes", "低評価", "Down votes"), CREATED), _comments),
    Dataset("meetings", {"ja": "説明会・ワークショップ", "en": "Meetings"},
            {"ja": "説明会やワークショップなどの会合（オンライン会議の URL は含みません）。",
             "en": "Information sessions, workshops and other meetings (without online meeting links)."},
            (ID, C("process_id", "プロセスの識別番号", "Process id"),
             C("title_ja", "名称（日本語）", "Title (Japanese)"),
             C("title_en", "名称（英語）", "Title (English)"), C("type", "形式（対面/オンライン/併用）", "Format"),
             C("kind", "種類", "Kind"), C("state", "状態", "State"), C("starts_at", "開始日時", "Starts at"),
             C("ends_at", "終了日時", "Ends at"), C("address", "会場の住所", "Venue address"), LAT, LON,
             C("accessibility", "配慮（手話通訳、託児など）", "Accessibility (sign language, childcare, ...)"),
             C("capacity", "定員", "Capacity"), C("registered_count", "申込者数", "Registrations"),
             C("attendance_count", "参加者数（議事録の公開後）", "Attendance (once minutes are published)")),
            _meetings, located=True),
    Dataset("budget_projects", {"ja": "参加型予算の事業", "en": "Participatory budget projects"},
            {"ja": "参加型予算の事業と費用。投票数は結果の公開後、採択は選定後に載ります。",
             "en": "Projects of participatory budgets with their costs; votes once results are public, "
                   "selection once made."},
            (ID, C("budget_id", "予算の識別番号", "Budget id"), C("process_id", "プロセスの識別番号", "Process id"),
             C("budget_ja", "予算の名称", "Budget"), C("title_ja", "事業名（日本語）", "Title (Japanese)"),
             C("title_en", "事業名（英語）", "Title (English)"), C("cost", "費用（円）", "Cost (yen)"),
             C("area", "地区", "Area"), C("category", "分野", "Category"), C("address", "住所", "Address"), LAT, LON,
             C("votes_count", "得票数（結果の公開後）", "Votes (once results are public)"),
             C("selected", "採択（選定後）", "Selected (once selection is made)")), _budget_projects, located=True),
    Dataset("processes", {"ja": "参加型プロセス", "en": "Participatory processes"},
            {"ja": "公開された参加型プロセス。", "en": "Published participatory processes."},
            (ID, C("slug", "URL 名", "URL name"), C("title_ja", "名称（日本語）", "Title (Japanese)"),
             C("title_en", "名称（英語）", "Title (English)"), C("status", "状態", "Status"),
             C("start_date", "開始日", "Start date"), C("end_date", "終了日", "End date")), _processes),
    Dataset("categories", {"ja": "通報の分類", "en": "Issue categories"},
            {"ja": "通報の分類と担当部署。", "en": "Issue categories and their departments."},
            (ID, C("code", "コード", "Code"), C("name_ja", "名称（日本語）", "Name (Japanese)"),
             C("name_en", "名称（英語）", "Name (English)"), C("group_ja", "グループ", "Group"),
             C("department_id", "担当部署の識別番号", "Department id"), C("active", "受付中", "Accepting reports")),
            _categories),
    Dataset("departments", {"ja": "部署", "en": "Departments"}, {"ja": "市の部署。", "en": "The city's departments."},
            (ID, C("code", "コード", "Code"), C("name_ja", "名称（日本語）", "Name (Japanese)"),
             C("name_en", "名称（英語）", "Name (English)")), _departments),
    Dataset("areas", {"ja": "地区", "en": "Areas"},
            {"ja": "市の地区（区域）と範囲。", "en": "The city's areas and extents."},
            (ID, C("code", "コード", "Code"), C("name_ja", "名称（日本語）", "Name (Japanese)"),
             C("name_en", "名称（英語）", "Name (English)"), C("min_lon", "最小経度", "Min longitude"),
             C("min_lat", "最小緯度", "Min latitude"), C("max_lon", "最大経度", "Max longitude"),
             C("max_lat", "最大緯度", "Max latitude")), _areas),
)
BY_SLUG = {d.slug: d for d in DATASETS}
