"""Meetings in real Chromium: on a phone, find a meeting, register, see the code; axe on every meeting page."""
from __future__ import annotations

import pytest

from .a11y import axe_violations, describe
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def test_on_a_phone_find_a_meeting_register_and_see_the_code(live_server, new_page):
    page = new_page(width=375, height=740)
    sign_in(page, live_server, "resident3@example.jp")
    page.goto(f"{live_server}/meetings/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "車いす可" in page.content()
    with page.expect_navigation():
        page.click("text=オンラインセミナー:まちづくりと市民参加")
    assert "meet.example.jp" not in page.content()  # the link waits for the day
    with page.expect_navigation():
        page.get_by_role("button", name="参加を申し込む").click()
    assert "参加申込が完了しました" in page.content()
    code = page.locator(".registration-code").inner_text()
    assert len(code.replace("-", "")) == 12
    qr = page.locator("img.qr-code")
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The 説明会 is full: the next person joins the waiting list and sees their place in it.
    page.goto(f"{live_server}/meetings/?kind=info_session")
    with page.expect_navigation():
        page.click("text=駅前広場の再整備計画 説明会")
    assert "キャンセル待ちの1番目" in page.content()  # resident3 waits in the demo
    ics = page.request.get(live_server + page.locator("text=カレンダーに追加").get_attribute("href"))
    assert ics.ok and b"DTSTART;TZID=Asia/Tokyo" in ics.body()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_meeting_pages_have_no_wcag_violations(live_server, new_page, lang):
    page = new_page()
    sign_in(page, live_server, "admin@example.jp", lang=lang)
    paths = ["/meetings/", "/meetings/?timing=past", "/meetings/1", "/meetings/4", "/meetings/5",
             "/admin/meetings/", "/admin/meetings/new", "/admin/meetings/1/", "/admin/meetings/1/registrations",
             "/admin/meetings/1/checkin", "/admin/meetings/4/minutes"]
    found = {}
    for path in paths:
        page.goto(live_server + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, describe([{"page": p, "violations": v} for p, v in found.items()])
