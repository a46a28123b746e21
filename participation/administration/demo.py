"""Demo content of the administration: the site's fixed pages (published once, by the demo admin), and
the demo accounts' acceptance of the terms and privacy policy (so that signing in is not interrupted)."""
from __future__ import annotations

from sqlalchemy import select

from ..core import pages
from ..core.models import Role, RoleAssignment, User
from ..extensions import db

PAGES = {
    "terms": ({"ja": "利用規約", "en": "Terms of use"},
              {"ja": "## この規約について\n\nこのサイトは市と住民が一緒に考え、決めるための場です。\n\n"
                     "- 他の人を攻撃する投稿、個人情報、広告は禁止です。\n"
                     "- 住民の投稿は CC BY 4.0 で公開されます。\n"
                     "- 規約に反する投稿は、モデレーターが理由を示して非表示にします。",
               "en": "## About these terms\n\nThis site is where the city and its residents decide together.\n\n"
                     "- No attacks on others, personal data or advertising.\n"
                     "- Residents' contributions are published under CC BY 4.0.\n"
                     "- Moderators hide contributions that break these terms, giving the reason."}),
    "privacy": ({"ja": "プライバシーポリシー", "en": "Privacy policy"},
                {"ja": "## 集める情報\n\nメールアドレス、表示名、投稿した内容です。"
                       "属性情報（年代・地域）は同意した場合だけ集め、統計にのみ使います。"
                       "\n\n## あなたの権利\n\n"
                       "アカウントのページから、自分の情報のダウンロードと退会ができます。"
                       "利用停止になったアカウントについてだけ、同じアドレスでの登録にも利用停止を引き継ぐため、"
                       "メールアドレスから計算した符号（アドレスそのものではありません）を退会後も保存します。",
                 "en": "## What we collect\n\nYour e-mail address, display name and what you post. Demographic data "
                       "(age group, area) only with your consent, for statistics only.\n\n## Your rights\n\n"
                       "Download your data or delete your account from your account page. Only for a blocked "
                       "account, a code computed from its e-mail address (not the address) is kept, also after "
                       "it is deleted, so that the block carries over to a new account with the same address."}),
    "about": ({"ja": "このサイトについて", "en": "About this site"},
              {"ja": "みどり川市の市民参加プラットフォームです。提案、アンケート、まちの困りごとの通報、"
                     "説明会の申し込みができます。",
               "en": "Midorikawa City's participation platform: proposals, surveys, street issue reports and "
                     "meetings."}),
    "accessibility": ({"ja": "アクセシビリティ方針", "en": "Accessibility policy"},
                      {"ja": "JIS X 8341-3:2016 の適合レベル AA（WCAG 2.2 AA 相当）を目標にしています。"
                             "使いにくい点があれば、お問い合わせください。",
                       "en": "We aim for JIS X 8341-3:2016 level AA (WCAG 2.2 AA). Please tell us about anything "
                             "that is hard to use."}),
}


def seed() -> str | None:
    admin = db.session.scalar(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
                              .where(RoleAssignment.role == Role.ADMIN).order_by(User.id).limit(1))
    if admin is None:
        return None
    published = 0
    for slug, (title, body) in PAGES.items():
        if not pages.current_version(slug):
            pages.publish_version(admin, slug, title, body)
            published += 1
    for user in db.session.scalars(select(User)):
        pages.record_acceptance(user)
    db.session.flush()
    return f"Site pages: {published} published; demo accounts accepted the terms." if published else None
