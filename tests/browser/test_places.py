"""Reporting on a phone by address (suggestions), and by moving the map under the centre pin."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import SERVED, sign_in

PHONE = {"width": 375, "height": 800}


def _choose_category(page) -> None:
    page.select_option("#category_id", index=1)


def _send_details(page, title: str) -> str:
    page.fill("#title", title)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/issues/new" in page.url:  # reports nearby were filed meanwhile: they are now shown, send again
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert re.search(r"/issues/\d+$", page.url), page.url
    return page.url


def test_resident_types_an_address_picks_a_suggestion_and_the_issue_page_names_the_town(live_server, new_page):
    page = new_page(**PHONE)
    sign_in(page, live_server, "resident2@example.jp")
    page.goto(f"{live_server}/issues/new")
    page.wait_for_selector(".map.map-live.map-large .map-centre-pin")
    assert page.locator("#latitude").input_value() == ""  # an untouched map sets no point
    assert not page.locator("details.coordinates").evaluate("d => d.open")  # coordinates behind 詳しく
    page.locator("#address").press_sequentially("中町2丁目5", delay=30)
    option = page.get_by_role("option", name="みどり川市西区中町2丁目5番")
    option.wait_for()
    assert page.locator("#address").get_attribute("aria-expanded") == "true"
    option.click()
    assert page.locator("#address").input_value() == "みどり川市西区中町2丁目5番"
    assert (page.locator("#latitude").input_value(), page.locator("#longitude").input_value()) == \
        ("35.651500", "139.687900")
    _choose_category(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "みどり川市西区中町2丁目付近" in page.content()
    url = _send_details(page, "中町の歩道に穴")
    text = page.locator("main").inner_text()
    assert "みどり川市西区中町2丁目付近" in text and "35.65150" not in page.locator("dl.facts dd").first.inner_text()
    page.wait_for_selector(".map.map-small.map-live .map-pin")  # the small map of the place
    english = new_page(**PHONE, javascript=False)
    english.goto(url + "?lang=en")
    assert "near Naka-machi 2-chome, Nishi-ku, Midorikawa-shi" in english.locator("main").inner_text()


def test_moving_the_map_under_the_pin_changes_the_submitted_point(live_server, new_page):
    page = new_page(**PHONE)
    sign_in(page, live_server, "resident3@example.jp")
    page.goto(f"{live_server}/issues/new")
    box = page.wait_for_selector(".map.map-live.map-large").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y + 80, steps=8)
    page.mouse.up()
    expect(page.locator("#latitude")).not_to_have_value("")
    lat, lon = float(page.locator("#latitude").input_value()), float(page.locator("#longitude").input_value())
    centre = SERVED["app"].config["MAP_CENTER"]
    assert lat > centre[0] and lon > centre[1]  # dragged down-left: the point under the pin moved up-right
    _choose_category(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert float(page.locator("input[name=latitude]").input_value()) == lat
    assert float(page.locator("input[name=longitude]").input_value()) == lon
    _send_details(page, "ピンで選んだ場所")
    assert "付近" in page.locator("dl.facts").inner_text()
