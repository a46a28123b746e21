"""The gazetteer: import of every format, normalisation, search, resolve and the nearest town."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from participation.core.errors import InvalidInput
from participation.extensions import db
from participation.places import lookup
from participation.places.importer import import_file
from participation.places.models import Kind, Place
from participation.places.normalize import arabic_chome, en_key, kanji_to_int, key

from .conftest import DATA, load


@pytest.mark.parametrize("typed", [
    "中町2丁目5", "中町２丁目５", "中町2-5", "中町２－５", "中町2‐5", "中町2−5", "中町2ー5", "中町2—5", "中町2–5",
    "中町二丁目五", "中町二丁目五番", "中町2丁目5番", "中町 2 丁目 5 番地", "中町2の5", "中町２丁目５番付近",
])
def test_every_way_of_writing_a_block_gives_one_key(typed):
    assert key(typed) == "中町2-5"


@pytest.mark.parametrize(("typed", "expected"), [
    ("中町二丁目５番地３号", "中町2-5-3"), ("中町二丁目", "中町2"), ("中町2丁目", "中町2"),
    ("ﾅｶﾏﾁ2ｰ5", "なかまち2-5"), ("ナカマチ二丁目", "なかまち2"), ("なかまち2", "なかまち2"),
    ("中町二十三番", "中町23"), ("八王子", "八王子"), ("MIDORIKAWA駅", "midorikawa駅"),
])
def test_key_normalises_width_kana_and_kanji_numbers(typed, expected):
    assert key(typed) == expected


def test_kanji_numbers_and_display_forms():
    assert [kanji_to_int(t) for t in ("一", "十", "十二", "二十", "二十三", "一〇五", "百一", "中")] == \
        [1, 10, 12, 20, 23, 105, 101, None]
    assert arabic_chome("中町二丁目") == "中町2丁目"
    assert en_key("Naka-machi 2-chome") == "nakamachi2chome"


def test_each_format_imports_and_a_second_import_updates(app):
    with app.app_context():
        towns, blocks, nopos, pos, mlit_towns, mlit_blocks, landmarks = load(
            "abr_towns.csv", "abr_blocks.csv", "abr_towns_nopos.csv", "abr_town_pos.csv", "mlit_towns.csv",
            "mlit_blocks.csv", "landmarks.csv")
        assert [r.format for r in (towns, blocks, nopos, pos, mlit_towns, mlit_blocks, landmarks)] == [
            "abr_town", "abr_block", "abr_town", "abr_town_pos", "mlit_town", "mlit_block", "landmarks"]
        assert (towns.created, blocks.created, mlit_towns.created, landmarks.created) == (3, 2, 2, 2)
        assert (pos.updated, pos.skipped) == (1, 1)  # a position without its town is skipped
        # MLIT blocks: 3 distinct blocks, and 旭町一丁目 added as a town at the mean of its blocks
        assert (mlit_blocks.created, mlit_blocks.towns_added) == (3, 1)
        count = db.session.scalar(select(func.count()).select_from(Place))
        block = db.session.scalar(select(Place).where(Place.name_ja == "川端町一丁目3番"))
        assert (block.latitude, block.longitude) == (35.6721, 139.7061)  # the representative row
        asahi = db.session.scalar(select(Place).where(Place.name_ja == "旭町一丁目"))
        assert asahi.kind == Kind.TOWN and asahi.longitude == pytest.approx(139.706)
        honcho = db.session.scalar(select(Place).where(Place.name_ja == "本町一丁目"))
        assert honcho.latitude == 35.6715 and honcho.city_ja == "みどり川市北区"
        nakamachi = db.session.scalar(select(Place).where(Place.name_ja == "中町二丁目"))
        assert (nakamachi.key, nakamachi.kana_key, nakamachi.name_en) == ("中町2", "なかまち2", "Naka-machi 2-chome")

        again = load("abr_towns.csv", "mlit_blocks.csv", "landmarks.csv")
        assert [(r.created, r.updated) for r in again] == [(0, 3), (0, 3), (0, 2)]
        assert db.session.scalar(select(func.count()).select_from(Place)) == count


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"a,b,c\n1,2,3\n", "Line 1"),
    ("name_ja,name_en,kana,lat,lon\n駅,Station,えき,35.6,139.7\n公園,Park,こうえん,north,139.7\n".encode(),
     "Line 3"),
    ("name_ja,name_en,kana,lat,lon\n駅,Station,えき,95,139.7\n".encode(), "Line 2"),
    ("name_ja,name_en,kana,lat,lon\n,Station,えき,35,139.7\n".encode(), "Line 2"),
    (b"\xff\xfe\x00\x81", "UTF-8"),
    (b"lg_code,machiaza_id,blk_id,blk_num\n1,2,3,4\n", "Line 2"),  # a block of an unknown town
])
def test_bad_files_are_refused_naming_the_line(app, content, message):
    with app.app_context(), force_locale("en"):
        with pytest.raises(InvalidInput) as raised:
            import_file(content, "bad.csv")
        assert message in str(raised.value.message)


def test_shift_jis_and_bom_are_read(app):
    with app.app_context():
        raw = (DATA / "mlit_towns.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert import_file(raw, "x.csv").created == 2
        assert (DATA / "abr_towns.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_search_suggests_up_to_eight_matching_places(app, gazetteer):
    with app.test_request_context("/?lang=ja"):
        assert [m.name_ja for m in lookup.search("中町2丁目5")] == ["中町2丁目5番"]
        assert [m.name_ja for m in lookup.search("中町")][:3] == ["中町1丁目", "中町2丁目", "中町2丁目5番"]
        assert [m.name_ja for m in lookup.search("ナカマチ2")][0] == "中町2丁目"
        assert [m.name_ja for m in lookup.search("ﾅｶﾏﾁ")][0] == "中町1丁目"
        assert [m.name_ja for m in lookup.search("midorikawa st")] == ["みどり川駅"]
        assert [m.name_ja for m in lookup.search("公園")] == ["中央公園"]  # contains, for landmarks
        assert [m.name_ja for m in lookup.search("みどり川市西区中町2-6")] == ["中町2丁目6番"]
        assert [m.name_ja for m in lookup.search("中町2丁目5番3号")] == ["中町2丁目5番"]  # no house numbers
        assert lookup.search("") == [] and lookup.search("   ") == [] and lookup.search("存在しない町") == []
        assert len(lookup.search("町", limit=50)) <= 8
        assert lookup.search("%") == [] and lookup.search("_") == []


def test_resolve_finds_the_one_place_or_none(app, gazetteer):
    with app.test_request_context("/"):
        assert lookup.resolve("中町２丁目５").name_ja == "中町2丁目5番"
        assert lookup.resolve("中町二丁目五番三号").name_ja == "中町2丁目5番"
        assert lookup.resolve("川端町1-3").name_ja == "川端町1丁目3番"
        assert lookup.resolve("みどり川駅").kind == "landmark"
        assert lookup.resolve("みどり川駅前").name_ja == lookup.resolve("みどり川駅の近く").name_ja == "みどり川駅"
        assert lookup.resolve("中町") is None  # several towns
        assert lookup.resolve("どこでもない") is None


def test_reverse_names_the_nearest_town(app, gazetteer):
    with app.test_request_context("/"):
        town = lookup.reverse(35.6551, 139.6912)  # between 中町2丁目's blocks
        assert town.name_ja == "中町2丁目" and town.city_ja == "みどり川市西区"
        assert lookup.reverse(35.6621, 139.7059).name_ja == "旭町1丁目"  # an MLIT block's town
        assert lookup.reverse(35.0, 135.0) is None  # far from every town
        assert lookup.reverse(None, None) is None
        assert lookup.place_name(35.6551, 139.6912, "ja") == "みどり川市西区中町2丁目付近"
        assert lookup.place_name(35.6551, 139.6912, "en") == "near Naka-machi 2-chome, Nishi-ku, Midorikawa-shi"


def test_the_reverse_index_follows_imports(app, gazetteer):
    with app.test_request_context("/"):
        assert lookup.reverse(35.6300, 139.7500) is None
    with app.app_context():
        import_file("name_ja,name_en,kana,lat,lon\n遠くの丘,,,35.63,139.75\n".encode(), "x.csv")
        import_file(b"lg_code,machiaza_id,city,ward,oaza_cho,rep_lat,rep_lon\n"
                    b"9,1,\xe5\xb8\x82,,\xe4\xb8\x98,35.6301,139.7501\n", "y.csv")
        db.session.commit()
    with app.test_request_context("/"):
        assert lookup.reverse(35.6300, 139.7500).name_ja == "丘"


def test_search_endpoint_answers_json(client, gazetteer):
    response = client.get("/places/search?q=中町2丁目5&lang=ja")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == [{"name": "みどり川市西区中町2丁目5番", "kind": "block", "lat": 35.6555,
                                    "lon": 139.6915}]
    assert client.get("/places/search?q=").get_json() == []
    assert client.get("/places/search").get_json() == []
    assert len(client.get("/places/search?q=町").get_json()) <= 8
    assert client.get("/places/search?q=" + "中" * 5000).status_code == 200
    english = client.get("/places/search?q=nakamachi&lang=en").get_json()
    assert english[0]["name"] == "Naka-machi 1-chome, Nishi-ku, Midorikawa-shi"


def test_search_endpoint_is_rate_limited(app, client, gazetteer):
    app.config["PLACES_SEARCH_RATE_LIMIT"] = "3 per minute"
    codes = [client.get("/places/search?q=中町").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_full_width_numbers_are_read_in_every_coordinate_and_number_field(app):
    from participation.core.forms import halfwidth_number
    from participation.core.geo import clean_location

    assert clean_location("３５．６５", "１３９．７０") == (35.65, 139.70)
    assert clean_location("－３５．６５", "１３９") == (-35.65, 139.0)
    assert halfwidth_number("　１２　") == "12" and halfwidth_number(None) is None
    assert int("１２３") == 123  # WTForms' IntegerField reads full-width digits as they are


def test_the_cli_imports_files_in_order_and_names_the_bad_line(app, runner, tmp_path):
    ok = runner.invoke(args=["places", "import", str(DATA / "abr_towns.csv"), str(DATA / "abr_blocks.csv")])
    assert ok.exit_code == 0, ok.output
    assert "(abr_town): 3 created, 0 updated" in ok.output and "(abr_block): 2 created" in ok.output
    again = runner.invoke(args=["places", "import", str(DATA / "abr_towns.csv")])
    assert "0 created, 3 updated" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name_ja,name_en,kana,lat,lon\n駅,Station,えき,35.6,139.7\n公園,Park,こうえん,north,139.7\n",
                   encoding="utf-8")
    refused = runner.invoke(args=["places", "import", str(bad)])
    assert refused.exit_code != 0 and "3" in refused.output and "north" in refused.output
    with app.app_context():  # nothing of the refused file was kept
        assert db.session.scalar(select(func.count()).select_from(Place).where(Place.kind == Kind.LANDMARK)) == 0
