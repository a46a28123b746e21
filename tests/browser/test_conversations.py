"""A resident votes through a conversation with and without JavaScript, adds a statement and finds
themself on the opinion map; pages are axe clean in Japanese and English."""
from __future__ import annotations

import re
import secrets

import pytest

from .a11y import axe_violations, describe
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

CONVERSATION = "/processes/station-square/conversations/1"


def _vote_ten(page, base: str) -> None:
    for n in range(10):
        page.goto(base + CONVERSATION)
        assert re.search(rf"^{n}／\d+ に回答$", page.locator("#progress").inner_text())
        with page.expect_navigation():
            page.click(("button.vote-agree", "button.vote-disagree", "button.vote-pass")[n % 3])
    page.goto(base + CONVERSATION)
    assert re.search(r"^10／\d+ に回答$", page.locator("#progress").inner_text())


@pytest.mark.parametrize("javascript", [False, True])
def test_resident_votes_adds_a_statement_and_sees_the_map(live_server, new_page, javascript):
    page = new_page(javascript=javascript)
    sign_in(page, live_server, "resident2@example.jp" if javascript else "resident3@example.jp")
    _vote_ten(page, live_server)
    page.click("text=意見を追加する")
    text = f"駅前に水飲み場がほしい {secrets.token_hex(2)}"
    page.fill("#text", text)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "似た意見がすでにあります" in page.content():
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert "意見を追加しました" in page.content()
    page.goto(live_server + CONVERSATION + "/my-votes")
    assert page.locator(".my-votes li").count() == 10
    with page.expect_navigation():
        page.locator(".my-votes li").first.locator("button").first.click()
    assert "投票を変更しました" in page.content()
    page.goto(live_server + CONVERSATION + "/map")
    assert page.locator(".opinion-map svg").count() == 1
    assert page.locator("text=グループA").first.is_visible()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_conversation_pages_are_axe_clean(live_server, new_page, lang):
    page = new_page()
    sign_in(page, live_server, "facilitator@example.jp")
    page.goto(f"{live_server}/?lang={lang}")
    found = {}
    for path in (CONVERSATION, CONVERSATION + "/map", CONVERSATION + "/my-votes", CONVERSATION + "/report",
                 CONVERSATION + "/statements/new", "/admin/conversations/1/"):
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, describe([{"page": p, "violations": v} for p, v in found.items()])


@pytest.mark.parametrize("path", [CONVERSATION, CONVERSATION + "/map", CONVERSATION + "/report"])
def test_conversation_pages_fit_a_phone(live_server, new_page, path):
    page = new_page(width=375, height=800)
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
