"""Budgets and accountability in real Chromium: a verified resident votes on a phone without
JavaScript; axe on every budget, result and outcome page."""
from __future__ import annotations

import pytest

from .a11y import axe_violations, describe
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def test_verified_resident_votes_in_east_ward_on_a_phone_without_javascript(live_server, new_page):
    page = new_page(javascript=False, width=375, height=740)
    sign_in(page, live_server, "resident@example.jp")  # verified in the demo
    page.goto(f"{live_server}/processes/civic-budget-2026/budgets/")
    with page.expect_navigation():
        page.click("main >> text=東区")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for name in ("東公園にトイレを新設", "子ども食堂の調理設備"):
        with page.expect_navigation():
            page.get_by_role("button", name=name).click()
    ballot = page.locator("#ballot").inner_text()
    assert "3,400,000円" in ballot and "1,600,000円" in ballot  # running total and what remains
    assert "まだ集計されていません" in ballot  # not counted until checked out
    with page.expect_navigation():
        page.get_by_role("button", name="投票を確定する").click()
    assert "投票を集計しました" in page.content()
    assert "あなたの投票は集計されています" in page.locator("#ballot").inner_text()
    # One ward only: the west ward's ballot cannot be counted as well.
    page.goto(f"{live_server}/processes/civic-budget-2026/budgets/")
    with page.expect_navigation():
        page.click("main >> text=西区")
    with page.expect_navigation():
        page.get_by_role("button", name="公民館のWi-Fi整備").click()
    with page.expect_navigation():
        page.get_by_role("button", name="通学路の見守りカメラ").click()
    with page.expect_navigation():
        page.get_by_role("button", name="投票を確定する").click()
    assert "一つだけ" in page.content()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_budget_and_result_pages_have_no_wcag_violations(live_server, new_page, lang):
    page = new_page()
    sign_in(page, live_server, "admin@example.jp", lang=lang)
    paths = ["/processes/civic-budget-2026/budgets/", "/processes/civic-budget-2025/budgets/",
             "/processes/civic-budget-2026/budgets/1/", "/processes/civic-budget-2025/budgets/3/results",
             "/processes/civic-budget-2025/budgets/3/projects/8", "/processes/civic-budget-2025/results/",
             "/processes/civic-budget-2025/results/1", "/processes/station-square/outcomes", "/proposals/1",
             "/admin/budgets/1/", "/admin/budgets/1/projects/new", "/admin/processes/3/results/",
             "/admin/results/1/", "/account/verification", "/admin/verifications"]
    found = {}
    for path in paths:
        page.goto(live_server + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, describe([{"page": p, "violations": v} for p, v in found.items()])
