"""Demo street issues: categories, the fictional wards, and reports in every status with photos."""
from __future__ import annotations

import io
import json
import random
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from ..core import clock, uploads
from ..core.models import Department, User
from ..extensions import db
from .areas import area_at, import_areas, responsible_department
from .models import Area, Category, Issue, IssueNote, IssuePhoto, IssueUpdate, ResponseTemplate, Status

WARDS = Path(__file__).parent / "data" / "wards.geojson"

CATEGORIES = [
    # code, ja, en, group ja, group en, department
    ("pothole", "道路の穴・段差", "Pothole or broken pavement", "道路", "Roads", "roads"),
    ("streetlight", "街灯の故障", "Broken street light", "道路", "Roads", "roads"),
    ("signage", "標識・カーブミラーの破損", "Damaged sign or mirror", "道路", "Roads", "roads"),
    ("graffiti", "落書き", "Graffiti", "環境・美化", "Environment", "environment"),
    ("dumping", "不法投棄", "Illegal dumping", "環境・美化", "Environment", "environment"),
    ("park", "公園の遊具・設備", "Park equipment", "公園", "Parks", "parks"),
]

ISSUES = [
    ("pothole", "左車線に深い穴", "自転車が転びそうになりました。直径30cmくらいです。", Status.OPEN, 0.0015, 0.0010, 1),
    ("pothole", "歩道の段差がひどい", "ベビーカーが通れません。", Status.IN_PROGRESS, -0.0040, 0.0060, 9),
    ("streetlight", "公園前の街灯が消えている", "夜になると真っ暗で危ないです。",
     Status.INVESTIGATING, 0.0060, -0.0050, 4),
    ("streetlight", "街灯がちらついている", "", Status.FIXED, -0.0080, -0.0070, 20),
    ("graffiti", "高架下の壁に落書き", "大きなスプレーの落書きがあります。",
     Status.ACTION_SCHEDULED, 0.0030, 0.0090, 12),
    ("dumping", "空き地に家電の不法投棄", "冷蔵庫とテレビが捨てられています。", Status.OPEN, -0.0020, -0.0110, 2),
    ("dumping", "ごみ袋が放置されている", "", Status.FIXED_BY_REPORTER, 0.0100, 0.0030, 15),
    ("park", "ブランコの鎖が切れそう", "子どもが使うので心配です。", Status.UNABLE_TO_FIX, -0.0100, 0.0100, 40),
    ("signage", "私有地の看板が倒れている", "", Status.NOT_RESPONSIBLE, 0.0070, 0.0120, 30),
    ("pothole", "同じ場所の穴（重複）", "", Status.DUPLICATE, 0.0016, 0.0011, 1),
    ("graffiti", "県道の橋の落書き", "", Status.INTERNAL_REFERRAL, -0.0050, -0.0020, 25),
]

NOTES = {
    Status.INVESTIGATING: "現地を確認します。",
    Status.IN_PROGRESS: "補修工事を始めました。",
    Status.ACTION_SCHEDULED: "来週火曜日に消去作業を行います。",
    Status.FIXED: "電球を交換しました。ご連絡ありがとうございました。",
    Status.UNABLE_TO_FIX: "遊具を撤去し、来年度に新しいものを設置します。それまで使用禁止にしています。",
    Status.NOT_RESPONSIBLE: "私有地のため市では対応できません。所有者に連絡しました。",
    Status.DUPLICATE: "同じ場所の報告があるため、そちらで対応します。",
    Status.INTERNAL_REFERRAL: "県道のため県の土木事務所に引き継ぎました。",
}


