"""Proposals and places: the list's map follows its filters; the page names the town, not coordinates."""
from __future__ import annotations

from participation.extensions import db
from tests.places.conftest import load


def test_the_proposal_map_follows_the_state_and_search_filters(client, make_process, make_proposal):
    process = make_process("square")
    make_proposal(process, title="中町にベンチを置く", latitude="35.6555", longitude="139.6915")
    make_proposal(process, title="駅前の駐輪場", latitude="35.6585", longitude="139.7010")
    page = client.get("/processes/square/proposals/?state=all&q=ベンチ").get_data(as_text=True)
    assert 'data-geojson="/processes/square/proposals.geojson?q=%E3%83%99%E3%83%B3%E3%83%81"' in page
    everything = client.get("/processes/square/proposals.geojson").json["features"]
    searched = client.get("/processes/square/proposals.geojson?q=ベンチ").json["features"]
    assert len(everything) == 2 and [f["properties"]["title"] for f in searched] == ["中町にベンチを置く"]
    assert client.get("/processes/square/proposals.geojson?state=accepted").json["features"] == []


def test_the_proposal_page_names_the_town_and_shows_a_small_map(app, client, make_process, make_proposal):
    with app.app_context():
        load("abr_towns.csv", "abr_blocks.csv")
        db.session.commit()
    proposal = make_proposal(make_process("square"), latitude="35.6555", longitude="139.6915")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "みどり川市西区中町2丁目付近" in page and "map-small" in page and 'data-marker="default"' in page
    assert page.index("詳しく：緯度と経度") < page.index("35.65550")
