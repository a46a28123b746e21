"""axe-core on every main page, in Japanese and English, signed out and signed in; small screens."""
from __future__ import annotations

import pytest

from .a11y import axe_violations, describe
from .conftest import sign_in

# The threaded test server may leave a static file open when Chromium drops a connection.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

PUBLIC = ["/", "/processes/", "/processes/?timing=upcoming", "/processes/station-square/",
          "/processes/station-square/proposals/", "/proposals/1", "/processes/station-square/surveys/1",
          "/processes/station-square/surveys/1/results", "/issues/", "/issues/1", "/issues/stats",
          "/moderation/transparency", "/auth/login", "/auth/register", "/no-such-page"]
RESIDENT = ["/account/", "/notifications", "/issues/new", "/processes/station-square/proposals/new"]
STAFF = ["/admin/processes/", "/admin/processes/1/", "/admin/surveys/1/", "/admin/triage", "/admin/templates",
         "/moderation/", "/admin/audit"]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_no_wcag_violations(live_server, new_page, lang, who):
    page = new_page()
    paths = list(PUBLIC)
    if who != "anonymous":
        sign_in(page, live_server, f"{who}@example.jp")
        paths += RESIDENT + (STAFF if who == "admin" else [])
    page.goto(f"{live_server}/?lang={lang}")
    found = {}
    for path in paths:
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, describe([{"page": p, "violations": v} for p, v in found.items()])


@pytest.mark.parametrize("path", PUBLIC[:12] + ["/auth/register"])
def test_no_horizontal_scrolling_at_375px(live_server, new_page, path):
    page = new_page(width=375, height=800)
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_errors_are_announced_and_linked_and_focus_is_visible(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server}/auth/register")
    page.fill("#email", "not-an-email")
    page.click("main form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator('a[href="#email"]').count() == 1
    assert "email-error" in page.locator("#email").get_attribute("aria-describedby")
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_every_form_control_has_a_label(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "admin@example.jp")
    for path in PUBLIC + RESIDENT + STAFF:
        page.goto(live_server + path)
        unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]), select, textarea'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.closest('[aria-hidden=true]'))
            .map(el => el.name || el.id)""")
        assert unlabeled == [], (path, unlabeled)
