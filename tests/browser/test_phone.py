"""A resident on a 375 px phone: the menu, folded filters, forms that say what went wrong, targets
a thumb can hit, tables read as cards; and what a desk screen keeps (open navigation, footer at the
bottom)."""
from __future__ import annotations

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

PHONE = {"width": 375, "height": 740}
DANGER = "rgb(176, 0, 32)"

# Width and height of the target of each control (a box with its label counts as one target).
TARGETS = """(selector) => Array.from(document.querySelectorAll(selector))
    .filter(el => el.checkVisibility())  /* not inside a closed <details> */
    .map(el => {
        let r = el.getBoundingClientRect();
        let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
        for (const label of (el.labels || [])) {
            const l = label.getBoundingClientRect();
            if (l.width && !label.classList.contains('visually-hidden')) {
                left = Math.min(left, l.left); top = Math.min(top, l.top);
                right = Math.max(right, l.right); bottom = Math.max(bottom, l.bottom);
            }
        }
        return {what: (el.textContent || el.name || el.id || el.tagName).trim().slice(0, 40),
                width: Math.round(right - left), height: Math.round(bottom - top)};
    })"""


def small_targets(page, selector: str) -> list[dict]:
    return [t for t in page.evaluate(TARGETS, selector) if t["width"] < 44 or t["height"] < 44]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_menu_folds_the_navigation_and_opens_with_one_tap(live_server, new_page, javascript):
    page = new_page(javascript=javascript, **PHONE)
    page.goto(f"{live_server}/processes/?lang=ja")
    menu = page.locator("nav.main-nav summary.menu-button")
    link = page.locator("nav.main-nav a", has_text="まちの困りごと")
    assert menu.is_visible() and menu.inner_text().startswith("メニュー")
    assert not link.is_visible()
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 120  # one row for the name and languages, one for the menu button
    menu.click()
    assert link.is_visible()
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a full-width row per link
    with page.expect_navigation():
        link.click()
    assert page.url.endswith("/issues/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Filters fold into 「絞り込み」 on the phone, and open with a tap.
    page.goto(f"{live_server}/processes/station-square/proposals/")
    search = page.locator("form.filters input[name=q]")
    assert not search.is_visible()
    page.locator("details.filter-box > summary", has_text="絞り込み").click()
    assert search.is_visible()


def test_desk_screen_shows_the_navigation_and_keeps_the_footer_at_the_bottom(live_server, new_page):
    page = new_page(javascript=False, width=1280, height=900)
    page.goto(f"{live_server}/auth/login?lang=ja")
    assert not page.locator("summary.menu-button").is_visible()
    assert page.locator("nav.main-nav a", has_text="まちの困りごと").is_visible()
    footer = page.locator("footer.site-footer").bounding_box()
    assert abs(footer["y"] + footer["height"] - 900) <= 1  # short page: the footer sits at the bottom
    assert page.locator("form.filters").count() == 0 or page.locator("form.filters").is_visible()
    page.goto(f"{live_server}/processes/station-square/proposals/")
    assert page.locator("form.filters input[name=q]").is_visible()
    assert not page.locator("details.filter-box > summary").is_visible()
    # [hidden] hides even a .button: "use my location" waits for JavaScript.
    sign_in(page, live_server, "resident2@example.jp")
    page.goto(f"{live_server}/issues/new")
    hidden = page.locator("button[hidden]")
    assert all(not hidden.nth(i).is_visible() for i in range(hidden.count()))


def test_failed_submit_focuses_the_error_summary_and_marks_the_field_red(live_server, new_page):
    page = new_page(**PHONE)
    page.goto(f"{live_server}/auth/register?lang=ja")
    page.fill("#email", "not-an-email")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "：" in summary.locator("a").first.inner_text()  # 「メールアドレス：…」, Japanese punctuation
    assert page.evaluate("getComputedStyle(document.querySelector('#email')).borderTopColor") == DANGER
    # Without JavaScript the summary is still first in the form and linked to the field.
    page = new_page(javascript=False, **PHONE)
    page.goto(f"{live_server}/auth/register?lang=ja")
    page.fill("#email", "not-an-email")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator('.error-summary a[href="#email"]').count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('#email')).borderTopColor") == DANGER


def test_resident_on_a_phone_has_44px_targets_cards_for_tables_and_sees_what_they_did(live_server, new_page):
    page = new_page(**PHONE)
    sign_in(page, live_server, "resident@example.jp")
    # The process page: one primary action; the survey already answered says so.
    page.goto(f"{live_server}/processes/station-square/")
    actions = page.locator("section.now ul.actions a")
    primary = [i for i in range(actions.count())
               if "button-secondary" not in (actions.nth(i).get_attribute("class") or "")]
    assert len(primary) == 1
    assert page.locator("section.now a.button-done", has_text="回答済み").count() == 1
    # Someone else's proposal: report, follow, comment stance and the comment links are thumb-sized.
    page.goto(f"{live_server}/proposals/1")
    assert small_targets(page, "main details.flag > summary, main button, main input[type=radio], "
                               "main input[type=checkbox], main .comment-actions a, main select") == []
    # Tables become cards, each value labelled with its column.
    page.goto(f"{live_server}/issues/stats")
    cell = page.locator("main table tbody td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.get_attribute("data-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The survey: a scale is a column of full-width choices.
    page.goto(f"{live_server}/processes/station-square/surveys/1")
    if page.locator(".scale").count():
        assert page.locator(".scale").first.evaluate("el => getComputedStyle(el).flexDirection") == "column"
    assert small_targets(page, "main input[type=radio], main input[type=checkbox], main button") == []


def test_staff_controls_on_a_phone_are_thumb_sized_and_deleting_asks_first(live_server, new_page):
    page = new_page(javascript=False, **PHONE)
    sign_in(page, live_server, "admin@example.jp")
    page.goto(f"{live_server}/admin/surveys/1/")
    assert small_targets(page, "main .question-list button, main .question-list summary") == []
    delete = page.locator(".question-list details.confirm-delete").first
    confirm = delete.locator("button.button-danger")
    assert not confirm.is_visible()  # nothing is deleted by one tap
    delete.locator("summary").click()
    assert confirm.is_visible()
    page.goto(f"{live_server}/admin/triage")
    assert small_targets(page, "main input[type=checkbox], main button, main select") == []