def _photo(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), (120 + rng.randint(0, 60),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 760), rng.randint(0, 560)
        draw.ellipse([x, y, x + rng.randint(20, 160), y + rng.randint(20, 120)],
                     fill=(rng.randint(40, 90),) * 3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def official_roads(official: User) -> int | None:
    return next(iter(sorted(official.department_ids)), None)


def seed() -> str | None:
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    if "roads" not in departments:
        return None
    if not db.session.scalar(select(func.count()).select_from(Area)):
        import_areas(json.loads(WARDS.read_text(encoding="utf-8")))
    for position, (code, ja, en, gja, gen, dept) in enumerate(CATEGORIES):
        if db.session.scalar(select(Category).where(Category.code == code)) is None:
            db.session.add(Category(code=code, name={"ja": ja, "en": en}, group={"ja": gja, "en": gen},
                                    department_id=departments[dept].id, position=position,
                                    target_days=5 if dept == "roads" else 10))  # working days
    db.session.flush()
    if not db.session.scalar(select(func.count(ResponseTemplate.id))):
        db.session.add_all([
            ResponseTemplate(department_id=departments["roads"].id, status=Status.INVESTIGATING,
                             title={"ja": "現地確認", "en": "Site visit"},
                             text={"ja": "ご連絡ありがとうございます。担当者が現地を確認します。",
                                   "en": "Thank you. Our staff will inspect the site."}),
            ResponseTemplate(department_id=departments["roads"].id, status=Status.FIXED,
                             title={"ja": "補修完了", "en": "Repaired"},
                             text={"ja": "補修が完了しました。ご協力ありがとうございました。",
                                   "en": "The repair is done. Thank you for reporting it."}),
        ])
    if db.session.scalar(select(func.count(Issue.id))):
        return "Street issues: already there."
    users = {u.email: u for u in db.session.scalars(select(User))}
    official = users["official@example.jp"]
    residents = [users[e] for e in ("resident@example.jp", "resident2@example.jp", "resident3@example.jp")]
    lat0, lon0 = 35.6580, 139.7016
    now = clock.now()
    made: dict[str, Issue] = {}
    for index, (code, title, details, status, dlat, dlon, days_ago) in enumerate(ISSUES):
        category = db.session.scalars(select(Category).where(Category.code == code)).one()
        lat, lon = lat0 + dlat, lon0 + dlon
        area = area_at(lat, lon)
        reporter = residents[index % 3]
        created = now - timedelta(days=days_ago, hours=index)
        issue = Issue(category_id=category.id, department_id=responsible_department(category, area),
                      area_id=area.id if area else None, reporter_id=reporter.id, title=title, details=details,
                      latitude=lat, longitude=lon, address="みどり川市" + (area.name["ja"] if area else ""),
                      show_name=index % 4 == 0, created_at=created, updated_at=created)
        db.session.add(issue)
        db.session.flush()
        if index < 5:
            db.session.add(IssuePhoto(issue_id=issue.id, position=0,
                                      upload=uploads.save_image(_photo(index), reporter)))
        from ..core import notifications

        notifications.follow(reporter, issue)
        if status is not Status.OPEN:
            when = created + timedelta(hours=6 + index)
            author = reporter if status is Status.FIXED_BY_REPORTER else official
            original = made.get("pothole") if status is Status.DUPLICATE else None
            issue.move_to(status, duplicate_of=original)
            issue.acknowledged_at = when if author is official else None
            if issue.fixed_at:
                issue.fixed_at = issue.closed_at = created + timedelta(days=min(days_ago, 3) or 1)
            elif issue.closed_at:
                issue.closed_at = when
            db.session.add(IssueUpdate(issue_id=issue.id, author_id=author.id,
                                       author_role="reporter" if author is reporter else "official",
                                       author_department_id=None if author is reporter else issue.department_id,
                                       text=NOTES.get(status, "直っていました。"), old_status="open",
                                       new_status=status, created_at=when))
        made.setdefault(code, issue)
    db.session.flush()
    first_open = next((i for i in made.values() if i.status is Status.OPEN and i.department_id == official_roads(
        official)), None)
    if first_open is not None:  # triage: an assignment and an internal note (staff only)
        first_open.assignee_id = official.id
        db.session.add(IssueNote(issue_id=first_open.id, author_id=official.id,
                                 text="業者に見積りを依頼済み。来週の現地確認で補修日を決める。"))
        db.session.flush()
    return f"Street issues: {len(ISSUES)} reports in every status, 4 wards, {len(CATEGORIES)} categories."
