"""End-to-end journeys in real Chromium, in Japanese (and one in English)."""
from __future__ import annotations

import secrets

import pytest
from PIL import Image

from .conftest import sign_in

# The threaded test server may leave a static file open when Chromium drops a connection.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def photo_file(tmp_path) -> str:
    path = tmp_path / "pothole.jpg"
    image = Image.new("RGB", (1200, 900), (110, 110, 110))
    image.save(path, format="JPEG")
    return str(path)


def test_new_resident_proposes_supports_and_replies_in_english(live_server, new_page):
    page = new_page()
    email = f"new-{secrets.token_hex(4)}@example.jp"
    page.goto(f"{live_server}/auth/register")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("#email", email)
    page.fill("#display_name", "新しい住民")
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.check("#accept_terms")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "ようこそ" in page.content()
    with page.expect_navigation():
        page.click("nav.lang-switch >> text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("nav.main-nav >> text=Processes")
    with page.expect_navigation():
        page.click("text=Station square redesign")
    with page.expect_navigation():
        page.click("main >> text=Make a proposal")
    page.fill("#title", "駅前広場に木陰とベンチを増やしたい")
    page.fill("#body", "Please plant trees on the east side and put benches under them.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#similar-title").is_visible()  # similar proposals are shown first
    assert "駅前広場に木陰のベンチを" in page.locator(".similar").inner_text()
    with page.expect_navigation():
        page.click("text=Publish my proposal")
    assert page.locator("h1").inner_text() == "駅前広場に木陰とベンチを増やしたい"
    # Support someone else's proposal.
    page.goto(f"{live_server}/processes/station-square/proposals/?q=ベビーカー")
    with page.expect_navigation():
        page.click(".proposal-list a >> nth=0")
    before = page.locator(".support-count").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Support this proposal").click()
    assert "Thank you for your support" in page.content()
    assert page.locator(".support-count").inner_text() != before
    # Reply to a comment.
    page.goto(f"{live_server}/processes/station-square/proposals/?sort=most_commented")
    with page.expect_navigation():
        page.click(".proposal-list a >> nth=0")
    with page.expect_navigation():
        page.click(".comment-actions >> text=Reply >> nth=0")
    page.fill("#reply-1 textarea[name=body], form.comment-form textarea[name=body]", "I agree, especially in summer.")
    with page.expect_navigation():
        page.click("text=Publish my reply")
    assert "I agree, especially in summer." in page.locator("#comments").inner_text()


def test_resident_reports_a_pothole_on_the_map_with_a_photo(live_server, new_page, tmp_path):
    page = new_page()
    sign_in(page, live_server, "resident2@example.jp")
    page.goto(f"{live_server}/issues/new")
    page.select_option("#category_id", label="道路の穴・段差")
    box = page.locator(".map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 6, box["y"] + box["height"] / 2 - 10)
    assert page.input_value("#latitude") != ""
    page.wait_for_selector("#nearby-live h2")  # offered the nearby duplicate at once
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#nearby-title").is_visible()
    assert "左車線に深い穴" in page.locator(".nearby").inner_text()
    title = f"歩道の端が陥没している {secrets.token_hex(2)}"
    page.fill("#title", title)  # declines: a different problem
    page.set_input_files("#photos", photo_file(tmp_path))
    with page.expect_navigation():
        page.click("text=報告を送信する")
    assert page.locator("h1").inner_text().endswith(title)
    assert page.locator(".gallery img").count() == 1
    assert page.locator(".map-small .map-pin").get_attribute("title") == title  # the small map of the place
    page.goto(f"{live_server}/issues/")
    page.wait_for_selector(".leaflet-marker-icon")
    titles = page.evaluate("Array.from(document.querySelectorAll('.leaflet-marker-icon')).map(m => m.title)")
    # its pin, named with its status, or the numbered cluster it joined (the demo pothole is a few metres away)
    assert any(t.startswith(title + " (") for t in titles) or any("件" in t for t in titles)


def test_report_with_keyboard_only_and_without_javascript(live_server, new_page):
    page = new_page(javascript=False)
    page.goto(f"{live_server}/auth/login?lang=ja")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#email")
    page.keyboard.type("resident2@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server}/issues/new?lang=ja")
    assert "地図の表示には JavaScript が必要です。代わりに上の欄に住所か目印を入力してください。" in page.content()
    page.focus("#category_id")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert page.input_value("#category_id") != ""
    page.focus("#address")
    page.keyboard.type("中町２丁目５")  # no map, no coordinates: the gazetteer finds the block
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "ステップ2/2" in page.content() and "みどり川市西区中町2丁目付近" in page.content()
    page.focus("#title")
    title = f"キーボードで報告 {secrets.token_hex(2)}"
    page.keyboard.type(title)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert title in page.locator("h1").inner_text()


def test_official_fixes_answers_facilitator_publishes_resident_is_told(live_server, new_page):
    official = new_page()
    sign_in(official, live_server, "official@example.jp")
    official.goto(f"{live_server}/admin/triage")
    with official.expect_navigation():
        official.click("a:has-text('左車線に深い穴')")
    for status, note in (("in_progress", "補修の手配をしました。"), ("fixed", "穴を埋めました。")):
        official.select_option("#status", status)
        official.fill("#status_note", note)
        with official.expect_navigation():
            official.click("text=状態を変更する")
        assert note in official.locator("#timeline").inner_text()
    # Answer an unanswered proposal: the phase holds answers until a facilitator publishes them.
    official.goto(f"{live_server}/processes/station-square/proposals/?state=not_answered&sort=newest")
    with official.expect_navigation():
        official.click("text=週末にマルシェを開ける広場に")
    official.click("text=この提案に回答する（職員用）")
    official.check("input[name=state][value=accepted]")
    official.fill("#text", "来年度から月1回の試行を始めます。")
    with official.expect_navigation():
        official.click("text=回答を保存")
    assert "公開待ちの回答" in official.content()

    facilitator = new_page()
    sign_in(facilitator, live_server, "facilitator@example.jp")
    facilitator.goto(f"{live_server}/processes/station-square/proposals/")
    with facilitator.expect_navigation():
        facilitator.click("text=公開待ちの回答をすべて公開する")
    assert "件の回答を公開しました" in facilitator.content()

    resident = new_page()
    sign_in(resident, live_server, "resident@example.jp")
    assert resident.locator(".main-nav .count").count() == 1  # unread notifications in the header
    with resident.expect_navigation():
        resident.click(".main-nav >> text=お知らせ")
    notes = resident.locator(".notifications").inner_text()
    assert "市が回答しました" in notes and "の状態が「" in notes
    with resident.expect_navigation():
        resident.click("text=提案「週末にマルシェを開ける広場に」に市が回答しました")  # followed by the answer's state
    assert "来年度から月1回の試行を始めます。" in resident.locator("#answer").inner_text()
    resident.goto(f"{live_server}/issues/1")
    timeline = resident.locator("#timeline").inner_text()
    assert "補修の手配をしました。" in timeline and "穴を埋めました。" in timeline


def test_facilitator_builds_a_survey_resident_answers_results_are_charted(live_server, new_page):
    facilitator = new_page()
    sign_in(facilitator, live_server, "facilitator@example.jp")
    facilitator.goto(f"{live_server}/admin/processes/")
    with facilitator.expect_navigation():
        facilitator.click("text=駅前広場の再整備")
    with facilitator.expect_navigation():
        facilitator.click("text=新しいアンケート")
    facilitator.fill("#title_ja", "夜の広場アンケート")
    facilitator.select_option("#phase_id", index=1)
    with facilitator.expect_navigation():
        facilitator.click("main form button[type=submit]")
    for qtype, text, options in (("short_text", "夜の広場の印象は？", ""),
                                 ("single_choice", "夜に広場を通りますか？", "よく通る\nたまに通る\n通らない"),
                                 ("scale", "夜の明るさは？", "")):
        with facilitator.expect_navigation():
            facilitator.get_by_role("link", name="質問を追加").click()
        facilitator.select_option("#type", qtype)
        facilitator.fill("#text_ja", text)
        if options:
            facilitator.fill("#options", options)
        with facilitator.expect_navigation():
            facilitator.click("main form button[type=submit]")
        assert text in facilitator.locator(".question-list").inner_text()
    survey_url = facilitator.url.replace("/admin/surveys/", "/processes/station-square/surveys/").rstrip("/")

    resident = new_page()
    sign_in(resident, live_server, "resident3@example.jp")
    resident.goto(survey_url)
    resident.fill("input[type=text][name^=q]", "暗くて少し怖い")
    resident.check("text=たまに通る")
    resident.check(".scale >> text=2")
    with resident.expect_navigation():
        resident.click("text=回答を送信する")
    assert "このアンケートにはすでに回答済みです" in resident.content()

    facilitator.check("#publish")
    with facilitator.expect_navigation():
        facilitator.click("section[aria-labelledby=publish-title] button")
    resident.goto(survey_url + "/results")
    assert resident.locator("svg.bar").count() >= 3 + 5
    assert "回答数 1件" in resident.locator("main").inner_text()


def test_three_flags_hide_a_comment_and_a_moderator_restores_it(live_server, new_page):
    author = new_page()
    sign_in(author, live_server, "resident3@example.jp")
    author.goto(f"{live_server}/processes/station-square/proposals/?state=not_answered&sort=newest")
    with author.expect_navigation():
        author.click(".proposal-list a >> nth=0")
    proposal_url = author.url
    text = f"ひどい意見 {secrets.token_hex(3)}"
    author.fill("form.comment-form textarea[name=body]", text)
    with author.expect_navigation():
        author.click("text=コメントを投稿する")
    for email in ("resident@example.jp", "resident2@example.jp", "facilitator@example.jp"):
        flagger = new_page()
        sign_in(flagger, live_server, email)
        flagger.goto(proposal_url)
        comment = flagger.locator(".comment", has_text=text)
        comment.locator("details.flag summary").click()
        comment.locator("input[value=offensive]").check()
        with flagger.expect_navigation():
            comment.locator("text=モデレーターに通報する").click()
        assert "モデレーターが確認します" in flagger.content()
    public = new_page()
    public.goto(proposal_url)
    assert text not in public.content()
    assert "複数の通報を受けて自動的に非表示になり、モデレーターの確認を待っています" in public.content()

    moderator = new_page()
    sign_in(moderator, live_server, "moderator@example.jp")
    moderator.goto(f"{live_server}/moderation/")
    case = moderator.locator(".cases > li", has_text=text)
    with moderator.expect_navigation():
        case.locator("text=元に戻す").click()
    assert "再び表示しました" in moderator.content()
    public.goto(proposal_url)
    assert text in public.content()
