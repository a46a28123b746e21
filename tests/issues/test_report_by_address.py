"""Reporting by address or landmark (no map click, no JavaScript): the gazetteer resolves the place."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.issues.models import Issue
from tests.places.conftest import load


@pytest.fixture
def places(app, city):
    with app.app_context():
        load("abr_towns.csv", "abr_blocks.csv", "landmarks.csv")
        db.session.commit()


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_a_resident_reports_by_typing_the_block_without_touching_the_map(app, client, login, make_user, city,
                                                                         places, post_form):
    login(make_user())
    step1 = post_form("/issues/new", {"step": "1", "category_id": str(city["pothole"]), "address": "中町２丁目５",
                                      "latitude": "", "longitude": ""})
    page = step1.get_data(as_text=True)
    assert step1.status_code == 200 and "ステップ2/2" in page
    assert (_hidden(page, "latitude"), _hidden(page, "longitude")) == ("35.6555", "139.6915")
    assert "みどり川市西区中町2丁目付近" in page
    step2 = post_form("/issues/new", {"step": "2", "category_id": str(city["pothole"]), "address": "中町２丁目５",
                                      "latitude": "35.6555", "longitude": "139.6915", "title": "歩道に深い穴",
                                      "shown_nearby": ""})
    assert step2.status_code == 302
    with app.app_context():
        issue = db.session.scalar(select(Issue))
        assert (issue.latitude, issue.longitude, issue.address) == (35.6555, 139.6915, "中町２丁目５")
        assert issue.area is not None and issue.area.code == "nishi"
    detail = client.get(step2.headers["Location"]).get_data(as_text=True)
    assert "中町２丁目５（みどり川市西区中町2丁目付近）" in detail
    # the coordinates only behind the "More details" disclosure
    before_details = detail.split('<article class="issue">')[1].split("詳しく：緯度と経度")[0]
    assert "35.65550" not in before_details and "35.65550" in detail
    english = client.get(step2.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "near Naka-machi 2-chome, Nishi-ku, Midorikawa-shi" in english


def test_several_matches_ask_which_one_and_nothing_found_says_so(app, client, login, make_user, city, places,
                                                                 post_form):
    login(make_user())
    base = {"step": "1", "category_id": str(city["pothole"]), "latitude": "", "longitude": ""}
    several = post_form("/issues/new", {**base, "address": "中町"})
    page = several.get_data(as_text=True)
    assert several.status_code == 400 and "該当する場所が複数あります" in page and "どの場所ですか" in page
    ids = re.findall(r'name="place_id" value="(\d+)"', page)
    labels = re.findall(r'<label for="place-\d+">([^<]+)</label>', page)
    assert len(ids) >= 2 and "みどり川市西区中町1丁目" in labels
    first_chome = ids[labels.index("みどり川市西区中町1丁目")]
    chosen = post_form("/issues/new", {**base, "address": "中町", "place_id": first_chome})
    assert chosen.status_code == 200 and _hidden(chosen.get_data(as_text=True), "latitude") == "35.6535"

    missing = post_form("/issues/new", {**base, "address": "存在しない町9丁目"})
    assert missing.status_code == 400
    assert "「存在しない町9丁目」が見つかりませんでした" in missing.get_data(as_text=True)
    forged = post_form("/issues/new", {**base, "address": "", "place_id": "999999999"})
    assert forged.status_code == 400 and "地図" in forged.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Issue)) is None


def test_full_width_coordinates_are_accepted_and_the_map_point_wins_over_the_address(
        app, login, make_user, city, places, post_form):
    login(make_user())
    step1 = post_form("/issues/new", {"step": "1", "category_id": str(city["pothole"]), "address": "みどり川駅前",
                                      "latitude": "３５．６５８０", "longitude": "１３９．７０１６"})
    page = step1.get_data(as_text=True)
    assert step1.status_code == 200 and _hidden(page, "latitude") == "35.658"
    assert _hidden(page, "address") == "みどり川駅前"


def test_the_step_page_offers_the_search_and_the_centre_pin(client, login, make_user, city):
    login(make_user())
    page = client.get("/issues/new").get_data(as_text=True)
    assert 'data-place-search' in page and 'data-url="/places/search"' in page and "data-centre-pin" in page
    assert "詳しく：緯度と経度" in page and "data-locate hidden" in page


def _statements(app, client, path: str) -> tuple[int, str]:
    from sqlalchemy import event

    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        body = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count, body


def test_the_list_names_each_town_without_a_query_per_row(app, client, city, places, make_issue):
    make_issue(lat=35.6555, lon=139.6915)
    client.get("/issues/")  # the town index is built once per process and import
    one, _ = _statements(app, client, "/issues/")
    make_issue(lat=35.6535, lon=139.6833)
    make_issue(lat=35.6445, lon=139.6906)
    three, body = _statements(app, client, "/issues/")
    assert three == one
    assert body.count("みどり川市西区中町2丁目付近") == 1 and "みどり川市西区中町1丁目付近" in body
    assert "みどり川市西区桜台付近" in body


def test_the_issue_map_follows_the_list_filters_and_explains_the_pin_colours(client, city):
    page = client.get(f"/issues/?group=open&category={city['pothole']}&department={city['roads']}").get_data(
        as_text=True)
    geojson = re.search(r'data-geojson="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert geojson.startswith("/issues.geojson?") and "group=open" in geojson
    assert f"category={city['pothole']}" in geojson and f"department={city['roads']}" in geojson
    assert 'class="map-legend"' in page and "data-group-labels" in page
