"""An administrator sets up a department and a category in the browser; a resident then reports a
street issue in it. The administration pages pass axe (WCAG 2.2 AA)."""
from __future__ import annotations

import secrets

from .a11y import axe_violations, describe
from .conftest import sign_in


def _axe_clean(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def test_admin_sets_up_a_department_and_category_and_a_resident_reports_in_it(live_server, new_page):
    tag = secrets.token_hex(3)
    admin = new_page()
    sign_in(admin, live_server, "admin@example.jp")
    admin.click("nav >> text=管理")
    assert admin.locator("h1").inner_text() == "管理"
    _axe_clean(admin)

    with admin.expect_navigation():
        admin.click("main a:text-is('担当課')")
    admin.fill("#name_ja", f"街路灯課{tag}")
    admin.fill("#name_en", f"Street Lighting {tag}")
    admin.fill("#code", "roads")  # taken: refused, announced at the top and next to the field
    admin.fill("#contact_email", f"lights-{tag}@midorikawa.example.jp")
    admin.fill("#target_days", "10")
    with admin.expect_navigation():
        admin.click("text=担当課を作成")
    assert "このコードはすでに使われています。" in admin.locator(".error-summary").inner_text()
    _axe_clean(admin)
    admin.fill("#code", f"lights-{tag}")
    with admin.expect_navigation():
        admin.click("text=担当課を作成")
    assert admin.locator("h1").inner_text() == f"街路灯課{tag}"
    admin.fill("#email", "official@example.jp")  # the roads official helps out
    with admin.expect_navigation():
        admin.click("text=職員として追加")
    assert "鈴木 道路課" in admin.locator("main").inner_text()
    _axe_clean(admin)

    admin.goto(f"{live_server}/admin/categories/")
    _axe_clean(admin)
    admin.fill("#name_ja", f"街灯が消えている{tag}")
    admin.fill("#name_en", f"Street light out {tag}")
    admin.fill("#code", f"light-out-{tag}")
    admin.fill("#group_ja", "道路")
    admin.fill("#help_ja", "電柱に貼られた番号があれば書いてください。")
    admin.select_option("#department_id", label=f"街路灯課{tag}")
    admin.fill("#target_days", "7")
    with admin.expect_navigation():
        admin.click("text=分類を作成")
    assert admin.locator("h1").inner_text() == f"街灯が消えている{tag}"
    category_url = admin.url
    _axe_clean(admin)
    for path in ("/admin/users/", "/admin/settings", "/admin/pages/", "/admin/pages/terms", "/admin/areas/"):
        admin.goto(f"{live_server}{path}")
        _axe_clean(admin)

    resident = new_page(javascript=False)
    sign_in(resident, live_server, "resident2@example.jp")
    resident.goto(f"{live_server}/issues/new?lang=ja")
    resident.select_option("#category_id", label=f"街灯が消えている{tag}")
    coordinates = resident.locator("details.coordinates summary")
    if coordinates.count():  # the coordinates fold behind "more details"
        coordinates.click()
    resident.fill("#latitude", "35.6575")
    resident.fill("#longitude", "139.7030")
    with resident.expect_navigation():
        resident.click("main form button[type=submit]")
    assert "ステップ2/2" in resident.content()
    title = f"公園前の街灯が消えている {tag}"
    resident.fill("#title", title)
    with resident.expect_navigation():
        resident.click("main form button[type=submit] >> nth=-1")
    assert title in resident.locator("h1").inner_text()
    assert f"街路灯課{tag}" in resident.content()  # routed to the new department

    admin.goto(category_url)
    assert "この分類を使っている通報は1件です。" in admin.locator("main").inner_text()
